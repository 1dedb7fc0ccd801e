"""Hyphenation patterns pyphen (WeasyPrint's hyphenator) lacks, registered with it; and
which patterns a language gets and which words are not broken (``Hyphenator``, the
dictionary ``writers/engine.py`` gives WeasyPrint).

pyphen ships no Latin.  ``hyph_la.dic`` is hyph-utf8's ``hyph-la`` (modern and medieval
Latin, 3.201, Claudio Beccari, MIT licence: its header says so), converted by adding the
``UTF-8`` first line pyphen's format wants; the minimums (2, 2) are WeasyPrint's
``hyphenate-limit-chars``.  ``register`` adds each dictionary here to pyphen's table
under its language (``la``, and so ``la-VA`` and other ``la-*`` by pyphen's fallback)
unless pyphen already has one.  It runs where WeasyPrint lays out (``writers/pdf.py``),
in whichever process that is.  Checked against pyphen 0.18 (``LANGUAGES`` and
``LANGUAGES_LOWERCASE``, the two tables ``language_fallback`` reads); a test fails if a
pyphen release changes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def register() -> None:
    import pyphen

    for dic in HERE.glob("hyph_*.dic"):
        lang = dic.stem.removeprefix("hyph_")
        if lang.lower() not in pyphen.LANGUAGES_LOWERCASE:
            pyphen.LANGUAGES[lang] = dic
            pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang


#: pyphen's patterns for a language WeasyPrint found (``pyphen.language_fallback`` of the
#: element's ``lang``), where they are not pyphen's own choice: a bare ``en`` (and ``en-AU``,
#: ``en-IE``... which pyphen falls back to ``en``) is set with the American patterns,
#: pyphen's ``en`` being its ``en_GB`` (hyph_en_GB.dic), which breaks "bur-eau-crats",
#: "fact-ory", "retor-ted", "non-ethe-less" where ``en_US`` (Liang's TeX patterns) breaks
#: "bureau-crats", "fac-tory" and not "retorted".  A book that says ``en-GB`` gets
#: ``en_GB`` as it asked.
PATTERNS = {"en": "en_US"}

#: Languages whose common nouns are capitalised: there a capital does not mark a name.
CAPITALISED_NOUNS = frozenset({"de", "lb"})


class Hyphenator:
    """A pyphen dictionary as WeasyPrint uses one (``iterate``), for ``lang`` with the
    ``hyphenate-limit-chars`` minimums ``left`` and ``right``, that does not break a
    capitalised word (a name: "Inter-net", "Trot-skyist"; a sentence's first word too,
    which costs little) except in ``CAPITALISED_NOUNS``."""

    def __init__(self, lang: str, left: int, right: int) -> None:
        import pyphen

        self.lang = PATTERNS.get(lang, lang)
        self.names = lang.replace("-", "_").split("_")[0].lower() not in CAPITALISED_NOUNS
        self._pyphen = pyphen.Pyphen(lang=self.lang, left=left, right=right)

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        """The word's two halves at each break allowed, last break first (pyphen's order)."""
        if self.names and word[:1].isupper():
            return iter(())
        return self._pyphen.iterate(word)
