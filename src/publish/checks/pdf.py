"""Typographic checks read back from a written PDF (not from the layout that made it).

In: a PDF path.  Out: the longest run of lines ending in a hyphen, and the note calls
whose footnote is on another page.  Used by the tests and by ``bench/`` on every
corpus: what WeasyPrint's layout decided is checked where a reader sees it.

- Hyphenated lines: pdfium's text of each page, line by line (its line breaks); a line
  ends hyphenated when its last character is WeasyPrint's hyphenate-character (U+2010)
  or a hyphen.  The count runs on from one page to the next (a paragraph does).
- Footnotes: each link from a note call (an id ``<note>-call-<n>``, linking to
  ``#<note>``) is on a page; the note's named destination is on a page; in a book
  with footnotes the two are the same.  Links read with pypdf.
"""

from __future__ import annotations

from pathlib import Path

_HYPHENS = ("\u2010", "-", "\u00ad")


def longest_hyphen_run(pdf: Path) -> int:
    """The most lines in a row that end in a hyphen, across the whole PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    best = run = 0
    try:
        for page in document:
            text = page.get_textpage().get_text_range()
            for line in text.splitlines():
                if not line.strip():
                    continue
                run = run + 1 if line.rstrip().endswith(_HYPHENS) else 0
                best = max(best, run)
    finally:
        document.close()
    return best


def notes_off_their_pages(pdf: Path, prefix: str = "note-") -> list[tuple[str, int, int]]:
    """(note id, page of its call, page of the note) for each call link whose note is on
    another page (0-based pages).  Calls are links to a destination named ``prefix...``
    that is not itself a call."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    dests = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    off = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            target = annot.get("/Dest")
            action = annot.get("/A")
            if target is None and action is not None:
                target = action.get_object().get("/D")
            if not isinstance(target, str) or not target.startswith(prefix) or "-call-" in target:
                continue
            if target in dests and dests[target] != index:
                off.append((target, index, dests[target]))
    return off
