"""Proofs: PDF pages -> PNG files and a contact sheet, so an editor can look without a
PDF viewer.  In: a PDF.  Out: ``page-001.png``, ... and ``contact-sheet.png`` in a folder.
Rendering is pypdfium2; the sheet is assembled with Pillow.
"""

from __future__ import annotations

from pathlib import Path


def proof(pdf: Path, out: Path, scale: float = 1.5, columns: int = 6, thumb_width: int = 240) -> list[Path]:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    out.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(pdf))
    labels = _labels(pdf, len(doc))
    written, thumbs = [], []
    try:
        for index in range(len(doc)):
            image = doc[index].render(scale=scale).to_pil().convert("RGB")
            path = out / f"page-{index + 1:03d}.png"
            image.save(path, optimize=False)
            written.append(path)
            height = round(image.height * thumb_width / image.width)
            thumbs.append(image.resize((thumb_width, height)))
    finally:
        doc.close()
    if thumbs:
        gap, caption = 12, 18
        cell_h = max(t.height for t in thumbs) + caption
        rows = (len(thumbs) + columns - 1) // columns
        sheet = Image.new("RGB", (columns * (thumb_width + gap) + gap, rows * (cell_h + gap) + gap), "#888888")
        draw = ImageDraw.Draw(sheet)
        for i, thumb in enumerate(thumbs):
            x = gap + (i % columns) * (thumb_width + gap)
            y = gap + (i // columns) * (cell_h + gap)
            sheet.paste(thumb, (x, y))
            draw.text((x, y + thumb.height + 3), f"{i + 1} · {labels[i]}", fill="white")
        path = out / "contact-sheet.png"
        sheet.save(path)
        written.append(path)
    return written


def _labels(pdf: Path, count: int) -> list[str]:
    from pypdf import PdfReader

    labels = list(PdfReader(str(pdf)).page_labels)
    return labels if len(labels) == count else [str(i + 1) for i in range(count)]
