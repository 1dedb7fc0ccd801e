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
    # ``publish new`` dates the edition and the starter's emendation today; the cases in
    # hostile.yaml edit them as 2026-11-30, whatever day the suite runs.
    import re

    today = re.search(r"^  date: (\d{4}-\d{2}-\d{2})$", (folder / "book.yaml").read_text(encoding="utf-8"), re.M)[1]  # type: ignore[index]
    for name in ("book.yaml", "emendations.yaml"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(today, "2026-11-30"), encoding="utf-8")
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


def test_stylesheets_name_only_files_of_the_styles_folder(book: Path, tmp_path: Path, capsys) -> None:
    """A book's stylesheet that imports or names a file elsewhere (or the network) is
    refused by check and build alike, with its file and line, before anything is laid out
    or copied into the EPUB."""
    from publish import theme

    (book / "styles").mkdir()
    theirs = (theme.folder("styles") / "epub.css").read_text()
    (book / "styles" / "epub.css").write_text(
        "@import url(http://example.org/x.css);\n" + theirs + "p { background: url(file:///etc/passwd) }\n"
    )
    (book / "styles" / "fonts.css").write_text('@font-face { font-family: X; src: url("../../../etc/passwd"); }\n')
    last = len(theirs.splitlines()) + 2
    for args in (["check", str(book)], ["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "styles/epub.css:1: error R001: `http://example.org/x.css`" in err
        assert f"styles/epub.css:{last}: error R001: `file:///etc/passwd`" in err
        assert "styles/fonts.css:1: error R001: `../../../etc/passwd`" in err
    assert not (tmp_path / "out").exists()


def test_a_cover_template_reaching_outside_is_a_finding(book: Path, tmp_path: Path, capsys) -> None:
    from publish import theme

    cover = book / "templates" / "epub" / "cover.html.j2"
    cover.parent.mkdir(parents=True)
    cover.write_text(
        (theme.folder("templates") / "epub" / "cover.html.j2")
        .read_text()
        .replace("<body>", '<body><img src="file:///etc/passwd"/>')
    )
    assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub", "--layout", "units"]) == 2
    err = capsys.readouterr().err
    assert "R001" in err and "/etc/passwd" in err and "Traceback" not in err


def test_a_run_without_spaces_breaks_instead_of_hanging(book: Path, tmp_path: Path, capsys) -> None:
    """50,000 letters without a space: WeasyPrint alone takes more than ten minutes on them
    (it tries its break points one by one); given break opportunities, the book builds,
    every letter kept, with a warning naming the paragraph's line."""
    import random

    from .textutil import epub_text

    rng = random.Random(1)
    run = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(50_000))
    letter = book / "letters" / "01-ada-1950.md"
    letter.write_text(letter.read_text().replace("The garden is", run + " The garden is", 1))
    assert main(["build", str(book), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "letters/01-ada-1950.md:21: warning M021: 50,000 characters without a space" in err
    # (page markers of the print edition fall inside the run: whitespace between its pieces)
    assert "".join(epub_text(tmp_path / "out" / "book.epub").replace("\u200b", "").split()).count(run) == 1


def test_a_run_split_by_emphasis_is_broken_too(book: Path) -> None:
    """A run of 5,000 letters whose pieces are each shorter than a line, alternately
    emphasised: one run for the engine, broken every 40 letters across the pieces;
    nothing else in the paragraph is touched."""
    import re

    from publish.build import load
    from publish.transforms.runs import CHUNK
    from publish.walk import paragraphs, plain_text

    pieces = ["".join("abcdefghij"[(i + k) % 10] for k in range(37)) for i in range(135)]
    run = "".join(f"*{p}*" if i % 2 else p for i, p in enumerate(pieces))
    letter = book / "letters" / "01-ada-1950.md"
    text = letter.read_text().replace("The garden is", f"Before {run} after. The garden is", 1)
    letter.write_text(text)
    paragraph = next(p for x in load(book).all_letters for p in paragraphs(x.blocks) if "Before" in plain_text(p))
    printed = plain_text(paragraph)
    assert printed.replace("\u200b", "").count("".join(pieces)) == 1  # every letter kept, in order
    assert max(len(r) for r in re.findall(r"[^\s\u200b]+", printed)) <= CHUNK
    assert "The garden is" in printed and printed.count("\u200b") == len("".join(pieces)) // CHUNK


def test_a_line_break_ends_a_run(book: Path) -> None:
    """Two pieces of 60 letters on either side of a line break are two runs, each short:
    not broken, though the paragraph has a long run elsewhere."""
    from publish.build import load
    from publish.walk import paragraphs, plain_text

    short = "b" * 60
    letter = book / "letters" / "01-ada-1950.md"
    text = letter.read_text().replace("The garden is", f"{'a' * 150} {short}\\\n{short} The garden is", 1)
    letter.write_text(text)
    paragraph = next(p for x in load(book).all_letters for p in paragraphs(x.blocks) if "a" * 40 in plain_text(p))
    printed = plain_text(paragraph)
    assert printed.count("\u200b") == 150 // 40 and printed.count(short) == 2


def _many_notes(book: Path, n: int) -> None:
    letter = book / "letters" / "01-ada-1950.md"
    text = letter.read_text()
    text = text.replace(
        "notes: {garden: editors}", "notes: {garden: editors, " + ", ".join(f"n{i}: editors" for i in range(n)) + "}"
    )
    text = text.replace("The garden is", " ".join(f"word{i}[^n{i}]" for i in range(n)) + " The garden is", 1)
    letter.write_text(text + "\n" + "\n".join(f"[^n{i}]: Note {i}." for i in range(n)) + "\n")


def test_a_paragraph_with_hundreds_of_footnotes_is_refused_with_its_line(book: Path, capsys) -> None:
    _many_notes(book, 500)
    assert main(["check", str(book)]) == 2
    assert "letters/01-ada-1950.md:21: error N008: 501 note calls in one paragraph" in capsys.readouterr().err
    (book / "book.yaml").write_text((book / "book.yaml").read_text().replace("# print: footnotes", "print: endnotes"))
    assert main(["check", str(book)]) == 0  # as endnotes at the back, they are laid out


def test_the_layout_engine_failing_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever WeasyPrint's layout raises inside (its assertion ``not page_is_empty`` on a
    page that 100 footnotes of one paragraph cannot fill, which N008 now prevents) ends as
    finding L001, never a traceback.  The engine's failure is simulated: no small document
    makes WeasyPrint fail for certain."""
    import weasyprint

    from publish import theme
    from publish.diagnostics import Collector, ManuscriptError
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out

    def fail(self: object, *args: object, **kwargs: object) -> None:
        raise AssertionError

    monkeypatch.setattr(weasyprint.HTML, "render", fail)
    styles = (theme.folder("styles"),)
    with pytest.raises(ManuscriptError) as raised:
        lay_out("<p>x</p>", styles, BoundedFetcher(list(styles), styles), Collector())
    assert [d.code.value for d in raised.value.diagnostics] == ["L001"]
    assert "WeasyPrint could not lay the book out (AssertionError)" in str(raised.value.diagnostics[0])


def test_the_print_pdf_is_reproducible_across_processes(book: Path, tmp_path: Path) -> None:
    """The print profile's trailer /ID was random in its first element (WeasyPrint's
    PDF/X writer): two builds in two processes now give the same bytes."""
    import sys

    runs = {  # the two processes at once, each into its own folder
        run: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "publish",
                "build",
                str(book),
                "-o",
                str(tmp_path / run),
                "--format",
                "pdf",
                "--profile",
                "print",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"),
        )
        for run in ("a", "b")
    }
    assert [p.wait(timeout=300) for p in runs.values()] == [0, 0]
    outs = [(tmp_path / run / "book-print.pdf").read_bytes() for run in runs]
    assert outs[0] == outs[1]


def test_two_builds_into_one_folder_leave_one_whole_set(book: Path, tmp_path: Path) -> None:
    """Two versions of a book built at once into one folder: the lock makes the second
    wait, so the PDF and the EPUB left are of the same version, and the cache vouches for
    what is there (a third build of that version renders nothing)."""
    import sys

    from .textutil import epub_text, pdf_pages

    other = tmp_path / "other"
    shutil.copytree(book, other)
    letter = other / "letters" / "01-ada-1950.md"
    letter.write_text(letter.read_text().replace("under snow", "under water"))
    out = tmp_path / "out"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    runs = [
        subprocess.Popen([sys.executable, "-m", "publish", "build", str(b), "-o", str(out)], env=env, stderr=subprocess.PIPE)
        for b in (book, other)
    ]
    assert [r.wait(timeout=300) for r in runs] == [0, 0]
    pdf = " ".join(pdf_pages(out / "book.pdf"))
    epub = epub_text(out / "book.epub")
    versions = {"snow": ("under snow" in pdf, "under snow" in epub), "water": ("under water" in pdf, "under water" in epub)}
    assert versions in ({"snow": (True, True), "water": (False, False)}, {"snow": (False, False), "water": (True, True)})
    last = book if versions["snow"] == (True, True) else other
    again = subprocess.run(
        [sys.executable, "-m", "publish", "build", str(last), "-o", str(out)], env=env, capture_output=True, text=True
    )
    assert "up to date" in again.stdout + again.stderr


def _processes_marked(mark: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find the build's processes")
def test_kill_9_leaves_the_old_set_or_the_new_and_no_process(book: Path, tmp_path: Path) -> None:
    """A build killed outright (SIGKILL) at ten moments drawn with a fixed seed: each
    time the output folder holds the old version's PDF and EPUB or the new one's, never
    one of each, and no process of the build (layout workers included) lives on."""
    import random
    import sys
    import time
    import uuid

    from .textutil import epub_text, pdf_pages

    out = tmp_path / "out"
    assert main(["build", str(book), "-o", str(out)]) == 0
    new = tmp_path / "new"
    shutil.copytree(book, new)
    letter = new / "letters" / "01-ada-1950.md"
    letter.write_text(letter.read_text().replace("under snow", "under water"))
    rng = random.Random(14)
    for _ in range(10):
        mark = f"PUBLISH_TEST_MARK={uuid.uuid4()}"
        env = dict(os.environ, PUBLISH_TEST_MARK=mark.split("=", 1)[1])
        run = subprocess.Popen(
            [sys.executable, "-m", "publish", "build", str(new), "-o", str(out), "--layout", "units"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.6))
        run.kill()
        run.wait()
        pdf, epub = " ".join(pdf_pages(out / "book.pdf")), epub_text(out / "book.epub")
        assert ("under water" in pdf) == ("under water" in epub) and ("under snow" in pdf) == ("under snow" in epub)
        deadline = time.monotonic() + 5
        while _processes_marked(mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_marked(mark) == [], "a process of the killed build lives on"


def test_a_full_disk_is_exit_3_with_the_old_set_whole(book: Path, tmp_path: Path, capsys) -> None:
    """The output folder on a small tmpfs, filled up after a first build: the next build
    exits 3 with a sentence, not a traceback, and the first build's set stays whole."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("needs root and tmpfs to make a small disk")
    try:
        out = mount / "out"
        assert main(["build", str(book), "-o", str(out)]) == 0
        before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
        filler = mount / "filler"
        with filler.open("wb") as fh:  # every byte left
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        letter = book / "letters" / "01-ada-1950.md"
        letter.write_text(letter.read_text().replace("under snow", "under water"))
        capsys.readouterr()
        assert main(["build", str(book), "-o", str(out)]) == 3
        err = capsys.readouterr().err
        assert "No space left on device" in err and "previous outputs are unchanged" in err and "Traceback" not in err
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")} == before
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_layout_past_its_time_bound_is_stopped(book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """PUBLISH_LAYOUT_SECONDS bounds one layout (900 s by default): past it, the build
    stops with L002 and writes nothing."""
    monkeypatch.setenv("PUBLISH_LAYOUT_SECONDS", "0.05")
    assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "pdf", "--layout", "single"]) == 2
    err = capsys.readouterr().err
    assert "L002" in err and "more than 0.05 s" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "book.pdf").exists()


def test_a_note_label_that_is_not_a_name_is_refused(book: Path, capsys) -> None:
    """A label with ``<`` or ``"`` made ids and links an EPUB cannot hold (epubcheck
    RSC-020), silently."""
    letter = book / "letters" / "01-ada-1950.md"
    letter.write_text(
        letter.read_text().replace("[^garden]", "[^a<b]").replace("notes: {garden: editors}", 'notes: {"a<b": editors}')
    )
    assert main(["check", str(book)]) == 2
    assert "letters/01-ada-1950.md:31: error M018: note label `a<b`" in capsys.readouterr().err


def test_links_in_the_books_styles_and_templates_lead_nowhere(book: Path, tmp_path: Path, capsys) -> None:
    """A stylesheet, a template or a file the stylesheets name that is a link to a file
    outside the book is not read: the theme's is used, or the build refuses (R001, T001);
    a styles/ folder that is a link is M006.  No byte of the linked file reaches an output."""
    import zipfile

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a\n")
    (book / "styles").mkdir()
    (book / "styles" / "epub.css").symlink_to(secret)  # the theme's epub.css is used instead
    (book / "styles" / "leak.txt").symlink_to(secret)
    templates = book / "templates" / "pdf"
    templates.mkdir(parents=True)
    (templates / "leak.j2").symlink_to(secret)
    out = tmp_path / "out"
    assert main(["build", str(book), "-o", str(out), "--format", "epub"]) == 0
    with zipfile.ZipFile(out / "book.epub") as z:
        assert not [n for n in z.namelist() if b"SECRET-7f3a" in z.read(n)]
    from publish import theme

    page = (theme.folder("templates") / "pdf" / "book.html.j2").read_text()
    (templates / "book.html.j2").write_text(page.replace("</head>", '<link rel="attachment" href="leak.txt"/></head>', 1))
    assert main(["build", str(book), "-o", str(out), "--format", "pdf"]) == 2
    assert "R001" in capsys.readouterr().err
    (templates / "book.html.j2").write_text(page.replace("</head>", '{% include "pdf/leak.j2" %}</head>', 1))
    assert main(["build", str(book), "-o", str(out), "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "T001" in err and "SECRET" not in err and "Traceback" not in err
    shutil.rmtree(book / "styles")
    (book / "styles").symlink_to(tmp_path, target_is_directory=True)
    assert main(["check", str(book)]) == 2
    assert "M006" in capsys.readouterr().err


def test_a_template_that_fails_is_a_finding(book: Path, tmp_path: Path, capsys) -> None:
    page = book / "templates" / "epub" / "titlepage.xhtml.j2"
    page.parent.mkdir(parents=True)
    for body in ("{{ 1/0 }}", '{% include "nope.j2" %}', '{{ 1 + "a" }}'):
        page.write_text(body + "\n")
        assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"]) == 2
        err = capsys.readouterr().err
        assert "T001" in err and "titlepage.xhtml.j2" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",  # 10^10 items
        "{% for i in range(99999) %}{% for j in range(99999) %}{{ meta.title }}{% endfor %}{% endfor %}",
        "{{ 'x' * 10000000000 }}",  # 10 GB
        "{{ [1] * 100000000 }}",
        "{{ 7 ** 100000000 }}",
    ],
)
def test_a_template_that_would_run_for_ever_or_fill_memory_is_stopped(
    body: str, book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The sandbox's time and size bounds (render._BoundedSandbox): each case would take
    hours or gigabytes; it stops in about a second (here) with T001 at the template."""
    import time

    monkeypatch.setenv("PUBLISH_TEMPLATE_SECONDS", "1")
    page = book / "templates" / "epub" / "titlepage.xhtml.j2"
    page.parent.mkdir(parents=True)
    page.write_text(body + "\n")
    started = time.monotonic()
    assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"]) == 2
    assert time.monotonic() - started < 20
    err = capsys.readouterr().err
    assert "T001" in err and "titlepage.xhtml.j2:1" in err and "too costly" in err and "Traceback" not in err


def test_a_template_stopped_while_jinja_handles_the_stop_is_still_found_at_its_line(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The time bound's timer repeats (limits.alarm); a repeat that lands while Jinja is
    still rewriting the first stop's traceback (slow here on purpose, as under load in
    CI) must not hide the template's line."""
    import time

    import jinja2.debug

    rewrite = jinja2.debug.rewrite_traceback_stack

    def slow(*args: object, **kwargs: object) -> BaseException:
        time.sleep(0.35)
        return rewrite(*args, **kwargs)

    monkeypatch.setattr(jinja2.debug, "rewrite_traceback_stack", slow)
    monkeypatch.setenv("PUBLISH_TEMPLATE_SECONDS", "1")
    page = book / "templates" / "epub" / "titlepage.xhtml.j2"
    page.parent.mkdir(parents=True)
    page.write_text("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}\n")
    assert main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"]) == 2
    err = capsys.readouterr().err
    assert "titlepage.xhtml.j2:1: error T001" in err and "Traceback" not in err


def test_a_hostile_git_repository_gives_no_revision_and_no_hang(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository the manuscript made unreadable (a pipe for HEAD, a HEAD that points
    at itself): no revision, within seconds, and no exception."""
    import time

    import publish.parse
    from publish.parse import source_revision

    monkeypatch.setattr(publish.parse, "REVISION_SECONDS", 0.5)  # (5 s in a build)
    git = book / ".git"
    (git / "objects").mkdir(parents=True)
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "config").write_text("[core]\n\trepositoryformatversion = 0\n")
    (git / "HEAD").write_text("ref: HEAD\n")  # a loop
    assert source_revision(book) == ""
    (git / "HEAD").unlink()
    os.mkfifo(git / "HEAD")
    start = time.monotonic()
    assert source_revision(book) == ""
    assert time.monotonic() - start < 3


def test_odd_yaml_values_are_findings(book: Path, capsys) -> None:
    (book / "persons.yaml").write_text(
        (book / "persons.yaml").read_text().replace('  dates: "1901–1988"', "  dates: 0x" + "f" * 4000)
    )
    (book / "book.yaml").write_text((book / "book.yaml").read_text() + "labels: {1: 2, null: x}\n")
    assert main(["check", str(book)]) == 2
    err = capsys.readouterr().err
    assert "persons.yaml:6: error M004: cannot read this value: a number of more than 40 digits" in err
    assert "key 1 of `labels` must be a word or text" in err and "Traceback" not in err


def test_publish_new_makes_a_book_that_checks_whatever_the_folder_is_called(tmp_path: Path, capsys) -> None:
    for name in ("1950s-letters", "x" * 90, "Été 1950"):
        assert main(["new", str(tmp_path / name)]) == 0
        assert main(["check", "--strict", str(tmp_path / name)]) == 0, capsys.readouterr().err
    assert main(["new", str(tmp_path / "zz"), "--language", "zz"]) == 1
    assert "BCP 47" in capsys.readouterr().err


def test_a_linked_letters_folder_is_refused_not_listed(starter: Path, tmp_path: Path, capsys) -> None:
    """A ``letters/`` that is a link is one finding (M006), the folder it leads to is not
    listed: its Markdown files are not read, and the book is not said to have none (M010)."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(starter / "letters", elsewhere)
    book = tmp_path / "book"
    shutil.copytree(starter, book)
    shutil.rmtree(book / "letters")
    (book / "letters").symlink_to(elsewhere, target_is_directory=True)
    code = main(["check", str(book)])
    err = capsys.readouterr().err
    assert code == 2 and " M006: " in err and f"{book}/letters" in err
    assert " M010: " not in err and "elsewhere" not in err, err
