"""Session fixtures: the shipped edition is built once per test run (WeasyPrint and
epubcheck are slow), into a temporary folder, with a fixed SOURCE_DATE_EPOCH."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
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


#: The checkers that run as outside programs (DAISY Ace on Chromium, epubcheck on Java)
#: started on a session book as soon as it is built, in a thread, when a selected test
#: asks for their verdict: they run on the second core while the suite goes on.  Keyed by
#: (checker, EPUB); the tests take the verdict with ``checked``.
_CHECKERS: dict[tuple[str, Path], Future] = {}
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="checker")


def _run_checker(name: str, epub: Path) -> object:
    if name == "ace":
        from publish.checks import ace

        return ace.run(epub)
    from publish.checks import epubcheck

    return epubcheck.run(epub)


def start_checkers(request: pytest.FixtureRequest, epub: Path, wanted: dict[str, str]) -> None:
    """Start checker ``name`` on ``epub`` for each ``name: test node id`` selected in this run."""
    selected = {item.nodeid for item in request.session.items}
    for name, nodeid in wanted.items():
        if nodeid in selected and (name != "ace" or not _ace_missing()):
            _CHECKERS[(name, epub)] = _POOL.submit(_run_checker, name, epub)


def _ace_missing() -> str:
    from publish.checks import ace

    return ace.available()


def checked(name: str, epub: Path) -> object:
    """Checker ``name``'s result on ``epub``: the one started in the background, else run now."""
    started = _CHECKERS.pop((name, epub), None)
    return started.result() if started is not None else _run_checker(name, epub)


def _checked_book(request: pytest.FixtureRequest, out: Path, manuscript: Path, tests: str) -> Built:
    """A session book, its EPUB's checkers started for the ``test_ace_no_violations`` and
    ``test_epubcheck_no_errors_no_warnings`` of the test module ``tests``."""
    built = build_into(manuscript, out)
    start_checkers(
        request,
        built.epub,
        {"ace": f"{tests}::test_ace_no_violations", "epubcheck": f"{tests}::test_epubcheck_no_errors_no_warnings"},
    )
    return built


@pytest.fixture(scope="session")
def edition(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _checked_book(request, tmp_path_factory.mktemp("edition"), MANUSCRIPT, "tests/test_epub.py")


@pytest.fixture(scope="session")
def scholar(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _checked_book(request, tmp_path_factory.mktemp("scholar"), SCHOLAR, "tests/test_scholar_book.py")


@pytest.fixture(scope="session")
def edition_again(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A second, independent build of the same manuscript, for determinism."""
    return build_into(MANUSCRIPT, tmp_path_factory.mktemp("again"), ("pdf", "epub"))


@pytest.fixture(scope="session")
def edition_print(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The edition's print PDF and its cover, built together (the cover's spine for the
    pages of that print PDF): the print profile's facts and test_cover.py's edition."""
    return build_into(MANUSCRIPT, tmp_path_factory.mktemp("print1"), ("pdf", "cover"), ("print",))


@pytest.fixture(scope="session")
def print_pdfs(edition_print: Built, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The print profile (PDF/X-4), built twice, for its facts and its determinism (the
    second build without the cover: the print PDF does not depend on it)."""
    first = edition_print
    second = build_into(MANUSCRIPT, tmp_path_factory.mktemp("print2"), ("pdf",), ("print",))
    return first.out / "barta-sedova-letters-print.pdf", second.out / "barta-sedova-letters-print.pdf"


@pytest.fixture(scope="session")
def epubcheck_messages(edition: Built) -> list:
    return checked("epubcheck", edition.epub)  # type: ignore[return-value]


@pytest.fixture
def manuscript_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped manuscript that a test may break."""
    dst = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, dst)
    return dst
