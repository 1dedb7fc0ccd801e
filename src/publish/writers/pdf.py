"""PDF writer: print HTML -> WeasyPrint -> PDF, then page labels with pypdf.

In: the print HTML, the styles folder (base URL) and a bounded fetcher.  Out: PDF bytes,
and the laid-out document (which page each element id landed on) for later steps.
WeasyPrint writes no /PageLabels (its issue #1205): we set them afterwards so a viewer
shows i, ii, ... then 1, 2, ... as printed.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Code, Collector
from ..model import Book, Loc
from .fetch import BoundedFetcher


@dataclass
class PdfResult:
    data: bytes
    page_count: int
    anchors: dict[str, int]  # element id -> 0-based page index
    main_start: int  # page index of folio 1
    labels: list[str]  # the folio of each page, as the PDF's page labels give it


class _WeasyLog(logging.Handler):
    """Routes WeasyPrint's warnings (ignored CSS, missing fonts) into our findings."""

    def __init__(self, found: Collector, styles: Path):
        super().__init__(logging.WARNING)
        self.found = found
        self.styles = styles.resolve()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "HarfBuzz-Subset" in message:
            return  # subsetting falls back to fontTools; same output, no action for an editor
        self.found.warning(Code.ENGINE_WARNING, Loc(str(self.styles)), f"WeasyPrint: {message}")


def render_pdf(html: str, styles: Path, fetcher: BoundedFetcher, found: Collector, main_id: str = "letters") -> PdfResult:
    import weasyprint
    from pypdf import PdfReader, PdfWriter

    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(found, styles)
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, base_url=styles.resolve().as_uri() + "/", url_fetcher=fetcher).render()
        raw = document.write_pdf()
    finally:
        logger.removeHandler(handler)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, index)
    main_start = anchors.get(main_id, 0)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    if main_start > 0:
        writer.set_page_label(0, main_start - 1, style="/r", start=1)
    writer.set_page_label(main_start, len(document.pages) - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    labels = list(PdfReader(io.BytesIO(data)).page_labels)
    return PdfResult(data, len(document.pages), anchors, main_start, labels)


def endnote_heads(book: Book, pdf: PdfResult) -> dict[str, str]:
    """Running heads of the endnotes' pages, from a first layout: "Notes to pages x–y",
    where x and y are the folios of the first and last call of the notes on that page.
    Each note carries the head of its page; the heads do not change the layout."""
    pages: dict[int, list[int]] = {}
    notes = [n for item in (*book.front, *book.all_letters) for n in item.notes]
    for note in notes:
        if note.id in pdf.anchors:
            calls = [pdf.anchors[f"{note.id}-call-{c}"] for c in range(1, note.calls + 1)]
            pages.setdefault(pdf.anchors[note.id], []).extend(calls)
    heads = {}
    for page, calls in pages.items():
        first, last = pdf.labels[min(calls)], pdf.labels[max(calls)]
        heads[page] = f"Notes to page {first}" if first == last else f"Notes to pages {first}–{last}"
    return {n.id: heads[pdf.anchors[n.id]] for n in notes if n.id in pdf.anchors}
