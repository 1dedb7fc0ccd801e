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
