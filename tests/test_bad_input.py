"""Bad input: a clear finding with file and line, a non-zero exit, earlier outputs untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from publish.cli import main

from .conftest import ROOT


@pytest.fixture
def previous(edition, tmp_path: Path) -> Path:
    """An output folder holding a good build, whose bytes a failed build must not change."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy2(edition.pdf, out)
    shutil.copy2(edition.epub, out)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def _fails(ms: Path, out: Path, capsys: pytest.CaptureFixture[str], *expect: str) -> str:
    before = _digest(out)
    code = main(["build", str(ms), "-o", str(out), "--styles", str(ROOT / "styles"), "--templates", str(ROOT / "templates")])
    err = capsys.readouterr().err
    assert code == 2, err
    for e in expect:
        assert e in err, err
    assert _digest(out) == before, "a failed build changed the previous outputs"
    return err


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_invalid_yaml(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "book.yaml", "slug: barta-sedova-letters", "slug: [barta")
    _fails(manuscript_copy, previous, capsys, "book.yaml:", "M001", "invalid YAML")


def test_missing_required_field(manuscript_copy: Path, previous: Path, capsys) -> None:
    letter = manuscript_copy / "letters" / "03-uc-1947-02-20.md"
    text = letter.read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("heading:"))
    _edit(letter, heading + "\n", "")
    _fails(manuscript_copy, previous, capsys, "letters/03-uc-1947-02-20.md:2", "M003", "`heading`")


def test_unknown_field_suggests_the_closest(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "book.yaml", "subtitle:", "subtitel:")
    err = _fails(manuscript_copy, previous, capsys, "book.yaml:5", "M002", "did you mean `subtitle`")
    assert "subtitel" in err


def test_unknown_field_in_a_letter(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "01-uc-1946-12-16.md", "place: Paris", "plaec: Paris")
    _fails(manuscript_copy, previous, capsys, "letters/01-uc-1946-12-16.md:9", "did you mean `place`")


def test_file_not_utf8(manuscript_copy: Path, previous: Path, capsys) -> None:
    path = manuscript_copy / "letters" / "02-sedova-1947-01-28.md"
    data = path.read_bytes().replace(
        b"[Coyoacan]{ref=coyoacan}, 28.1.47", "[Coyoac\xe1n]{ref=coyoacan}, 28.1.47".encode("latin-1")
    )
    path.write_bytes(data)
    _fails(manuscript_copy, previous, capsys, "letters/02-sedova-1947-01-28.md:17", "M005", "not UTF-8")


def test_unreadable_file(manuscript_copy: Path, previous: Path, capsys) -> None:
    (manuscript_copy / "letters" / "99-broken.md").mkdir()  # a folder where a file should be
    _fails(manuscript_copy, previous, capsys, "letters/99-broken.md", "M006", "cannot read")


def test_bad_date(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "04-uc-1947-04-02.md", "date: 1947-04-02", "date: 2 April 1947")
    _fails(manuscript_copy, previous, capsys, "letters/04-uc-1947-04-02.md:10", "M007", "is not an EDTF date")


def test_emendation_that_does_not_apply(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "emendations.yaml", 'original: "Bur after"', 'original: "Bur afterwards"')
    _fails(manuscript_copy, previous, capsys, "emendations.yaml:", "E001", "Bur afterwards")


def test_findings_are_reported_together(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "book.yaml", "subtitle:", "subtitel:")
    _edit(manuscript_copy / "letters" / "01-uc-1946-12-16.md", "place: Paris", "plaec: Paris")
    _edit(manuscript_copy / "letters" / "02-sedova-1947-01-28.md", "(#uc-1946-12-16)", "(#no-such-letter)")
    _edit(manuscript_copy / "letters" / "03-uc-1947-02-20.md", "date: 1947-02-20", "date: 1947-02-30")
    _fails(
        manuscript_copy,
        previous,
        capsys,
        "book.yaml:5",
        "letters/01-uc-1946-12-16.md:9",
        "X001",
        "03-uc-1947-02-20.md:10",
        "4 problems found",
    )


def test_crlf_and_bom_are_accepted(manuscript_copy: Path, tmp_path: Path) -> None:
    from publish.build import load

    path = manuscript_copy / "letters" / "05-uc-1947-06-05.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    book = load(manuscript_copy)
    assert next(x for x in book.letters if x.id == "uc-1947-06-05").place == "Paris"


def test_output_folder_not_writable(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["build", str(ROOT / "manuscript"), "-o", str(blocker / "out")])
    assert code == 3
    assert "cannot write the output folder" in capsys.readouterr().err


def test_fetcher_refuses_network_and_outside_files(tmp_path: Path) -> None:
    from publish.writers.fetch import BoundedFetcher, RefusedResource

    fetcher = BoundedFetcher([ROOT / "manuscript", ROOT / "styles"], (ROOT / "styles",))
    with pytest.raises(RefusedResource, match="network"):
        fetcher.fetch("https://example.org/font.ttf")
    outside = tmp_path / "x.css"
    outside.write_text("p {}")
    with pytest.raises(RefusedResource, match="outside"):
        fetcher.fetch(outside.as_uri())
    assert fetcher.fetch((ROOT / "styles" / "base.css").as_uri()).read()
    assert fetcher.fetch((ROOT / "styles" / "fonts" / "EBGaramond-Regular.ttf").as_uri()).read()[:4] == b"\x00\x01\x00\x00"


def test_link_pointing_outside_the_book(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "09-sedova-1948-03-17.md", "(#vdt-1947-11-06)", "(https://example.org/letter)")
    _fails(manuscript_copy, previous, capsys, "letters/09-sedova-1948-03-17.md:26", "M012", "https://example.org/letter")


def test_raw_html_is_rejected(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "10-korner-1948-06-18.md", "First of all", "<script>alert(1)</script> First of all")
    _fails(manuscript_copy, previous, capsys, "letters/10-korner-1948-06-18.md:", "M011", "raw HTML")


def test_note_defined_but_not_called_and_called_but_not_defined(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "09-sedova-1948-03-17.md", "[^munis]: Fernandez", "[^munnis]: Fernandez")
    _fails(
        manuscript_copy,
        previous,
        capsys,
        "letters/09-sedova-1948-03-17.md:42: error N002",
        "`[^munnis]` is defined but never called",
        "letters/09-sedova-1948-03-17.md:30: error N001",
    )


def test_note_without_a_series(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "08-vdt-1947-11-06.md", "notes:\n  mathieu: transcribers\n", "")
    _fails(manuscript_copy, previous, capsys, "letters/08-vdt-1947-11-06.md:", "N004", "says nobody wrote it")


def test_empty_note(manuscript_copy: Path, previous: Path, capsys) -> None:
    path = manuscript_copy / "letters" / "07-sedova-1947-10-22.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[^september]:")] + "[^september]: \n", encoding="utf-8")
    _fails(manuscript_copy, previous, capsys, "letters/07-sedova-1947-10-22.md:", "N003", "is empty")


def test_note_series_not_in_book_yaml(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "letters" / "07-sedova-1947-10-22.md", "september: editors", "september: publisher")
    _fails(manuscript_copy, previous, capsys, "letters/07-sedova-1947-10-22.md:", "N004", "`publisher`")


def test_unknown_note_placement(manuscript_copy: Path, previous: Path, capsys) -> None:
    _edit(manuscript_copy / "book.yaml", "  print: footnotes ", "  print: sidenotes ")
    _fails(manuscript_copy, previous, capsys, "book.yaml:", "M004", "footnotes, endnotes")
