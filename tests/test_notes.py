"""Notes in both formats, on a fixture book: a note cited twice, a two-paragraph note,
numbering restarting with each letter, and calls that resolve to their notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import build_into
from .test_epub import NS
from .textutil import epub_documents, pdf_pages

FIXTURE = Path(__file__).parent / "fixtures" / "notes-book"


@pytest.fixture(scope="module")
def notes_book(tmp_path_factory: pytest.TempPathFactory):
    return build_into(FIXTURE, tmp_path_factory.mktemp("notes"), ("pdf", "epub"))


def test_fixture_epub_passes_epubcheck(notes_book) -> None:
    from publish.checks.epubcheck import run

    assert [str(m) for m in run(notes_book.epub)] == []


def test_numbers_restart_per_letter(notes_book) -> None:
    a, b = notes_book.result.book.letters
    assert [n.number for n in a.notes] == ["1", "2"]
    assert [n.number for n in b.notes] == ["1"]


def test_note_cited_twice_links_back_to_both_calls(notes_book) -> None:
    root = epub_documents(notes_book.epub)["EPUB/letter-a.xhtml"]
    calls = root.xpath("//x:a[@epub:type='noteref'][@href='#note-letter-a-twice']", namespaces=NS)
    assert [c.text for c in calls] == ["1", "1"]
    aside = root.xpath("//x:aside[@id='note-letter-a-twice']", namespaces=NS)[0]
    backlinks = [a.get("href") for a in aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)]
    assert backlinks == ["#" + c.get("id") for c in calls]


def test_two_paragraph_note_in_epub(notes_book) -> None:
    root = epub_documents(notes_book.epub)["EPUB/letter-a.xhtml"]
    paras = root.xpath("//x:aside[@id='note-letter-a-long']/x:p", namespaces=NS)
    assert len(paras) == 2
    assert "".join(paras[1].itertext()).startswith("Its second paragraph")


def test_pdf_footnotes_on_the_page_of_their_call(notes_book) -> None:
    pages = pdf_pages(notes_book.pdf)
    anchors = notes_book.result.anchors
    for note_id in ("note-letter-a-twice", "note-letter-a-long", "note-letter-b-only"):
        assert anchors[note_id] == anchors[note_id + "-call-1"]
    page = re.sub(r"\s+", " ", pages[anchors["note-letter-a-long"]])
    assert "The first paragraph of a long note." in page
    assert "Its second paragraph, which must stay with it." in page
    # The note cited twice is printed once, with the model's number.
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert text.count("Cited twice, once in each paragraph.") == 1
    assert "1 Cited twice" in text and "Ed." in text
