"""A generated collection (bench/realistic.py, small: about 40 pages, by year in parts,
so laid out in units in other processes): long paragraphs, long notes, paragraphs with
ten and more calls, Latin originals, verse.  What the layout decided is read back from
the PDF: no footnote off its call's page, at most two hyphenated lines in a row."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import build_into

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.fixture(scope="module")
def realistic(tmp_path_factory: pytest.TempPathFactory):
    from realistic import make

    manuscript = make(40, tmp_path_factory.mktemp("realistic") / "book", parts=True, seed=3)
    return build_into(manuscript, tmp_path_factory.mktemp("realistic-out"), ("pdf",))


def test_the_book_is_what_the_bench_measures(realistic) -> None:
    from publish.model import NoteRef
    from publish.walk import inline_nodes, paragraphs

    book = realistic.result.book
    assert realistic.result.layout == "units"
    assert realistic.result.pages >= 30
    calls = [sum(isinstance(n, NoteRef) for n in inline_nodes([p])) for x in book.all_letters for p in paragraphs(x.blocks)]
    assert max(calls) >= 10  # a paragraph with ten calls or more


def test_no_footnote_off_its_calls_page(realistic) -> None:
    from publish.checks.pdf import notes_off_their_pages

    assert notes_off_their_pages(realistic.pdf) == []


def test_at_most_two_hyphenated_lines_in_a_row(realistic) -> None:
    from publish.checks.pdf import longest_hyphen_run

    assert longest_hyphen_run(realistic.pdf) <= 2


def test_every_index_locator_prints_its_mentions_page(realistic) -> None:
    """The indexes of names and places (a few hundred mentions, laid out in units): each
    printed locator is the folio of the page its mention is on."""
    from publish.index import indexes, mentions

    from .test_index import MENTION, _folios, _links

    book = realistic.result.book
    assert {g.id for g in indexes(book)} == {"index-names", "index-places"}
    said = {m.id for m, _ in mentions(book)}
    labels, dests = _folios(realistic.pdf)
    printed = {(text, dest) for _, text, dest in _links(realistic.pdf) if MENTION.match(dest) and dest in said}
    assert len(printed) >= 30
    assert all(text == labels[dests[dest]] for text, dest in printed)
