"""The digital PDF as a screen reader and a reader's click meet it, and the print PDF
as a preflight does, read back with pikepdf (writers/tagging.py, writers/pdf.press)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from .conftest import ROOT


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the tree's root, in order."""
    found = []

    def walk(element: object) -> None:
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        found.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid)

    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid)
    return found


def _marked(pdf: pikepdf.Pdf) -> tuple[list[tuple[int, str]], set[tuple[int, int]]]:
    """(page, artifact subtype) of each artifact, and the (page, MCID) of all marked content."""
    artifacts, mcids = [], set()
    for index, page in enumerate(pdf.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != "BDC":
                continue
            if str(operands[0]) == "/Artifact":
                artifacts.append((index, str(operands[1].get("/Subtype", ""))))
            elif "/MCID" in operands[1]:
                mcids.add((index, int(operands[1].MCID)))
    return artifacts, mcids


@pytest.fixture(scope="module")
def digital(edition):
    with pikepdf.open(edition.pdf) as pdf:
        yield pdf


def test_running_heads_and_folios_are_pagination_artifacts(digital, edition) -> None:
    """The text of every running head and folio is an artifact, and every other piece of
    marked text belongs to an element of the tree."""
    artifacts, mcids = _marked(digital)
    pages_with_heads = {page for page, kind in artifacts if kind == "/Header"}
    pages_with_folios = {page for page, kind in artifacts if kind == "/Footer"} | pages_with_heads
    text_pages = {edition.result.anchors[letter.id] for letter in edition.result.book.letters}
    assert text_pages <= pages_with_folios
    assert len(pages_with_heads) >= 15
    # every MCID drawn is in the parent tree and its element reaches the root
    nums = list(digital.Root.StructTreeRoot.ParentTree.Nums)
    parents = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)}
    in_tree = {e.objgen for e in _elements_cache(digital)}
    assert len(mcids) > 1000
    for page, mcid in mcids:
        owner = parents[int(digital.pages[page].StructParents)][mcid]
        assert owner.objgen in in_tree, (page, mcid)


_CACHE: dict[int, list] = {}


def _elements_cache(pdf: pikepdf.Pdf) -> list:
    if id(pdf) not in _CACHE:
        _CACHE[id(pdf)] = _elements(pdf)
    return _CACHE[id(pdf)]


def test_the_french_paragraphs_say_their_language(digital, edition) -> None:
    langs = Counter((str(e.S), str(e.Lang)) for e in _elements_cache(digital) if "/Lang" in e)
    french = sum(1 for p in edition.result.book.letters for b in p.blocks if getattr(b, "lang", "") == "fr")
    assert langs[("/P", "fr")] >= max(french, 1)
    assert str(digital.Root.Lang) == "en"
    assert all(lang != "en" for _, lang in langs)  # (said only where the language changes)


def test_notes_are_notes_and_their_calls_references_with_links(digital, edition) -> None:
    elements = _elements_cache(digital)
    notes = [e for e in elements if str(e.S) == "/Note"]
    expected = {n.id for item in (*edition.result.book.front, *edition.result.book.all_letters) for n in item.notes}
    assert {str(n.ID) for n in notes} == expected
    ids = list(digital.Root.StructTreeRoot.IDTree.Names)
    assert {str(k) for k in ids[::2]} == expected
    by_id = {str(k): v.objgen for k, v in zip(ids[::2], ids[1::2], strict=True)}
    assert by_id == {str(n.ID): n.objgen for n in notes}
    references = [e for e in elements if str(e.S) == "/Reference"]
    calls = sum(n.calls for item in (*edition.result.book.front, *edition.result.book.all_letters) for n in item.notes)
    assert len(references) == calls
    for reference in references:
        (link,) = [k for k in reference.K if isinstance(k, pikepdf.Dictionary)]
        assert str(link.S) == "/Link"
        annots = [k.Obj for k in link.K if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
        assert annots and str(annots[0].Dest) in expected
        assert str(annots[0].Contents).startswith("Note ")


def test_every_link_has_an_area_and_a_text_alternative_and_one_per_contents_entry(digital, edition) -> None:
    targets = {x.id for x in edition.result.book.letters} | {"contents"}
    contents_page = edition.result.anchors["contents"]
    per_target: Counter[str] = Counter()
    for index, page in enumerate(digital.pages):
        for annot in page.get("/Annots", []):
            x1, y1, x2, y2 = (float(v) for v in annot.Rect)
            assert x2 - x1 > 1 and y2 - y1 > 3, (index, annot.Rect)
            text = str(annot.Contents)
            dest = str(annot.get("/Dest", ""))
            assert text and text != dest, (index, text)  # (WeasyPrint writes the target's id)
            if index == contents_page:
                per_target[dest] += 1
    assert {t: n for t, n in per_target.items() if t in targets and n > 1} == {}
    assert sum(per_target[letter.id] for letter in edition.result.book.letters) == len(edition.result.book.letters)


def test_bookmarks_of_letters_carry_their_dates(digital, edition) -> None:
    with digital.open_outline() as outline:
        titles = []

        def walk(items: list) -> None:
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    for letter in edition.result.book.letters:
        assert f"{letter.number}. {letter.heading}, {letter.date.text}" in titles


def test_print_pdf_has_no_annotations_and_names_its_output_intent(print_pdfs) -> None:
    with pikepdf.open(print_pdfs[0]) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 001"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "default_cmyk.icc" in str(intent.Info)
        assert len(intent.DestOutputProfile.read_bytes()) > 1000


def test_the_output_intent_follows_book_yaml(tmp_path: Path) -> None:
    """A book naming another condition gets it in its print PDF; a profile that is not a
    plain ICC file name is refused at its book.yaml line."""
    from publish.starter import new

    from .conftest import build_into

    book = tmp_path / "book"
    new(book, "A Test of Intents")
    text = (book / "book.yaml").read_text()
    assert "\nprint:" not in text  # (the starter's print section is commented out)
    text += "\nprint:\n  output_intent:\n    identifier: FOGRA39\n    condition: Offset, coated paper (FOGRA39)\n"
    (book / "book.yaml").write_text(text)
    built = build_into(book, tmp_path / "out", ("pdf",), ("print",), layout="single")
    (pdf_path,) = (tmp_path / "out").glob("*-print.pdf")
    with pikepdf.open(pdf_path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.OutputCondition) == "Offset, coated paper (FOGRA39)"
    assert built.result is not None

    from publish.build import load
    from publish.diagnostics import ManuscriptError

    bad = (book / "book.yaml").read_text().replace("  output_intent:\n", "  output_intent:\n    profile: ../../etc/passwd\n", 1)
    (book / "book.yaml").write_text(bad)
    line = bad.splitlines().index("    profile: ../../etc/passwd") + 1
    with pytest.raises(ManuscriptError) as raised:
        load(book)
    assert [(d.code.value, d.loc.line) for d in raised.value.diagnostics if "output_intent" in d.message] == [("M004", line)]


SMALL = """<html lang="en"><head><style>
@page { size: 4in 5in; margin: 0.6in; @top-center { content: "Running head" } @bottom-center { content: counter(page) } }
.fn { float: footnote } a.call { line-height: 0; vertical-align: super; font-size: 0.7em }
</style></head><body>
<p>English words and a call<a class="call" href="#n1" id="c1" role="doc-noteref" aria-label="Note 1">1</a><span class="fn"
 id="n1" role="doc-footnote"><a href="#c1">1</a> The note.</span>.</p>
<p lang="fr">Des mots français, <span lang="la">verba Latina</span>.</p>
<p><a href="#c1">A link that runs over two lines of this narrow page, to see one annotation with its lines</a>.</p>
</body></html>"""


def test_a_small_document_laid_out_as_one(tmp_path: Path) -> None:
    """The single-document path (no units, no stitching): artifacts, languages, the note
    and its reference, one annotation per link with its lines."""
    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out, write

    styles = (ROOT / "styles",)
    found = Collector()
    fetcher = BoundedFetcher(list(styles), styles)
    layout = lay_out(SMALL, styles, fetcher, found, main_id="x")
    data = write(layout, ("digital",), "urn:test", styles, fetcher, found)["digital"]
    path = tmp_path / "small.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        artifacts, _ = _marked(pdf)
        assert sorted({kind for _, kind in artifacts}) == ["/Footer", "/Header"]
        elements = _elements(pdf)
        langs = [(str(e.S), str(e.Lang)) for e in elements if "/Lang" in e]
        assert set(langs) == {("/P", "fr"), ("/Span", "la")} and langs[0] == ("/P", "fr")  # (a box on each line it spans)
        (note,) = [e for e in elements if str(e.S) == "/Note"]
        assert str(note.ID) == "n1" and pdf.Root.StructTreeRoot.IDTree.Names[1].objgen == note.objgen
        assert [str(e.S) for e in elements if str(e.S) in ("/Reference",)] == ["/Reference"]
        annots = [a for page in pdf.pages for a in page.get("/Annots", [])]
        texts = sorted(str(a.Contents) for a in annots)
        assert texts == [
            "1",
            "A link that runs over two lines of this narrow page, to see one annotation with its lines",
            "Note 1",
        ]
        (long,) = [a for a in annots if str(a.Contents).startswith("A link")]
        assert len(long.QuadPoints) % 8 == 0 and len(long.QuadPoints) >= 16  # (one quadrilateral a line)
        (call,) = [a for a in annots if str(a.Contents) == "Note 1"]
        assert float(call.Rect[3]) - float(call.Rect[1]) > 4  # (line-height: 0 gave it no height)


def test_a_changed_tagging_code_is_refused_not_patched_blindly(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    from publish.writers import engine, tagging

    lines, first = inspect.getsourcelines(tagging.tags._build_box_tree)
    changed = [line.replace("tag = _get_pdf_tag(element_tag)", "tag = _get_tag(element_tag)") for line in lines]
    monkeypatch.setattr(tagging.inspect, "getsourcelines", lambda _: (changed, first))
    with pytest.raises(engine.EngineVersionError, match="no line"):
        tagging._install_tree()


def test_the_pages_references_are_made_once_for_the_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    """pydyf builds the tuple of every page's reference each time it is read, and
    WeasyPrint's tagging reads it for each structure element: time in the square of the
    pages.  The extension makes it once while the tags are added; the tree is the same."""
    import pydyf

    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out, write

    styles = (ROOT / "styles",)
    found = Collector()
    fetcher = BoundedFetcher(list(styles), styles)
    layout = lay_out(SMALL, styles, fetcher, found, main_id="x")
    made = []
    original = pydyf.PDF.page_references

    def counted(self: pydyf.PDF) -> tuple[bytes, ...]:
        made.append(len(self.pages["Kids"]))
        return original.fget(self)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counted))
    data = write(layout, ("digital",), "urn:test", styles, fetcher, found)["digital"]
    assert len(made) == 1, made  # (without the extension: once for each of the tree's elements)
    monkeypatch.setattr(pydyf.PDF, "page_references", original)
    from publish.writers import tagging

    monkeypatch.setattr(tagging, "_PagesKnown", pydyf.PDF)  # (WeasyPrint's own reading, each time)
    assert write(layout, ("digital",), "urn:test", styles, fetcher, found)["digital"] == data
