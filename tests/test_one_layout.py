"""One layout, written in each profile (issue 15; ``writers/inks.py``): the digital and
print PDFs come from the same laid-out document and differ only in what is drawn and
written around the same lines: bleed, crop marks, colours in CMYK, the output intent,
tags and links."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from publish.diagnostics import Collector, ManuscriptError
from publish.model import OutputIntent
from publish.writers.fetch import BoundedFetcher
from publish.writers.pdf import cmyk_profile, lay_out, write

ROOT = Path(__file__).resolve().parent.parent
STYLES = (ROOT / "styles",)

# Dated as the book's print HTML is: WeasyPrint's PDF/X writer dates an undated document
# with the clock, and two writes a second apart would differ.
SMALL = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<meta name="dcterms.created" content="2026-11-25T00:00:00Z"/><meta name="dcterms.modified" content="2026-11-25T00:00:00Z"/>
<link rel="stylesheet" href="fonts.css"/><link rel="stylesheet" href="base.css"/><link rel="stylesheet" href="print.css"/>
<style>@page { size: 5in 7in; margin: 0.8in; bleed: 3mm; }</style></head><body>
<section id="x"><h2>A letter</h2>
<p>Dear friend, the text in black, <span style="color: #555">a word in grey</span>, and
<span style="color: rgb(200 30 30)">one in red</span>; <a href="#y">a link</a> to the next page.</p>
<p id="y" style="break-before: page">The second page, with enough words to make more than one line of text on it,
so that the lines are compared and not only the page.</p></section></body></html>"""


def _layout() -> tuple[object, BoundedFetcher, Collector]:
    fetcher, found = BoundedFetcher(list(STYLES), STYLES), Collector()
    return lay_out(SMALL, STYLES, fetcher, found, main_id="x"), fetcher, found


@pytest.fixture(scope="module")
def written() -> dict[str, bytes]:
    layout, fetcher, found = _layout()
    return write(layout, ("print", "digital"), "urn:test", STYLES, fetcher, found, OutputIntent(), crop_marks=True)


def _colours(data: bytes) -> set[tuple[str, tuple[float, ...]]]:
    out = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) in ("rg", "RG", "g", "G", "k", "K", "sc", "SC", "scn", "SCN"):
                    out.add((str(op), tuple(round(float(x), 4) for x in operands if not isinstance(x, pikepdf.Name))))
    return out


def _lines(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_both_profiles_print_the_same_lines(written: dict[str, bytes]) -> None:
    assert _lines(written["print"]) == _lines(written["digital"])
    assert len(_lines(written["digital"])) == 2


def test_print_has_bleed_crop_marks_cmyk_and_the_intent(written: dict[str, bytes]) -> None:
    with pikepdf.open(io.BytesIO(written["print"])) as pdf:
        for page in pdf.pages:
            media, trim = [float(x) for x in page.MediaBox], [float(x) for x in page.TrimBox]
            assert media[0] == pytest.approx(trim[0] - 3 / 25.4 * 72) and media[2] == pytest.approx(trim[2] + 3 / 25.4 * 72)
            assert "/Annots" not in page.obj  # (pdf.press)
        assert "/OutputIntents" in pdf.Root and "/StructTreeRoot" not in pdf.Root
    colours = _colours(written["print"])
    assert not {c for c in colours if c[0] in ("rg", "RG", "g", "G")}  # no DeviceRGB, no DeviceGray
    assert ("scn", (0.0, 0.0, 0.0, 1.0)) in colours  # black text: black ink only
    assert ("scn", (0.0, 0.0, 0.0, 0.6667)) in colours  # a grey: black ink only
    assert ("scn", (0.0, 0.85, 0.85, 0.2157)) in colours  # red: naive conversion


def test_digital_has_no_bleed_and_keeps_its_colours_and_tags(written: dict[str, bytes]) -> None:
    with pikepdf.open(io.BytesIO(written["digital"])) as pdf:
        for page in pdf.pages:
            assert [float(x) for x in page.MediaBox] == [float(x) for x in page.TrimBox]
        assert "/OutputIntents" not in pdf.Root and "/StructTreeRoot" in pdf.Root
        assert any("/Annots" in page.obj for page in pdf.pages)
    colours = _colours(written["digital"])
    assert ("rg", (0.3333, 0.3333, 0.3333)) in colours and not {c for c in colours if c[0] in ("scn", "SCN", "k", "K")}


def test_crop_marks_only_when_asked() -> None:
    """The marks are strokes in the bleed; the same layout written without them has none
    of those strokes, and the document is as laid out again after each write."""
    layout, fetcher, found = _layout()
    plain = write(layout, ("print",), "urn:test", STYLES, fetcher, found, OutputIntent(), crop_marks=False)["print"]
    marked = write(layout, ("print",), "urn:test", STYLES, fetcher, found, OutputIntent(), crop_marks=True)["print"]
    again = write(layout, ("print",), "urn:test", STYLES, fetcher, found, OutputIntent(), crop_marks=False)["print"]

    def lines(data: bytes) -> int:  # (WeasyPrint draws the marks as an SVG image: a form XObject of lines)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            forms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
            return sum(str(op) == "l" for form in forms for _, op in pikepdf.parse_content_stream(form))

    assert lines(plain) == 0 and lines(marked) == 8 * 2  # eight marks a page
    assert plain == again


def test_writing_print_first_leaves_the_digital_pdf_as_alone(written: dict[str, bytes]) -> None:
    layout, fetcher, found = _layout()
    alone = write(layout, ("digital",), "urn:test", STYLES, fetcher, found)["digital"]
    assert alone == written["digital"]


def test_a_file_that_is_not_an_icc_profile_is_r001(tmp_path: Path) -> None:
    (tmp_path / "icc").mkdir()
    (tmp_path / "icc" / "bad.icc").write_text("not a profile")
    styles = (tmp_path,)
    with pytest.raises(ManuscriptError) as caught:
        cmyk_profile(styles, BoundedFetcher([tmp_path], styles), "bad.icc")
    (finding,) = caught.value.diagnostics
    assert finding.code.value == "R001" and "bad.icc is not an ICC profile" in finding.message


def test_the_edition_lays_out_alike_in_both_profiles(edition, print_pdfs) -> None:
    """The edition's digital PDF and its print PDF, from two builds, print the same
    lines on the same pages."""
    assert _lines(print_pdfs[0].read_bytes()) == _lines(edition.pdf.read_bytes())


def test_the_edition_in_print_sets_no_rgb_colour(print_pdfs) -> None:
    """Every colour of the print PDF is CMYK (the digital profile's colours converted)."""
    colours = _colours(print_pdfs[0].read_bytes())
    assert colours and not {c for c in colours if c[0] in ("rg", "RG", "g", "G")}
