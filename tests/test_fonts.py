"""The faces the stylesheets name are static instances of the font package's variable
fonts (``publish.fonts``, made by ``make setup``), and they set the same pages as the
variable fonts do."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import build_into
from .test_units import facts


def test_faces_are_static_instances_at_their_weights() -> None:
    from fontTools.ttLib import TTFont

    from publish.fonts import FACES, faces, static

    assert static(), "the static faces are missing: run `make setup` (python -m publish.fonts)"
    for name, path in faces().items():
        font = TTFont(path)
        assert "fvar" not in font and "gvar" not in font, name
        assert font["OS/2"].usWeightClass == (FACES[name].weight or ("Bold" in name and 700 or 400)), name
        assert font["OS/2"].fsSelection & 1 == ("Italic" in name), name  # the italic bit


def test_static_faces_set_the_text_the_variable_fonts_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the starter book with every face of the book font (the edition's 28 pages took
    31 s twice over, for the same question)."""
    from publish import fonts
    from publish.cli import main

    book = tmp_path / "book"
    assert main(["new", str(book)]) == 0
    (book / "letters" / "02-ben-1950.md").unlink()
    (book / "emendations.yaml").unlink()
    with (book / "book.yaml").open("a", encoding="utf-8") as f:  # no back matter: one layout of the letter
        f.write('\ndivisions:\n  calendar: false\n  persons: false\n  indexes: [{title: "Works", kinds: [work]}]\n')
    letter = book / "letters" / "01-ada-1950.md"
    text = "**The garden** is *under snow* again, ***and I*** have been reading your"
    letter.write_text(letter.read_text().replace("The garden is under snow again, and I have been reading your", text))
    assert fonts.static()
    static = build_into(book, tmp_path / "static", ("pdf",), layout="single")
    # A cache folder that cannot be made (under a file): the build's ``fonts.ensure`` makes
    # no instance there, so the variable fonts serve every face (a writable folder would
    # get the static instances made into it, and the second build would set them again).
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(fonts, "instances_dir", lambda: blocker / "no-instances")
    assert not fonts.static()
    variable = build_into(book, tmp_path / "variable", ("pdf",), layout="single")
    assert not fonts.static()
    served = fonts.faces()
    assert all(served[n].name.endswith("].ttf") for n, f in fonts.FACES.items() if f.weight)  # the variable fonts
    # The same text on as many pages; not always the same lines: with all four faces from
    # the variable fonts, WeasyPrint 70 breaks one line of this letter elsewhere ("by the /
    # stove" against "by / the stove"), so fonts.py promises the words, not the lines.
    words = [" ".join(" ".join(facts(pdf)["pages"]).split()) for pdf in (static.pdf, variable.pdf)]  # type: ignore[arg-type]
    assert words[0] == words[1] and "stove" in words[0]
    assert len(facts(static.pdf)["pages"]) == len(facts(variable.pdf)["pages"])  # type: ignore[arg-type]
    embedded = " ".join(facts(static.pdf)["fonts"])  # type: ignore[arg-type]
    assert all(face in embedded for face in ("EB-Garamond-Bold", "EB-Garamond-Bold-Italic", "EB-Garamond-Italic"))


def test_the_faces_characters_are_kept_and_a_bad_table_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The characters of each face (the manuscript's glyph check) come from a table in
    the per-user font cache once a build has read the faces; a table that is not one
    is ignored and the faces are read again."""
    from fontTools.ttLib import TTFont

    from publish import fonts

    monkeypatch.setattr(fonts, "instances_dir", lambda: tmp_path)
    for cached in (fonts._characters, fonts._kept_characters):
        cached.cache_clear()
    name = "EBGaramond-Regular.ttf"
    truth = frozenset(TTFont(str(fonts.FACES[name].path), lazy=True).getBestCmap())
    assert fonts.characters(name) == truth and len(truth) > 500
    import json

    file = fonts.FACES[name].path.name  # (the package's file, a variable font: one table for its weights)
    assert frozenset(json.loads((tmp_path / fonts.CHARACTERS).read_text())[file]) == truth
    for table in (json.dumps({file: [65]}), "not json", "[1, 2]", json.dumps({file: "AB"})):
        (tmp_path / fonts.CHARACTERS).write_text(table)
        for cached in (fonts._characters, fonts._kept_characters):
            cached.cache_clear()
        expected = frozenset([65]) if "65" in table else truth  # (a table is believed, as the instances are)
        assert fonts.characters(name) == expected
    for cached in (fonts._characters, fonts._kept_characters):
        cached.cache_clear()
