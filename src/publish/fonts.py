"""The book's fonts: static instances of the font packages' variable fonts.

In: the fonts of PyPI packages: fontpkg-eb-garamond (the book font: one roman, one
italic, weight axis 400-800), and, for the scripts it lacks, fontpkg-frank-ruhl-libre
(Hebrew, variable) and fontpkg-amiri (Arabic, static files), all under the SIL OFL 1.1.
Out: the font files the stylesheets name (``styles/fonts.css``), one per face, by file
name; the characters no face has (which faces the EPUB embeds: ``writers/epub_fonts.py``).

Why static instances: WeasyPrint turns a variable font into a static one each time it
writes a PDF (fontTools' instancer, about 0.2 s a face), so a book laid out in units paid
that once per unit and the EPUB's cover once more.  The first build on a machine makes
each face once with the same instancer (``ensure``, with a progress line; ``python -m
publish.fonts`` does it ahead, as ``make setup`` does) into the per-user cache
(``usercache``: ``~/.cache/publish/fonts/<versions>/`` on Linux; ``PUBLISH_FONT_CACHE``
names another folder for the fonts alone); they are also the faces the EPUB embeds
(many reading systems cannot apply a weight axis).  Where that folder cannot be
written, each face's name is served by the variable font itself, which WeasyPrint sets
at the face's weight: the same
text on as many pages, but not always the same lines (measured: with all four faces
from the variable fonts, one line of the starter book breaks a word earlier), slower
writes, a larger EPUB.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Face:
    package: str  # the PyPI distribution that ships the font (its module: dashes as underscores)
    source: str  # the file in the package's ``files/``
    weight: int | None  # a variable source: the weight of its static instance; None: served as it is
    book: bool = True  # a face of the book font (else a fallback, for scripts the book font lacks)

    @property
    def path(self) -> Path:
        import importlib

        return Path(importlib.import_module(self.package.replace("-", "_")).ROOT) / "files" / self.source


#: Face file name (as ``styles/fonts.css`` names it) -> where it comes from.  EB Garamond
#: sets the book; Frank Ruhl Libre (Hebrew) and Amiri (Arabic) stand in for the scripts it
#: lacks, declared after it in every ``font-family``, so no system font is picked by chance.
FACES = {
    "EBGaramond-Regular.ttf": Face("fontpkg-eb-garamond", "EBGaramond[wght].ttf", 400),
    "EBGaramond-Bold.ttf": Face("fontpkg-eb-garamond", "EBGaramond[wght].ttf", 700),
    "EBGaramond-Italic.ttf": Face("fontpkg-eb-garamond", "EBGaramond-Italic[wght].ttf", 400),
    "EBGaramond-BoldItalic.ttf": Face("fontpkg-eb-garamond", "EBGaramond-Italic[wght].ttf", 700),
    "FrankRuhlLibre-Regular.ttf": Face("fontpkg-frank-ruhl-libre", "FrankRuhlLibre[wght].ttf", 400, book=False),
    "FrankRuhlLibre-Bold.ttf": Face("fontpkg-frank-ruhl-libre", "FrankRuhlLibre[wght].ttf", 700, book=False),
    "Amiri-Regular.ttf": Face("fontpkg-amiri", "Amiri-Regular.ttf", None, book=False),
    "Amiri-Bold.ttf": Face("fontpkg-amiri", "Amiri-Bold.ttf", None, book=False),
    "Amiri-Italic.ttf": Face("fontpkg-amiri", "Amiri-Italic.ttf", None, book=False),
    "Amiri-BoldItalic.ttf": Face("fontpkg-amiri", "Amiri-BoldItalic.ttf", None, book=False),
}

#: The colophon's line on the typeface (the theme's font, so the theme's wording).
NOTICE = "Set in EB Garamond, © 2017 The EB Garamond Project Authors, under the SIL Open Font License 1.1."


def instances_dir() -> Path:
    """Where the instances are: by the versions of the font packages and of the
    instancer (fontTools) that made them."""
    import os

    from .cache import package_version

    packages = sorted({f.package for f in FACES.values() if f.weight})
    versions = "-".join(f"{package_version(p)}" for p in packages) + f"-fonttools-{package_version('fonttools')}"
    given = os.environ.get("PUBLISH_FONT_CACHE")
    if given:
        return Path(given) / versions
    from .usercache import folder

    return folder("fonts") / versions


def licences() -> dict[str, Path]:
    """Each font package's licence (the OFL), as it ships it, by the face files it
    covers' package: it travels with the faces (in the EPUB beside them)."""
    return {f.package: f.path.parents[1] / "LICENSE" for f in FACES.values()}


def licence() -> Path:
    """The book font's licence."""
    return licences()["fontpkg-eb-garamond"]


def faces() -> dict[str, Path]:
    """Each face's file: its static instance if made (or the package's static file),
    else the variable font."""
    made = instances_dir()
    return {name: made / name if face.weight and (made / name).is_file() else face.path for name, face in FACES.items()}


def characters(name: str) -> frozenset[int]:
    """The code points face ``name`` has a glyph for (its package's file: an instance
    has the same)."""
    return _characters(str(FACES[name].path))


@functools.cache
def _covered() -> frozenset[int]:
    return frozenset().union(*(characters(n) for n in FACES))


@functools.cache
def _characters(path: str) -> frozenset[int]:
    """From the table kept beside the instances (``CHARACTERS``), else from the face's
    cmap, then kept there: fontTools took 0.1 s of each build to read the seven faces'."""
    name = Path(path).name
    chars = _kept_characters().get(name)
    if chars is None:
        from fontTools.ttLib import TTFont

        chars = frozenset(TTFont(path, lazy=True).getBestCmap())
        _keep_characters(name, chars)
    return chars


#: The faces' characters, kept in the per-user font cache (by the font packages'
#: versions, as the instances are): {face file name: [code points]}.
CHARACTERS = "characters.json"


@functools.cache
def _kept_characters() -> dict[str, frozenset[int]]:
    from .usercache import read_json

    return read_json(  # (none yet, or not a table: the faces are read)
        instances_dir() / CHARACTERS,
        lambda table: {str(name): frozenset(int(c) for c in chars) for name, chars in table.items()},
        {},
    )


def _keep_characters(name: str, chars: frozenset[int]) -> None:
    """Add a face's characters to the kept table."""
    from .usercache import write_json

    kept = _kept_characters()
    kept[name] = chars
    write_json(instances_dir() / CHARACTERS, {k: sorted(v) for k, v in kept.items()})


def uncovered(text: str) -> list[str]:
    """The characters of ``text`` that no face has (controls, format characters and
    spaces aside): a system font would stand in for them."""
    import unicodedata

    book = characters("EBGaramond-Regular.ttf")
    if all(ord(c) in book for c in set(text)):  # most books: the fallbacks' tables are not even read
        return []
    have = _covered()
    return sorted(c for c in set(text) if ord(c) not in have and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp"))


def digest() -> str:
    """A digest of the files serving the faces (part of the build cache's keys)."""
    import hashlib

    total = hashlib.sha256()
    for name, path in sorted(faces().items()):
        total.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def missing() -> list[str]:
    """The faces whose static instance is not made yet."""
    return [name for name, face in FACES.items() if face.weight and not (instances_dir() / name).is_file()]


def static() -> bool:
    """Whether every face is served by its static instance."""
    return not missing()


def make_instance(name: str) -> Path:
    """Write face ``name``'s static instance (written beside, then renamed: another
    process may be making it too)."""
    import os
    import tempfile

    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    face = FACES[name]
    target = instances_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    # (The variable font's timestamps kept: the same package gives the same bytes.)
    font = instantiateVariableFont(TTFont(face.path, recalcTimestamp=False), {"wght": face.weight}, static=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def ensure(say: Callable[[str], None] = lambda s: None) -> None:
    """Make the faces' static instances if they are missing (the first build on a
    machine: a few seconds).  A cache that cannot be written is not an error: the
    variable fonts serve the faces (see above)."""
    todo = missing()
    if not todo:
        return
    say(f"making the fonts' static faces, once for this machine, into {instances_dir()}")
    try:
        for name in todo:
            make_instance(name)
    except OSError as exc:
        say(f"note: could not write the static faces ({exc.strerror}); the variable fonts serve them")


def main() -> None:
    """Make the missing instances, two at a time (each takes 2-4 s)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        for path in pool.map(make_instance, missing()):
            print(f"made {path}")


if __name__ == "__main__":
    main()
