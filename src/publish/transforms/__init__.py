"""Step 2: ``Book`` -> ``Book``, a fixed list of pure functions.

In: the parsed book.  Out: a book whose emendations are applied, letters numbered and
linked to their neighbours, notes numbered and cross-references resolved, so that every
writer prints the same numbers.  Each transform reports problems to the ``Collector``;
all of them are raised together at the end.
"""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Collector
from ..model import Book
from .blocks import number_blocks
from .emendations import apply_emendations
from .letters import number_letters
from .mentions import number_mentions
from .notes import number_notes
from .runs import break_long_runs
from .xrefs import resolve_xrefs

Transform = Callable[[Book, Collector], Book]

PIPELINE: tuple[Transform, ...] = (
    apply_emendations,
    number_blocks,
    number_mentions,
    number_letters,
    number_notes,
    resolve_xrefs,
    break_long_runs,
)


def run(book: Book, found: Collector | None = None) -> Book:
    found = found if found is not None else Collector()
    for transform in PIPELINE:
        book = transform(book, found)
    found.raise_if_errors()
    return book
