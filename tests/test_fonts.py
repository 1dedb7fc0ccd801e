"""The faces the stylesheets name are static instances of the font package's variable
fonts (``publish.fonts``, made by ``make setup``), and they set the same pages as the
variable fonts do."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MANUSCRIPT, build_into
from .test_units import assert_same


def test_faces_are_static_instances_at_their_weights() -> None:
    from fontTools.ttLib import TTFont

    from publish.fonts import FACES, faces, static

    assert static(), "the static faces are missing: run `make setup` (python -m publish.fonts)"
    for name, path in faces().items():
        font = TTFont(path)
        assert "fvar" not in font and "gvar" not in font, name
        assert font["OS/2"].usWeightClass == (FACES[name].weight or ("Bold" in name and 700 or 400)), name
        assert font["OS/2"].fsSelection & 1 == ("Italic" in name), name  # the italic bit


def test_static_faces_set_the_pages_the_variable_fonts_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish import fonts

    assert fonts.static()
    static = build_into(MANUSCRIPT, tmp_path / "static", ("pdf",), layout="single")
    monkeypatch.setattr(fonts, "instances_dir", lambda: tmp_path / "no-instances")
    assert not fonts.static()
    variable = build_into(MANUSCRIPT, tmp_path / "variable", ("pdf",), layout="single")
    assert_same(static.pdf, variable.pdf)
