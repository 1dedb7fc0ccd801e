"""Runs of text too long for a line: given break opportunities, with a warning.

In: the book.  Out: the same book, where a run of more than ``MAX_RUN`` characters with no
space (a pasted hash, a URL, a line of dashes, a file gone wrong) has a zero-width space
(U+200B, a break opportunity that prints nothing) every ``CHUNK`` characters, and a
warning with the paragraph's line.  Why: WeasyPrint, asked to hyphenate or to break
such a run anywhere, tries its break points one by one, each a new layout of the line:
50,000 characters took more than 600 s (2,000 take 2 s, 5,000 take 27 s); with the
breaks given, 0.1 s.  No text is lost and nothing is hyphenated wrongly; the run breaks
where a line ends.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..diagnostics import Code, Collector
from ..model import Book, Indent, LineBreak, LineNumber, PageBreak, Text
from ..walk import inline_nodes, map_inlines, map_items, paragraphs, plain_text

MAX_RUN = 100
CHUNK = 40
_RUN = re.compile(rf"[^\s\u200b]{{{MAX_RUN + 1},}}")


def _breaks(paragraph: Any) -> dict[int, str]:
    """The new text of each ``Text`` node (by ``id``) of a paragraph with a long run: a
    zero-width space every ``CHUNK`` characters of each run of more than ``MAX_RUN``,
    counted across the nodes the run spans (``*a*b`` is one run: emphasis, a link, a
    note call do not break it; a line break, an indent, a line number or a page break
    does)."""
    nodes = [n for n in inline_nodes([paragraph]) if isinstance(n, (Text, LineBreak, Indent, LineNumber, PageBreak))]
    texts = [n.text if isinstance(n, Text) else "\n" for n in nodes]
    joined = "".join(texts)
    cuts = {m.start() + i for m in _RUN.finditer(joined) for i in range(CHUNK, m.end() - m.start(), CHUNK)}
    out, start = {}, 0
    for node, text in zip(nodes, texts, strict=True):
        end = start + len(text)
        here = sorted(c - start for c in cuts if start <= c < end)
        if here and isinstance(node, Text):
            pieces = [text[a:b] for a, b in zip([0, *here], [*here, len(text)], strict=True)]
            out[id(node)] = "\u200b".join(pieces)
        start = end
    return out


def break_long_runs(book: Book, found: Collector) -> Book:
    def item(x: Any) -> Any:
        blocks = (*x.blocks, *(b for n in x.notes for b in n.blocks))
        long = [p for p in paragraphs(blocks) if _RUN.search(plain_text(p))]
        if not long:
            return x
        for p in long:
            run = _RUN.search(plain_text(p)).group()  # type: ignore[union-attr]
            found.warning(
                Code.LONG_RUN,
                p.loc,
                f"{len(run):,} characters without a space (“{run[:20]}…”): they are broken every {CHUNK} "
                "characters to fit the lines; put spaces in, or check that the text is what you meant",
            )
        new: dict[int, str] = {}
        for p in long:
            new.update(_breaks(p))

        def fix(node: Any) -> Any:
            return Text(new[id(node)]) if isinstance(node, Text) and id(node) in new else node

        return replace(
            x, blocks=map_inlines(x.blocks, fix), notes=tuple(replace(n, blocks=map_inlines(n.blocks, fix)) for n in x.notes)
        )

    return map_items(book, item)
