"""Number the letters of the correspondence, in print order, and link each to its neighbours."""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Collector
from ..model import Book


def number_letters(book: Book, found: Collector) -> Book:
    # The letters in the order the book prints them: part by part (parts by correspondent
    # gather letters that are not neighbours in time).
    letters = tuple(x for g in book.groups for x in g.letters)
    out = []
    for i, letter in enumerate(letters):
        out.append(
            replace(
                letter,
                number=i + 1,
                prev_id=letters[i - 1].id if i > 0 else "",
                next_id=letters[i + 1].id if i + 1 < len(letters) else "",
            )
        )
    appendix = tuple(replace(x, number=i + 1) for i, x in enumerate(book.appendix))
    return replace(book, letters=tuple(out), appendix=appendix)
