"""The print cover (``publish build --format cover``): one PDF/X-4 page, the full wrap
(back, spine, front) with bleed, its spine as wide as the print PDF's leaves times
``print.paper_caliper``.  Every figure is read back from the PDFs the builds wrote: the
cover's boxes (pikepdf), the print PDF's page count, the text where it is drawn and the
pixels of the barcode's box and of the front (pypdfium2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from .conftest import MANUSCRIPT, SCHOLAR, build_into

MM = 72 / 25.4
TRIM = (432.0, 648.0)  # 6 x 9 in: both books' print.trim
BLEED = 3 * MM  # print.bleed's default


@dataclass
class Cover:
    manuscript: Path
    cover: Path
    print_pdf: Path | None  # the print PDF of the same build, when it built one
    caliper: float  # pt


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return x0, y0, x1, y1


def _pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


@pytest.fixture(scope="session", params=["edition", "scholar"])
def book_cover(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Cover:
    """Each fixture book's print PDF and cover, built together (the cover's spine for
    the pages of that print PDF)."""
    manuscript = {"edition": MANUSCRIPT, "scholar": SCHOLAR}[request.param]
    if request.param == "edition":  # the session's print build of the edition (conftest.py) is this build
        built = request.getfixturevalue("edition_print")
    else:
        built = build_into(manuscript, tmp_path_factory.mktemp(f"cover-{request.param}"), ("pdf", "cover"), ("print",))
    from publish.diagnostics import Code

    assert not [w for w in built.result.warnings if w.code == Code.ENGINE_WARNING]  # WeasyPrint took every rule
    slug = built.result.book.meta.slug
    return Cover(manuscript, built.out / f"{slug}-cover.pdf", built.out / f"{slug}-print.pdf", 0.1 * MM)


def _starter(root: Path, caliper: str) -> Path:
    """The starter book (``publish new``) with ``print.paper_caliper: <caliper>``."""
    from publish.starter import new

    book = root / f"starter-{caliper}"
    new(book, "A Starter Book")
    yaml = book / "book.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\n# print:\n" in text
    yaml.write_text(text.replace("\n# print:\n", f"\nprint:\n  paper_caliper: {caliper}\n", 1), encoding="utf-8")
    return book


@dataclass
class Starter:
    wide_alone: Cover  # the cover built alone: the build lays the print book out for its page count
    wide_with_pdf: Cover  # the same book's cover built with its print PDF
    narrow_alone: Cover


@pytest.fixture(scope="session")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Starter:
    """A tiny book on thick paper (its spine wide enough for text) and on thin paper."""
    root = tmp_path_factory.mktemp("cover-starter")
    thick, thin = _starter(root, "0.8mm"), _starter(root, "0.1mm")
    alone = build_into(thick, root / "alone", ("cover",), ("digital",))
    together = build_into(thick, root / "together", ("pdf", "cover"), ("print",))
    narrow = build_into(thin, root / "narrow", ("cover",), ("digital",), layout="single")  # (the other way to lay out)
    for built in (alone, narrow):
        assert built.result.warnings == []  # (the print layout's own findings are the print PDF's to report)
    slug, thin_slug = together.result.book.meta.slug, narrow.result.book.meta.slug
    return Starter(
        Cover(thick, alone.out / f"{slug}-cover.pdf", None, 0.8 * MM),
        Cover(thick, together.out / f"{slug}-cover.pdf", together.out / f"{slug}-print.pdf", 0.8 * MM),
        Cover(thin, narrow.out / f"{thin_slug}-cover.pdf", None, 0.1 * MM),
    )


def _spine(pages: int, caliper: float) -> float:
    return math.ceil(pages / 2) * caliper


def test_cover_measures_follow_the_print_pdf(book_cover: Cover) -> None:
    """TrimBox = 2 x trim + spine by the trim height; MediaBox = BleedBox = the trim box
    and the bleed all round; the spine for the print PDF's page count."""
    spine = _spine(_pages(book_cover.print_pdf), book_cover.caliper)
    with pikepdf.open(book_cover.cover) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        tx0, ty0, tx1, ty1 = _box(page, "/TrimBox")
        mx0, my0, mx1, my1 = _box(page, "/MediaBox")
        assert _box(page, "/BleedBox") == (mx0, my0, mx1, my1)
    assert tx1 - tx0 == pytest.approx(2 * TRIM[0] + spine, abs=0.01)
    assert ty1 - ty0 == pytest.approx(TRIM[1], abs=0.01)
    assert mx1 - mx0 == pytest.approx(2 * TRIM[0] + spine + 2 * BLEED, abs=0.01)
    assert my1 - my0 == pytest.approx(TRIM[1] + 2 * BLEED, abs=0.01)
    assert (tx0 - mx0, ty0 - my0, mx1 - tx1, my1 - ty1) == pytest.approx((BLEED,) * 4, abs=0.01)


def test_cover_is_pdfx_with_the_print_output_intent(book_cover: Cover) -> None:
    with pikepdf.open(book_cover.cover) as cover, pikepdf.open(book_cover.print_pdf) as book:
        (intent,) = cover.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert int(intent.DestOutputProfile.N) == 4  # a CMYK profile
        (printed,) = book.Root.OutputIntents
        for key in ("/OutputConditionIdentifier", "/OutputCondition", "/RegistryName"):
            assert str(intent[key]) == str(printed[key])
        assert intent.DestOutputProfile.read_bytes() == printed.DestOutputProfile.read_bytes()
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in cover.Root.Metadata.read_bytes()


def test_cover_fonts_are_embedded(book_cover: Cover) -> None:
    with pikepdf.open(book_cover.cover) as pdf:
        fonts = list(pdf.pages[0].Resources.Font.values())
        assert fonts
        for font in fonts:
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), str(font.BaseFont)


def _panel_text(path: Path, left: float, right: float) -> str:
    """The text drawn between ``left`` and ``right`` (pt from the trim box's left edge)."""
    doc = pdfium.PdfDocument(path)
    try:
        page = doc[0]
        tx0, ty0, _, ty1 = page.get_trimbox()
        return page.get_textpage().get_text_bounded(left=tx0 + left, bottom=ty0, right=tx0 + right, top=ty1)
    finally:
        doc.close()


def test_front_back_and_spine_text(book_cover: Cover) -> None:
    """The front names the title, subtitle and authors; so does the back, with the
    publisher; the spine is too narrow for text (under 6 mm: both books are short)."""
    from publish.build import load

    meta = load(book_cover.manuscript).meta
    spine = _spine(_pages(book_cover.print_pdf), book_cover.caliper)
    assert spine < 6 * MM
    front = " ".join(_panel_text(book_cover.cover, TRIM[0] + spine, 2 * TRIM[0] + spine).split())
    back = " ".join(_panel_text(book_cover.cover, 0, TRIM[0]).split())
    for panel in (front, back):
        assert meta.title in panel and meta.subtitle in panel
        for author in meta.by_role("aut"):
            assert author.name in panel
    assert meta.publisher in back
    assert _panel_text(book_cover.cover, TRIM[0], TRIM[0] + spine).strip() == ""


def _render(path: Path, scale: float) -> tuple[object, float, float]:
    """The page as an image, and the trim box's top-left corner in its pixels."""
    doc = pdfium.PdfDocument(path)
    try:
        page = doc[0]
        mx0, _, _, my1 = page.get_mediabox()
        tx0, _, _, ty1 = page.get_trimbox()
        return page.render(scale=scale).to_pil().convert("RGB"), (tx0 - mx0) * scale, (my1 - ty1) * scale
    finally:
        doc.close()


def test_barcode_box_is_white_bottom_right_of_the_back(book_cover: Cover) -> None:
    """2 x 1.2 in of paper white, 0.25 in inside the trim's bottom and the spine's fold."""
    scale = 2.0
    image, left, top = _render(book_cover.cover, scale)
    x1, y1 = left + (TRIM[0] - 18) * scale, top + (TRIM[1] - 18) * scale  # its bottom right
    x0, y0 = x1 - 144 * scale, y1 - 86.4 * scale
    inside = image.crop((int(x0) + 2, int(y0) + 2, int(x1) - 2, int(y1) - 2))
    assert inside.getextrema() == ((255, 255), (255, 255), (255, 255))
    beside = image.crop((int(x1) + 2, int(y0), int(x1) + 12, int(y1)))  # between the box and the fold: the cover's colour
    assert max(hi for _, hi in beside.getextrema()) < 200


def test_front_is_the_epub_cover(book_cover: Cover, tmp_path: Path) -> None:
    """The print front and the EPUB's cover image are one design: where one draws text
    (light on dark), so does the other, to a pixel (antialiasing)."""
    from PIL import Image, ImageChops, ImageFilter

    from publish import render
    from publish.build import Paths, load
    from publish.writers.cover import cover_png
    from publish.writers.fetch import BoundedFetcher

    book = load(book_cover.manuscript)
    paths = Paths.find(book_cover.manuscript, tmp_path)
    png = cover_png(book, render.environment(paths.templates), paths.styles, BoundedFetcher(list(paths.folders), paths.styles))
    path = tmp_path / "epub-cover.png"
    path.write_bytes(png)
    spine = _spine(_pages(book_cover.print_pdf), book_cover.caliper)
    scale = 600 / TRIM[0]
    image, left, top = _render(book_cover.cover, scale)
    x0 = left + (TRIM[0] + spine) * scale
    front = image.crop((round(x0), round(top), round(x0) + 600, round(top) + 900)).convert("L")
    with Image.open(path) as epub:
        epub_front = epub.convert("L").resize((600, 900), Image.Resampling.LANCZOS)
    ink = [im.point(lambda v: 255 if v > 128 else 0) for im in (front, epub_front)]

    def stray(x: Image.Image, y: Image.Image) -> int:
        """Pixels of ink in ``x`` more than a pixel away from any ink in ``y``."""
        return ImageChops.subtract(x, y.filter(ImageFilter.MaxFilter(3))).histogram()[255]

    drawn = ink[0].histogram()[255]
    assert drawn > 2000  # there is text
    assert stray(ink[0], ink[1]) < drawn * 0.01 and stray(ink[1], ink[0]) < drawn * 0.01


def test_spine_text_when_the_spine_is_wide(starter: Starter) -> None:
    pages = _pages(starter.wide_with_pdf.print_pdf)
    wide, narrow = _spine(pages, 0.8 * MM), _spine(pages, 0.1 * MM)
    assert wide >= 6 * MM > narrow, f"the starter's {pages} pages: choose other calipers for this test"
    spine = " ".join(_panel_text(starter.wide_alone.cover, TRIM[0], TRIM[0] + wide).split())
    assert "A Starter Book" in spine and "Ada Example and Ben Example" in spine
    assert _panel_text(starter.narrow_alone.cover, TRIM[0], TRIM[0] + narrow).strip() == ""
    with pikepdf.open(starter.narrow_alone.cover) as pdf:
        tx0, _, tx1, _ = _box(pdf.pages[0], "/TrimBox")
    assert tx1 - tx0 == pytest.approx(2 * TRIM[0] + narrow, abs=0.01)


def test_cover_alone_is_the_cover_built_with_the_print_pdf(starter: Starter) -> None:
    """Built alone, the build lays the print book out for its page count: the same
    cover, byte for byte, as the one built beside the print PDF (two builds of one
    manuscript: deterministic)."""
    assert starter.wide_alone.cover.read_bytes() == starter.wide_with_pdf.cover.read_bytes()
    assert not starter.wide_alone.cover.with_name(starter.wide_with_pdf.print_pdf.name).exists()  # no print PDF asked for


def test_bad_caliper_is_a_finding_with_its_line(tmp_path: Path) -> None:
    from publish.build import load
    from publish.diagnostics import ManuscriptError

    book = _starter(tmp_path, "0.1mm")
    yaml = book / "book.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("paper_caliper: 0.1mm", "paper_caliper: thick"), encoding="utf-8")
    line = next(i for i, text in enumerate(yaml.read_text(encoding="utf-8").splitlines(), 1) if "paper_caliper" in text)
    with pytest.raises(ManuscriptError) as caught:
        load(book)
    (finding,) = caught.value.diagnostics
    assert (finding.loc.path, finding.loc.line) == ("book.yaml", line) and "print.paper_caliper" in finding.message


def test_epub_cover_is_the_same_drawn_anywhere(edition, tmp_path: Path) -> None:
    """The EPUB's cover image drawn by a layout worker (the edition, built in units), by
    a process of its own (an EPUB-only build) and in this process are the same PNG."""
    import zipfile

    from publish import render
    from publish.build import Paths, load
    from publish.writers.cover import cover_png
    from publish.writers.fetch import BoundedFetcher

    def png(epub: Path) -> bytes:
        with zipfile.ZipFile(epub) as z:
            return z.read("EPUB/images/cover.png")

    alone = build_into(MANUSCRIPT, tmp_path / "epub", ("epub",))
    paths = Paths.find(MANUSCRIPT, tmp_path)
    here = cover_png(
        load(MANUSCRIPT), render.environment(paths.templates), paths.styles, BoundedFetcher(list(paths.folders), paths.styles)
    )
    assert edition.result.layout == "units" and png(edition.epub) == png(alone.epub) == here


def test_an_epub_waits_for_its_cover_only_to_package_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An EPUB-only build draws the cover in a process of its own while the EPUB's
    documents are rendered and their fonts cut: the EPUB asks for the cover once,
    last, and it is drawn once."""
    import shutil

    from publish import build, render
    from publish.writers import epub

    said: list[str] = []
    documents, write, cover, package = render.epub_documents, epub.write_epub, build._cover, build._build_epub
    monkeypatch.setattr(render, "epub_documents", lambda *a, **k: said.append("documents") or documents(*a, **k))
    monkeypatch.setattr(epub, "write_epub", lambda *a, **k: said.append("written") or write(*a, **k))
    monkeypatch.setattr(build, "_cover", lambda *a, **k: said.append("drawn") or cover(*a, **k))

    def packaged(*args):
        *rest, drawn = args
        return package(*rest, lambda: said.append("asked") or drawn())

    monkeypatch.setattr(build, "_build_epub", packaged)
    ms = tmp_path / "ms"
    shutil.copytree(SCHOLAR, ms)
    build_into(ms, tmp_path / "out", ("epub",))
    assert said.count("drawn") == 1 and said.index("drawn") < said.index("asked")  # (its drawing started first)
    assert [s for s in said if s != "drawn"] == ["documents", "asked", "written"]
