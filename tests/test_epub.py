"""The EPUB: epubcheck clean, structure read back with XPath."""

from __future__ import annotations

import zipfile

from lxml import etree

from .textutil import epub_documents

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def test_epubcheck_no_errors_no_warnings(epubcheck_messages: list) -> None:
    assert [str(m) for m in epubcheck_messages] == []


def test_mimetype_first_and_stored(edition) -> None:
    with zipfile.ZipFile(edition.epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"


def test_every_document_has_its_language(edition) -> None:
    for name, root in epub_documents(edition.epub).items():
        assert root.get("lang") and root.get("{http://www.w3.org/XML/1998/namespace}lang"), name


def test_french_passage_marked_in_both_attributes(edition) -> None:
    root = epub_documents(edition.epub)["EPUB/sedova-1947-07-12.xhtml"]
    french = root.xpath("//x:p[@lang='fr']", namespaces=NS)
    assert len(french) == 1
    assert french[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "".join(french[0].itertext()).startswith("J’ai reçu")


def test_nav_lists_divisions_and_every_letter(edition) -> None:
    root = epub_documents(edition.epub)["EPUB/nav.xhtml"]
    toc = root.xpath("//x:nav[@epub:type='toc']//x:a/@href", namespaces=NS)
    letters = [h for h in toc if h not in ("introduction.xhtml", "note-on-the-text.xhtml", "letters.xhtml", "appendix.xhtml")]
    assert len(letters) == 12
    assert {"introduction.xhtml", "note-on-the-text.xhtml", "letters.xhtml", "appendix.xhtml"} <= set(toc)
    landmarks = root.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert {"titlepage", "toc", "bodymatter"} <= set(landmarks)


def test_letter_semantics(edition) -> None:
    root = epub_documents(edition.epub)["EPUB/uc-1947-02-20.xhtml"]
    assert root.xpath("//x:article[@epub:type='z3998:letter']", namespaces=NS)
    assert len(root.xpath("//x:p[@epub:type='z3998:salutation']", namespaces=NS)) == 1
    assert len(root.xpath("//x:p[@epub:type='z3998:valediction']", namespaces=NS)) == 1
    assert len(root.xpath("//x:p[@epub:type='z3998:postscript']", namespaces=NS)) == 2


def test_notes_pop_up_and_link_back(edition) -> None:
    """Every call is a noteref link with text only; every note an aside with backlinks first."""
    docs = epub_documents(edition.epub)
    calls, notes = {}, {}
    for name, root in docs.items():
        for a in root.xpath("//x:a[@epub:type='noteref']", namespaces=NS):
            assert a.get("role") == "doc-noteref"
            assert len(a) == 0, "no element nested inside the call's link text"
            calls[a.get("id")] = (name, a.get("href"), a.text)
        for aside in root.xpath("//x:aside[@epub:type='footnote']", namespaces=NS):
            assert aside.get("role") == "doc-footnote"
            first = aside.xpath(".//x:p[1]/*[1]", namespaces=NS)[0]
            assert first.get("role") == "doc-backlink", "backlink must open the note"
            notes[aside.get("id")] = (
                name,
                [b.get("href") for b in aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)],
                first.text,
            )
    assert len(notes) == 5
    for call_id, (doc, href, number) in calls.items():
        note_id = href.lstrip("#")
        assert note_id in notes and notes[note_id][0] == doc
        assert notes[note_id][2] == number
        assert "#" + call_id in notes[note_id][1]


def test_package_metadata(edition) -> None:
    with zipfile.ZipFile(edition.epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    assert opf.xpath("//dc:identifier/text()", namespaces=NS) == ["urn:uuid:6f1d2b0e-3c1a-4f4e-9a57-1946a1949b01"]
    assert opf.xpath("//dc:language/text()", namespaces=NS) == ["en"]
    creators = opf.xpath("//dc:creator/text()", namespaces=NS)
    assert "David Korner (Barta)" in creators and "Natalia Sedova" in creators
    assert opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS) == ["2023-11-14T22:13:20Z"]
