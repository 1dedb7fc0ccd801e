"""The EPUB's fonts: subset to the characters the documents set, the faces nothing uses
left out, every character still there, the same bytes from two builds (issue 17)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from .textutil import epub_documents

X = "{http://www.w3.org/1999/xhtml}"
BOOKS = ("edition", "scholar")


def _faces(epub: Path) -> dict[str, TTFont]:
    with zipfile.ZipFile(epub) as z:
        return {Path(n).name: TTFont(io.BytesIO(z.read(n))) for n in z.namelist() if n.endswith(".ttf")}


def _text_characters(epub: Path, italic_only: bool = False) -> set[str]:
    """The characters of the documents' text nodes and alt text (of the text inside
    ``i``/``em``/``cite`` elements only, with ``italic_only``): what a reader sets."""
    chars: set[str] = set()
    for root in epub_documents(epub).values():
        body = root.find(f"{X}body")
        elements = body.iter(f"{X}i", f"{X}em", f"{X}cite") if italic_only else [body]
        for element in elements:
            chars.update("".join(element.itertext()))
            chars.update("".join(element.xpath(".//@alt")))
    return {c for c in chars if unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp")}


def _source(name: str) -> TTFont:
    from publish.fonts import faces

    return TTFont(faces()[name], lazy=True)


@pytest.mark.parametrize("book", BOOKS)
def test_epub_is_small(book: str, request: pytest.FixtureRequest) -> None:
    epub = request.getfixturevalue(book).epub
    assert epub.stat().st_size < 300_000, f"{epub.stat().st_size} bytes"


@pytest.mark.parametrize("book", BOOKS)
def test_faces_are_subsets_that_cover_the_text(book: str, request: pytest.FixtureRequest) -> None:
    """Each face holds a few hundred glyphs (the whole fonts hold thousands); every
    character of the text that the book font has is in its embedded regular face, and
    every character of the text in italics that its italic has is in the italic face."""
    epub = request.getfixturevalue(book).epub
    faces = _faces(epub)
    assert "EBGaramond-Regular.ttf" in faces
    for name, font in faces.items():
        whole = len(_source(name).getGlyphOrder())
        assert len(font.getGlyphOrder()) < min(600, whole / 4), (name, len(font.getGlyphOrder()), whole)
    text = {ord(c) for c in _text_characters(epub)}
    regular = set(_source("EBGaramond-Regular.ttf").getBestCmap())
    assert text & regular
    missing = (text & regular) - set(faces["EBGaramond-Regular.ttf"].getBestCmap())
    assert not missing, "".join(map(chr, sorted(missing)))
    italic_text = {ord(c) for c in _text_characters(epub, italic_only=True)}
    if italic_text:
        covered = italic_text & set(_source("EBGaramond-Italic.ttf").getBestCmap())
        assert not covered - set(faces["EBGaramond-Italic.ttf"].getBestCmap())
    # A character of another script reaches the face of the fallback that has it.
    for name, font in faces.items():
        if not name.startswith("EBGaramond"):
            theirs = (text - regular) & set(_source(name).getBestCmap())
            assert theirs and theirs <= set(font.getBestCmap()), name


@pytest.mark.parametrize("book", BOOKS)
def test_only_the_faces_the_documents_use(book: str, request: pytest.FixtureRequest) -> None:
    """fonts.css declares exactly the faces the EPUB carries; no bold face travels when
    neither the markup nor the stylesheets set anything bold."""
    epub = request.getfixturevalue(book).epub
    faces = _faces(epub)
    with zipfile.ZipFile(epub) as z:
        declared = set(re.findall(r'url\("fonts/([^"]+)"\)', z.read("EPUB/css/fonts.css").decode()))
        css = z.read("EPUB/css/base.css").decode() + z.read("EPUB/css/epub.css").decode()
    assert declared == set(faces)
    bold_css = re.search(r"font-weight:\s*(bold|bolder|[6-9]00)", css)
    # (h1-h3 and the calendar's head cells are set in the regular weight by the stylesheets)
    bold_tags = (f"{X}b", f"{X}strong", f"{X}h4", f"{X}h5", f"{X}h6")
    bold_markup = any(next(root.iter(*bold_tags), None) is not None for root in epub_documents(epub).values())
    if not bold_css and not bold_markup:
        assert not [n for n in faces if "Bold" in n]


def test_subsets_are_deterministic(edition, edition_again) -> None:
    """Two builds embed the same bytes, and subsetting the face again, twice, from
    scratch (no cache: the second build may have found the first's subsets) gives them
    too."""
    from publish.fonts import faces
    from publish.writers.epub_fonts import subset

    first, second = _faces(edition.epub), _faces(edition_again.epub)
    assert first.keys() == second.keys()
    with zipfile.ZipFile(edition.epub) as a, zipfile.ZipFile(edition_again.epub) as b:
        for name in a.namelist():
            if name.endswith(".ttf"):
                assert a.read(name) == b.read(name), name
        embedded = a.read("EPUB/css/fonts/EBGaramond-Regular.ttf")
    chars = set(first["EBGaramond-Regular.ttf"].getBestCmap())
    data = faces()["EBGaramond-Regular.ttf"].read_bytes()
    assert subset(data, chars) == subset(data, sorted(chars, reverse=True)) == embedded


def test_subset_keeps_the_features_the_styles_use() -> None:
    """Small capitals and both kinds of figures survive the subsetting: the glyphs they
    substitute are there, not only the characters."""
    from publish.fonts import faces
    from publish.writers.epub_fonts import subset

    data = faces()["EBGaramond-Regular.ttf"].read_bytes()
    cut = TTFont(io.BytesIO(subset(data, map(ord, "Letter 1947"))))
    gsub = cut["GSUB"].table
    tags = {r.FeatureTag for r in gsub.FeatureList.FeatureRecord}
    assert {"smcp", "onum", "lnum"} <= tags and "kern" in {r.FeatureTag for r in cut["GPOS"].table.FeatureList.FeatureRecord}
    assert len(cut.getGlyphOrder()) > len(set("Letter 1947")) + 1  # the small capitals and figures beside them
    assert len(cut.getGlyphOrder()) < 150


def test_cascade_finds_the_face_of_each_character() -> None:
    """A bold ``strong`` (user-agent style), an italic class, a family for another
    script, generated content and alt text: each character goes to the face a reading
    system would set it in."""
    from publish.writers.epub_fonts import FaceRule, characters_by_face

    rules = [
        FaceRule("Book", "normal", 400, "R.ttf"),
        FaceRule("Book", "normal", 700, "B.ttf"),
        FaceRule("Book", "italic", 400, "I.ttf"),
        FaceRule("Other", "normal", 400, "O.ttf"),
    ]
    latin = frozenset(range(32, 127))
    cmaps = {"R.ttf": latin, "B.ttf": latin, "I.ttf": latin, "O.ttf": frozenset({0x5D0})}
    doc = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p class="k">kk \u05d0<img alt="z" src="a.png"/></p>'
        '<p class="t">t <strong>b</strong></p><code>m</code></body></html>'
    )
    css = 'body { font-family: "Book", "Other", serif } .k { font-style: italic } .t::after { content: "@" } code { font-family: monospace }'
    used = characters_by_face([doc], [css], rules, cmaps)
    assert ord("k") in used["I.ttf"] and ord("z") in used["I.ttf"]
    assert ord("b") in used["B.ttf"] and ord("b") not in used["I.ttf"]
    assert ord("\u05d0") in used["O.ttf"]
    assert {ord("t"), ord("@")} <= used["R.ttf"]
    assert ord("m") not in set().union(*used.values())  # monospace: none of the book's faces
    assert {ord("k"), ord("b")} <= used["R.ttf"]  # the regular face has its family's characters


def test_shared_subset_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subset kept in the per-user font cache is found by the next build; the cache
    keeps the newest few; a cache that cannot be written is no error."""
    from publish.writers import epub_fonts

    monkeypatch.setenv("PUBLISH_FONT_CACHE", str(tmp_path / "cache"))
    assert epub_fonts.shared("a") is None
    epub_fonts.shared("a", b"font a")
    assert epub_fonts.shared("a") == b"font a"
    monkeypatch.setattr(epub_fonts, "SHARED_KEEP", 2)
    for key in ("b", "c"):
        epub_fonts.shared(key, key.encode())
    kept = sorted(p.name for p in (tmp_path / "cache").rglob("*.ttf"))
    assert len(kept) == 2 and "c.ttf" in kept
    (tmp_path / "blocked").write_text("a file where the folder would be")
    monkeypatch.setenv("PUBLISH_FONT_CACHE", str(tmp_path / "blocked"))
    epub_fonts.shared("d", b"d")
    assert epub_fonts.shared("d") is None
