"""The PDF, read back with pypdf: size, fonts, labels, bookmarks, contents, text order."""

from __future__ import annotations

import re

from pypdf import PdfReader

from publish.walk import plain_text

from .textutil import pdf_pages

PT_PER_IN = 72


def _fonts(reader: PdfReader) -> dict[str, object]:
    fonts = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor.get_object() if descriptor else None
    return fonts


def test_opens_with_trim_size(edition) -> None:
    reader = PdfReader(str(edition.pdf))
    assert len(reader.pages) == edition.result.pages > 20
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 6 * PT_PER_IN
        assert round(float(page.mediabox.height)) == 9 * PT_PER_IN


def test_every_font_embedded_and_it_is_eb_garamond(edition) -> None:
    fonts = _fonts(PdfReader(str(edition.pdf)))
    assert fonts
    for name, descriptor in fonts.items():
        assert descriptor is not None, name
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
        assert "EB" in name and "Garamond" in name or "EB-Garamond" in name or "EBGaramond" in name, name


def test_letters_in_order_in_text(edition) -> None:
    text = "\n".join(pdf_pages(edition.pdf))
    text = re.sub(r"\s+", " ", text)
    book = edition.result.book
    # The first words of each letter's first body paragraph, in order, after the contents.
    start = text.index("The Letters", text.index("Introduction", text.index("A Note on the Text") + 1))
    positions = []
    for letter in book.all_letters:
        first = next(b for b in letter.blocks if b.part == "body")
        words = " ".join(plain_text(first).split()[:4])
        positions.append(text.index(words, start))
    assert positions == sorted(positions)


def test_page_labels_roman_then_arabic(edition) -> None:
    reader = PdfReader(str(edition.pdf))
    labels = list(reader.page_labels)
    main = edition.result.book and labels.index("1")
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi"]
    assert 0 < main <= len(roman) and labels[:main] == roman[:main]
    assert labels[main:] == [str(i) for i in range(1, len(labels) - main + 1)]
    # Folio 1 is the page where the correspondence opens.
    assert "The Letters" in pdf_pages(edition.pdf)[main]


def test_bookmarks_divisions_then_letters(edition) -> None:
    reader = PdfReader(str(edition.pdf))
    outline = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top[:3] == ["Contents", "Introduction", "A Note on the Text"]
    assert "The Letters" in top and "Appendix" in top
    nested = outline[top.index("The Letters") + 1]
    assert isinstance(nested, list) and len(nested) == 11
    pages = pdf_pages(edition.pdf)
    for item in nested:
        page = reader.get_destination_page_number(item)
        assert item.title.split(" ", 1)[1].split()[0] in pages[page]


def test_contents_page_numbers_equal_landing_pages(edition) -> None:
    """Each contents entry's printed number is the folio of the page its target lands on."""
    reader = PdfReader(str(edition.pdf))
    labels = list(reader.page_labels)
    anchors = edition.result.anchors if hasattr(edition.result, "anchors") else None
    assert anchors is not None
    contents_page = pdf_pages(edition.pdf)[anchors["contents"]]
    book = edition.result.book
    flat = " ".join(contents_page.split())  # an entry may wrap: its folio ends its last line
    for letter in book.letters:
        folio = labels[anchors[letter.id]]
        entry = re.search(re.escape(f"{letter.number}. {letter.heading}, {letter.date.text}") + r"[ .]*?(\d+)\b", flat)
        assert entry, letter.heading
        assert entry.group(1) == folio, (entry.group(0), folio)
    for division in book.front:
        folio = labels[anchors[division.id]]
        line = next(ln for ln in contents_page.splitlines() if ln.startswith(division.title))
        assert line.rstrip().endswith(folio), (line, folio)


def test_cross_reference_pages_are_where_targets_land(edition) -> None:
    """Each printed "[letter N, p. X]" gives the folio of the page the letter starts on."""
    reader = PdfReader(str(edition.pdf))
    labels = list(reader.page_labels)
    text = re.sub(r"\s+", " ", "\n".join(pdf_pages(edition.pdf)))
    numbers = {x.number: x.id for x in edition.result.book.letters}
    printed = re.findall(r"\[letter (\d+), p\. (\d+)\]", text)
    assert len(printed) >= 9
    for number, page in printed:
        assert labels[edition.result.anchors[numbers[int(number)]]] == page


def test_internal_links_are_link_annotations_to_the_right_page(edition) -> None:
    reader = PdfReader(str(edition.pdf))
    anchors = edition.result.anchors
    named = reader.named_destinations
    checked = 0
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest") or (annot.get("/A") or {}).get("/D")
            assert dest is not None, f"link on page {index} has no internal destination"
            name = str(dest)
            assert name in named, name
            if name in anchors:
                assert reader.get_destination_page_number(named[name]) == anchors[name]
                checked += 1
    # Contents (15 entries), cross-references (2 links each) and note calls and numbers.
    assert checked >= 40
