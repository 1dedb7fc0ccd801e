"""The covers: the EPUB's and the print book's, drawn by WeasyPrint from templates.

In: the book, the templates environment, the styles folder and the bounded fetcher;
for print, the page count of the print PDF.
Out: the EPUB's cover, PNG bytes (1200 x 1800 px, rasterised with pypdfium2) and the
alternative text for readers who cannot see it; the print cover (``publish build
--format cover``), a PDF/X-4 of one page: the full wrap, back, spine and front, with
bleed, its spine as wide as the book is thick (``print.paper_caliper`` a leaf).  Both
fronts are one design (templates/cover.j2).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Book

WIDTH_PX = 1200


def cover_png(book: Book, env: Any, styles: tuple[Path, ...], fetcher: Any) -> bytes:
    import pypdfium2 as pdfium
    import weasyprint

    from ..render import render_template
    from . import fetch

    html = render_template(env, "epub/cover.html.j2", book=book, meta=book.meta)
    from .pdf import engine_findings

    with engine_findings(styles):  # a resource refused (R001), or WeasyPrint failing on the cover (L001)
        pdf = weasyprint.HTML(string=html, base_url=fetch.base_url(styles), url_fetcher=fetcher).write_pdf()
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        image = page.render(scale=WIDTH_PX / page.get_width()).to_pil().convert("RGB")
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def epub_cover(job: tuple[Book, tuple[Path, ...], tuple[Path, ...], tuple[Path, ...], tuple[tuple[str, str], ...]]) -> bytes:
    """``cover_png`` of (book, templates, styles, the folders a build may read, the
    build's PUBLISH_* settings): a job a units' worker can run (``runners``)."""
    from ..render import environment
    from .chunked import apply_env
    from .fetch import BoundedFetcher

    book, templates, styles, folders, env = job
    apply_env(env)
    return cover_png(book, environment(templates), styles, BoundedFetcher(list(folders), styles))


def cover_alt(book: Book) -> str:
    authors = " and ".join(c.name for c in book.meta.by_role("aut"))
    title = f"{book.meta.title}: {book.meta.subtitle}" if book.meta.subtitle else book.meta.title
    return f"Cover: {title}, by {authors}."


#: Points in one unit of each CSS length book.yaml may give (``config.LENGTH``).
_POINTS = {"pt": 1.0, "pc": 12.0, "in": 72.0, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54}
MM = _POINTS["mm"]

#: The narrowest spine that carries text.  A spine's text stays 1/16 in (1.6 mm) clear
#: of each fold, the margin printers ask for (the spine is cut and folded within about
#: that much), and 8 pt is about the smallest type read on a shelf: its ascenders and
#: descenders take about 0.95 em, 2.7 mm, so 1.6 + 2.7 + 1.6 mm, rounded up: 6 mm,
#: about 100 pages of 80 g/m2 paper.  Narrower spines are left plain, as printers
#: require of books under about 100 pages.
SPINE_TEXT_MIN = 6 * MM
SPINE_MARGIN = 1.6 * MM
SPINE_FONT_MAX = 12.0  # pt: wider spines get no bigger type


def points(length: str) -> float:
    """A CSS length as ``book.yaml`` gives one (``config.LENGTH``: 0 or a number and a
    unit) in points."""
    length = length.strip()
    if length == "0":
        return 0.0
    return float(length[:-2]) * _POINTS[length[-2:]]


@dataclass(frozen=True)
class Wrap:
    """The full-wrap cover's measures, in points: the trim box is ``width`` (back, spine,
    front) x ``height``; the bleed is around it."""

    pages: int  # of the print PDF the cover wraps
    trim_width: float
    height: float
    spine: float
    bleed: float
    spine_names: str  # the authors as the spine names them

    @property
    def leaves(self) -> int:
        return math.ceil(self.pages / 2)

    @property
    def width(self) -> float:
        return 2 * self.trim_width + self.spine

    @property
    def spine_mm(self) -> float:
        return self.spine / MM

    @property
    def spine_text(self) -> bool:
        return self.spine >= SPINE_TEXT_MIN - 1e-9

    @property
    def spine_font(self) -> float:
        """The spine's type size (pt): as large as fits between the spine margins, at most
        ``SPINE_FONT_MAX``."""
        return round(min(SPINE_FONT_MAX, (self.spine - 2 * SPINE_MARGIN) / 0.95), 2)


def wrap(book: Book, pages: int) -> Wrap:
    """The measures of ``book``'s cover for a print PDF of ``pages`` pages: the spine is
    its leaves (pages / 2, rounded up) times ``print.paper_caliper``."""
    from ..render import join_names

    page = book.settings.page
    spine = math.ceil(pages / 2) * points(page.caliper)
    short = [re.split(r",\s| of ", c.name, maxsplit=1)[0] for c in book.meta.by_role("aut")]
    return Wrap(pages, points(page.width), points(page.height), spine, points(page.bleed), join_names(short, book.meta.language))


def print_cover(book: Book, env: Any, styles: tuple[Path, ...], fetcher: Any, pages: int, created: Any, found: Any) -> bytes:
    """The print cover (PDF/X-4, the print profile's output intent) of ``book`` printed
    on ``pages`` pages: one page, the full wrap.  Post-processed as the print PDF is
    (``stitch.finish``: fixed XMP id, content-digested trailer id; ``pdf.press``: the
    output intent named as book.yaml says), so the same book gives the same bytes."""
    import logging

    import pikepdf
    import weasyprint

    from ..render import render_template
    from . import fetch
    from .pdf import VARIANTS, _WeasyLog, engine_findings, fixed_xmp, press
    from .stitch import finish

    html = render_template(
        env, "pdf/cover.html.j2", book=book, meta=book.meta, settings=book.settings, w=wrap(book, pages), created=created
    )
    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(found, styles)
    logger.addHandler(handler)
    try:
        with engine_findings(styles):
            raw = weasyprint.HTML(string=html, base_url=fetch.base_url(styles), url_fetcher=fetcher).write_pdf(
                pdf_variant=VARIANTS["print"]
            )
    finally:
        logger.removeHandler(handler)
    seed = f"{book.meta.identifier}#cover"
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        return finish(pdf, 0, lambda xml: fixed_xmp(xml, seed), press=press("print", book.settings.output_intent))
