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
