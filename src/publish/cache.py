"""The build cache under ``<output>/.publish-cache/``: what the last build was made
from, what it wrote, and rendered pieces worth keeping.

In: the inputs of a build (every file of the manuscript, styles and templates, the
package's own code, the versions of the engines, the options, SOURCE_DATE_EPOCH and the
manuscript's git revision).  Out: a key; a build whose key and outputs match the
record does nothing.  The outputs are checked by content hash, so a changed or missing
output is rebuilt: the cache can make a build faster, never stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
ENGINES = (
    "weasyprint",
    "ebooklib",
    "pypdf",
    "pikepdf",
    "lxml",
    "pypdfium2",
    "jinja2",
    "markdown-it-py",
    "mdit-py-plugins",
    "fontpkg-eb-garamond",
    "fontpkg-frank-ruhl-libre",
    "fontpkg-amiri",
)


#: Folders that are never inputs: caches and version control (the revision is a key of its own).
NOT_INPUTS = frozenset({".publish-cache", ".git", "__pycache__", ".venv"})


def tree_digest(
    *folders: Path, suffixes: tuple[str, ...] = (), exclude: tuple[str, ...] = (), skip: tuple[Path, ...] = ()
) -> str:
    """A digest of every file under ``folders`` (relative names and bytes, sorted); only
    those ending in ``suffixes`` if given, none ending in ``exclude``, none under a folder
    of ``skip`` (the output folder, when it is inside the book's) or of ``NOT_INPUTS``."""
    digest = hashlib.sha256()
    skip = tuple(s.resolve() for s in skip)
    for index, folder in enumerate(folders):
        if not folder.exists():
            continue
        digest.update(f"{index}\0".encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            if (suffixes and path.suffix not in suffixes) or path.suffix in exclude:
                continue
            if NOT_INPUTS.intersection(path.relative_to(folder).parts[:-1]):
                continue
            if skip and any(path.resolve().is_relative_to(s) for s in skip):
                continue
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(_file_digest(path))
    return digest.hexdigest()


#: Files larger than this are known by their size and time, not read (a build's inputs
#: are text and small images; a huge file in a book's folder must not stall every build).
MAX_HASHED_BYTES = 64 * 1024 * 1024


def _file_digest(path: Path) -> bytes:
    info = path.stat()
    if info.st_size > MAX_HASHED_BYTES:
        return f"{info.st_size}:{info.st_mtime_ns}".encode()
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


@functools.cache
def package_version(name: str) -> str | None:
    """An installed package's version (None: not installed), read once per process:
    importlib.metadata parses the package's METADATA file each time, a tenth of an EPUB
    rebuild inside ``publish watch``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _versions() -> str:
    """The installed versions of the engines, and a digest of the fonts serving the faces."""
    versions = []
    for name in ENGINES:
        versions.append(f"{name}={package_version(name) or 'none'}")
    from . import fonts

    versions.append(f"fonts={fonts.digest()}")  # static instances or variable fonts, see fonts.py
    return ";".join(versions)


@functools.cache
def code_digest() -> str:
    """A digest of publish's own code (its modules and the hyphenation patterns), once a
    process."""
    return tree_digest(PACKAGE, suffixes=(".py", ".dic"))


def inputs_key(paths: Any, options: Any, revision: str) -> str:
    """Everything a build's outputs depend on (``paths``: a ``build.Paths``)."""
    parts = [
        tree_digest(paths.manuscript, skip=(paths.output,)),
        tree_digest(*paths.styles),
        tree_digest(*paths.templates),
        code_digest(),
        _versions(),
        _icc() if "print" in options.get("profiles", ()) or "cover" in options.get("formats", ()) else "",  # (the cover's too)
        json.dumps(options, sort_keys=True),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        revision,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _icc() -> str:
    """The CMYK profiles the print profile may take (their folder is the system's)."""
    from .theme import icc_folder

    return tree_digest(icc_folder(), suffixes=(".icc",))


def layout_salt(manuscript: Path, styles: tuple[Path, ...], output: Path) -> str:
    """What a layout depends on beyond its HTML: the stylesheets and fonts (by name in
    the HTML), the manuscript's other files (images), the engines' and our code's
    versions, the CMYK profiles."""
    parts = [
        tree_digest(*styles),
        tree_digest(manuscript, exclude=(".md", ".yaml", ".yml"), skip=(output,)),
        code_digest(),
        _versions(),
        _icc(),  # (the print profile's output intent)
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_digest(path: Path) -> str:
    if path.is_dir():
        return tree_digest(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


class BuildCache:
    def __init__(self, output: Path):
        self.dir = output / ".publish-cache"
        self.record_file = self.dir / "last-build.json"

    def last(self) -> dict[str, Any]:
        try:
            return json.loads(self.record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def up_to_date(self, key: str) -> dict[str, Any] | None:
        """The last build's record if it was made from ``key`` and its outputs are intact."""
        last = self.last()
        if last.get("key") != key or not last.get("outputs"):
            return None
        for name, digest in last["outputs"].items():
            if file_digest(Path(name)) != digest:
                return None
        return last

    def record(self, key: str, outputs: dict[str, Path], state: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"key": key, "outputs": {str(p): file_digest(p) for p in outputs.values()}, "state": state}
        tmp = self.record_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.record_file)

    def get(self, kind: str, key: str) -> bytes | None:
        path = self.dir / kind / key
        return path.read_bytes() if path.exists() else None

    def has(self, kind: str) -> bool:
        """Whether any piece of ``kind`` is kept."""
        folder = self.dir / kind
        return folder.is_dir() and any(folder.iterdir())

    def put(self, kind: str, key: str, data: bytes) -> None:
        folder = self.dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / key)

    def prune(self, kind: str, keep: set[str]) -> None:
        """Remove the pieces of ``kind`` that are not in ``keep`` (what the last build used)."""
        folder = self.dir / kind
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)


def digest(*parts: Any) -> str:
    """A key for a rendered piece: the digest of the reprs of what it is made from (the
    model's frozen dataclasses have deterministic reprs)."""
    return hashlib.sha256("\n".join(repr(p) for p in parts).encode()).hexdigest()
