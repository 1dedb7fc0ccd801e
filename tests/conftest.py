"""Session fixtures: the shipped edition is built once per test run (WeasyPrint and
epubcheck are slow), into a temporary folder, with a fixed SOURCE_DATE_EPOCH."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
#: The second book: an invented scholarly edition that uses every element of the format
#: (EDTF dates of every kind, several senders, a persons register, headnotes, Latin and
#: German originals, verse, quotations, a dozen sources, notes on whole letters, parts by
#: decade).
SCHOLAR = Path(__file__).parent / "fixtures" / "scholar-book"
EPOCH = "1700000000"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass
class Built:
    out: Path
    pdf: Path
    epub: Path
    html: Path
    result: object


def build_into(
    manuscript: Path,
    out: Path,
    formats: tuple[str, ...] = ("pdf", "epub", "html"),
    profiles: tuple[str, ...] = ("digital",),
    layout: str = "units",
) -> Built:
    from publish.build import Paths, build, load

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    paths = Paths.find(manuscript, out)  # the theme, as an installed publish finds it
    result = build(paths, formats, profiles=profiles, layout=layout)
    slug = (result.book or load(manuscript)).meta.slug
    return Built(out, out / f"{slug}.pdf", out / f"{slug}.epub", out / f"{slug}-html" / f"{slug}.html", result)


@pytest.fixture(scope="session")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(MANUSCRIPT, tmp_path_factory.mktemp("edition"))


@pytest.fixture(scope="session")
def scholar(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_into(SCHOLAR, tmp_path_factory.mktemp("scholar"))


@pytest.fixture(scope="session")
def edition_again(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A second, independent build of the same manuscript, for determinism."""
    return build_into(MANUSCRIPT, tmp_path_factory.mktemp("again"), ("pdf", "epub"))


@pytest.fixture(scope="session")
def print_pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The print profile (PDF/X-4), built twice, for its facts and its determinism."""
    first = build_into(MANUSCRIPT, tmp_path_factory.mktemp("print1"), ("pdf",), ("print",))
    second = build_into(MANUSCRIPT, tmp_path_factory.mktemp("print2"), ("pdf",), ("print",))
    return first.out / "barta-sedova-letters-print.pdf", second.out / "barta-sedova-letters-print.pdf"


@pytest.fixture(scope="session")
def epubcheck_messages(edition: Built) -> list:
    from publish.checks.epubcheck import run

    return run(edition.epub)


@pytest.fixture
def manuscript_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped manuscript that a test may break."""
    dst = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, dst)
    return dst
