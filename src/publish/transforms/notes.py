"""Number notes once, in the model, so that the PDF and the EPUB print the same numbers.

Notes are numbered in the order of their first call, continuously through the book or
restarting with each letter (``notes.numbering``).  Each call learns its note's HTML id,
number and which call it is, so a note cited twice can link back to both calls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, NoteRef
from ..walk import inline_nodes, map_inlines


def number_notes(book: Book, found: Collector) -> Book:
    counter = 0

    def number(item: Any) -> Any:
        nonlocal counter
        if book.settings.note_numbering == "per-letter":
            counter = 0
        order: dict[str, str] = {}
        for node in inline_nodes(item.blocks):
            if isinstance(node, NoteRef) and node.label not in order:
                counter += 1
                order[node.label] = str(counter)
        calls: dict[str, int] = {}

        def call(node: Any) -> Any:
            if isinstance(node, NoteRef) and node.label in order:
                calls[node.label] = calls.get(node.label, 0) + 1
                return replace(node, note_id=_id(item.id, node.label), number=order[node.label], call=calls[node.label])
            return node

        blocks = map_inlines(item.blocks, call)
        notes = tuple(
            replace(n, id=_id(item.id, n.label), number=order.get(n.label, ""), calls=calls.get(n.label, 0))
            for n in sorted(item.notes, key=lambda n: int(order.get(n.label, "0")))
        )
        return replace(item, blocks=blocks, notes=notes)

    front = tuple(number(d) for d in book.front)
    letters = tuple(number(x) for x in book.letters)
    appendix = tuple(number(x) for x in book.appendix)
    return replace(book, front=front, letters=letters, appendix=appendix)


def _id(owner: str, label: str) -> str:
    return f"note-{owner}-{label}"
