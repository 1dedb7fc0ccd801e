"""The PDF laid out in units and stitched (the default) against the single-document
render (``layout="single"``): the same pages, text, folios, links, bookmarks, boxes and
structure, on the edition (both profiles), on the 10x corpus, and on a corpus whose
letters open fresh pages (units that open on versos); and the incremental path: a
one-word correction lays out one unit again and gives the text a full build gives."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .conftest import MANUSCRIPT, ROOT, build_into

sys.path.insert(0, str(ROOT / "bench"))


_FACTS: dict[tuple[str, int, int, int], dict[str, object]] = {}


def facts(pdf: Path) -> dict[str, object]:
    """What a reader or a printer sees of a PDF, read back with pypdf and pikepdf (once
    per written file: a reference PDF is compared with several)."""
    import copy

    from .textutil import file_key

    key = file_key(pdf)
    if key not in _FACTS:
        _FACTS[key] = _facts(pdf)
    return copy.deepcopy(_FACTS[key])


def _facts(pdf: Path) -> dict[str, object]:
    import pikepdf
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))

    def outline(items: list, depth: int = 0) -> list[tuple[int, str, int]]:
        out: list[tuple[int, str, int]] = []
        for item in items:
            if isinstance(item, list):
                out += outline(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
        return out

    links = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            rect = tuple(round(float(x), 1) for x in annot["/Rect"])
            if "/Dest" in annot:
                dest = reader.named_destinations[str(annot["/Dest"])]
                links.append((index, str(annot["/Dest"]), reader.get_destination_page_number(dest), rect))
            else:
                links.append((index, str(annot["/A"]["/URI"]), -1, rect))
    structure: Counter[str] = Counter()
    with pikepdf.open(pdf) as doc:
        if "/StructTreeRoot" in doc.Root:
            stack = list(doc.Root.StructTreeRoot.K)
            while stack:
                element = stack.pop()
                if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                    structure[str(element.S)] += 1
                    kids = element.get("/K")
                    stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            parents = sorted(int(p.obj.StructParents) for p in doc.pages)
            assert parents == list(range(len(doc.pages))), "each page has its own entry in the parent tree"
        fonts = {str(f.get("/BaseFont"))[8:] for p in doc.pages for f in p.Resources.get("/Font", {}).values()}
        # Every object in the file, reachable or not from the tree: a stitch that copied a
        # unit's own tree along would have more elements and roots than the single render.
        kinds = Counter(str(o.get("/Type")) for o in doc.objects if isinstance(o, pikepdf.Dictionary) and "/Type" in o)
    return {
        "pages": [p.extract_text() for p in reader.pages],
        "labels": list(reader.page_labels),
        "outline": outline(reader.outline),
        "links": links,
        "boxes": [(tuple(p.mediabox), tuple(p.trimbox), tuple(p.bleedbox)) for p in reader.pages],
        "structure": structure,
        "fonts": fonts,
        "objects": {k: kinds[k] for k in ("/StructTreeRoot", "/StructElem", "/Page", "/Annot")},
        "output_intents": len(reader.trailer["/Root"].get("/OutputIntents", [])),
    }


def assert_same(units: Path, single: Path) -> None:
    a, b = facts(units), facts(single)
    for key in a:
        if key == "pages":
            for index, (x, y) in enumerate(zip(a[key], b[key], strict=True)):
                assert x == y, f"page {index + 1} differs"
        assert a[key] == b[key], key


@pytest.fixture(scope="session")
def single_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_into(MANUSCRIPT, tmp_path_factory.mktemp("single"), ("pdf", "epub"), ("digital", "print"), layout="single")
    return built.out


def test_edition_is_laid_out_in_units(edition) -> None:
    layouts = [(k, final) for k, final, _ in edition.result.unit_layouts]
    # The front matter, the letters, the appendix, the calendar, the persons, the
    # glossary, the indexes.
    assert {k for k, final in layouts if final} == {0, 1, 2, 3, 4, 5, 6}


def test_edition_in_units_equals_single_document(edition, single_edition: Path) -> None:
    assert_same(edition.pdf, single_edition / "barta-sedova-letters.pdf")
    assert facts(edition.pdf)["structure"]["/Link"] > 50  # type: ignore[index]


def test_epub_from_the_units_layout_is_the_single_documents(edition, single_edition: Path) -> None:
    """The EPUB's print page list from the units' layout and from the single
    document's: the same EPUB, byte for byte."""
    assert edition.result.layout == "units" and edition.result.page_list
    assert edition.epub.read_bytes() == (single_edition / "barta-sedova-letters.epub").read_bytes()


def test_print_profile_in_units_equals_single_document(print_pdfs, single_edition: Path) -> None:
    assert_same(print_pdfs[0], single_edition / "barta-sedova-letters-print.pdf")
    assert facts(print_pdfs[0])["output_intents"] == 1


def _without_back_matter(manuscript: Path) -> None:
    """No calendar, register of persons or index (an index of a kind nothing is) in a
    corpus made from the edition: the glossary stays."""
    config = manuscript / "book.yaml"
    back = '\n  calendar: false\n  persons: false\n  indexes: [{title: "Works", kinds: [work]}]\n'
    text = config.read_text(encoding="utf-8")
    assert "\ndivisions:\n" in text
    config.write_text(text.replace("\ndivisions:\n", "\ndivisions:" + back, 1), encoding="utf-8")


def test_2x_corpus_in_units_equals_single_document(tmp_path: Path) -> None:
    """A corpus twice the edition, parts by year (the 10x corpus is bench/'s: at 66 s it
    took a fifth of the suite)."""
    from corpus import make

    corpus = make(2, tmp_path / "ms")
    _without_back_matter(corpus)  # (its equality is the edition's test): the parts' units
    units = build_into(corpus, tmp_path / "units", ("pdf",))
    single = build_into(corpus, tmp_path / "single", ("pdf",), layout="single")
    assert units.result.book.settings.calendar is False and not units.result.book.settings.persons
    layouts = [(k, final) for k, final, _ in units.result.unit_layouts]
    # The front, the letters' title, four parts by year, the appendix, the glossary.
    assert len({k for k, _ in layouts}) == 8
    assert units.result.pages >= 40
    assert_same(units.pdf, single.pdf)


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of the edition built in units and as one document, each into its own
    folder; one word corrected, both built again into the same folders (the incremental
    path), and the corrected manuscript built from scratch as one document: the
    reference both tests below compare against (one build of it, not one each)."""
    root = tmp_path_factory.mktemp("corrected")
    manuscript = root / "manuscript"
    shutil.copytree(MANUSCRIPT, manuscript)
    built = {
        "units-first": build_into(manuscript, root / "units", ("pdf",)),
        "single-first": build_into(manuscript, root / "single", ("pdf",), layout="single"),
    }
    letter = manuscript / "letters" / "05-uc-1947-06-05.md"
    text = letter.read_text(encoding="utf-8")
    assert "the greatest importance" in text
    letter.write_text(text.replace("the greatest importance", "the utmost importance", 1), encoding="utf-8")
    built["units-again"] = build_into(manuscript, root / "units", ("pdf",))
    built["single-again"] = build_into(manuscript, root / "single", ("pdf",), layout="single")
    built["fresh"] = build_into(manuscript, root / "fresh", ("pdf",), layout="single")
    return built


def test_one_word_correction_lays_out_one_unit_and_gives_a_full_builds_text(corrected) -> None:
    again = corrected["units-again"]
    assert [(k, final) for k, final, _ in again.result.unit_layouts] == [(1, True)]  # the letters, nothing else
    assert "utmost importance" in " ".join(facts(again.pdf)["pages"])  # type: ignore[arg-type]
    assert_same(again.pdf, corrected["fresh"].pdf)


def test_a_single_document_takes_one_layout_before_and_after_a_correction(corrected) -> None:
    """The edition (one document at 1x) is laid out once: the hyphenation limit and the
    footnotes' places are decided in the layout (writers/engine.py), not learnt from a
    first one.  Only its index is: a first build takes a second layout to print the
    index's pages, a rebuild starts from what the last build learnt (writers/book_pdf.taught).
    A corrected build gives the pages a build from scratch gives."""
    assert corrected["single-first"].result.passes == 2
    again = corrected["single-again"]
    assert again.result.passes == 1
    assert_same(again.pdf, corrected["fresh"].pdf)


def test_auto_layout_uses_units_when_the_correspondence_has_parts(tmp_path: Path) -> None:
    from dataclasses import replace

    from corpus import make

    from publish.build import load
    from publish.writers.book_pdf import worth_units

    def untagged(book):  # the same book without registers: no index
        return replace(book, register=())

    assert worth_units(load(MANUSCRIPT))  # an index: only its unit is laid out again
    assert not worth_units(untagged(load(MANUSCRIPT)))  # the eleven letters run on: one unit holds most of the book
    assert worth_units(untagged(load(make(2, tmp_path / "ms"))))  # parts by year
    # Letters on fresh pages, no parts: units when the letters hold the text of two.
    assert not worth_units(untagged(load(make(1, tmp_path / "new", new_page=True, parts=False))))
    assert worth_units(untagged(load(make(3, tmp_path / "new3", new_page=True, parts=False))))


@pytest.fixture(scope="session")
def new_page_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The edition with each letter on a fresh page, parts by year, both profiles: laid
    out with every letter a unit of its own (the least text of a unit set to one
    character), with units of a few letters (5,000 characters: cross-references to a
    letter of the same unit print folios that move with the unit's first folio), and as
    one document."""
    from corpus import make

    from publish.writers import units

    root = tmp_path_factory.mktemp("new-page")
    manuscript = make(1, root / "ms", new_page=True)
    _without_back_matter(manuscript)  # (the edition's own test covers it in units)
    built = {}
    saved = units.MIN_UNIT_CHARS
    try:
        for name, least in (("each", 1), ("grouped", 5000)):
            units.MIN_UNIT_CHARS = least
            built[name] = build_into(manuscript, root / name, ("pdf", "html"), ("digital", "print"))
    finally:
        units.MIN_UNIT_CHARS = saved
    built["single"] = build_into(manuscript, root / "single", ("pdf",), ("digital", "print"), layout="single")
    return built


@pytest.mark.parametrize("profile", ["digital", "print"])
def test_letters_on_fresh_pages_are_units_equal_to_the_single_document(new_page_books, profile: str) -> None:
    from pypdf import PdfReader

    from publish.writers.units import split

    each, grouped, single = new_page_books["each"], new_page_books["grouped"], new_page_books["single"]
    name = "barta-sedova-letters.pdf" if profile == "digital" else "barta-sedova-letters-print.pdf"
    book = each.result.book
    parts = sum(1 for g in book.groups if g.id)
    letters = book.all_letters
    # The front matter, the letters' title, each part's title and the appendix's (each
    # a unit: the least text is one character), each letter, the glossary.
    assert len({k for k, _, _ in each.result.unit_layouts}) == 1 + 1 + parts + 1 + len(letters) + 1
    reader = PdfReader(str(single.out / name))
    openings = [reader.get_destination_page_number(reader.named_destinations[letter.id]) for letter in letters]
    assert any(page % 2 == 1 for page in openings), "some letters open on a verso (an odd 0-based index)"
    assert_same(each.out / name, single.out / name)

    cut = split(grouped.html.read_text(encoding="utf-8"), min_chars=5000)
    assert 1 + 1 + parts < len(cut) < 1 + 1 + parts + 1 + len(letters)
    inner = [
        k
        for k in range(len(cut))
        for e in cut.owner
        if cut.owner[e] == k and e.get("class") == "pageref" and e.get("href")[1:] in cut.ids[k]
    ]
    assert inner, "a unit prints the folio of one of its own letters"
    assert len({k for k, _, _ in grouped.result.unit_layouts}) == len(cut)
    assert_same(grouped.out / name, single.out / name)


def test_plan_places_stubs_and_blank_versos_from_the_sides() -> None:
    """Units of 5, 3, 2, 3 and 4 pages of their own; the second (folio 1), third,
    fourth and fifth units open on a recto, a fresh page, a fresh page, a recto."""
    from publish.writers.chunked import _plan
    from publish.writers.units import Units

    split = Units(tree=None, starts=[None] * 5, recto=[True, True, False, False, True])
    plan = _plan(split, [5, 3, 2, 3, 4], main_unit=1)
    assert plan.offset == [0, 6, 9, 11, 14]  # a blank verso after the front matter's 5 pages
    assert plan.verso == [False, False, True, True, False]  # stub pages before units 3 and 4
    assert plan.keep == [6, 3, 2, 3, 4]  # unit 4 ends on a verso: no blank before the recto
    assert plan.first == [1, 1, 4, 6, 9]
    assert plan.main_start == 6


def test_split_cuts_fresh_pages_after_enough_text() -> None:
    from publish.writers.units import split

    letter = '<article data-unit="page"><p>{}</p></article>'
    html = "<html><head></head><body><p>front</p><section data-unit=''><h1>T</h1>{}</section></body></html>".format(
        "".join(letter.format("x" * n) for n in (30, 30, 30, 5))
    )
    cut = split(html, min_chars=40)  # front | title, 30, 30 (61 >= 40) | 30, 5
    assert cut.recto == [True, True, False]
    assert cut.chars == [5, 1 + 30 + 30, 30 + 5]
    assert len(split(html, min_chars=1000)) == 2  # only the recto opening


def test_the_fork_server_is_started_only_for_builds_that_fork() -> None:
    """The command line starts the fork server before it reads anything when the build
    will fork from it (``runners.server_wanted``): units' workers for a PDF or a cover
    laid out in units (``auto`` may be), a process for an EPUB's cover when no PDF is
    made and the cache lacks it; never for HTML, CMIF, or a single document's PDF."""
    from publish.runners import server_wanted

    assert server_wanted(("pdf", "epub"), "auto") and server_wanted(("cover",), "units")
    assert server_wanted(("epub",), "single") and not server_wanted(("epub",), "auto", cover_kept=True)
    assert not server_wanted(("pdf", "epub"), "single") and not server_wanted(("html", "cmif"), "auto")


def test_the_command_line_starts_no_server_for_a_book_not_changed_since_its_build(tmp_path: Path) -> None:
    """The hint that keeps a build with nothing to do from starting the fork server: the
    output folder's record is newer than every file of the book."""
    import os

    from publish.cli import _built_since

    book, out = tmp_path / "book", tmp_path / "out"
    (book / "letters").mkdir(parents=True)
    (book / "letters" / "a.md").write_text("x")
    assert not _built_since(book, out)  # (never built)
    record = out / ".publish-cache" / "last-build.json"
    record.parent.mkdir(parents=True)
    record.write_text("{}")
    os.utime(book / "letters" / "a.md", ns=(1, record.stat().st_mtime_ns - 10**9))
    (book / ".git").mkdir()
    (book / ".git" / "index").write_text("")
    os.utime(book / ".git" / "index", ns=(1, record.stat().st_mtime_ns + 10**9))  # (not the book's: not looked at)
    assert _built_since(book, out)
    os.utime(book / "letters" / "a.md", ns=(1, record.stat().st_mtime_ns + 10**9))  # (edited since)
    assert not _built_since(book, out)
