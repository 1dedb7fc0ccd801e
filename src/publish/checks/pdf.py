"""Typographic checks read back from a written PDF (not from the layout that made it).

In: a PDF path.  Out: the longest run of lines ending in a hyphen, and the note calls
whose footnote is on another page.  Used by the tests and by ``bench/`` on every
corpus: what WeasyPrint's layout decided is checked where a reader sees it.

- Hyphenated lines: pdfium's characters of each page, grouped into lines by baseline,
  with their type sizes; a line ends hyphenated when its last character is
  WeasyPrint's hyphenate-character (U+2010) or a hyphen.  The count runs on from one
  page to the next in each type size (the text, the footnotes).
- Hyphenated words (``hyphenated_words``): each line-end hyphen with the word's two
  halves (the next line of the same type size, on the next page at a page's end), for
  the rules of issue 17: no capitalised word broken, no stub of one word on the line
  after, no word going on over a leaf turn (``leaf_turn_hyphens``).
- Search (``searchable_text``): the text as a reader's search sees it, pypdf's or
  pdftotext's, with a word broken at a line-end U+002D joined (what poppler, pdfium and
  MuPDF do with that character and with no other).
- Footnotes: each link from a note call (an id ``<note>-call-<n>``, linking to
  ``#<note>``) is on a page; the note's named destination is on a page; in a book
  with footnotes the note is on the page of its first call.  Links read with pypdf.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: What ends a hyphenated line in pdfium's characters: WeasyPrint's default
#: hyphenate-character, a hyphen-minus, a soft hyphen, or U+0002, pdfium's code for a
#: line-end hyphen-minus it reads as a soft hyphen (print.css's hyphenate-character).
_HYPHENS = ("\u2010", "-", "\u00ad", "\x02")


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


@dataclass(frozen=True)
class HyphenatedWord:
    """A word broken at a line end: ``page`` (0-based) of its first half, ``before``
    (the line's last word, hyphen dropped), ``after`` (the next line's first word,
    punctuation dropped; empty when no line follows), ``next_line`` (that line), and
    whether the next line is on the next page."""

    page: int
    before: str
    after: str
    next_line: str
    over_page: bool

    @property
    def word(self) -> str:
        return self.before + self.after


def hyphenated_words(pdf: Path) -> list[HyphenatedWord]:
    """Each line of the PDF that ends in a hyphen, with the line that goes on with it:
    the next line of the same type size on the page, else the first of that size on
    the next page (running heads and folios are set in other sizes)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = [_lines(page) for page in document]
    finally:
        document.close()
    found = []
    for index, lines in enumerate(pages):
        for i, (text, size) in enumerate(lines):
            text = text.rstrip()
            if not text.endswith(_HYPHENS) or not text[:-1].rstrip()[-1:].isalpha():
                continue
            following = [line for line, s in lines[i + 1 :] if s == size]
            over = not following
            if over and index + 1 < len(pages):
                following = [line for line, s in pages[index + 1] if s == size]
            next_line = following[0].strip() if following else ""
            before = text[:-1].split()[-1] if text[:-1].split() else ""
            after = next_line.split()[0] if next_line else ""
            found.append(HyphenatedWord(index, before, re.sub(r"\W+$", "", after), next_line, over))
    return found


def leaf_turn_hyphens(pdf: Path) -> list[HyphenatedWord]:
    """The hyphenated words that go on over a leaf turn: broken on the last line of a
    recto (an odd page: the first is a recto), ended overleaf."""
    return [word for word in hyphenated_words(pdf) if word.over_page and word.page % 2 == 0]


def searchable_text(pdf: Path, tool: str = "pypdf") -> str:
    """The PDF's text as a search sees it: pypdf's ``extract_text`` or ``pdftotext``'s
    (poppler-utils), with a word broken at a line-end hyphen-minus joined (pdftotext does
    it itself; pypdf joins no line, so the readers' rule is applied to its text: a line
    ending in U+002D after a letter goes on without the hyphen).  Whitespace is
    collapsed to single spaces."""
    if tool == "pdftotext":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    else:
        import pypdf

        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
        text = re.sub(r"(?<=[^\W\d_])-[ \t]*\n\s*", "", text)
    return re.sub(r"\s+", " ", text)
