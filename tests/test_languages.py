"""Languages in the layout: no font feature may change the letters of the text.  EB Garamond
draws every "u" of Latin text as "v" (its `locl` forms); base.css switches them off."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT

WORDS = "Deus qui humanae substantiae dignitatem Christum tuum nunc"


def _line_images(lang_attrs: list[str]) -> list:
    """Each paragraph, set alone on a page with the book's stylesheets, rendered to pixels."""
    import pypdfium2 as pdfium
    import weasyprint

    from publish.writers.fetch import BoundedFetcher

    styles = ROOT / "styles"
    paragraphs = "".join(
        f'<p{a} style="hyphens: manual; text-align: left; text-indent: 0; break-after: page">{WORDS}</p>' for a in lang_attrs
    )
    html = (
        '<html lang="en"><head><link rel="stylesheet" href="fonts.css"/><link rel="stylesheet" href="base.css"/>'
        '<link rel="stylesheet" href="print.css"/><style>@page { size: 6in 2in; margin: 0.3in }'
        " p.plain:lang(la) { font-feature-settings: normal }</style></head>"
        f"<body>{paragraphs}</body></html>"
    )
    fetcher = BoundedFetcher([styles], (styles,))
    pdf = weasyprint.HTML(string=html, base_url=styles.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf()
    doc = pdfium.PdfDocument(pdf)
    # The line only: the folio below it sits left or right by the page's side.
    return [doc[i].render(scale=2, crop=(0, 1.5 * 72, 0, 0)).to_pil().convert("L") for i in range(len(doc))]


def test_latin_u_is_drawn_as_u(tmp_path: Path) -> None:
    english, latin, latin_no_rule = _line_images([' lang="en"', ' lang="la"', ' lang="la" class="plain"'])
    # The test can fail: without the rule, Latin is drawn differently ("Devs qvi").
    assert latin_no_rule.tobytes() != english.tobytes(), "the font no longer has Latin forms: this test checks nothing"
    assert latin.tobytes() == english.tobytes()


def test_text_is_read_in_normal_form_c(tmp_path) -> None:
    from publish.diagnostics import Collector
    from publish.parse.source import read_text

    path = tmp_path / "a.md"
    path.write_text("Ame\u0301lie, ne\u0301e a\u0300 Paris", encoding="utf-8")
    assert read_text(path, "a.md", Collector()) == "Amélie, née à Paris"


LATIN = (
    "Quousque tandem abutere, Catilina, patientia nostra? Honorificabilitudinitatibus exspectationis "
    "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani, tertiam qui "
    "ipsorum lingua Celtae, nostra Galli appellantur."
)


def _hyphenated_lines(lang: str) -> list[str]:
    """Lines of a narrow, justified paragraph in ``lang`` that end in a hyphen (laid out
    through the pipeline's own ``lay_out``, which registers the extra patterns)."""
    import pypdfium2 as pdfium

    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out

    styles = (ROOT / "styles",)
    html = (
        f'<html lang="en"><head><link rel="stylesheet" href="fonts.css"/><link rel="stylesheet" href="base.css"/></head>'
        f'<body><p lang="{lang}" style="hyphens: auto; width: 9em; text-align: justify">{LATIN}</p></body></html>'
    )
    layout = lay_out(html, styles, BoundedFetcher(list(styles), styles), Collector())
    pdf = pdfium.PdfDocument(layout.document.write_pdf())
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return [line for line in text.splitlines() if line.rstrip().endswith(("-", "\u00ad", "\u2010"))]


def test_latin_is_hyphenated_with_its_own_patterns() -> None:
    """pyphen has no Latin: the pattern file shipped in publish/hyphenation/ (hyph-utf8's
    hyph-la) is registered, and a narrow Latin paragraph breaks words at Latin syllables."""
    import pyphen

    from publish.hyphenation import register

    register()
    assert pyphen.language_fallback("la") == "la" and pyphen.language_fallback("la-VA") == "la"
    latin = pyphen.Pyphen(lang="la")
    assert [latin.inserted(w) for w in ("Catilina", "appellantur", "exspectationis")] == [
        "Ca-ti-li-na",
        "ap-pel-lan-tur",
        "ex-spec-ta-tio-nis",
    ]
    lines = _hyphenated_lines("la")
    assert len(lines) >= 3, lines
    for line in lines:  # each break is one the Latin patterns allow
        stem = line.rstrip().rstrip("-\u00ad\u2010").split()[-1]
        words = [w.strip(",.?") for w in LATIN.split() if stem in w and len(w) > len(stem)]

        def allowed(word: str, stem: str = stem) -> bool:
            syllables = latin.inserted(word).split("-")
            return word.index(stem) + len(stem) in {len("".join(syllables[:i])) for i in range(1, len(syllables))}

        assert any(allowed(w) for w in words), (stem, words)


def test_without_the_patterns_latin_is_not_hyphenated(monkeypatch) -> None:
    """The test above could not pass by chance: with pyphen's tables as shipped (no
    Latin), the same paragraph breaks no word."""
    import pyphen

    from publish import hyphenation

    monkeypatch.setattr(hyphenation, "register", lambda: None)
    monkeypatch.setattr(pyphen, "LANGUAGES", {k: v for k, v in pyphen.LANGUAGES.items() if not k.startswith("la")})
    monkeypatch.setattr(pyphen, "LANGUAGES_LOWERCASE", {k: v for k, v in pyphen.LANGUAGES_LOWERCASE.items() if k != "la"})
    assert pyphen.language_fallback("la") is None
    assert _hyphenated_lines("la") == []
