"""Give every paragraph and list a stable HTML id: ``<letter or division id>-<n>``.

The ids let later steps find where each block landed in the PDF (page numbers for the
EPUB, the paragraph of a footnote the layout could not keep with its call) and are the
same in both formats.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, ListBlock, Paragraph, Section
from ..walk import map_items


def number_blocks(book: Book, found: Collector) -> Book:
    def number(item: Any) -> Any:
        counter = itertools.count(1)

        def block(b: Any) -> Any:
            if isinstance(b, ListBlock):
                own = f"{item.id}-{next(counter)}"
                items = tuple(tuple(replace(p, id=f"{item.id}-{next(counter)}") for p in entry) for entry in b.items)
                return replace(b, id=own, items=items)
            if isinstance(b, Section):
                own = f"{item.id}-{next(counter)}"
                return replace(b, id=own, blocks=tuple(block(x) for x in b.blocks))
            assert isinstance(b, Paragraph)
            return replace(b, id=f"{item.id}-{next(counter)}")

        return replace(item, blocks=tuple(block(b) for b in item.blocks))

    return map_items(book, number)
