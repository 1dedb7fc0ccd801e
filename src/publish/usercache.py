"""The per-user cache: what publish keeps from one run to the next on this machine,
outside any book (platformdirs: ``~/.cache/publish/`` on Linux; ``PUBLISH_USER_CACHE``
names another folder).

Each kind has a folder of its own: ``fonts/`` (the static instances, the EPUB's font
subsets and the faces' characters: ``fonts.py``, ``writers/epub_fonts.py``;
``PUBLISH_FONT_CACHE`` names another folder for them), ``templates/`` (Jinja's compiled
templates: ``render``), ``collation/`` (the index's sort keys: ``index.py``).  What is
there is made by publish from its own inputs, never copied from a book; an entry that
is missing, does not read or cannot be written is no error: the run computes it again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def folder(kind: str) -> Path:
    """The folder of ``kind`` (made when first written)."""
    given = os.environ.get("PUBLISH_USER_CACHE")
    if given:
        return Path(given) / kind
    import platformdirs

    return platformdirs.user_cache_path("publish") / kind


def write_whole(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path``: written beside it, then renamed, so that another run
    reads the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_json(path: Path, convert: Callable[[Any], T], empty: T) -> T:
    """The JSON table at ``path`` as ``convert`` makes it of the parsed value; ``empty``
    when there is none or it does not read (``convert`` raising on a value of another
    shape)."""
    import json

    try:
        return convert(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return empty


def write_json(path: Path, value: Any) -> None:
    """Put ``value`` at ``path`` as JSON (``write_whole``); a cache that cannot be written
    is no error."""
    import json

    try:
        write_whole(path, json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def keep_newest(paths: Iterable[Path], count: int) -> None:
    """Remove all but the ``count`` newest (by modification time) of ``paths`` (files, or
    folders and what they hold)."""
    import shutil

    found = sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    for old in found[count:]:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
