"""Where words break (issue 17), read back from PDFs: the book's patterns (a bare ``en``
set with pyphen's American patterns), no capitalised word broken, no stub of a word on a
paragraph's last line, no word going on over a leaf turn, at most two hyphenated lines
in a row, and every hyphenated word found whole by a search (pdftotext's own text, and
pypdf's with a line-end hyphen-minus joined as the readers join it).  The books are the
session's (tests/conftest.py); the engine's rules are also shown on small documents,
with the rule taken away, to show what each one changes."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from publish.checks.pdf import hyphenated_words, leaf_turn_hyphens, longest_hyphen_run, searchable_text

WORDS = (
    "internationalisation characteristically revolutionaries uncompromising counterrevolutionary "
    "organisational extraordinarily responsibilities nevertheless correspondence the and of a we"
).split()


def test_patterns_of_the_language_variant() -> None:
    """A bare ``en`` gets ``en_US`` (pyphen's own ``en`` is its ``en_GB``, which breaks
    "bur-eaucrats" and "fact-ory"); ``en-GB`` gets ``en_GB``; names are not broken,
    except where every noun has a capital (German)."""
    import pyphen

    from publish.hyphenation import Hyphenator

    def breaks(lang: str, word: str) -> list[str]:
        return sorted(first for first, _ in Hyphenator(lang, 3, 3).iterate(word))

    assert pyphen.language_fallback("en") == "en" and "en_GB" in str(pyphen.LANGUAGES["en"])  # (why the table exists)
    assert breaks("en", "bureaucrats") == ["bureau"] and breaks("en", "factory") == ["fac"]
    assert "bur" in breaks("en_GB", "bureaucrats") and "fact" in breaks("en_GB", "factory")
    assert breaks("en", "Internet") == [] and breaks("en", "Trotskyist") == [] and breaks("en", "February") == []
    assert breaks("en", "internet") != []
    assert breaks("de", "Verantwortung") != []  # German nouns are capitalised: broken as usual


def _german_words(book_html: Path) -> set[str]:
    """The words of the book's passages in German (``lang="de..."``), where a capital
    is no name."""
    tree = lxml_html.parse(str(book_html))
    text = " ".join(" ".join(el.itertext()) for el in tree.xpath('//*[starts-with(@lang, "de")]'))
    return set(re.findall(r"\w+", text))


def _count(word: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


def _check_book(pdf: Path, book_html: Path) -> list:
    words = hyphenated_words(pdf)
    assert len(words) >= 5, "hyphenation is on in the book's styles"
    german = _german_words(book_html)
    assert [w for w in words if w.before[:1].isupper() and w.word not in german] == []  # no name broken
    assert [w for w in words if w.next_line and " " not in w.next_line] == []  # no stub on a line of its own
    # (leaf_turn_hyphens(pdf) is not asserted empty here: a line the engine foresaw as not
    # the page's last can still become it when its note does not fit below it; the rule
    # itself is shown on a document without notes, test_no_word_over_a_leaf_turn.)
    assert longest_hyphen_run(pdf) <= 2
    for tool in ("pdftotext", "pypdf"):
        text = searchable_text(pdf, tool)
        assert "\u2010" not in text, tool  # (WeasyPrint's default hyphenate-character: no reader joins it)
        for w in words:
            if w.word in german or not w.after or w.over_page:
                continue  # (a word broken over a page break: the page's foot and the next head lie between)
            assert _count(w.word, text) > 0, (tool, w)  # found whole
            for split in (f"{w.before} {w.after}", f"{w.before}- {w.after}"):  # and not as two halves
                assert not re.search(rf"(?<!\w){re.escape(split)}(?!\w)", text), (tool, w)
    raw = "\n".join(__import__("pypdf").PdfReader(str(pdf)).pages[w.page].extract_text() for w in words[:5])
    assert re.search(rf"{re.escape(words[0].before)}-\s*\n", raw), "pypdf reads the line-end hyphen as U+002D"
    return words


def test_the_edition(edition) -> None:
    _check_book(edition.pdf, edition.html)


def test_the_edition_in_print(print_pdfs, edition) -> None:
    _check_book(print_pdfs[0], edition.html)


def test_the_second_book(scholar) -> None:
    _check_book(scholar.pdf, scholar.html)


def test_the_hyphenate_character_decides_the_text_layer(tmp_path: Path) -> None:
    """What print.css's hyphenate-character changes: with WeasyPrint's default (U+2010)
    pdftotext keeps each word's halves apart; with U+002D it joins them."""
    import weasyprint

    text = " ".join(random.Random(3).choice(WORDS) for _ in range(300))
    for character in ("\\2010", "-"):
        css = f'@page {{ size: 3in 4in; margin: 0.3in }} p {{ hyphens: auto; text-align: justify; hyphenate-character: "{character}" }}'
        pdf = tmp_path / "h.pdf"
        weasyprint.HTML(string=f'<html lang="en"><style>{css}</style><p>{text}</p></html>').write_pdf(pdf)
        words = [w for w in hyphenated_words(pdf) if w.after]
        found = searchable_text(pdf, "pdftotext")
        assert len(words) > 5
        if character == "-":
            assert all(f" {w.word}" in found for w in words)
        else:
            assert all(f"{w.before}\u2010 {w.after}" in found for w in words)


def _paragraphs(seed: int, count: int) -> str:
    draw = random.Random(seed)
    return "".join("<p>" + " ".join(draw.choice(WORDS) for _ in range(draw.randint(8, 30))) + "</p>" for _ in range(count))


def _lay_out(body: str, tmp_path: Path, name: str) -> Path:
    import weasyprint

    from publish.writers import engine

    engine.install()
    css = (
        "@page { size: 3in 3.2in; margin: 0.3in } "
        "p { margin: 0; hyphens: auto; text-align: justify; font-size: 9pt; line-height: 12pt; widows: 1; orphans: 1; hyphenate-character: '-' }"
    )
    pdf = tmp_path / f"{name}.pdf"
    weasyprint.HTML(string=f'<html lang="en"><style>{css}</style>{body}</html>').write_pdf(pdf)
    return pdf


def test_no_stub_on_a_paragraphs_last_line(tmp_path: Path, monkeypatch) -> None:
    from publish.writers import engine

    body = _paragraphs(5, 80)
    words = hyphenated_words(_lay_out(body, tmp_path, "kept"))
    assert len(words) > 20
    assert [w for w in words if " " not in w.next_line] == []
    monkeypatch.setattr(engine, "_hyphenates_last_word", lambda *args: False)  # the rule taken away
    stubs = [w for w in hyphenated_words(_lay_out(body, tmp_path, "bare")) if " " not in w.next_line]
    assert stubs, "the document has paragraphs whose last word WeasyPrint would break"


def test_no_word_over_a_leaf_turn(tmp_path: Path, monkeypatch) -> None:
    from weasyprint.layout import page

    from publish.writers import engine

    body = _paragraphs(7, 160)
    kept = _lay_out(body, tmp_path, "kept")
    assert len(hyphenated_words(kept)) > 40 and leaf_turn_hyphens(kept) == []
    assert any(w.over_page for w in hyphenated_words(kept))  # (a verso may end hyphenated: the word goes on facing it)
    engine.install()
    monkeypatch.setattr(page, "make_page", engine._original_make_page)  # no page is known to be a recto
    assert leaf_turn_hyphens(_lay_out(body, tmp_path, "bare"))


@pytest.mark.parametrize("name", ["Chiang Kai-Shek", "Saint-Denis"])
def test_a_name_is_not_broken_at_its_hyphen(tmp_path: Path, name: str, monkeypatch) -> None:
    """Pango may break after a name's own hyphen ("Kai-/Shek"): the line is broken before
    the name instead, and a search finds every one."""
    from publish.writers import engine

    draw = random.Random(11)
    body = "".join(
        "<p>"
        + " ".join(draw.choice(WORDS[-5:]) for _ in range(draw.randint(3, 14)))
        + f" {name} "
        + " ".join(WORDS[-5:])
        + "</p>"
        for _ in range(60)
    )
    assert searchable_text(_lay_out(body, tmp_path, "names"), "pdftotext").count(name) == 60
    monkeypatch.setattr(engine, "_not_at_its_own_hyphen", lambda text, style, context, split, *args, **kwargs: split)
    assert searchable_text(_lay_out(body, tmp_path, "bare"), "pdftotext").count(name) < 60
