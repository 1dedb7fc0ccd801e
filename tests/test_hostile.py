"""A manuscript from a stranger cannot make ``publish`` run a program, write outside its
output folder, read outside the book, hang or crash (issue 14).  Breaches are tested by
what they would have done: no marker file written, no file outside ``-o``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from publish.cli import main


@pytest.fixture
def book(tmp_path: Path) -> Path:
    assert main(["new", str(tmp_path / "book")]) == 0
    return tmp_path / "book"


def _git(folder: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make the test's repository")
def test_a_hostile_git_config_runs_nothing(book: Path, tmp_path: Path, capsys) -> None:
    """The source revision is read from the repository's files: a ``core.fsmonitor`` or
    a clean filter in the manuscript's ``.git/config`` is never run."""
    _git(book, "init", "-q")
    _git(book, "add", "-A")
    _git(book, "commit", "-q", "-m", "start")
    commit = _git(book, "rev-parse", "--short=12", "HEAD")
    marker = tmp_path / "ran"
    with (book / ".git" / "config").open("a") as config:
        config.write(f'[core]\n\tfsmonitor = touch {marker}\n[filter "evil"]\n\tclean = touch {marker}\n')
    (book / ".gitattributes").write_text("*.md filter=evil\n")
    assert main(["check", str(book)]) == 0
    from publish.parse import source_revision

    assert source_revision(book) == commit
    letter = book / "letters" / "01-ada-1950.md"
    letter.write_text(letter.read_text().replace("snow", "rain"))
    assert source_revision(book) == commit + "+edits"
    assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"]) == 0
    assert not marker.exists(), "a program named by the manuscript's git config was run"


HOSTILE = yaml.safe_load((Path(__file__).parent / "fixtures" / "hostile.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("starter") / "book"
    assert main(["new", str(folder)]) == 0
    return folder


def _apply(case: dict, book: Path) -> None:
    if "edit" in case:
        file, old, new = case["edit"]
        text = (book / file).read_text(encoding="utf-8")
        assert old in text, f"{case['name']}: {old!r} not in {file}"
        (book / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    if "append" in case:
        file, text = case["append"]
        with (book / file).open("a", encoding="utf-8") as fh:
            fh.write(text)
    if "write" in case:
        file, text = case["write"]
        (book / file).write_text(text, encoding="utf-8")
    if "write_bytes" in case:
        file, text = case["write_bytes"]
        (book / file).write_bytes(text.encode("latin-1"))
    if "link" in case:
        file, target = case["link"]
        (book / file).symlink_to(target)
    if "link_over" in case:
        file, target = case["link_over"]
        (book / file).unlink()
        (book / file).symlink_to(target)
    if "relink" in case:
        folder, target = case["relink"]
        shutil.rmtree(book / folder)
        (book / folder).symlink_to(target, target_is_directory=True)
    if "fifo" in case:
        os.mkfifo(book / case["fifo"])
    if "mkdir" in case:
        (book / case["mkdir"]).mkdir()
    if "remove" in case:
        shutil.rmtree(book / case["remove"])


def test_the_hostile_catalogue_is_large_enough() -> None:
    assert len(HOSTILE) >= 70
    assert len({c["name"] for c in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("case", HOSTILE, ids=[c["name"] for c in HOSTILE])
def test_hostile_variant_is_refused_with_its_finding(case: dict, starter: Path, tmp_path: Path, capsys) -> None:
    book = tmp_path / "book"
    shutil.copytree(starter, book)
    _apply(case, book)
    code = main(["check", str(book)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    kind, where = case["expect"].split()
    matches = [line for line in err.splitlines() if f" {kind}: " in line and f"{book}/{where}" in line]
    if ":" in where:  # a line given: that very line
        matches = [m for m in matches if m.split(f" error {kind}:")[0].split(f"{book}/")[1].startswith(where + ":")]
    assert matches, f"expected {case['expect']} in:\n{err}"
