"""Resolve cross-references (``[text](#id)``) once every document has been read.

A target is a letter, an appendix letter or a division, by its stable id, or a note, as
``<letter or division id>.<note label>``.  Each reference learns the target's HTML id,
the EPUB document that holds it, and a label for print ("letter 6", "note 3").  Unknown
ids are reported by parsing, with the other findings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Collector
from ..model import Book, CrossRef
from ..walk import map_inlines, map_items

#: The EPUB document that holds the notes when they are endnotes.
ENDNOTES_DOC = "notes.xhtml"


def target_ids(book: Book) -> set[str]:
    """Every id a cross-reference may name.  Parsing checks references against it, so
    that an unknown id is reported together with the other findings of the manuscript."""
    items = (*book.front, *book.all_letters)
    return {x.id for x in items} | {f"{x.id}.{n.label}" for x in items for n in x.notes}


def resolve_xrefs(book: Book, found: Collector) -> Book:
    # id -> (HTML id, EPUB document, label, printed in the front matter?)
    targets: dict[str, tuple[str, str, str, bool]] = {}
    for d in book.front:
        targets[d.id] = (d.id, d.doc, d.title, True)
    for x in book.letters:
        targets[x.id] = (x.id, x.doc, f"letter {x.number}", False)
    for x in book.appendix:
        targets[x.id] = (x.id, x.doc, book.settings.appendix_title.lower(), False)
    endnotes = book.settings.notes_print == "endnotes"
    for item in (*book.front, *book.all_letters):
        doc = ENDNOTES_DOC if book.settings.notes_epub == "endnotes" else item.doc
        roman = item in book.front and not endnotes
        for n in item.notes:
            targets[f"{item.id}.{n.label}"] = (n.id, doc, f"note {n.number}", roman)

    def resolve(node: Any) -> Any:
        if not isinstance(node, CrossRef):
            return node
        if node.target not in targets:
            return node  # reported by parsing (see target_ids)
        html_id, doc, label, roman = targets[node.target]
        return replace(node, target_id=html_id, target_doc=doc, target_label=label, target_roman=roman)

    def fix(item: Any) -> Any:
        return replace(
            item,
            blocks=map_inlines(item.blocks, resolve),
            notes=tuple(replace(n, blocks=map_inlines(n.blocks, resolve)) for n in item.notes),
        )

    return map_items(book, fix)
