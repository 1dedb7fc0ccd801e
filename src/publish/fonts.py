"""The book's fonts: static instances of the font package's variable fonts.

In: the variable fonts of the PyPI package fontpkg-eb-garamond (one roman, one italic,
weight axis 400-800).  Out: the font files the stylesheets name (``styles/fonts.css``),
one per face, by file name.

Why static instances: WeasyPrint turns a variable font into a static one each time it
writes a PDF (fontTools' instancer, about 0.2 s a face), so a book laid out in units paid
that once per unit and the EPUB's cover once more.  The first build on a machine makes
each face once with the same instancer (``ensure``, with a progress line; ``python -m
publish.fonts`` does it ahead, as ``make setup`` does) into the per-user cache
(platformdirs: ``~/.cache/publish/fonts/<versions>/`` on Linux; ``PUBLISH_FONT_CACHE``
names another folder); they are also the faces the EPUB embeds (many reading systems
cannot apply a weight axis).  Where that folder cannot be written, each face's name is
served by the variable font itself, which WeasyPrint sets at the face's weight: the same
pages, slower writes, a larger EPUB.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path

#: Face file name -> (the package's variable font, weight).
FACES = {
    "EBGaramond-Regular.ttf": ("EBGaramond[wght].ttf", 400),
    "EBGaramond-Bold.ttf": ("EBGaramond[wght].ttf", 700),
    "EBGaramond-Italic.ttf": ("EBGaramond-Italic[wght].ttf", 400),
    "EBGaramond-BoldItalic.ttf": ("EBGaramond-Italic[wght].ttf", 700),
}
PACKAGE = "fontpkg-eb-garamond"


def instances_dir() -> Path:
    """Where the instances are: by the versions of the font package and of the
    instancer (fontTools) that made them."""
    import os

    versions = f"{metadata.version(PACKAGE)}-fonttools-{metadata.version('fonttools')}"
    given = os.environ.get("PUBLISH_FONT_CACHE")
    if given:
        return Path(given) / versions
    import platformdirs

    return platformdirs.user_cache_path("publish") / "fonts" / versions


def _variable(name: str) -> Path:
    import fontpkg_eb_garamond

    return Path(fontpkg_eb_garamond.ROOT) / "files" / name


#: The colophon's line on the typeface (the theme's font, so the theme's wording).
NOTICE = "Set in EB Garamond, © 2017 The EB Garamond Project Authors, under the SIL Open Font License 1.1."


def licence() -> Path:
    """The font's licence, the OFL, as the font package ships it: it travels with the
    faces (in the EPUB beside them)."""
    import fontpkg_eb_garamond

    return Path(fontpkg_eb_garamond.ROOT) / "LICENSE"


def faces() -> dict[str, Path]:
    """Each face's file: its static instance if made, else the variable font."""
    made = instances_dir()
    return {name: made / name if (made / name).is_file() else _variable(source) for name, (source, _) in FACES.items()}


def digest() -> str:
    """A digest of the files serving the faces (part of the build cache's keys)."""
    import hashlib

    total = hashlib.sha256()
    for name, path in sorted(faces().items()):
        total.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def missing() -> list[str]:
    """The faces whose static instance is not made yet."""
    return [name for name in FACES if not (instances_dir() / name).is_file()]


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

    source, weight = FACES[name]
    target = instances_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    # (The variable font's timestamps kept: the same package gives the same bytes.)
    font = instantiateVariableFont(TTFont(_variable(source), recalcTimestamp=False), {"wght": weight}, static=True)
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
