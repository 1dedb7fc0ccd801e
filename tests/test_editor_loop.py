"""The editor's loop: a correction on record, the no-op rebuild, a one-word change that
re-renders only its letter and is in both outputs, the change report, an interrupted build."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import MANUSCRIPT, ROOT, build_into
from .textutil import epub_text, pdf_pages


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory):
    """A manuscript copy built once into its own output folder (with its cache)."""
    root = tmp_path_factory.mktemp("loop")
    ms = root / "manuscript"
    shutil.copytree(MANUSCRIPT, ms)
    first = build_into(ms, root / "out", ("pdf", "epub"))
    return ms, root / "out", first


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.*")) if p.is_file()}


def test_1_no_op_rebuild_renders_nothing(loop, monkeypatch: pytest.MonkeyPatch) -> None:
    import publish.writers.pdf as pdf_writer

    ms, out, _ = loop
    before = _digests(out)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a no-op rebuild must not lay out the PDF")

    monkeypatch.setattr(pdf_writer, "lay_out", forbidden)
    again = build_into(ms, out, ("pdf", "epub"))
    assert again.result.skipped
    assert _digests(out) == before


def test_2_a_changed_output_is_rebuilt_not_trusted(loop) -> None:
    ms, out, first = loop
    pdf = first.pdf
    good = pdf.read_bytes()
    pdf.write_bytes(good[:-100])  # someone damaged the output
    again = build_into(ms, out, ("pdf", "epub"))
    assert not again.result.skipped
    assert pdf.read_bytes() == good


def test_3_one_word_correction_reaches_both_outputs_and_only_its_letter_is_rerendered(loop) -> None:
    from pypdf import PdfReader

    ms, out, first = loop
    # The pages the letter held in the first build: from its first page to the next letter's.
    labels = list(PdfReader(str(first.pdf)).page_labels)
    anchors = first.result.anchors
    ids = [x.id for x in first.result.book.letters]
    at = ids.index("sedova-1948-03-17")
    held = {labels[i] for i in range(anchors[ids[at]], anchors[ids[at + 1]] + 1)}
    count = len(labels)
    letter = ms / "letters" / "09-sedova-1948-03-17.md"
    letter.write_text(letter.read_text().replace("It gives me great pleasure", "It gives me very great pleasure"))
    again = build_into(ms, out, ("pdf", "epub"))
    assert not again.result.skipped
    assert "It gives me very great pleasure" in " ".join(epub_text(again.epub).split())
    assert "It gives me very great pleasure" in " ".join(" ".join(pdf_pages(again.pdf)).split())
    report = again.result.report
    assert report["letters_touched"] == ["sedova-1948-03-17"]
    assert report["notes_renumbered"] == []
    assert report["page_count"] == {"was": count, "now": count}
    assert report["pages_changed"] and set(report["pages_changed"]) <= held
    # The EPUB re-renders the letter, and only the documents whose page markers moved.
    assert "sedova-1948-03-17.xhtml" in again.result.rendered_docs
    assert "uc-1946-12-16.xhtml" not in again.result.rendered_docs
    assert len(again.result.rendered_docs) <= 3


def test_4_a_correction_on_record(tmp_path: Path) -> None:
    """Record a correction in emendations.yaml: the corrected reading is in both outputs,
    the emendation is listed in the Note on the Text."""
    ms = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, ms)
    with (ms / "emendations.yaml").open("a") as fh:
        fh.write('- where: sedova-1947-10-22\n  original: "I await your news impatiently"\n')
        fh.write('  corrected: "I await your news with impatience"\n  reason: misprint\n  date: 2026-11-25\n')
    built = build_into(ms, tmp_path / "out", ("pdf", "epub"))
    for text in (" ".join(epub_text(built.epub).split()), " ".join(" ".join(pdf_pages(built.pdf)).split())):
        assert "I await your news with impatience" in text
        assert (
            "Natalia Sedova to David Korner, 22 October 1947: I await your news impatiently → I await your news with impatience "
            "(misprint)" in text
        )


def test_5_report_file(loop, tmp_path: Path) -> None:
    from publish.cli import main

    ms, out, _ = loop
    letter = ms / "letters" / "01-uc-1946-12-16.md"
    letter.write_text(letter.read_text().replace("by chance, your address", "by chance your address"))
    report = tmp_path / "report.json"
    args = ["build", str(ms), "-o", str(out), "--styles", str(ROOT / "styles"), "--templates", str(ROOT / "templates")]
    assert main([*args, "--report", str(report)]) == 0
    import json

    data = json.loads(report.read_text())
    assert data["letters_touched"] == ["uc-1946-12-16"]
    assert main([*args, "--report", str(report)]) == 0
    assert json.loads(report.read_text()) == {"unchanged": True}


def test_6_an_interrupted_build_leaves_the_previous_outputs(loop) -> None:
    """Kill the build while WeasyPrint lays out the PDF: the previous PDF and EPUB stay."""
    ms, out, _ = loop
    letter = ms / "letters" / "11-korner-1949-06-29.md"
    letter.write_text(
        letter.read_text().replace("We have now also got a base at Citroen.", "We have now also got a base at Citroën.")
    )
    before = _digests(out)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PUBLISH_PROGRESS="plain")
    cmd = [
        sys.executable,
        "-m",
        "publish",
        "build",
        str(ms),
        "-o",
        str(out),
        "--styles",
        str(ROOT / "styles"),
        "--templates",
        str(ROOT / "templates"),
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    for line in proc.stderr:
        if "laying out the PDF" in line or time.monotonic() > deadline:
            break
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _digests(out) == before
    # The next build cleans up what the killed one left and completes.
    again = build_into(ms, out, ("pdf", "epub"))
    assert "Citroën" in " ".join(epub_text(again.epub).split())
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
