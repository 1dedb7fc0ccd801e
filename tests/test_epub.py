"""The EPUB: epubcheck clean, structure read back with XPath."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from .textutil import assert_ace_passes, epub_documents

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
    back = ("calendar.xhtml", "persons.xhtml", "glossary.xhtml")
    others = ("introduction.xhtml", "note-on-the-text.xhtml", "letters.xhtml", "appendix.xhtml", *back)
    letters = [h for h in toc if h not in others and not h.startswith("index-")]
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
    assert len(notes) == 6
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


def test_ace_no_violations(edition) -> None:
    assert_ace_passes(edition.epub)


def _opf(epub) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def test_page_list_has_every_print_page_in_order(edition) -> None:
    from pypdf import PdfReader

    labels = list(PdfReader(str(edition.pdf)).page_labels)
    nav = epub_documents(edition.epub)["EPUB/nav.xhtml"]
    page_list = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)[0]
    assert page_list.get("role") == "doc-pagelist"
    entries = page_list.xpath(".//x:a", namespaces=NS)
    assert [a.text for a in entries] == labels
    docs = epub_documents(edition.epub)
    for a in entries:
        doc, anchor = a.get("href").split("#")
        marker = docs[f"EPUB/{doc}"].xpath(f"//*[@id='{anchor}']", namespaces=NS)
        assert len(marker) == 1, a.get("href")
        assert marker[0].get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
        assert marker[0].get("role") == "doc-pagebreak" and marker[0].get("aria-label") == a.text


def _text_after(root: etree._Element, element_id: str) -> str:
    """The document's text from the element with this id on."""
    marker = root.xpath(f"//*[@id='{element_id}']")[0]
    out, seen = [], False
    for node in root.iter():
        if node is marker:
            seen = True
            out.append(node.tail or "")
            continue
        if seen and not isinstance(node, etree._Comment):
            out.append((node.text or "") + (node.tail or "") if len(node) == 0 else (node.text or ""))
    return " ".join(" ".join(out).split())


def test_page_markers_sit_where_the_print_pages_begin(edition) -> None:
    """For each page of the text, the words after its EPUB marker are the words the
    print page begins with (read from the PDF with pypdf, not from the layout engine)."""
    from pypdf import PdfReader

    from .textutil import pdf_pages

    labels = list(PdfReader(str(edition.pdf)).page_labels)
    pages = pdf_pages(edition.pdf)
    docs = epub_documents(edition.epub)
    nav = docs["EPUB/nav.xhtml"]
    hrefs = {a.text: a.get("href") for a in nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)}
    checked = 0
    for index, label in enumerate(labels):
        if not label.isdigit() or not pages[index].strip():
            continue  # front matter pages (title, contents) have no twin text in the EPUB
        first = re.findall(r"\w+", pages[index].split("\n", 1)[0])[:4]
        doc, anchor = hrefs[label].split("#")
        after = re.findall(r"\w+", _text_after(docs[f"EPUB/{doc}"], anchor))[: len(first)]
        # The first print word may be the end of a word hyphenated on the page before.
        assert after[0].endswith(first[0]) and after[1:] == first[1:], (label, first, after)
        checked += 1
    assert checked == len([x for i, x in enumerate(labels) if x.isdigit() and pages[i].strip()]) > 10


def test_accessibility_and_page_source_metadata(edition) -> None:
    opf = _opf(edition.epub)
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"

    def meta(prop: str) -> list[str]:
        return opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    from publish.build import print_edition_id

    source = print_edition_id(edition.result.book)
    assert meta("pageBreakSource") == [source]
    assert source in opf.xpath("//dc:source/text()", namespaces=NS)
    assert set(meta("schema:accessMode")) == {"textual", "visual"}
    assert meta("schema:accessModeSufficient") == ["textual"]
    assert set(meta("schema:accessibilityFeature")) == {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "pageNavigation",
        "printPageNumbers",
        "alternativeText",
    }
    assert meta("schema:accessibilityHazard") == ["none"]
    assert meta("schema:accessibilitySummary")[0]
    assert meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_cover_image_page_and_landmarks(edition) -> None:
    from PIL import Image

    opf = _opf(edition.epub)
    item = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)[0]
    assert item.get("href") == "images/cover.png"
    with zipfile.ZipFile(edition.epub) as z, Image.open(io.BytesIO(z.read("EPUB/images/cover.png"))) as image:
        assert image.size == (1200, 1800)
    spine = opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine[:4] == ["cover", "titlepage", "colophon", "nav"]
    cover = epub_documents(edition.epub)["EPUB/cover.xhtml"]
    alt = cover.xpath("//x:img/@alt", namespaces=NS)[0]
    assert "Barta—Natalia Sedova" in alt and "Natalia Sedova" in alt
    nav = epub_documents(edition.epub)["EPUB/nav.xhtml"]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks[:4] == ["cover", "titlepage", "toc", "frontmatter"] and "bodymatter" in landmarks


def test_the_fonts_travel_with_their_licence(edition) -> None:
    """The OFL asks that the licence accompany the font: beside the faces in the EPUB,
    and named in the colophon of both formats."""
    from publish.fonts import NOTICE, licence

    from .textutil import epub_text, pdf_pages

    with zipfile.ZipFile(edition.epub) as z:
        names = z.namelist()
        assert [n for n in names if n.endswith(".ttf")], "the edition embeds its faces"
        assert z.read("EPUB/css/fonts/OFL-eb-garamond.txt") == licence().read_bytes()
        # No Hebrew or Arabic in this book: their fonts stay out, and so do their rules.
        assert not [n for n in names if "Amiri" in n or "FrankRuhl" in n]
        css = z.read("EPUB/css/fonts.css")
        assert b"fonts/Amiri" not in css and b"fonts/FrankRuhl" not in css and b"fonts/EBGaramond-Regular.ttf" in css
    assert b"SIL OPEN FONT LICENSE VERSION 1.1" in licence().read_bytes().upper()
    assert NOTICE in epub_text(edition.epub)
    assert "SIL Open Font License 1.1" in " ".join(" ".join(pdf_pages(edition.pdf)).split())


def _book_yaml(book: str) -> dict:
    import yaml

    from .conftest import MANUSCRIPT, SCHOLAR

    return yaml.safe_load(((MANUSCRIPT if book == "edition" else SCHOLAR) / "book.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("book", ["edition", "scholar"])
def test_creators_are_the_authors_and_every_contributor_has_its_roles(book: str, request: pytest.FixtureRequest) -> None:
    """dc:creator for the contributors with the role aut, dc:contributor for the others
    (translators, transcribers, editors, ...), each refined by its MARC relator roles and
    its sort form; file-as carries no scheme (EPUB 3.3)."""
    opf = _opf(request.getfixturevalue(book).epub)
    people = _book_yaml(book)["contributors"]

    def refinements(element: etree._Element, prop: str) -> list[etree._Element]:
        return opf.xpath(f"//opf:meta[@refines='#{element.get('id')}'][@property='{prop}']", namespaces=NS)

    creators = opf.xpath("//dc:creator", namespaces=NS)
    contributors = opf.xpath("//dc:contributor", namespaces=NS)
    assert [c.text for c in creators] == [p["name"] for p in people if "aut" in p["roles"]]
    assert [c.text for c in contributors] == [p["name"] for p in people if "aut" not in p["roles"]]
    assert contributors, "the books credit translators, transcribers or editors"
    for person, element in zip(people, sorted([*creators, *contributors], key=lambda e: int(e.get("id")[7:])), strict=True):
        roles = refinements(element, "role")
        assert [r.text for r in roles] == person["roles"] and {r.get("scheme") for r in roles} == {"marc:relators"}
        assert [f.text for f in refinements(element, "file-as")] == ([person["file_as"]] if person.get("file_as") else [])
    assert not opf.xpath("//opf:meta[@property='file-as'][@scheme]", namespaces=NS)
    assert {"trl", "trc", "edt"} & {r for p in people if "aut" not in p["roles"] for r in p["roles"]}


def _tree(ol: etree._Element | None, item: str, label: str, href: str, child: str) -> list:
    """A nested list of (label, href, children) from the nav's ``ol`` or the NCX's navMap."""
    if ol is None:
        return []
    out = []
    for entry in ol.xpath(item, namespaces=NCX_NS):
        out.append(
            (
                " ".join("".join(entry.xpath(label, namespaces=NCX_NS)[0].itertext()).split()),
                entry.xpath(href, namespaces=NCX_NS)[0],
                _tree(next(iter(entry.xpath(child, namespaces=NCX_NS)), None), item, label, href, child),
            )
        )
    return out


NCX_NS = {**NS, "n": "http://www.daisy.org/z3986/2005/ncx/"}


def _depth(tree: list) -> int:
    return max((1 + _depth(children) for _, _, children in tree), default=0)


@pytest.mark.parametrize("book", ["edition", "scholar"])
def test_ncx_has_the_navs_entries_labels_and_nesting(book: str, request: pytest.FixtureRequest) -> None:
    epub = request.getfixturevalue(book).epub
    nav = epub_documents(epub)["EPUB/nav.xhtml"]
    with zipfile.ZipFile(epub) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol", namespaces=NS)[0]
    expected = _tree(toc, "x:li", "x:a", "x:a/@href", "x:ol")
    got = _tree(ncx.find("n:navMap", NCX_NS), "n:navPoint", "n:navLabel/n:text", "n:content/@src", ".")
    assert got == expected
    assert _depth(expected) >= 2  # the letters under their division
    depth = ncx.xpath("//n:head/n:meta[@name='dtb:depth']/@content", namespaces=NCX_NS)
    assert depth == [str(_depth(expected))]
    orders = [int(p.get("playOrder")) for p in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}navPoint")]
    assert orders == sorted(orders) and orders[0] == 1
