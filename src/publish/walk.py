"""Read-only walks over model nodes, shared by parse checks, transforms and tests.

In: blocks or inline nodes.  Out: iterators over nodes, or their plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from .model import CrossRef, Emph, LineBreak, ListBlock, Mention, Paragraph, Section, Strong, Text

#: Inline nodes that hold inline nodes.
CONTAINERS = (Emph, Strong, CrossRef, Mention)


def inline_nodes(blocks: Iterable[Any]) -> Iterator[Any]:
    """Every inline node under ``blocks``, depth first, in reading order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from walk_inlines(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from inline_nodes(item)
        elif isinstance(block, Section):
            yield from inline_nodes(block.blocks)


def walk_inlines(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every inline node of ``nodes`` and under them, depth first, in reading order."""
    for node in nodes:
        yield node
        if isinstance(node, CONTAINERS):
            yield from walk_inlines(node.children)


def insert_at(children: tuple[Any, ...], offset: int, node: Any) -> tuple[Any, ...]:
    """``children`` with ``node`` inserted at character ``offset`` of their plain text
    (a text node is split; at a boundary the node goes before what starts there)."""
    out: list[Any] = []
    pos = 0
    done = False
    for child in children:
        size = len(plain_text(child))
        if not done and offset <= pos + size and (offset < pos + size or isinstance(child, Text)):
            if isinstance(child, Text):
                cut = offset - pos
                out.extend(x for x in (Text(child.text[:cut]), node, Text(child.text[cut:])) if not isinstance(x, Text) or x.text)
                done = True
            elif isinstance(child, CONTAINERS) and offset > pos:
                out.append(replace(child, children=insert_at(child.children, offset - pos, node)))
                done = True
            else:
                out.extend((node, child))
                done = True
        else:
            out.append(child)
        pos += size
    if not done:
        out.append(node)
    return tuple(out)


def plain_text(block: Any) -> str:
    """The text of a block or inline node, without notes."""
    if isinstance(block, Paragraph):
        return "".join(plain_text(c) for c in block.children)
    if isinstance(block, ListBlock):
        return "\n".join(plain_text(p) for item in block.items for p in item)
    if isinstance(block, Section):
        return "\n".join(plain_text(b) for b in block.blocks)
    if isinstance(block, Text):
        return block.text
    if isinstance(block, LineBreak):
        return "\n"
    if isinstance(block, CONTAINERS):
        return "".join(plain_text(c) for c in block.children)
    return ""


def map_inlines(blocks: Iterable[Any], fn: Callable[[Any], Any]) -> tuple[Any, ...]:
    """Rebuild ``blocks`` with ``fn`` applied to every inline node (children first)."""
    return tuple(_map_block(b, fn) for b in blocks)


def _map_block(block: Any, fn: Callable[[Any], Any]) -> Any:
    if isinstance(block, Paragraph):
        return replace(block, children=_map_nodes(block.children, fn))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(map_inlines(item, fn) for item in block.items))
    if isinstance(block, Section):
        return replace(block, blocks=map_inlines(block.blocks, fn))
    return block


def _map_nodes(nodes: Iterable[Any], fn: Callable[[Any], Any]) -> tuple[Any, ...]:
    out = []
    for node in nodes:
        if isinstance(node, CONTAINERS):
            node = replace(node, children=_map_nodes(node.children, fn))
        out.append(fn(node))
    return tuple(out)


def paragraphs(blocks: Iterable[Any]) -> Iterator[Paragraph]:
    """Every paragraph of ``blocks``, those of list items and sections included, in reading order."""
    for block in blocks:
        if isinstance(block, ListBlock):
            for entry in block.items:
                yield from entry
        elif isinstance(block, Section):
            yield from paragraphs(block.blocks)
        else:
            yield block


def all_blocks(blocks: Iterable[Any]) -> Iterator[Any]:
    """Every block under ``blocks``: sections and lists, then what they hold, in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from all_blocks(block.blocks)
        elif isinstance(block, ListBlock):
            for entry in block.items:
                yield from entry


def map_blocks(blocks: Iterable[Any], fn: Callable[[Any], Any]) -> tuple[Any, ...]:
    """Rebuild ``blocks`` with ``fn`` applied to every block, sections' blocks first."""
    return tuple(fn(replace(b, blocks=map_blocks(b.blocks, fn)) if isinstance(b, Section) else b) for b in blocks)


def map_items(book: Any, fn: Callable[[Any], Any]) -> Any:
    """The book with ``fn`` applied to each division and letter, in reading order
    (front matter, letters, appendix)."""
    return replace(
        book,
        front=tuple(fn(d) for d in book.front),
        letters=tuple(fn(x) for x in book.letters),
        appendix=tuple(fn(x) for x in book.appendix),
    )
