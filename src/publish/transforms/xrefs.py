"""Resolve cross-references (``[text](#id)``) once every document has been read.

A target is a letter, an appendix letter or a division, by its stable id.  Each
reference learns the target's HTML id, the EPUB document that holds it, and a label
("letter 6") for print.  Unknown ids are reported by parsing, with the other findings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, CrossRef
from ..walk import map_inlines


def target_ids(book: Book) -> set[str]:
    """Every id a cross-reference may name.  Parsing checks references against it, so
    that an unknown id is reported together with the other findings of the manuscript."""
    return {x.id for x in (*book.front, *book.all_letters)}


def resolve_xrefs(book: Book, found: Collector) -> Book:
    targets: dict[str, tuple[str, str]] = {}
    for d in book.front:
        targets[d.id] = (d.doc, d.title)
    for x in book.letters:
        targets[x.id] = (x.doc, f"letter {x.number}")
    for x in book.appendix:
        targets[x.id] = (x.doc, book.settings.appendix_title.lower())

    def resolve(node: Any) -> Any:
        if not isinstance(node, CrossRef):
            return node
        if node.target not in targets:
            return node  # reported by parsing (see target_ids)
        doc, label = targets[node.target]
        return replace(node, target_id=node.target, target_doc=doc, target_label=label)

    def fix(item: Any) -> Any:
        return replace(
            item,
            blocks=map_inlines(item.blocks, resolve),
            notes=tuple(replace(n, blocks=map_inlines(n.blocks, resolve)) for n in item.notes),
        )

    return replace(
        book,
        front=tuple(fix(d) for d in book.front),
        letters=tuple(fix(x) for x in book.letters),
        appendix=tuple(fix(x) for x in book.appendix),
    )
