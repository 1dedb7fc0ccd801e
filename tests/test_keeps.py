"""A letter's opening keeps with its text, and no letter is pushed on without need,
read back from the written PDFs (the edition's and the scholarly fixture's, built once
per run by conftest.py).

- *No stranded opener*: a letter's heading (number, title, place and date) and its
  opener (dateline, addressee, salutation) never end a page: the block after the
  heading (the headnote or the opener) starts on the heading's page, and the letter's
  text starts on the opener's page with at least two lines there.
- *No hole before a letter*: a page that a letter could have begun on (its heading, its
  opener and the first two lines of its text fit in the page's empty foot, with the
  footnotes called in them: a note goes on its call's page, print.css
  ``footnote-policy``) has no more than a quarter of its text area left empty before it.

Positions come from the PDF alone: the named destinations WeasyPrint writes for every
id (the top of the element's box), and pdfium's characters grouped into lines by
baseline.  Which ids are a letter's heading, opener and text comes from the print HTML
the PDF was rendered from.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html

#: print.css ``@page { @footnote { margin-top: 10pt; border-top: 0.4pt; padding-top: 4pt } }``:
#: the footnote area's space above its first note.
FOOTNOTE_AREA_TOP = 10 + 0.4 + 4
#: print.css ``article.letter { margin-top: 2.2em }`` (11pt): the space between a letter and
#: the one before it, dropped where a letter begins a page (``margin-break: discard``).
LETTER_SPACE = 2.2 * 11
#: The elements a letter's parts start with (a mention's ``span`` has an id too).
BLOCKS = {"p", "ol", "ul", "li", "blockquote", "div", "section", "h2", "h3", "table"}
PT = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "px": 0.75}


@dataclass(frozen=True)
class Line:
    text: str
    baseline: float  # PDF units, from the page's foot
    size: float


@dataclass(frozen=True)
class Letter:
    id: str
    after_head: str | None  # the first block after the heading (headnote or opener)
    opener: tuple[str, ...]  # the opener's blocks
    text: str | None  # the first block of the letter's text
    follows_letter: bool  # the article before it is a letter, with no forced break between them


@dataclass
class Book:
    lines: list[list[Line]]  # each page's text lines, top to bottom
    dests: dict[str, tuple[int, float]]  # id -> (0-based page, top)
    notes: dict[int, list[tuple[str, float]]]  # page -> its footnotes (id, top), top to bottom
    text_top: float
    text_bottom: float
    letters: list[Letter]

    def main_lines(self, page: int) -> list[Line]:
        """The page's lines in the text area above its footnotes (no running head, folio
        or footnote)."""
        notes = self.notes.get(page)
        floor = notes[0][1] if notes else self.text_bottom
        return [line for line in self.lines[page] if floor < line.baseline < self.text_top]

    def floor(self, page: int) -> float:
        """Where the page's text must end: the top of its footnote area, else the foot
        of the text area."""
        notes = self.notes.get(page)
        return notes[0][1] + FOOTNOTE_AREA_TOP if notes else self.text_bottom


def _lines(page: object) -> list[Line]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    x, y = ctypes.c_double(), ctypes.c_double()
    found: list[tuple[list[str], float, float]] = []
    for i in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
        if char in "\r\n" or not raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y):
            continue
        size = round(raw.FPDFText_GetFontSize(textpage.raw, i), 1)
        if found and abs(y.value - found[-1][1]) <= found[-1][2] / 2:
            found[-1][0].append(char)
        else:
            found.append(([char], y.value, size))
    lines = [Line("".join(chars), baseline, size) for chars, baseline, size in found if "".join(chars).strip()]
    return sorted(lines, key=lambda line: -line.baseline)


def _first_id(element: html.HtmlElement | None) -> str | None:
    if element is None:
        return None
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag in BLOCKS and node.get("id"):
            return node.get("id")
    return None


def _letters(root: html.HtmlElement) -> list[Letter]:
    letters = []
    for article in root.xpath('//article[contains(concat(" ", @class, " "), " letter ")]'):
        children = [child for child in article if isinstance(child.tag, str)]
        head = next(i for i, child in enumerate(children) if "letter-head" in (child.get("class") or "").split())
        after = children[head + 1] if head + 1 < len(children) else None
        opener = next((c for c in children if "opener" in (c.get("class") or "").split()), None)
        body = next((c for c in children if c.tag == "div" and "body" in (c.get("class") or "").split()), None)
        previous = article.getprevious()
        forced = article.xpath('ancestor::*[contains(concat(" ", @class, " "), " letters-new-page ")]')
        letters.append(
            Letter(
                id=article.get("id"),
                after_head=_first_id(after),
                opener=tuple(i for i in (_first_id(child) for child in (opener if opener is not None else [])) if i),
                text=_first_id(body),
                follows_letter=not forced
                and previous is not None
                and previous.tag == "article"
                and "letter" in (previous.get("class") or ""),
            )
        )
    return letters


def _length(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * PT[unit]


def read(pdf: Path, print_html: Path) -> Book:
    import pypdf
    import pypdfium2 as pdfium

    root = html.parse(str(print_html)).getroot()
    css = "\n".join(style.text or "" for style in root.iter("style"))
    page_rule = re.search(r"@page\s*\{\s*size:\s*(\S+)\s+(\S+?);\s*margin-top:\s*(\S+?);\s*margin-bottom:\s*(\S+?);", css)
    assert page_rule, "no @page rule with the trim and margins in the print HTML"
    height, top, bottom = (_length(page_rule.group(i)) for i in (2, 3, 4))

    reader = pypdf.PdfReader(str(pdf))
    dests = {
        str(name): (reader.get_destination_page_number(dest), float(dest.top))
        for name, dest in reader.named_destinations.items()
        if dest.top is not None
    }
    notes: dict[int, list[tuple[str, float]]] = {}
    for name, (page, note_top) in dests.items():
        if name.startswith("note-") and "-call-" not in name and f"{name}-call-1" in dests:
            notes.setdefault(page, []).append((name, note_top))
    for page_notes in notes.values():
        page_notes.sort(key=lambda note: -note[1])

    document = pdfium.PdfDocument(str(pdf))
    try:
        lines = [_lines(page) for page in document]
    finally:
        document.close()
    return Book(lines, dests, notes, height - top, bottom, _letters(root))


def stranded(book: Book) -> list[str]:
    """Each letter whose heading or opener ends a page, or whose text has fewer than two
    lines on the opener's page."""
    found = []
    for letter in book.letters:
        page = book.dests[letter.id][0]
        if letter.after_head and book.dests[letter.after_head][0] != page:
            found.append(f"{letter.id}: its heading ends page {page + 1}")
            continue
        if letter.text is None:
            continue
        text_page, text_top = book.dests[letter.text]
        for part in letter.opener:
            if book.dests[part][0] != text_page:
                found.append(
                    f"{letter.id}: its opener ({part}) is on page {book.dests[part][0] + 1}, its text on {text_page + 1}"
                )
                break
        else:
            if not letter.opener and not letter.after_head and text_page != page:
                found.append(f"{letter.id}: its heading ends page {page + 1}")
                continue
            below = [line for line in book.main_lines(text_page) if line.baseline < text_top]
            if len(below) < 2:
                found.append(f"{letter.id}: {len(below)} line(s) of its text on page {text_page + 1}")
    return found


def holes(book: Book) -> list[str]:
    """Each letter that begins a page when it could have begun on the page before, which
    leaves more than a quarter of its text area empty."""
    quarter = (book.text_top - book.text_bottom) / 4
    found = []
    for letter in book.letters:
        page, top = book.dests[letter.id]
        if page == 0 or not letter.follows_letter or letter.text is None:
            continue
        lines = book.main_lines(page)
        if any(line.baseline > top for line in lines):
            continue  # (the letter before ends on this page: the letter does not begin it)
        text_page, text_top = book.dests[letter.text]
        text = [line for line in lines if line.baseline < text_top]
        before = book.main_lines(page - 1)
        if text_page != page or len(text) < 2 or not before:
            continue
        # How far a line's box reaches below its baseline, from the text's first line.
        pitch = text[0].baseline - text[1].baseline
        descent = pitch - (text_top - text[0].baseline)
        second_foot = text[1].baseline - descent
        needed = LETTER_SPACE + top - second_foot
        # The notes called above the foot of the text's second line go with it.
        page_notes = book.notes.get(page, [])
        calls = [book.dests[f"{name}-call-1"] for name, _ in page_notes]
        called = [i for i, (call_page, call_top) in enumerate(calls) if call_page == page and call_top > second_foot]
        for i in called:
            name, note_top = page_notes[i]
            if i + 1 < len(page_notes):
                needed += note_top - page_notes[i + 1][1]
            else:
                own = [line for line in book.lines[page] if line.baseline < note_top and line.baseline > book.text_bottom]
                needed += note_top - own[-1].baseline + descent * own[-1].size / text[0].size
        if called and page - 1 not in book.notes:
            needed += FOOTNOTE_AREA_TOP
        empty = before[-1].baseline - descent - book.floor(page - 1)
        if empty > quarter and needed <= empty + 0.5:
            found.append(
                f"{letter.id}: begins page {page + 1}, leaving {empty:.0f} pt of page {page} empty "
                f"(a quarter is {quarter:.0f} pt), where its opening needs {needed:.0f} pt"
            )
    return found


@pytest.fixture(scope="module", params=["edition", "scholar"])
def book(request: pytest.FixtureRequest) -> Book:
    built = request.getfixturevalue(request.param)
    return read(built.pdf, built.html)


def test_no_letter_heading_or_opener_ends_a_page(book: Book) -> None:
    assert book.letters
    assert stranded(book) == []


def test_no_quarter_page_hole_before_a_letter(book: Book) -> None:
    assert holes(book) == []
