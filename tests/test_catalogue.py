"""The catalogue of bad input: one small manuscript per case under
tests/fixtures/catalogue/, each with an expected.yaml giving the exit code of
`publish check` and the findings (code, file:line, a word of the message) it must print."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from publish.cli import main

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
CASES = sorted(p.name for p in CATALOGUE.iterdir() if p.is_dir())


def test_catalogue_is_large_enough() -> None:
    codes = {f.split()[0] for c in CASES for f in yaml.safe_load((CATALOGUE / c / "expected.yaml").read_text())["findings"]}
    assert len(CASES) >= 25
    assert len(codes) >= 18


@pytest.mark.parametrize("case", CASES)
def test_check_reports_the_case(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = CATALOGUE / case
    expected = yaml.safe_load((folder / "expected.yaml").read_text())
    code = main(["check", str(folder)])
    err = capsys.readouterr().err
    assert code == expected["exit"], err
    lines = err.splitlines()
    for finding in expected["findings"]:
        kind, where, hint = finding.split(" ", 2)
        matches = [ln for ln in lines if f"{case}/{where}:" in ln + ":" and f" {kind}: " in ln and hint in ln]
        assert matches, f"expected {finding!r} in:\n{err}"
    if not expected["findings"]:
        assert err == ""


def test_strict_turns_warnings_into_errors(capsys: pytest.CaptureFixture[str]) -> None:
    folder = CATALOGUE / "no-closing-warning"
    assert main(["check", str(folder)]) == 0
    assert main(["check", "--strict", str(folder)]) == 2
    assert "M013" in capsys.readouterr().err


def test_template_referring_to_a_missing_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a manuscript error but the same reporter: the template file and line."""
    from .conftest import ROOT

    templates = tmp_path / "templates"
    import shutil

    shutil.copytree(ROOT / "templates", templates)
    page = templates / "pdf" / "book.html.j2"
    lines = page.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if 'class="subtitle"' in line)
    lines[at] += "<p>{{ meta.isbn }}</p>"
    page.write_text("\n".join(lines) + "\n")
    code = main(
        ["build", str(ROOT / "manuscript"), "-o", str(tmp_path / "out"), "--format", "html", "--templates", str(templates)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{page}:{at + 1}: error T001" in err and "isbn" in err, err
