"""The EPUB's cover: a template drawn by WeasyPrint, rasterised with pypdfium2.

In: the book, the templates environment, the styles folder and the bounded fetcher.
Out: PNG bytes (1200 x 1800 px) and the alternative text for readers who cannot see it.
"""

from __future__ import annotations

import io
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


def cover_alt(book: Book) -> str:
    authors = " and ".join(c.name for c in book.meta.by_role("aut"))
    title = f"{book.meta.title}: {book.meta.subtitle}" if book.meta.subtitle else book.meta.title
    return f"Cover: {title}, by {authors}."
