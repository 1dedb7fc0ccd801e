"""Give every tagged mention (``[Ramboz]{ref=ramboz}``) its id and its entry's kind.

The id, ``<letter or division id>-m<n>`` (the letter's text first, then its notes), is
the place an index locator links to, the same in the PDF (a named destination) and the
EPUB (a fragment); it moves only when mentions are added or removed in that letter.
A tag whose class (``.person``) is not its entry's kind, or whose id is in no register,
is reported with the other references (``parse._cross_checks``).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, Mention
from ..walk import map_inlines, map_items


def number_mentions(book: Book, found: Collector) -> Book:
    kinds = {e.id: e.kind for e in book.register}

    def number(item: Any) -> Any:
        counter = itertools.count(1)

        def tag(in_note: bool) -> Any:
            def fn(node: Any) -> Any:
                if not isinstance(node, Mention):
                    return node
                kind = kinds.get(node.ref, node.entry_kind)
                return replace(node, id=f"{item.id}-m{next(counter)}", entry_kind=kind, in_note=in_note)

            return fn

        blocks = map_inlines(item.blocks, tag(False))
        notes = tuple(replace(n, blocks=map_inlines(n.blocks, tag(True))) for n in item.notes)
        return replace(item, blocks=blocks, notes=notes)

    return map_items(book, number)
