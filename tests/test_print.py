"""The two PDF profiles and the print layout, read back from the files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish.cli import main

from .conftest import ROOT, build_into
from .test_notes import FIXTURE

PT_PER_MM = 72 / 25.4
BLEED = 3 * PT_PER_MM


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def test_print_profile_is_pdf_x4_with_cmyk_intent(print_pdfs) -> None:
    reader = PdfReader(str(print_pdfs[0]))
    root = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4, "the output intent is a CMYK profile"
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in _xmp(reader)
    assert "/StructTreeRoot" not in root


def test_print_profile_boxes_trim_plus_bleed(print_pdfs) -> None:
    for page in PdfReader(str(print_pdfs[0])).pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(float(trim.width)), round(float(trim.height))) == (432, 648)
        assert float(media.width) == pytest.approx(432 + 2 * BLEED, abs=0.01)
        assert float(media.height) == pytest.approx(648 + 2 * BLEED, abs=0.01)
        assert float(trim.left) - float(media.left) == pytest.approx(BLEED, abs=0.01)
        assert [float(x) for x in bleed] == [float(x) for x in media]


def test_print_profile_text_is_black_ink(print_pdfs) -> None:
    """Text is drawn in DeviceCMYK 0 0 0 1, not RGB."""
    page = PdfReader(str(print_pdfs[0])).pages[12]
    content = page.get_contents().get_data().decode("latin-1")
    assert "/DeviceCMYK cs\n0 0 0 1 scn" in content
    assert "/DeviceRGB" not in content and not re.search(r"\brg\b", content)


def test_print_profile_reproducible(print_pdfs) -> None:
    assert print_pdfs[0].read_bytes() == print_pdfs[1].read_bytes()


def test_print_profile_fonts_and_labels(print_pdfs, edition) -> None:
    reader = PdfReader(str(print_pdfs[0]))
    assert list(reader.page_labels) == list(PdfReader(str(edition.pdf)).page_labels)
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object() or "/FontFile3" in descriptor.get_object()


def test_digital_profile_is_tagged_pdf_ua(edition) -> None:
    reader = PdfReader(str(edition.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/Lang"] == "en"
    assert 'pdfuaid:part="1"' in _xmp(reader)
    assert "/OutputIntents" not in root
    for page in reader.pages:
        assert [round(float(x)) for x in page.mediabox] == [0, 0, 432, 648]


def test_trim_size_and_margins_from_configuration(tmp_path: Path) -> None:
    ms = tmp_path / "manuscript"
    shutil.copytree(FIXTURE, ms)
    yaml = ms / "book.yaml"
    yaml.write_text(yaml.read_text() + "print:\n  trim: a5\n  margins: {inner: 25mm, outer: 12mm}\n")
    built = build_into(ms, tmp_path / "out", ("pdf",), ("digital",))
    reader = PdfReader(str(built.pdf))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(148 * PT_PER_MM, abs=0.05)
        assert float(page.mediabox.height) == pytest.approx(210 * PT_PER_MM, abs=0.05)
    from publish.build import load, source_time
    from publish.render import environment, print_html

    book = load(ms)
    css = print_html(book, environment((ROOT / "templates",)), source_time(book))
    assert "@page :left { margin-left: 12mm; margin-right: 25mm; }" in css
    assert "@page :right { margin-left: 25mm; margin-right: 12mm; }" in css


def test_proof_pages_and_contact_sheet(edition, tmp_path: Path, capsys) -> None:
    from PIL import Image

    assert main(["proof", str(edition.pdf), "-o", str(tmp_path / "proof"), "--scale", "0.5"]) == 0
    pages = sorted((tmp_path / "proof").glob("page-*.png"))
    assert len(pages) == edition.result.pages
    with Image.open(pages[0]) as image:
        assert image.size == (216, 324)
    assert (tmp_path / "proof" / "contact-sheet.png").stat().st_size > 10_000


def test_missing_font_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    css = styles / "fonts.css"
    css.write_text(css.read_text().replace("fonts/EBGaramond-Regular.ttf", "fonts/NoSuchFont.ttf"))
    code = main(["build", str(ROOT / "manuscript"), "-o", str(tmp_path / "out"), "--format", "pdf", "--styles", str(styles)])
    err = capsys.readouterr().err
    assert code == 2
    line = next(i for i, text in enumerate(css.read_text().splitlines(), 1) if "NoSuchFont" in text)
    assert f"styles/fonts.css:{line}: error R001: `fonts/NoSuchFont.ttf`: no file fonts/NoSuchFont.ttf" in err
    assert main(["check", str(ROOT / "manuscript")]) == 0  # the theme's own are fine
    assert main(["check", str(ROOT / "manuscript"), "--styles", str(styles)]) == 2  # check and build agree
    assert "error R001: `fonts/NoSuchFont.ttf`" in capsys.readouterr().err
    assert not (tmp_path / "out" / "barta-sedova-letters.pdf").exists()


def test_no_more_than_two_hyphenated_lines_in_a_row_and_no_note_off_its_page(edition, scholar) -> None:
    """Read back from the PDFs.  (The edition has a division whose id starts like a
    note's, ``note-on-the-text``, which the contents link to: not a note.)"""
    from publish.checks.pdf import longest_hyphen_run, notes_off_their_pages

    assert longest_hyphen_run(edition.pdf) <= 2
    assert longest_hyphen_run(scholar.pdf) <= 2
    assert notes_off_their_pages(edition.pdf) == notes_off_their_pages(scholar.pdf) == []


def test_the_two_profiles_break_every_line_alike(edition, print_pdfs) -> None:
    """The print profile differs in colour, bleed, marks and tagging, none of which moves
    a line: the text of every line of every page is the same."""
    from .textutil import pdf_pages

    digital, printed = pdf_pages(edition.pdf), pdf_pages(print_pdfs[0])
    assert len(digital) == len(printed)
    for number, (a, b) in enumerate(zip(digital, printed, strict=True), 1):
        assert a.splitlines() == b.splitlines(), f"page {number}"


def test_no_overfull_lines(edition) -> None:
    """No glyph of the text block sticks out past the margins.  pdfium's boxes are ink
    boxes: EB Garamond's roman f overhangs its advance by about 1.1 pt at this size, so
    1.5 pt are allowed; an overfull line in WeasyPrint overflows by a word or more."""
    import pypdfium2 as pdfium

    page_spec = edition.result.book.settings.page
    inch = 72.0
    inner, outer = float(page_spec.inner.removesuffix("in")) * inch, float(page_spec.outer.removesuffix("in")) * inch
    top, bottom = float(page_spec.top.removesuffix("in")) * inch, float(page_spec.bottom.removesuffix("in")) * inch
    doc = pdfium.PdfDocument(str(edition.pdf))
    checked = 0
    try:
        for index in range(len(doc)):
            page = doc[index]
            width, height = page.get_size()
            recto = index % 2 == 0  # the first page is a recto
            left, right = (inner, width - outer) if recto else (outer, width - inner)
            text = page.get_textpage()
            for i in range(text.count_chars()):
                x0, y0, x1, y1 = text.get_charbox(i)
                if x1 <= x0 or y0 < bottom or y1 > height - top or text.get_text_range(i, 1).isspace():
                    continue  # empty boxes, running heads and folios, spaces (no ink: pdfium gives a space
                    # WeasyPrint writes after a line's last inline box a box past the line's end)
                assert left - 1.5 <= x0 and x1 <= right + 1.5, (index, i, x0, x1, left, right)
                checked += 1
    finally:
        doc.close()
    assert checked > 10_000


@pytest.fixture(scope="module")
def by_year(tmp_path_factory: pytest.TempPathFactory):
    """The edition divided into parts by year."""
    root = tmp_path_factory.mktemp("parts")
    ms = root / "manuscript"
    shutil.copytree(ROOT / "manuscript", ms)
    yaml = ms / "book.yaml"
    text = yaml.read_text().replace('  appendix: "Appendix"\n', '  appendix: "Appendix"\n  parts: year\n')
    yaml.write_text(text.replace("  letters_new_page: false\n", "  letters_new_page: false\n  parts_recto: true\n"))
    return build_into(ms, root / "out", ("pdf", "epub"))


def test_parts_by_year_open_on_rectos_with_nested_bookmarks(by_year) -> None:
    reader = PdfReader(str(by_year.pdf))
    anchors = by_year.result.anchors
    years = ["1946", "1947", "1948", "1949"]
    # The contents stay on one page (its entries for parts are not parts themselves).
    assert anchors["introduction"] - anchors["contents"] == 2
    for year in years:
        assert anchors[f"part-{year}"] % 2 == 0, f"part {year} opens on a verso"
    outline = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    letters = outline[top.index("The Letters") + 1]
    parts = [item.title for item in letters if not isinstance(item, list)]
    assert parts == years
    counts = [len(item) for item in letters if isinstance(item, list)]
    assert counts == [1, 7, 2, 1]  # 1946: 16 Dec; 1947: seven; 1948: two; 1949: 29 Jun
    for year, group in zip(years, [item for item in letters if isinstance(item, list)], strict=True):
        for item in group:
            assert reader.get_destination_page_number(item) >= anchors[f"part-{year}"]


def test_blank_versos_before_parts_are_bare(by_year) -> None:
    """No running head and no folio on the blank page before a part: the named page group
    of the correspondence has its own folio rules, which must not reach blank pages."""
    from .textutil import pdf_pages

    pages = pdf_pages(by_year.pdf)
    anchors = by_year.result.anchors
    blanks = [anchors[f"part-{y}"] - 1 for y in ("1946", "1947", "1948", "1949") if not pages[anchors[f"part-{y}"] - 1].strip()]
    blanks += [i for i, text in enumerate(pages) if text.strip().isdigit()]  # a folio alone
    assert blanks, "the parts of this book come after a blank verso"
    for index in blanks:
        assert pages[index].strip() == "", f"page {index + 1}: {pages[index]!r}"


def test_parts_by_year_in_the_epub(by_year) -> None:
    from publish.checks.epubcheck import run

    from .test_epub import NS
    from .textutil import epub_documents

    assert [str(m) for m in run(by_year.epub)] == []
    nav = epub_documents(by_year.epub)["EPUB/nav.xhtml"]
    parts = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li[x:a/@href='letters.xhtml']/x:ol/x:li", namespaces=NS)
    assert [p.xpath("string(x:a)", namespaces=NS) for p in parts] == ["1946", "1947", "1948", "1949"]
    assert [len(p.xpath("x:ol/x:li", namespaces=NS)) for p in parts] == [1, 7, 2, 1]


def test_letters_on_new_pages_when_configured(tmp_path: Path) -> None:
    ms = tmp_path / "manuscript"
    shutil.copytree(FIXTURE, ms)
    yaml = ms / "book.yaml"
    yaml.write_text(yaml.read_text() + "print:\n  letters_new_page: true\n")
    built = build_into(ms, tmp_path / "out", ("pdf",), ("digital",))
    anchors = built.result.anchors
    starts = [anchors[x.id] for x in built.result.book.letters]
    assert len(set(starts)) == len(starts)
    for letter, page in zip(built.result.book.letters[1:], starts[1:], strict=True):
        previous_end = max(anchors[p.id] for p in built.result.book.letters[starts.index(page) - 1].blocks)
        assert page > previous_end, letter.id
