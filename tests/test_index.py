"""Registers, tagged mentions, the indexes and the calendar of letters (issue 16).

The printed indexes are read back from the PDF: each locator is a link to the mention's
named destination, and the number it prints is the folio of the page the mention is on
(and the mention's words are on that page).  The EPUB's locators resolve to the tagged
element and carry the same folio.  The calendar's pages are the letters' first pages.
Both test books are built once (``conftest``); the rules on small inputs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from publish.build import load
from publish.index import IndexGroup, Line, Locator, epub_locators, mentions, roles
from publish.walk import plain_text
from tests.conftest import MANUSCRIPT, SCHOLAR
from tests.textutil import epub_documents

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
MENTION = re.compile(r".+-m\d+$")


# --- what a layout teaches the index: roles of locators ------------------------------


def _line(*where: tuple[str, bool]) -> Line:
    return Line("x", "person", tuple(Locator(f"ix-{m}", m, note, False, "d.xhtml", "1") for m, note in where))


def _roles(line: Line, pages: dict[str, int]) -> dict[str, str]:
    return roles([IndexGroup("g", "G", (line,))], {k: str(v) for k, v in pages.items()})


def test_pages_that_follow_each_other_make_a_range() -> None:
    line = _line(("a", False), ("b", False), ("c", False), ("d", False), ("e", False))
    got = _roles(line, {"a": 11, "b": 12, "c": 13, "d": 13, "e": 20})
    assert got == {"ix-a": "first", "ix-b": "skip", "ix-c": "to", "ix-d": "skip", "ix-e": "next"}


def test_a_note_mention_shows_only_where_the_text_has_none() -> None:
    line = _line(("a", False), ("n1", True), ("n2", True))
    got = _roles(line, {"a": 4, "n1": 4, "n2": 9})
    assert got == {"ix-a": "first", "ix-n1": "skip", "ix-n2": "next"}
    shown = epub_locators(line, {"a": "4", "n1": "4", "n2": "9"})
    assert [(label, sep) for _, label, sep in shown] == [("4", ""), ("9n", ", ")]


def test_no_range_across_roman_and_arabic_folios() -> None:
    line = _line(("a", False), ("b", False))
    got = roles([IndexGroup("g", "G", (line,))], {"a": "ii", "b": "1"})
    assert got == {"ix-a": "first", "ix-b": "next"}
    got = roles([IndexGroup("g", "G", (line,))], {"a": "ix", "b": "x"})
    assert got == {"ix-a": "first", "ix-b": "to"}


def test_a_mention_not_laid_out_keeps_no_role() -> None:
    line = _line(("a", False), ("b", False))
    assert _roles(line, {"a": 3}) == {"ix-a": "first"}


def test_epub_without_a_layout_names_the_letters() -> None:
    line = Line(
        "x",
        "person",
        (
            Locator("ix-a", "a", False, False, "l1.xhtml", "3"),
            Locator("ix-b", "b", False, False, "l1.xhtml", "3"),
            Locator("ix-c", "c", True, False, "l2.xhtml", "5"),
        ),
    )
    assert [(label, sep) for _, label, sep in epub_locators(line, None)] == [("3", ""), ("5n", ", ")]


# --- tags in the manuscript ---------------------------------------------------------


@pytest.fixture
def scholar_copy(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(SCHOLAR, target)
    return target


def _check(book: Path, *args: str) -> tuple[int, str]:
    import contextlib
    import io

    from publish.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", str(book), *args])
    return code, err.getvalue()


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_tag_with_an_unknown_id_is_an_error_at_its_line(scholar_copy: Path) -> None:
    letter = scholar_copy / "letters" / "01-odo-1126.md"
    line = _edit(letter, "[Reims]{ref=reims} that", "[Reims]{ref=riems} that")
    code, err = _check(scholar_copy)
    assert code == 2
    assert f"letters/01-odo-1126.md:{line}: error X002" in err
    assert "did you mean `reims`?" in err


def test_a_tag_with_a_wrong_attribute_or_kind_is_an_error(scholar_copy: Path) -> None:
    letter = scholar_copy / "letters" / "01-odo-1126.md"
    first = _edit(letter, "[Reims]{ref=reims} that", "[Reims]{ref=reims onclick=x} that")
    second = _edit(letter, "Given at [Reims]{ref=reims}", "Given at [Reims]{ref=reims .person}")
    code, err = _check(scholar_copy)
    assert code == 2
    assert f"letters/01-odo-1126.md:{first}: error M016" in err and "`onclick`" in err
    assert f"letters/01-odo-1126.md:{second}: error M016" in err and "`reims` is a place" in err


def test_a_tag_the_plugin_could_not_read_is_an_error_not_text(scholar_copy: Path) -> None:
    letter = scholar_copy / "letters" / "01-odo-1126.md"
    first = _edit(letter, "[Reims]{ref=reims} that", "[Reims] {ref=reims} that")
    second = _edit(letter, "Given at [Reims]{ref=reims}", "Given at [Reims]{ref=}")
    code, err = _check(scholar_copy)
    assert code == 2
    assert f"letters/01-odo-1126.md:{first}: error M016" in err and f"letters/01-odo-1126.md:{second}: error M016" in err


def test_a_kind_in_two_indexes_is_an_error(scholar_copy: Path) -> None:
    config = scholar_copy / "book.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\ndivisions:\n" in text
    two = '\ndivisions:\n  indexes: [{title: "Names", kinds: [person]}, {title: "Others", kinds: [person, place]}]\n'
    config.write_text(text.replace("\ndivisions:\n", two, 1), encoding="utf-8")
    code, err = _check(scholar_copy)
    assert code == 2 and "error M004" in err and "kind `person` is already in index `Names`" in err


def test_a_mention_in_an_endnote_is_located_where_the_notes_are(scholar_copy: Path) -> None:
    """With endnotes, a note's mention is on an arabic folio at the back, even for a note
    of the front matter, and in the EPUB in the notes' document."""
    from publish.index import indexes

    config = scholar_copy / "book.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  print: footnotes" in text and "  epub: footnotes" in text
    config.write_text(text.replace("  print: footnotes", "  print: endnotes").replace("  epub: footnotes", "  epub: endnotes"))
    intro = scholar_copy / "front" / "01-introduction.md"
    _edit(intro, 'title: "Introduction"\n', 'title: "Introduction"\nnotes: {last: editors}\n')
    with intro.open("a", encoding="utf-8") as f:
        f.write("\nA last word on [Reims]{ref=reims}.[^last]\n\n[^last]: Odo taught at [Reims]{ref=reims}.\n")
    book = load(scholar_copy)
    reims = next(line for g in indexes(book) for line in g.lines if line.id == "reims")
    in_note = [loc for loc in reims.locators if loc.in_note and loc.mention.startswith("introduction-")]
    in_text = [loc for loc in reims.locators if not loc.in_note and loc.mention.startswith("introduction-")]
    assert in_note and in_text
    assert all(not loc.roman and loc.doc == "notes.xhtml" for loc in in_note)
    assert all(loc.roman and loc.doc == "introduction.xhtml" for loc in in_text)


def test_an_id_used_in_two_registers_is_an_error(scholar_copy: Path) -> None:
    with (scholar_copy / "places.yaml").open("a", encoding="utf-8") as f:
        f.write('- id: odo\n  name: "Odo\'s house"\n')
    code, err = _check(scholar_copy)
    assert code == 2
    assert "places.yaml:" in err and "error M009" in err and "already used in persons.yaml" in err


def test_a_name_left_untagged_is_a_hint_that_strict_lets_pass(scholar_copy: Path) -> None:
    letter = scholar_copy / "letters" / "01-odo-1126.md"
    line = _edit(letter, "News has come to [Reims]{ref=reims} that", "News has come to Reims that")
    code, err = _check(scholar_copy)
    assert code == 0
    assert f"letters/01-odo-1126.md:{line}: hint X003" in err and "Reims" in err
    code, err = _check(scholar_copy, "--strict")
    assert code == 0, err


# --- the built books: the index read back from the PDF ------------------------------


def _links(pdf: Path) -> list[tuple[int, str, str]]:
    """(page, text printed inside the link, destination name) of each internal link."""
    import pypdf
    import pypdfium2 as pdfium

    reader = pypdf.PdfReader(str(pdf))
    document = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for index, page in enumerate(reader.pages):
            text = document[index].get_textpage()
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                target = annot.get("/Dest")
                if target is None and annot.get("/A") is not None:
                    target = annot["/A"].get_object().get("/D")
                if annot.get("/Subtype") == "/Link" and isinstance(target, str):
                    left, bottom, right, top = (float(v) for v in annot["/Rect"])
                    out.append((index, text.get_text_bounded(left, bottom, right, top).strip(), target))
    finally:
        document.close()
    return out


def _folios(pdf: Path) -> tuple[list[str], dict[str, int]]:
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    pages = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    return list(reader.page_labels), pages


def _words(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


@pytest.mark.parametrize("which", ["edition", "scholar"])
def test_every_printed_locator_is_the_page_of_its_mention(which: str, request: pytest.FixtureRequest) -> None:
    import pypdfium2 as pdfium

    built = request.getfixturevalue(which)
    book = load(MANUSCRIPT if which == "edition" else SCHOLAR)
    said = {m.id: m for m, _ in mentions(book)}
    labels, dests = _folios(built.pdf)
    document = pdfium.PdfDocument(str(built.pdf))
    page_text = [_words(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    document.close()
    locators = [(page, text, dest) for page, text, dest in _links(built.pdf) if MENTION.match(dest) and dest in said]
    assert len(locators) >= 10
    for _, text, dest in locators:
        assert text == labels[dests[dest]], (dest, text, labels[dests[dest]])
        assert _words(plain_text(said[dest])) in page_text[dests[dest]], (dest, labels[dests[dest]])
    # One locator a page: no entry prints a folio twice.  (WeasyPrint writes a link's
    # annotation twice when its text is generated, ``::after``: issue 17's.)
    by_line: dict[tuple[int, str], list[str]] = {}
    for page, text, dest in dict.fromkeys(locators):
        by_line.setdefault((page, said[dest].ref + said[dest].sub), []).append(text)
    assert all(len(texts) == len(set(texts)) for texts in by_line.values())


@pytest.mark.parametrize("which", ["edition", "scholar"])
def test_the_calendar_prints_each_letters_first_page(which: str, request: pytest.FixtureRequest) -> None:
    built = request.getfixturevalue(which)
    labels, dests = _folios(built.pdf)
    book = load(MANUSCRIPT if which == "edition" else SCHOLAR)
    letters = {x.id for x in book.all_letters}
    first = dests["calendar"]
    after = min(
        page
        for name, page in dests.items()
        if page > first and name in ("sources", "notes", "index-names", "index-places", "index-works")
    )
    rows = [(text, dest) for page, text, dest in _links(built.pdf) if first <= page < after and dest in letters]
    assert {dest for _, dest in rows} == letters
    for text, dest in rows:
        assert text == labels[dests[dest]], dest


@pytest.mark.parametrize("which", ["edition", "scholar"])
def test_epub_locators_reach_the_tagged_mention_with_its_print_page(which: str, request: pytest.FixtureRequest) -> None:
    built = request.getfixturevalue(which)
    labels, dests = _folios(built.pdf)
    docs = epub_documents(built.epub)
    docs = {name.removeprefix("EPUB/"): root for name, root in docs.items()}
    index_docs = [
        name
        for name, root in docs.items()
        if root.xpath("//*[local-name()='section'][@epub:type='index']", namespaces={"epub": EPUB_TYPE[1:-5]})
    ]
    assert index_docs
    count = 0
    for name in index_docs:
        for a in docs[name].iter(f"{XHTML}a"):
            if a.get(EPUB_TYPE) != "index-locator":
                continue
            doc, _, fragment = a.get("href").partition("#")
            target = docs[doc].xpath("//*[@id=$id]", id=fragment)
            assert len(target) == 1 and "mention" in target[0].get("class", "").split(), a.get("href")
            assert a.text.removesuffix("n") == labels[dests[fragment]], a.get("href")
            count += 1
    assert count >= 10
    sees = [a for name in index_docs for a in docs[name].xpath("//*[@class='ix-see']/*[local-name()='a']")]
    assert sees
    for a in sees:  # "Remis, see Reims": a link to the entry's line
        assert a.getroottree().xpath("//*[@id=$id]", id=a.get("href").removeprefix("#"))[0].get(EPUB_TYPE) == "index-entry"
    related = [a for name in index_docs for a in docs[name].xpath("//*[@class='ix-see-also']/*[local-name()='a']")]
    assert related
    for a in related:  # "see also Clairvaux": a link to its line, in whichever index lists it
        doc, _, fragment = a.get("href").partition("#")
        assert docs[doc].xpath("//*[@id=$id]", id=fragment)[0].get(EPUB_TYPE) == "index-entry"
    nav = docs["nav.xhtml"]
    landmarks = nav.xpath("//*[@id='landmarks']//*[local-name()='a']")
    assert any(a.get(EPUB_TYPE) == "index" for a in landmarks)
    toc = [a.get("href") for a in nav.xpath("//*[@id='toc']//*[local-name()='a']")]
    assert "calendar.xhtml" in toc and any(h.startswith("index-") for h in toc)


def test_the_edition_identifies_a_mathieu_and_indexes_barta_under_korner(edition) -> None:
    docs = {name.removeprefix("EPUB/"): root for name, root in epub_documents(edition.epub).items()}
    names = etree.tostring(docs["index-names.xhtml"], encoding="unicode", method="text")
    assert re.search(r"Korner, David \(Barta\), [^\n]*\d", names)
    assert "Mathieu, A., see Korner, David (Barta)" in " ".join(names.split())
    assert "Barta, see Korner, David (Barta)" in " ".join(names.split())
    for who in ("Ramboz", "Bucholz", "Munis", "Rosmer", "Gallienne", "Gordey"):
        assert who in names
    works = etree.tostring(docs["index-works.xhtml"], encoding="unicode")
    assert 'class="ix-term periodical"' in works and "Lutte de Classes, La" in works


# --- the glossary and the register of persons ---------------------------------------


def test_epub_mentions_link_to_their_glossary_or_register_line(edition) -> None:
    """A tagged mention is a link to its glossary term or its line in the register of
    persons (and never a link inside a link); each target exists; the glossary is EPUB
    glossary markup."""
    docs = {name.removeprefix("EPUB/"): root for name, root in epub_documents(edition.epub).items()}
    glossary = docs["glossary.xhtml"]
    assert glossary.xpath("//*[@epub:type='glossary']", namespaces={"epub": EPUB_TYPE[1:-5]})
    terms = glossary.xpath("//*[@epub:type='glossterm']", namespaces={"epub": EPUB_TYPE[1:-5]})
    assert {"".join(t.itertext()) for t in terms} >= {"PCI", "UC", "IS (SI)", "CGT"}
    links = [a for root in docs.values() for a in root.iter(f"{XHTML}a") if "mention" in (a.get("class") or "").split()]
    assert len(links) > 50
    for a in links:
        doc, _, fragment = a.get("href").partition("#")
        assert doc in ("glossary.xhtml", "persons.xhtml")
        assert len(docs[doc].xpath("//*[@id=$id]", id=fragment)) == 1, a.get("href")
        assert not [x for x in a.iterancestors(f"{XHTML}a")] and not list(a.iter(f"{XHTML}a"))[1:]
    hrefs = {a.get("href") for a in links}
    assert "glossary.xhtml#gloss-pci-term" in hrefs and "persons.xhtml#person-ramboz" in hrefs


def test_the_register_of_persons_is_printed_with_dates_and_notes(edition) -> None:
    from tests.textutil import pdf_pages

    pages = [" ".join(p.split()) for p in pdf_pages(edition.pdf)]
    persons = next(p for p in pages if p.startswith("Persons and Organisations"))
    assert "Bucholz, Mathieu (1922–1944) Member of Barta" in persons
    glossary = next(p for p in pages if p.startswith("Glossary"))
    assert "PCI Parti Communiste Internationaliste" in glossary


def test_see_also_names_entries_of_the_registers(scholar_copy: Path) -> None:
    persons = scholar_copy / "persons.yaml"
    _edit(persons, "  see_also: [clairvaux]", "  see_also: [clairvaux, citeaux]")
    entry = persons.read_text(encoding="utf-8").split("\n").index("- id: bernard") + 1
    code, err = _check(scholar_copy)
    assert code == 2
    assert f"persons.yaml:{entry}: error X002" in err and "`citeaux`" in err


def test_glossary_ids_are_unique_beside_the_registers_and_refs_exist(scholar_copy: Path) -> None:
    (scholar_copy / "glossary.yaml").write_text(
        '- {id: odo, term: "O.", definition: "Odo"}\n- {id: osb, term: "OSB", definition: "Order of Saint Benedict", ref: benedictines}\n',
        encoding="utf-8",
    )
    code, err = _check(scholar_copy)
    assert code == 2
    assert "glossary.yaml:1: error M009" in err and "glossary.yaml:2: error X002" in err


# --- citation -----------------------------------------------------------------------


def test_how_to_cite_names_the_edition_and_a_letters_page(edition) -> None:
    from tests.textutil import pdf_pages

    labels, dests = _folios(edition.pdf)
    book = load(MANUSCRIPT)
    first = book.letters[0]
    colophon = next(" ".join(p.split()) for p in pdf_pages(edition.pdf) if "How to cite:" in p)
    assert f"letter 1 ({first.date.text}), p. {labels[dests[first.id]]}, #{first.id};" in colophon
    assert book.meta.identifier in colophon and "edition 1" in colophon
    docs = epub_documents(edition.epub)
    cite = docs["EPUB/colophon.xhtml"].xpath("//*[@class='how-to-cite']")
    assert f"letter 1 ({first.date.text}), #{first.id};" in "".join(cite[0].itertext())


def test_paragraph_numbers_are_the_ids_a_citation_gives(tmp_path: Path) -> None:
    """With ``print.paragraph_numbers`` each paragraph of a letter prints its id's number
    beside it; the id is a named destination of the PDF and a fragment of the EPUB."""
    from publish.starter import new
    from tests.conftest import build_into
    from tests.textutil import epub_documents

    book = tmp_path / "book"
    new(book, "Numbered")
    with (book / "book.yaml").open("a", encoding="utf-8") as f:
        f.write("\nprint:\n  paragraph_numbers: true\n")
    built = build_into(book, tmp_path / "out", ("pdf", "epub"), layout="single")
    loaded = load(book)
    letter = loaded.letters[0]
    garden = next(p for p in letter.blocks if getattr(p, "children", None) and "garden" in plain_text(p))
    number = garden.id.rsplit("-", 1)[1]
    assert _left_of(built.pdf, "The garden is under snow") == number
    _, dests = _folios(built.pdf)
    assert garden.id in dests
    docs = epub_documents(built.epub)
    assert any(root.xpath("//*[@id=$id]", id=garden.id) for root in docs.values())


def _left_of(pdf: Path, words: str) -> str:
    """The text printed in the margin left of the line that begins with ``words``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        for page in document:
            text = page.get_textpage()
            whole = text.get_text_range()
            if words not in whole:
                continue
            searcher = text.search(words)
            index, _ = searcher.get_next()
            x0, y0, _, y1 = text.get_charbox(index)
            return text.get_text_bounded(0, y0 - 1, x0 - 2, y1 + 1).strip()
    finally:
        document.close()
    return ""
