"""Notes and cross-references on a fixture book, in both placements.

The fixture has a note cited twice, a two-paragraph note, a series marked with symbols,
numbering restarting with each letter, a reference to a note, and a long letter with 30
notes over several pages (so calls fall at every height of a page, the last line
included).  It is built twice: footnotes (the default) and endnotes in both formats.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import build_into, checked, start_checkers
from .test_epub import NS
from .textutil import epub_documents, pdf_pages

FIXTURE = Path(__file__).parent / "fixtures" / "notes-book"


@pytest.fixture(scope="module")
def footnotes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    built = build_into(FIXTURE, tmp_path_factory.mktemp("footnotes"), ("pdf", "epub"))
    start_checkers(request, built.epub, {"epubcheck": "tests/test_notes.py::test_fixture_epub_passes_epubcheck[footnotes]"})
    return built


@pytest.fixture(scope="module")
def endnotes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("endnotes")
    ms = root / "manuscript"
    shutil.copytree(FIXTURE, ms)
    yaml = ms / "book.yaml"
    yaml.write_text(
        yaml.read_text().replace("  numbering: per-letter\n", "  numbering: per-letter\n  print: endnotes\n  epub: endnotes\n")
    )
    built = build_into(ms, root / "out", ("pdf", "epub"))
    start_checkers(request, built.epub, {"epubcheck": "tests/test_notes.py::test_fixture_epub_passes_epubcheck[endnotes]"})
    return built


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_marks_per_series_and_per_letter(footnotes) -> None:
    a, b, c = footnotes.result.book.letters
    assert [n.number for n in footnotes.result.book.front[0].notes] == ["1"]
    assert [(n.label, n.number) for n in a.notes] == [("twice", "1"), ("long", "*")]
    assert [n.number for n in b.notes] == ["1"]
    assert [n.number for n in c.notes] == [str(i) for i in range(1, 31)]


def test_note_cited_twice_links_back_to_both_calls(footnotes) -> None:
    root = epub_documents(footnotes.epub)["EPUB/letter-a.xhtml"]
    calls = root.xpath("//x:a[@epub:type='noteref'][@href='#note-letter-a-twice']", namespaces=NS)
    assert [c.text for c in calls] == ["1", "1"]
    aside = root.xpath("//x:aside[@id='note-letter-a-twice']", namespaces=NS)[0]
    backlinks = [a.get("href") for a in aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)]
    assert backlinks == ["#" + c.get("id") for c in calls]


def test_two_paragraph_note_in_epub(footnotes) -> None:
    root = epub_documents(footnotes.epub)["EPUB/letter-a.xhtml"]
    paras = root.xpath("//x:aside[@id='note-letter-a-long']/x:p", namespaces=NS)
    assert len(paras) == 2
    assert "".join(paras[1].itertext()).startswith("Its second paragraph")


def test_every_footnote_on_the_page_of_its_call(footnotes) -> None:
    anchors = footnotes.result.anchors
    notes = [n for x in footnotes.result.book.letters for n in x.notes]
    assert len(notes) == 33
    for note in notes:
        assert anchors[note.id] == anchors[note.id + "-call-1"], note.id
    pages = pdf_pages(footnotes.pdf)
    # The long letter spans several pages, so its calls meet several page ends.
    assert len({anchors[n.id] for n in footnotes.result.book.letters[2].notes}) >= 3
    page = _flat(pages[anchors["note-letter-a-long"]])
    assert "* The first paragraph of a long note." in page
    assert "Its second paragraph, which must stay with it." in page
    text = _flat("\n".join(pages))
    assert text.count("Cited twice, once in each paragraph.") == 1


def test_footnote_cited_twice_names_the_later_call_page(footnotes) -> None:
    labels = list(PdfReader(str(footnotes.pdf)).page_labels)
    anchors = footnotes.result.anchors
    page = _flat(pdf_pages(footnotes.pdf)[anchors["note-letter-a-twice"]])
    later = labels[anchors["note-letter-a-twice-call-2"]]
    assert f"Cited twice, once in each paragraph. — Ed. (also p. {later})" in page


def test_reference_to_a_note(footnotes, endnotes) -> None:
    for built in (footnotes, endnotes):
        labels = list(PdfReader(str(built.pdf)).page_labels)
        text = _flat("\n".join(pdf_pages(built.pdf)))
        page = labels[built.result.anchors["note-letter-a-long"]]
        assert f"your long note [note *, p. {page}]" in text
    root = epub_documents(footnotes.epub)["EPUB/letter-b.xhtml"]
    assert root.xpath("//x:a[@class='xref']/@href", namespaces=NS) == [
        "letter-a.xhtml#letter-a",
        "letter-a.xhtml#note-letter-a-long",
    ]
    root = epub_documents(endnotes.epub)["EPUB/letter-b.xhtml"]
    assert root.xpath("//x:a[@class='xref']/@href", namespaces=NS)[1] == "notes.xhtml#note-letter-a-long"


def test_reference_to_a_division_prints_its_roman_folio(footnotes) -> None:
    labels = list(PdfReader(str(footnotes.pdf)).page_labels)
    folio = labels[footnotes.result.anchors["preface"]]
    assert folio.isalpha() and folio == folio.lower()
    assert f"(as the preface [Preface, p. {folio}] says)" in _flat("\n".join(pdf_pages(footnotes.pdf)))
    root = epub_documents(footnotes.epub)["EPUB/letter-c.xhtml"]
    assert root.xpath("//x:a[@class='xref']/@href", namespaces=NS) == ["preface.xhtml#preface"]


def test_epub_endnotes_document(endnotes) -> None:
    docs = epub_documents(endnotes.epub)
    notes = docs["EPUB/notes.xhtml"]
    section = notes.xpath("//x:section[@epub:type='endnotes']", namespaces=NS)[0]
    assert section.get("role") == "doc-endnotes"
    items = notes.xpath("//x:li[@epub:type='endnote']", namespaces=NS)
    assert len(items) == 34
    assert not docs["EPUB/letter-a.xhtml"].xpath("//x:aside", namespaces=NS)
    for name in ("EPUB/preface.xhtml", "EPUB/letter-a.xhtml", "EPUB/letter-b.xhtml", "EPUB/letter-c.xhtml"):
        for call in docs[name].xpath("//x:a[@epub:type='noteref']", namespaces=NS):
            note_id = call.get("href").split("#")[1]
            assert call.get("href").startswith("notes.xhtml#")
            item = notes.xpath(f"//x:li[@id='{note_id}']", namespaces=NS)[0]
            back = item.xpath(".//x:a[@role='doc-backlink']/@href", namespaces=NS)
            assert f"{name.removeprefix('EPUB/')}#{call.get('id')}" in back
            assert item.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)[0].text == call.text


def test_print_endnotes_with_call_pages_and_running_heads(endnotes) -> None:
    labels = list(PdfReader(str(endnotes.pdf)).page_labels)
    anchors = endnotes.result.anchors
    pages = pdf_pages(endnotes.pdf)
    book = endnotes.result.book
    notes = [n for x in (*book.front, *book.letters) for n in x.notes]
    notes_start = anchors["notes"]
    heads = {}
    for note in notes:
        page = anchors[note.id]
        assert page >= notes_start
        calls = [labels[anchors[f"{note.id}-call-{c}"]] for c in range(1, note.calls + 1)]
        first_words = " ".join(note.blocks[0].children[0].text.split()[:3])
        where = "p." if len(calls) == 1 else "pp."
        assert re.search(
            re.escape(first_words) + r".*?\(" + re.escape(where) + r"\s" + re.escape(", ".join(calls)) + r"\)", _flat(pages[page])
        )
        heads.setdefault(page, []).extend(anchors[f"{note.id}-call-{c}"] for c in range(1, note.calls + 1))
    assert len(heads) >= 2
    for page, calls in heads.items():
        lo, hi = labels[min(calls)], labels[max(calls)]
        head = f"Notes to page {lo}" if lo == hi else f"Notes to pages {lo}–{hi}"
        if page == notes_start:
            assert "Notes to page" not in pages[page], "no running head on the opening page"
        else:
            assert head in pages[page], (page, head)


def test_edition_marks_agree_between_pdf_and_epub(edition) -> None:
    """Each note shows the same mark at its call and at the note, in both formats."""
    docs = epub_documents(edition.epub)
    pages = pdf_pages(edition.pdf)
    anchors = edition.result.anchors
    for item in (*edition.result.book.front, *edition.result.book.all_letters):
        for note in item.notes:
            root = docs[f"EPUB/{item.doc}"]
            call = root.xpath(f"//x:a[@id='{note.id}-call-1']", namespaces=NS)[0]
            back = root.xpath(f"//x:aside[@id='{note.id}']//x:a[@role='doc-backlink']", namespaces=NS)[0]
            words = " ".join(note.blocks[0].children[0].text.split()[:3])
            assert call.text == back.text
            assert f"{call.text} {words}" in _flat(pages[anchors[note.id]])
            assert anchors[note.id] == anchors[f"{note.id}-call-1"]


def test_a_call_in_the_last_line_of_a_page(footnotes) -> None:
    """At least one call ends the last line of a page's text (the line just before the
    page's footnotes), and its note is on that page."""
    found = 0
    for index, page in enumerate(pdf_pages(footnotes.pdf)):
        lines = page.splitlines()
        first_note = next((i for i, ln in enumerate(lines) if re.match(r"\d+\s+Editorial note", ln)), None)
        if not first_note:
            continue
        last = re.search(r"\.(\d+)$", lines[first_note - 1])
        if last:
            assert re.search(rf"(^|\n){last.group(1)}\s+Editorial note", page), (index, last.group(1))
            found += 1
    assert found >= 1


def test_epub_without_embedded_fonts(tmp_path: Path) -> None:
    import zipfile

    from publish.checks.epubcheck import run

    ms = tmp_path / "manuscript"
    shutil.copytree(FIXTURE, ms)
    (ms / "book.yaml").write_text((ms / "book.yaml").read_text() + "epub:\n  embed_fonts: false\n")
    built = build_into(ms, tmp_path / "out", ("epub",))
    with zipfile.ZipFile(built.epub) as z:
        names = z.namelist()
        assert not [n for n in names if n.endswith(".ttf") or n.endswith("fonts.css")]
        assert b"fonts.css" not in z.read("EPUB/letter-a.xhtml")
    assert [str(m) for m in run(built.epub)] == []


def test_no_warning_and_no_note_off_its_page_read_back_from_the_pdf(footnotes) -> None:
    from publish.checks.pdf import notes_off_their_pages

    assert notes_off_their_pages(footnotes.pdf) == []
    assert not [w for w in footnotes.result.warnings if w.code.value == "L003"]


def test_a_note_off_its_calls_page_is_a_warning_at_its_paragraph(footnotes) -> None:
    """What the final layout could not do is said, at the paragraph's file and line
    (book_pdf._report_notes, on a layout whose anchors put one note a page late)."""
    from dataclasses import replace

    from publish.diagnostics import Collector
    from publish.walk import paragraphs
    from publish.writers.book_pdf import _note_calls, _report_notes
    from publish.writers.pdf import PdfResult, folio_labels

    book = footnotes.result.book
    anchors = dict(footnotes.result.anchors)
    calls = [(p, n) for p, n in _note_calls(book) if p.startswith("letter-c-")]  # the long letter's
    paragraph, note = calls[len(calls) // 2]
    anchors[note] = anchors[f"{note}-call-1"] + 1
    labels = folio_labels(footnotes.result.pages, anchors["letters"])
    layout = PdfResult(b"", footnotes.result.pages, anchors, anchors["letters"], labels, [], [])
    found = Collector()
    _report_notes(book, layout, found)
    (warning,) = found.items
    where = next(p.loc for x in book.all_letters for p in paragraphs(x.blocks) if p.id == paragraph)
    assert warning.code.value == "L003" and warning.loc == where and where.path.endswith("03-c.md")
    assert f"printed on page {labels[anchors[note]]}, its call on page {labels[anchors[note] - 1]}" in warning.message
    _report_notes(replace(book, settings=replace(book.settings, notes_print="endnotes")), layout, found)
    assert len(found.items) == 1  # (endnotes are at the back by design)


def test_when_the_engine_fails_placing_notes_they_are_laid_out_under_auto() -> None:
    """The fallback (writers/pdf.FALLBACK_CSS): a document on which WeasyPrint 70 fails
    (its ``assert not page_is_empty``: a page-long paragraph with eleven calls under
    ``footnote-policy: block``, the document's own rule) is laid out again under
    ``auto``, which must win over the document's rule, and the layout says so (L003)."""
    from publish import theme
    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out

    from .test_engine import _many_calls

    styles = (theme.folder("styles"),)
    found = Collector()
    layout = lay_out(_many_calls(1, "block"), styles, BoundedFetcher(list(styles), styles), found)
    assert layout.page_count >= 2 and all(f"n{i}" in layout.anchors for i in range(11))
    assert [d.code.value for d in found.items] == ["L003"] and "footnote-policy: auto" in found.items[0].message


def _notes_filling_a_page(policy: str) -> str:
    """Three calls on a paragraph's first line whose notes together fill more than a page."""
    note = "A long note of ordinary words. " * 22
    calls = "".join(f'word <a id="n{i}-call-1">{i}</a><span class="fn" id="n{i}">{note}</span> ' for i in range(1, 4))
    css = f"@page {{ size: 4in 4in; margin: 0.4in }} .fn {{ float: footnote; footnote-policy: {policy}; font-size: 8pt }}"
    return f'<html lang="en"><style>{css}</style><p>Before.</p><p id="p1">{calls}{"more words " * 200}</p></html>'


@pytest.mark.parametrize("policy", ["line", "auto"])
def test_no_layout_again_for_a_note_a_page_break_cannot_bring_back(policy: str) -> None:
    """Notes called on one line that fill more than a page: one of them lands on the
    next page under any policy.  Under ``line`` (the theme's) the call's line already
    opens its page, so a page break before the paragraph (another layout of the whole
    document) cannot bring it back: none is asked.  Under ``auto`` WeasyPrint moves
    a note alone, and the break is asked for."""
    from publish import theme
    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out, off_page, page_break_may_bring_back

    styles = (theme.folder("styles"),)
    layout = lay_out(_notes_filling_a_page(policy), styles, BoundedFetcher(list(styles), styles), Collector())
    calls = [("p1", f"n{i}") for i in range(1, 4)]
    off = off_page(calls, layout.anchors)
    assert off, "the notes were meant not to fit one page"
    if policy == "line":
        assert layout.anchors["p1"] == layout.anchors["n1-call-1"] == 1  # (the calls' line, and so its paragraph, moved on)
        assert page_break_may_bring_back(calls, layout) == []
    else:
        assert page_break_may_bring_back(calls, layout) == off
    from publish.writers.chunked import UnitJob, lay_out_unit

    laid = lay_out_unit(UnitJob(_notes_filling_a_page(policy), (), styles, styles, tuple(calls), False, sentinel=False))
    assert (laid.passes, laid.classes) == ((1, {}) if policy == "line" else (2, {"p1": "note-break"}))


# (Last in the module: epubcheck, started when each book was built, ran meanwhile.)
@pytest.mark.parametrize("mode", ["footnotes", "endnotes"])
def test_fixture_epub_passes_epubcheck(mode: str, request: pytest.FixtureRequest) -> None:
    built = request.getfixturevalue(mode)
    assert [str(m) for m in checked("epubcheck", built.epub)] == []  # type: ignore[attr-defined]
