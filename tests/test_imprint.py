"""The title page and the colophon (the imprint) name the book's editors (the contributors
with role ``edt`` in book.yaml) and its publisher, in the PDF and in the EPUB; a book
without an editor prints no "Edited by" line.  The expected names are read from book.yaml
itself, the lines from the built files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from .conftest import MANUSCRIPT, build_into
from .textutil import epub_documents, pdf_pages

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _declared(book: Path) -> tuple[list[str], str]:
    """The editors' names and the publisher, as book.yaml gives them."""
    data = yaml.safe_load((book / "book.yaml").read_text(encoding="utf-8"))
    editors = [c["name"] for c in data["contributors"] if "edt" in c["roles"]]
    return editors, data.get("publisher") or ""


def _lines(root: etree._Element, cls: str) -> list[str]:
    return [" ".join("".join(p.itertext()).split()) for p in root.xpath(f"//x:p[contains(@class, '{cls}')]", namespaces=NS)]


def _opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def _opf_roles(opf: etree._Element) -> dict[str, list[str]]:
    """Each marc:relators role -> the names of the dc:creator / dc:contributor it refines."""
    out: dict[str, list[str]] = {}
    for meta in opf.xpath("//opf:meta[@property='role']", namespaces=NS):
        ident = meta.get("refines").lstrip("#")
        name = opf.xpath("//*[@id=$i]/text()", i=ident)[0]
        out.setdefault(meta.text, []).append(name)
    return out


def _pdf_front(pdf: Path, identifier: str) -> tuple[str, str]:
    """The PDF's title page (the first with the authors' line and the subtitle: the page
    before the colophon) and its colophon (the page with the identifier)."""
    pages = pdf_pages(pdf)
    colophon = next(i for i, text in enumerate(pages) if identifier in text)
    return pages[colophon - 1], pages[colophon]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_edition_names_its_editors_and_publisher(edition) -> None:
    editors, publisher = _declared(MANUSCRIPT)
    assert editors and publisher  # (the edition has both: the test below is the book without)
    line = f"Edited by {' and '.join(editors)}"
    docs = epub_documents(edition.epub)
    for doc in ("EPUB/colophon.xhtml", "EPUB/titlepage.xhtml"):
        assert _lines(docs[doc], "edt") == [line], doc
        assert _lines(docs[doc], "publisher") == [publisher], doc
    cite = _lines(docs["EPUB/colophon.xhtml"], "how-to-cite")[0]
    assert f"edited by {editors[0]}" in cite and f", {publisher}," in cite

    meta = edition.result.book.meta
    title, colophon = _pdf_front(edition.pdf, meta.identifier)
    for page in (title, colophon):
        assert line in _flat(page) and publisher.lower() in _flat(page).lower()
    assert re.search(rf"^{re.escape(publisher)}$", colophon, re.M)  # a line of its own

    opf = _opf(edition.epub)
    assert opf.xpath("//dc:publisher/text()", namespaces=NS) == [publisher]
    assert _opf_roles(opf)["edt"] == editors


@pytest.fixture(scope="module")
def no_editor(tmp_path_factory: pytest.TempPathFactory):
    """The starter book with its editor taken out of book.yaml, and a publisher given."""
    from publish.starter import new

    book = tmp_path_factory.mktemp("no-editor") / "book"
    new(book, "Without an editor")
    path = book / "book.yaml"
    text = path.read_text(encoding="utf-8")
    editor = re.search(r"  - id: editor\n(    .*\n)+", text)
    assert editor and "roles: [edt]" in editor.group(0)
    text = text.replace(editor.group(0), "").replace('# publisher: ""', 'publisher: "Small Test Press"')
    path.write_text(text, encoding="utf-8")
    return book, build_into(book, book.parent / "out", ("pdf", "epub"), layout="single")


def test_a_book_without_an_editor_prints_no_editor_line(no_editor) -> None:
    book, built = no_editor
    editors, publisher = _declared(book)
    assert editors == [] and publisher == "Small Test Press"
    docs = epub_documents(built.epub)
    for doc in ("EPUB/colophon.xhtml", "EPUB/titlepage.xhtml"):
        assert _lines(docs[doc], "edt") == [], doc
        assert _lines(docs[doc], "publisher") == [publisher], doc
    assert "edited by" not in _lines(docs["EPUB/colophon.xhtml"], "how-to-cite")[0].lower()

    title, colophon = _pdf_front(built.pdf, built.result.book.meta.identifier)
    assert "Edited by" not in title + colophon
    assert publisher in _flat(colophon) and publisher.lower() in _flat(title).lower()
    opf = _opf(built.epub)
    assert "edt" not in _opf_roles(opf)
    assert opf.xpath("//dc:publisher/text()", namespaces=NS) == [publisher]
