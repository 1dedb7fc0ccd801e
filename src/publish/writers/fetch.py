"""The only way WeasyPrint reads files: a URL fetcher that enforces the build's bounds.

A build reads nothing outside the manuscript, styles and templates folders, and never
the network.  The styles are layers (the book's own ``styles/``, then the theme's, see
``theme.py``) seen as one folder, the theme's: a URL under it is served from the first
layer that has the file, so a book's stylesheet replaces the theme's of the same name.  Two kinds of file come from the project's declared dependencies instead
of ``styles/``, each served under a ``styles/`` name so the stylesheets stay plain CSS:
fonts under ``styles/fonts/`` from the PyPI font package (fontpkg-eb-garamond, see
``fonts.py``), so the system's fonts can never stand in, and ICC profiles under
``styles/icc/`` from Debian's libgs-common.  A file of that name in ``styles/`` wins.
Anything else stops the render with a ``RefusedResource``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..fonts import faces
from ..theme import icc_folder


def system_icc() -> dict[str, Path]:
    """ICC profiles from Debian's libgs-common (installed by the Makefile), or ``PUBLISH_ICC_DIR``."""
    return {p.name: p for p in sorted(icc_folder().glob("*.icc"))}


class RefusedResource(FatalURLFetchingError):
    def __init__(self, url: str, why: str):
        super().__init__(f"{url}: {why}")
        self.url = url
        self.why = why

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # raised in a worker process
        return (type(self), (self.url, self.why))


class BoundedFetcher(URLFetcher):
    def __init__(self, roots: list[Path], styles: tuple[Path, ...]):
        super().__init__()
        self.roots = [r.resolve() for r in roots]
        self.layers = tuple(s.resolve() for s in styles)
        styles = self.layers[-1]  # the base URL of the stylesheets (see base_url)
        self.provided = {
            styles / "fonts": (faces(), "an installed font package"),
            styles / "icc": (
                system_icc(),
                f"{icc_folder()}: install Debian's libgs-common, name a folder of profiles with PUBLISH_ICC_DIR, "
                "or put the printer's profile in the book's styles/icc/",
            ),
        }

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RefusedResource(url, "the build reads no network or non-file resource")
        path = Path(url2pathname(parts.path)).resolve()
        if path.is_relative_to(self.layers[-1]):
            from ..theme import first_file

            path = first_file(self.layers, path.relative_to(self.layers[-1]).as_posix()) or path
        if path.parent in self.provided and not path.exists():
            files, where = self.provided[path.parent]
            if path.name in files:
                return files[path.name]
            raise RefusedResource(url, f"{path.name} is neither in {path.parent} nor in {where}")
        path = path.resolve()  # (a link inside a folder of the book is followed, then judged)
        if not any(path.is_relative_to(r) for r in self.roots):
            raise RefusedResource(url, "outside the manuscript, styles and templates folders")
        if not path.is_file():
            raise RefusedResource(url, "no such file")
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.resolve(url.split("#")[0])
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # Served under the URL asked for: a book's stylesheet names its fonts and images
        # relative to the styles folder, like the theme's.
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": kind})


def base_url(styles: tuple[Path, ...]) -> str:
    """The base URL of the print HTML and its stylesheets: the theme's styles folder
    (whose names ``BoundedFetcher`` serves from the first layer that has them)."""
    return styles[-1].resolve().as_uri() + "/"
