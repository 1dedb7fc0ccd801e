"""The default theme: the templates and stylesheets a book is rendered with.

In a wheel they are package data (``publish/theme/templates`` and
``publish/theme/styles``, copied there from the project's ``templates/`` and ``styles/``
by the build backend, see pyproject.toml); in a source checkout (an editable install)
they are those folders themselves.  A book overrides any file of the theme by putting
its own of the same name in its ``templates/`` or ``styles/`` folder: ``layers`` lists
the folders to look in, the book's first, the theme's last.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .diagnostics import PublishError
from .fonts import FACES

_CHECKOUT = Path(__file__).resolve().parents[2]
#: Debian's libgs-common: Ghostscript's generic CMYK profile, the print profile's default.
SYSTEM_ICC = Path("/usr/share/color/icc/ghostscript")


def icc_folder() -> Path:
    """Where the CMYK profiles are: ``PUBLISH_ICC_DIR`` if set, else Debian's libgs-common's."""
    import os

    return Path(os.environ.get("PUBLISH_ICC_DIR") or SYSTEM_ICC)


def folder(name: str) -> Path:
    """The theme's ``templates`` or ``styles`` folder."""
    packaged = resources.files("publish") / "theme" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    if (_CHECKOUT / name).is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT / name
    raise PublishError(f"the installed publish has no theme {name} folder: reinstall the package")


def linked_folder(book: Path, name: str) -> bool:
    """Whether the book's folder ``name`` is a link, or leads out of the book: its files
    are not the book's, and listing it would read elsewhere (M006)."""
    own = book / name
    return own.is_symlink() or (own.exists() and not own.resolve().is_relative_to(book.resolve()))


def layers(name: str, book: Path, given: Path | None = None) -> tuple[Path, ...]:
    """Where ``name`` files are looked up, in order: the folder given on the command
    line, the book's own ``<book>/<name>``, then the theme's.  The book's folder must be
    a folder of the book, not a link to one elsewhere (M006)."""
    found = [given] if given is not None else []
    own = book / name
    if linked_folder(book, name):
        from .diagnostics import Code, Collector
        from .model import Loc

        refused = Collector()
        refused.error(Code.UNREADABLE, Loc(name), f"`{name}/` is a link to a folder outside the book; copy the files in instead")
        refused.raise_if_errors()
    if own.is_dir():
        found.append(own)
    theme = folder(name)
    return tuple(dict.fromkeys(p.resolve() for p in [*found, theme]))


def layer_file(layer: Path, name: str) -> Path | None:
    """``layer/name`` if it is a regular file inside ``layer`` once links are followed
    (a link to a file elsewhere, a pipe or a device is not a file of the layer)."""
    try:
        real = (layer / name).resolve()
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(layer.resolve()) and real.is_file() else None


def first_file(layers: tuple[Path, ...], name: str) -> Path | None:
    """The first file called ``name`` in ``layers`` (``layer_file``), or None."""
    return next((found for found in (layer_file(layer, name) for layer in layers) if found), None)


def lookup(layers: tuple[Path, ...], name: str) -> Path:
    """The first file called ``name`` in ``layers`` (the theme's path, if no layer has it)."""
    return first_file(layers, name) or layers[-1] / name


#: The stylesheets a build reads, by format (the EPUB carries its three).
STYLESHEETS = ("fonts.css", "base.css", "print.css", "epub.css")


@functools.lru_cache(maxsize=32)
def stylesheet_urls(css: str) -> tuple[tuple[int, str, str], ...]:
    """Every URL a stylesheet names: (line, URL, "import" or "url"), read with tinycss2
    (WeasyPrint's CSS parser); the theme's own are parsed once per process."""
    import tinycss2

    out: list[tuple[int, str, str]] = []

    def walk(tokens: Any) -> None:
        for t in tokens or ():
            if t.type == "url":
                out.append((t.source_line, t.value, "url"))
            elif t.type == "function" and t.lower_name == "url":
                strings = [a.value for a in t.arguments if a.type == "string"]
                out.append((t.source_line, strings[0] if strings else "", "url"))
            elif t.type == "at-rule" and t.lower_at_keyword == "import":
                strings = [a.value for a in t.prelude if a.type in ("string", "url")]
                out.append((t.source_line, strings[0] if strings else "", "import"))
                continue
            for part in ("prelude", "content", "arguments"):
                if isinstance(getattr(t, part, None), list):
                    walk(getattr(t, part))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return tuple(out)


#: What the EPUB can carry for a stylesheet, by extension: EPUB 3.3's core media types
#: for images and fonts.
EPUB_MEDIA = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}

#: The stylesheets the EPUB carries whose other files it carries too (fonts.css's faces
#: are chosen by the text's scripts: see build._build_epub).
EPUB_SHEETS = ("base.css", "epub.css")


def epub_resources(styles: tuple[Path, ...]) -> dict[str, Path]:
    """The files ``base.css`` and ``epub.css`` name (an ornament, a background), by
    their path relative to the stylesheets, for the EPUB to carry beside them
    (``check_stylesheets`` has vouched for each name)."""
    import posixpath

    from .fonts import faces

    out: dict[str, Path] = {}
    for sheet in EPUB_SHEETS:
        path = lookup(styles, sheet)
        if not path.is_file():
            continue
        for _, url, _ in stylesheet_urls(path.read_text(encoding="utf-8")):
            name = posixpath.normpath(urlsplit(url).path)  # (``./a.png``, ``a//b.png``: where a reader looks)
            found = first_file(styles, name)
            if found is None and name.startswith("fonts/"):
                found = faces().get(name.removeprefix("fonts/"))  # a face of the font packages
            if found is not None:
                out[name] = found
    return out


def check_stylesheets(styles: tuple[Path, ...], found: Any) -> None:
    """Each stylesheet the build reads names only files beside it, by a relative path
    inside the styles folder: no scheme (``http:``, ``file:``, ``data:``), no absolute
    path, no ``..``, no ``@import`` (the EPUB carries its stylesheets as they are, so a
    reference that the PDF's fetcher would refuse must not reach the EPUB either).  Each
    finding names the stylesheet's file and line (R001)."""
    from .diagnostics import Code
    from .model import Loc

    for name in STYLESHEETS:
        path = lookup(styles, name)
        if not path.is_file():
            continue
        try:
            css = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.error(Code.RESOURCE_REFUSED, Loc(str(path)), f"cannot read the stylesheet ({exc})")
            continue
        for line, url, kind in stylesheet_urls(css):
            parts = urlsplit(url)
            why = ""
            if kind == "import":
                why = "@import is not allowed: the book's stylesheets are fonts.css, base.css, print.css and epub.css"
            elif parts.scheme or parts.netloc or url.startswith("/") or ".." in Path(parts.path).parts or not parts.path:
                why = "a stylesheet may name only files of the styles folder, by a relative path (fonts/..., icc/...)"
            elif not _provided(styles, parts.path):
                why = f"no file {parts.path} in {' or '.join(str(s) for s in styles)}" + (
                    f", nor a face of the font packages ({', '.join(FACES)})" if parts.path.startswith("fonts/") else ""
                )
            elif name in EPUB_SHEETS and Path(parts.path).suffix.lower() not in EPUB_MEDIA:
                why = f"the EPUB carries this stylesheet and cannot carry the file it names (it may name {', '.join(EPUB_MEDIA)} files)"
            if why:
                found.error(Code.RESOURCE_REFUSED, Loc(str(path), line), f"`{url}`: {why}")


def _provided(styles: tuple[Path, ...], name: str) -> bool:
    """Whether a stylesheet's relative ``name`` is served: a file of a styles layer, a
    face of the font packages (``fonts/``), or a CMYK profile (``icc/``: the print
    profile's, whose absence only a print build reports, R001 naming what to install)."""
    if name.startswith("icc/") or first_file(styles, name):
        return True
    return name.startswith("fonts/") and name.removeprefix("fonts/") in FACES
