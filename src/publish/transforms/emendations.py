"""Apply the corrections recorded in ``emendations.yaml`` to the text nodes they name.

The manuscript keeps the source's reading; the correction is data, so the edition can
list it.  A correction whose reading is missing or occurs more than once is an error:
it must say exactly where it applies.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Code, Collector
from ..model import Book, Text
from ..walk import inline_nodes, map_inlines, map_items


def _count(item: Any, reading: str) -> int:
    blocks = (*item.blocks, *(b for n in item.notes for b in n.blocks))
    return sum(n.text.count(reading) for n in inline_nodes(blocks) if isinstance(n, Text))


def apply_emendations(book: Book, found: Collector) -> Book:
    items: dict[str, Any] = {x.id: x for x in (*book.front, *book.all_letters)}
    changed: dict[str, Any] = {}
    for em in book.emendations:
        item = changed.get(em.where) or items.get(em.where)
        if item is None:
            found.error(Code.EMENDATION_LETTER, em.loc, f"no letter or division has the id `{em.where}`")
            continue
        count = _count(items[em.where], em.original)  # in the source's reading, not in corrections
        if count == 1 and _count(item, em.original) != 1:
            found.error(
                Code.EMENDATION_CHAINED,
                em.loc,
                f"the reading “{em.original}” overlaps another correction of `{em.where}`; make it one correction",
            )
            continue
        if count == 0 and _count(item, em.original):
            found.error(
                Code.EMENDATION_CHAINED,
                em.loc,
                f"the reading “{em.original}” is not the source's: it occurs only in another correction of `{em.where}`; "
                "correct the source's reading once",
            )
            continue
        if count != 1:
            code = Code.EMENDATION_NOT_FOUND if count == 0 else Code.EMENDATION_AMBIGUOUS
            how = "does not occur" if count == 0 else f"occurs {count} times"
            found.error(
                code, em.loc, f"the reading “{em.original}” {how} in `{em.where}`; quote a passage that occurs exactly once"
            )
            continue

        def fix(node: Any, em: Any = em) -> Any:
            if isinstance(node, Text) and em.original in node.text:
                return Text(node.text.replace(em.original, em.corrected))
            return node

        changed[em.where] = replace(
            item,
            blocks=map_inlines(item.blocks, fix),
            notes=tuple(replace(n, blocks=map_inlines(n.blocks, fix)) for n in item.notes),
        )
    return map_items(book, lambda x: changed.get(x.id, x)) if changed else book
