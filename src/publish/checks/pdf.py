"""Typographic checks read back from a written PDF (not from the layout that made it).

In: a PDF path.  Out: the longest run of lines ending in a hyphen, and the note calls
whose footnote is on another page.  Used by the tests and by ``bench/`` on every
corpus: what WeasyPrint's layout decided is checked where a reader sees it.

- Hyphenated lines: pdfium's characters of each page, grouped into lines by baseline,
  with their type sizes; a line ends hyphenated when its last character is
  WeasyPrint's hyphenate-character (U+2010) or a hyphen.  The count runs on from one
  page to the next in each type size (the text, the footnotes).
- Footnotes: each link from a note call (an id ``<note>-call-<n>``, linking to
  ``#<note>``) is on a page; the note's named destination is on a page; in a book
  with footnotes the note is on the page of its first call.  Links read with pypdf.
"""

from __future__ import annotations

from pathlib import Path

_HYPHENS = ("\u2010", "-", "\u00ad")


def longest_hyphen_run(pdf: Path) -> int:
    """The most lines in a row that end in a hyphen, across the whole PDF, counted in
    each type size apart (the text of the page, then its footnotes, then the next
    page's text: a run goes on from a page's text to the next page's, not into the
    footnotes between them)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    runs: dict[float, int] = {}
    best = 0
    try:
        for page in document:
            for text, size in _lines(page):
                run = runs[size] = runs.get(size, 0) + 1 if text.rstrip().endswith(_HYPHENS) else 0
                best = max(best, run)
    finally:
        document.close()
    return best


def _lines(page: object) -> list[tuple[str, float]]:
    """The page's lines, each with the type size of its first character, grouped by
    baseline (each character's origin, from pdfium): a character more than half its
    line's type size above or below the line's baseline starts a new line, so a note
    call raised above the line (which pdfium's own line breaks split off) stays in it."""
    import ctypes

    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    x, y = ctypes.c_double(), ctypes.c_double()
    lines: list[tuple[list[str], float, float]] = []  # (characters, baseline, size)
    for i in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
        if char in "\r\n" or not raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y):
            continue  # (pdfium's generated line breaks)
        size = round(raw.FPDFText_GetFontSize(textpage.raw, i), 1)
        if lines and abs(y.value - lines[-1][1]) <= lines[-1][2] / 2:
            lines[-1][0].append(char)
        else:
            lines.append(([char], y.value, size))
    return [("".join(chars), size) for chars, _, size in lines if "".join(chars).strip()]


def notes_off_their_pages(pdf: Path, prefix: str = "note-") -> list[tuple[str, int, int]]:
    """(note id, page of its first call, page of the note) for each note printed on
    another page than its first call (0-based pages).  A note is a destination named
    ``prefix...`` beside one named ``<note>-call-1`` (its first call: the templates' ids),
    so a division whose id starts alike (``note-on-the-text``) is not one; its calls are
    the links to it."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    dests = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    first_call: dict[str, int] = {}  # note -> the page of its first call (a note cited again later is not off)
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
            if target in dests and f"{target}-call-1" in dests:
                first_call.setdefault(target, index)
    return [(note, page, dests[note]) for note, page in first_call.items() if dests[note] != page]
