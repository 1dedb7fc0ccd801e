"""Number notes once, in the model, so that the PDF and the EPUB print the same marks.

Notes are marked in the order of their first call.  A series marked with ``numbers``
counts continuously through the book or restarting with each letter
(``notes.numbering``); a series marked with ``symbols`` (* † ‡ § ‖ ¶, then doubled)
restarts with each letter, as symbols run out quickly.  Each call learns its note's HTML
id, mark and which call it is, so a note cited twice can link back to both calls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, NoteRef
from ..walk import inline_nodes, map_inlines, map_items

SYMBOLS = ("*", "†", "‡", "§", "‖", "¶")


def symbol(n: int) -> str:
    """1 -> *, 6 -> ¶, 7 -> **, ..."""
    return SYMBOLS[(n - 1) % len(SYMBOLS)] * ((n - 1) // len(SYMBOLS) + 1)


def number_notes(book: Book, found: Collector) -> Book:
    marks = {s.key: s.marks for s in book.settings.note_series}
    numbered = 0

    def number(item: Any) -> Any:
        nonlocal numbered
        if book.settings.note_numbering == "per-letter":
            numbered = 0
        symbols = 0
        series = {n.label: n.series for n in item.notes}
        order: dict[str, str] = {}
        # A letter's notes on the whole letter are called from its heading, before its text.
        heading_calls = getattr(item, "heading_calls", ())
        for node in (*heading_calls, *inline_nodes(item.blocks)):
            if isinstance(node, NoteRef) and node.label not in order:
                if marks.get(series.get(node.label, "")) == "symbols":
                    symbols += 1
                    order[node.label] = symbol(symbols)
                else:
                    numbered += 1
                    order[node.label] = str(numbered)
        first = list(order)
        calls: dict[str, int] = {}

        def call(node: Any) -> Any:
            if isinstance(node, NoteRef) and node.label in order:
                calls[node.label] = calls.get(node.label, 0) + 1
                return replace(node, note_id=note_id(item.id, node.label), number=order[node.label], call=calls[node.label])
            return node

        heading = tuple(call(n) for n in heading_calls)
        blocks = map_inlines(item.blocks, call)
        notes = tuple(
            replace(n, id=note_id(item.id, n.label), number=order.get(n.label, ""), calls=calls.get(n.label, 0))
            for n in sorted(item.notes, key=lambda n: first.index(n.label) if n.label in first else len(first))
        )
        if heading_calls:
            return replace(item, heading_calls=heading, blocks=blocks, notes=notes)
        return replace(item, blocks=blocks, notes=notes)

    return map_items(book, number)


def note_id(owner: str, label: str) -> str:
    """The HTML id of a note; a call's id adds ``-call-N``."""
    return f"note-{owner}-{label}"
