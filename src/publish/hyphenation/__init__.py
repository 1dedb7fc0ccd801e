"""Hyphenation patterns pyphen (WeasyPrint's hyphenator) lacks, registered with it.

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

from pathlib import Path

HERE = Path(__file__).resolve().parent


def register() -> None:
    import pyphen

    for dic in HERE.glob("hyph_*.dic"):
        lang = dic.stem.removeprefix("hyph_")
        if lang.lower() not in pyphen.LANGUAGES_LOWERCASE:
            pyphen.LANGUAGES[lang] = dic
            pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang
