"""The second book: any correspondence, not one edition (EDTF dates, parties, registers,
sections, verse, originals, sources, notes on whole letters, parts by decade), built in
both formats and read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from publish.build import load
from publish.model import Book, Section
from publish.walk import all_blocks, plain_text

from .conftest import SCHOLAR, checked
from .test_epub import NS
from .test_model import _jsonable
from .textutil import assert_ace_passes, epub_documents, epub_text, pdf_pages

GOLDEN = Path(__file__).parent / "golden" / "scholar-model.json"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@pytest.fixture(scope="module")
def book() -> Book:
    return load(SCHOLAR)


def test_golden_model_snapshot(book: Book, update_goldens: bool) -> None:
    current = json.dumps(_jsonable(book), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if update_goldens:
        GOLDEN.write_text(current, encoding="utf-8")
    assert GOLDEN.exists(), "no golden snapshot: run pytest --update-goldens and review it"
    assert current == GOLDEN.read_text(encoding="utf-8")


def test_dates_of_every_kind_printed_as_given(book: Book) -> None:
    printed = {x.date.edtf: x.date.text for x in book.all_letters}
    assert printed["1126-09-14"] == "14 September 1126"
    assert printed["1128-03"] == "March 1128"
    assert printed["1130~"] == "c. 1130"
    assert printed["1130/1134"] == "1130–1134"
    assert printed["1135"] == "1135"
    assert printed["1138?"] == "1138?"
    assert printed["114X"] == "1140s"
    assert printed["1145-06/1145-08"] == "June–August 1145"
    assert printed["../1150"] == "before 1150"
    assert printed["1150/.."] == "after 1150"
    assert printed[""] == "undated"
    assert sum(1 for x in book.letters if not x.date.edtf) == 2


def test_order_parts_and_numbers(book: Book) -> None:
    keys = [x.date.key for x in book.letters if x.date.key]
    assert keys == sorted(keys)
    undated = [x for x in book.letters if not x.date.edtf]
    assert book.letters[-2:] == tuple(undated)
    assert undated[0].sort == "1" and not undated[1].sort  # a letter with a sort key first
    assert [g.title for g in book.groups] == ["1120–1129", "1130–1139", "1140–1149", "1150–1159", "Undated letters"]
    assert [x.number for g in book.groups for x in g.letters] == list(range(1, len(book.letters) + 1))


def test_parties_and_register(book: Book) -> None:
    by_id = {x.id: x for x in book.all_letters}
    assert len(book.register) >= 8
    names = {p.id: p.name for p in book.register}
    two = by_id["l04-richildis-gerhard"]
    assert len(two.senders) == 2 and two.from_names == f"{two.senders[0].name} and {two.senders[1].name}"
    assert all(p.ref in names and p.name == names[p.ref] for p in two.senders)
    three = next(x for x in book.letters if len(x.recipients) == 3)
    a, b, c = (p.name for p in three.recipients)
    assert three.to_names == f"{a}, {b} and {c}"
    assert any(not x.place for x in book.letters)


def test_sections_nest_and_carry_their_language(book: Book) -> None:
    sections = [b for x in book.all_letters for b in all_blocks(x.blocks) if isinstance(b, Section)]
    kinds = {s.name for s in sections}
    assert kinds == {"headnote", "original", "verse", "quote"}
    originals = [s for s in sections if s.name == "original"]
    assert {s.lang for s in originals} == {"la", "de"}
    assert any(isinstance(b, Section) and b.name == "verse" for s in originals for b in s.blocks)
    headnote_quote = [b for s in sections if s.name == "headnote" for b in s.blocks if isinstance(b, Section)]
    assert [b.name for b in headnote_quote] == ["quote"]
    numbered = [s for s in sections if s.name == "verse" and s.numbers]
    assert numbered and "10" in [n.label for p in numbered[0].blocks for n in p.children if n.kind == "linenumber"]
    assert any(n.kind == "indent" for s in sections if s.name == "verse" for p in s.blocks for n in p.children)


def test_typography_keeps_what_it_is_not_asked_to_change(book: Book) -> None:
    text = "\n".join(plain_text(b) for x in book.all_letters for b in x.blocks)
    assert "(c)" in text and "©" not in text
    assert "..." in text and "…" not in text
    assert "„" in text  # German quotation marks in the German original


def test_contents_and_running_heads_print_the_dates_as_given(scholar, book: Book) -> None:
    pages = pdf_pages(scholar.pdf)
    contents = " ".join(" ".join(p.split()) for p in pages if "Contents" in p[:200] or "Undated letters" in p)
    for x in book.letters:
        assert f"{x.number}. {x.heading}, {x.date.text}" in contents, x.id
    heads = {" ".join(p.split("\n")[-2:]) for p in pages}
    # (a page's head names the first letter beginning on it: uncertain dates as given)
    assert any("c. 1130" in h or "1130–1134" in h or "1138?" in h for h in heads), heads


def test_no_invented_day_anywhere(scholar, book: Book) -> None:
    """Only the letters dated to the day (and the edition's own date) print a day."""
    days = {x.date.text for x in book.all_letters if re.fullmatch(r"\d{4}-\d\d-\d\d", x.date.edtf)}
    days.add("30 November 2026")
    pdf = " ".join(" ".join(pdf_pages(scholar.pdf)).split())
    epub = " ".join(epub_text(scholar.epub).split())
    for text in (pdf, epub):
        found = set(re.findall(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b", text))
        assert found <= days, found - days
        assert "1 January" not in text


def test_running_heads_on_one_line(scholar) -> None:
    """Every running head sits on one baseline (read from the PDF's character boxes)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(scholar.pdf))
    for i in range(len(pdf)):
        page = pdf[i]
        height = page.get_height()
        text = page.get_textpage()
        bottoms = []
        for c in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(c)
            if bottom > height - 0.7 * 72 and top > bottom:  # inside the top margin
                bottoms.append(bottom)
        # Ink boxes: descenders sit a little lower; a second line would be 10 pt lower.
        assert not bottoms or max(bottoms) - min(bottoms) < 5, f"page {i + 1}: running head on more than one line"


def test_epub_sections_in_reading_order(scholar) -> None:
    docs = epub_documents(scholar.epub)
    letter = docs["EPUB/l01-odo-1126.xhtml"]
    body = etree.tostring(letter, encoding="unicode")
    assert body.index('class="headnote"') < body.index('class="salutation"') < body.index('class="original"')
    original = letter.xpath("//x:section[@class='original']", namespaces=NS)[0]
    assert original.get("lang") == "la" and original.get("{http://www.w3.org/XML/1998/namespace}lang") == "la"
    verse = docs["EPUB/l02-richildis-1128.xhtml"].xpath("//x:div[contains(@class, 'verse')]", namespaces=NS)
    assert verse and verse[0].xpath(".//x:span[@class='line']", namespaces=NS)
    assert any(d.xpath("//x:blockquote", namespaces=NS) for d in docs.values())
    assert "Source:" in " ".join(letter.itertext())


def test_notes_on_the_whole_letter(scholar, book: Book) -> None:
    """Linked from the letter's heading in both formats; no call in the text."""
    letter = next(x for x in book.letters if any(n.whole for n in x.notes))
    note = next(n for n in letter.notes if n.whole)
    assert letter.heading_calls and letter.heading_calls[0].note_id == note.id
    doc = epub_documents(scholar.epub)[f"EPUB/{letter.doc}"]
    call = doc.xpath(f"//x:header//x:a[@href='#{note.id}']", namespaces=NS)
    assert call and call[0].get("{http://www.idpf.org/2007/ops}type") == "noteref"
    assert doc.xpath(f"//x:aside[@id='{note.id}']", namespaces=NS)
    first_words = " ".join(plain_text(note.blocks[0]).split()[:5])
    page = pdf_pages(scholar.pdf)[scholar.result.anchors[letter.id]]
    assert letter.heading.split()[0] in page and first_words in " ".join(page.split())


def test_sources_beside_each_letter_and_listed_at_the_back(scholar, book: Book) -> None:
    assert len(book.meta.sources) >= 12 and book.settings.sources_list
    text = " ".join(" ".join(pdf_pages(scholar.pdf)).split())
    for x in book.all_letters:
        if x.source_detail:
            assert x.source_detail in text, x.id
    sources = epub_documents(scholar.epub)["EPUB/sources.xhtml"]
    assert len(sources.xpath("//x:ol[@class='sources']/x:li", namespaces=NS)) == len(book.meta.sources)


def test_epubcheck_no_errors_no_warnings(scholar) -> None:
    assert [str(m) for m in checked("epubcheck", scholar.epub)] == []  # type: ignore[attr-defined]


def test_ace_no_violations(scholar) -> None:
    assert_ace_passes(scholar.epub)


def test_hebrew_and_arabic_in_declared_fonts_right_to_left(scholar) -> None:
    """Scripts EB Garamond lacks come from the declared fallbacks (Frank Ruhl Libre,
    Amiri), never a system font; their blocks are right to left in both formats; the EPUB
    embeds those faces (and their licences) because this book has the scripts."""
    import zipfile

    import pypdf

    fonts = set()
    for page in pypdf.PdfReader(scholar.pdf).pages:
        for f in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert {"Frank-Ruhl-Libre", "Amiri"} <= fonts
    assert {f.split("-")[0] for f in fonts} <= {"EB", "Frank", "Amiri"}, fonts  # no DejaVu, no Liberation
    text = "\n".join(pdf_pages(scholar.pdf))
    assert "بسم الله الرحمن الرحيم" in text  # the text layer of unvowelled Arabic is exact
    docs = epub_documents(scholar.epub)
    rtl = [(e.get("lang"), e.get("dir")) for d in docs.values() for e in d.iter() if e.get("dir")]
    assert ("he", "rtl") in rtl and ("ar", "rtl") in rtl and {d for _, d in rtl} == {"rtl"}
    with zipfile.ZipFile(scholar.epub) as z:
        names = set(z.namelist())
        css = z.read("EPUB/css/fonts.css").decode()
    assert {"EPUB/css/fonts/FrankRuhlLibre-Regular.ttf", "EPUB/css/fonts/Amiri-Regular.ttf"} <= names
    assert {"EPUB/css/fonts/OFL-frank-ruhl-libre.txt", "EPUB/css/fonts/OFL-amiri.txt"} <= names
    assert '"Frank Ruhl Libre"' in css and '"Amiri"' in css


def test_a_character_no_font_has_is_a_warning_with_its_line(tmp_path: Path) -> None:
    import shutil

    from publish.diagnostics import Code, Collector

    copy = tmp_path / "book"
    shutil.copytree(SCHOLAR, copy)
    letter = copy / "letters" / "08-walter-1145.md"
    lines = letter.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "Jacob of Trier" in line)
    lines[at] += " ☃"
    letter.write_text("\n".join(lines) + "\n")
    found = Collector()
    load(copy, found)
    (w,) = [d for d in found.warnings if d.code == Code.NO_GLYPH]
    assert w.loc.path.endswith("08-walter-1145.md") and w.loc.line == at + 1 and "SNOWMAN" in w.message
