"""The only way WeasyPrint reads files: a URL fetcher that enforces the build's bounds.

A build reads nothing outside the manuscript, styles and templates folders, and never
the network.  Fonts named under ``styles/fonts/`` that the folder does not hold are served
from the installed font package (fontpkg-eb-garamond), so the system's fonts can never
stand in.  Anything else stops the render with a ``FatalURLFetchingError``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


def package_fonts() -> dict[str, Path]:
    """Font files shipped by Python packages the project depends on, by plain file name.

    The package names its variable fonts ``EBGaramond[wght].ttf``; brackets are not
    allowed in EPUB URLs, so we serve them as ``EBGaramond.ttf``.
    """
    import fontpkg_eb_garamond

    files = Path(fontpkg_eb_garamond.ROOT) / "files"
    return {p.name.replace("[wght]", ""): p for p in sorted(files.glob("*.ttf"))}


class RefusedResource(FatalURLFetchingError):
    def __init__(self, url: str, why: str):
        super().__init__(f"{url}: {why}")
        self.url = url
        self.why = why


class BoundedFetcher(URLFetcher):
    def __init__(self, roots: list[Path], fonts_dir: Path, virtual: dict[str, bytes] | None = None):
        super().__init__()
        self.roots = [r.resolve() for r in roots]
        self.fonts_dir = fonts_dir.resolve()
        self.fonts = package_fonts()
        self.virtual = virtual or {}

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RefusedResource(url, "the build reads no network or non-file resource")
        path = Path(url2pathname(parts.path)).resolve()
        if path.parent == self.fonts_dir and not path.exists():
            if path.name in self.fonts:
                return self.fonts[path.name]
            raise RefusedResource(url, f"font file {path.name} is neither in styles/fonts/ nor in an installed font package")
        if not any(path.is_relative_to(r) for r in self.roots):
            raise RefusedResource(url, "outside the manuscript, styles and templates folders")
        if not path.is_file():
            raise RefusedResource(url, "no such file")
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        key = url.split("#")[0]
        if key in self.virtual:
            return URLFetcherResponse(key, self.virtual[key])
        path = self.resolve(key)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": kind})
