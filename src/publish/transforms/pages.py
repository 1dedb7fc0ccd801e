"""Print page numbers for the EPUB: where each page of the print PDF begins.

In: the transformed book and, from the PDF layout of the same build, what each page
begins with (``PageStart``: the id of the element holding its first line, and that
line's text) and its folio.  Out: the book with ``PageBreak`` nodes inside the
paragraphs where pages begin, the markers that go at the start of other elements
(title page, divisions, letters, notes), and the page list in page order.

A page that begins inside a paragraph gets its marker before the word that begins the
page, found by searching the line's first words in the paragraph's text; an empty
page (a blank verso) shares the marker place of the next page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Book, ListBlock, PageBreak, Paragraph
from ..walk import all_blocks, insert_at, map_blocks, map_items, paragraphs, plain_text
from .xrefs import ENDNOTES_DOC

#: Print elements without a document of their own in the EPUB, and where their pages go.
SPECIAL_DOCS = {
    "half-title": "titlepage.xhtml",
    "title-page": "titlepage.xhtml",
    "colophon": "colophon.xhtml",
    "contents": "nav.xhtml",
}


@dataclass
class Pagination:
    book: Book
    page_list: list[tuple[str, str]] = field(default_factory=list)  # (folio, href)
    marks: dict[str, list[str]] = field(default_factory=dict)  # element id -> folios marked at its start
    approximate: list[str] = field(default_factory=list)  # folios placed at a paragraph start for want of a match


def paginate(book: Book, starts: list[Any], labels: list[str], anchors: dict[str, int]) -> Pagination:
    docs, known = _places(book)
    result = Pagination(book)
    inserts: dict[str, list[tuple[int, str]]] = {}
    pending: list[str] = []
    last: tuple[str, int | None] | None = None
    for index, start in enumerate(starts):
        pending.append(labels[index])
        if start is None or start.element_id not in docs:
            continue
        place = _place(start, index, known, anchors, inserts, result)
        for label in pending:
            _mark(place, label, inserts, result, docs)
        pending = []
        last = place
    for label in pending:  # empty pages at the very end share the last place
        if last is not None:
            _mark(last, label, inserts, result, docs)
    result.book = _insert(book, inserts)
    return result


def _places(book: Book) -> tuple[dict[str, str], dict[str, Paragraph]]:
    """Every element id a page can begin with -> its EPUB document; and the paragraphs."""
    docs = dict(SPECIAL_DOCS)
    docs.update({"letters": "letters.xhtml", "appendix": "appendix.xhtml", "sources": "sources.xhtml"})
    found: dict[str, Paragraph] = {}
    for group in book.groups:
        if group.id:
            docs[group.id] = group.doc
    for item in (*book.front, *book.all_letters):
        docs[item.id] = item.doc
        for note in item.notes:
            docs[note.id] = ENDNOTES_DOC if book.settings.notes_epub == "endnotes" else item.doc
        for block in all_blocks(item.blocks):
            docs[block.id] = item.doc
        for p in paragraphs(item.blocks):
            found[p.id] = p
    from ..index import back_matter_places

    docs.update(back_matter_places(book))
    holder = next((d.doc for d in book.front if d.appends == "emendations"), "")
    for i in range(1, len(book.emendations) + 1):
        docs[f"emendation-{i}"] = holder
    return {k: v for k, v in docs.items() if v}, found


def _place(
    start: Any, index: int, known: dict[str, Paragraph], anchors: dict[str, int], inserts: dict, result: Pagination
) -> tuple[str, int | None]:
    """(element id, character offset inside it, or None for the element's start)."""
    paragraph = known.get(start.element_id)
    if paragraph is None:
        return (start.element_id, None)
    if anchors.get(start.element_id, index) >= index:
        return (start.element_id, 0)
    text = plain_text(paragraph)
    after = max((o for o, _ in inserts.get(start.element_id, [])), default=0)
    words = re.findall(r"\w+", start.text)[:4]
    if words:
        pattern = r"\W+".join(re.escape(w) for w in words)
        match = re.compile(pattern).search(text, after)
        if match:
            offset = match.start()
            while offset > 0 and text[offset - 1].isalnum():  # a word hyphenated across the break
                offset -= 1
            return (start.element_id, offset)
    result.approximate.append(start.element_id)
    return (start.element_id, after)


def _mark(place: tuple[str, int | None], label: str, inserts: dict, result: Pagination, docs: dict[str, str]) -> None:
    element, offset = place
    if offset is None:
        result.marks.setdefault(element, []).append(label)
    else:
        inserts.setdefault(element, []).append((offset, label))
    result.page_list.append((label, f"{docs[element]}#page-{label}"))


def _insert(book: Book, inserts: dict[str, list[tuple[int, str]]]) -> Book:
    def paragraph(p: Paragraph) -> Paragraph:
        children = p.children
        # From the end, so earlier offsets stay valid; at one offset the later page goes
        # in first, as each insertion lands before what is already there.
        marks = list(enumerate(inserts.get(p.id, [])))
        for _, (offset, label) in sorted(marks, key=lambda x: (-x[1][0], -x[0])):
            children = insert_at(children, offset, PageBreak(label))
        return replace(p, children=children) if p.id in inserts else p

    def block(b: Any) -> Any:
        if isinstance(b, ListBlock):
            return replace(b, items=tuple(tuple(paragraph(p) for p in entry) for entry in b.items))
        return paragraph(b) if isinstance(b, Paragraph) else b

    def item(x: Any) -> Any:
        return replace(x, blocks=map_blocks(x.blocks, block))

    return map_items(book, item)
