"""Every word of the seed texts reaches the reader, in the EPUB and in the PDF.

The seeds are copied into tests/seeds/ (the build never reads them).  From their word
tokens we take away the source web page's navigation, and one token per recorded
emendation's original reading; what is left must be present, with its count, in the
EPUB's text and in the PDF's extracted text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from .conftest import MANUSCRIPT
from .textutil import epub_text, pdf_tokens, tokens

SEEDS = Path(__file__).parent / "seeds"
#: The 1961 page's opening lines are the site's navigation, not text of the letter.
FURNITURE = {"sedova-france-soir-corrections-1961.txt": ["natalia in red", "Natalia Sedova Trotsky", "Natalia Sedova Trotsky"]}


def expected(book) -> Counter[str]:
    want: Counter[str] = Counter()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for furniture in FURNITURE.get(seed.name, []):
            assert furniture in text
            text = text.replace(furniture, "", 1)
        want += tokens(text)
    for em in book.emendations:
        want -= tokens(em.original)
        want += tokens(em.corrected)
    return want


def _missing(want: Counter[str], have: Counter[str]) -> dict[str, tuple[int, int]]:
    return {w: (n, have[w]) for w, n in want.items() if have[w] < n}


def test_seed_words_in_epub(edition) -> None:
    assert _missing(expected(edition.result.book), tokens(epub_text(edition.epub))) == {}


def test_seed_words_in_pdf(edition) -> None:
    assert _missing(expected(edition.result.book), pdf_tokens(edition.pdf)) == {}


@pytest.mark.parametrize("wrong", ["Bur", "annihlation", "immitators", "andthe"])
def test_emended_readings_only_in_the_list_of_emendations(edition, wrong: str) -> None:
    """The source's reading appears once: in the Note on the text, not in the letter."""
    assert tokens(epub_text(edition.epub))[wrong] == 1
    assert pdf_tokens(edition.pdf)[wrong] >= 1


#: Characters of the source's text kept on each side of an emendation's reading: enough
#: to say where in the letter the reading stands.
CONTEXT = 24


def _segments(node: object) -> str:
    """The text of a block or inline node as the source prints it, a note's call as a
    break (the seed has "[*]" where the manuscript has a note's label)."""
    from publish.model import LineBreak, ListBlock, NoteRef, Text

    if isinstance(node, ListBlock):
        return "\0".join(_segments(p) for item in node.items for p in item)
    if isinstance(node, Text):
        return node.text
    if isinstance(node, NoteRef):
        return "\0"
    if isinstance(node, LineBreak):
        return " "
    parts = getattr(node, "children", None) or getattr(node, "blocks", None) or ()
    sep = "" if hasattr(node, "children") else "\0"
    return sep.join(_segments(c) for c in parts)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_emendation_reading_is_the_seeds_at_its_place() -> None:
    """Each recorded emendation corrects a reading that the source itself has, in the
    letter (or division) the emendation names: the reading, with the source text around
    it in the manuscript, occurs once in the seeds, between the opening of that letter
    and the opening of the letter that follows it there."""
    from publish.parse import parse_manuscript

    book = parse_manuscript(MANUSCRIPT)  # the manuscript as written: no emendation applied
    seed = "\n".join(_flat(s.read_text(encoding="utf-8")) for s in sorted(SEEDS.glob("*.txt")))
    items = {x.id: x for x in (*book.front, *book.all_letters)}

    def opening(x: object) -> str:
        return _flat(next(s for b in x.blocks for s in _segments(b).split("\0") if s.strip()))[:40]

    starts = {i: seed.find(opening(x)) for i, x in items.items()}
    assert all(starts[x.id] >= 0 for x in book.all_letters)  # every letter's opening is the seed's
    assert book.emendations
    for em in book.emendations:
        item = items[em.where]
        assert starts[em.where] >= 0, f"{em.where} is not a text of the sources"
        end = min((s for s in starts.values() if s > starts[em.where]), default=len(seed))
        texts = [_segments(b) for b in (*item.blocks, *(n for n in item.notes))]
        found = [seg for text in texts for seg in text.split("\0") if em.original in seg]
        assert len(found) == 1, em.original
        seg = found[0]
        at = seg.index(em.original)
        before = seg[max(0, at - CONTEXT) : at]
        after = seg[at + len(em.original) : at + len(em.original) + CONTEXT]
        passage = _flat(before + em.original + after)
        assert seed.count(passage) == 1, (em.where, passage)
        assert starts[em.where] <= seed.index(passage) < end, (em.where, passage)
        assert _flat(before + em.corrected + after) not in seed  # (the correction changes the source's text)
