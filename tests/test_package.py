"""The package a publisher installs: the wheel carries the default theme and the starter
book, ``publish new`` / ``check --strict`` / ``build`` work from the book's folder outside
the repository, a book's own templates and stylesheets override the theme's, a no-op
rebuild at the book's root renders nothing, and ``--strict`` refusing a build writes
nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from publish.cli import main

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by its declared backend (hatchling) without network."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("publish-*.whl")
    return found


def test_wheel_carries_the_theme_the_starter_and_the_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {f"publish/theme/{p.relative_to(ROOT).as_posix()}" for d in ("templates", "styles") for p in (ROOT / d).rglob("*.*")}
    assert theme and theme <= names
    starter = ROOT / "src" / "publish" / "starter"
    assert {f"publish/starter/{p.relative_to(starter).as_posix()}" for p in starter.rglob("*.*")} <= names
    licences = {n.rsplit("/", 1)[-1] for n in names if "/licenses/" in n}
    assert {"LICENSE", "OFL-1.1-EB-Garamond.txt"} <= licences
    assert not [n for n in names if n.startswith(("tests/", "manuscript/", "output/")) or "__pycache__" in n]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata


def test_installed_wheel_starts_checks_and_builds_a_book_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    """A new environment with the wheel installed (its dependencies are the test
    environment's, reached by a path entry: no network); run from a folder outside the
    repository, the installed ``publish`` never sees the source checkout."""
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    (site / "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}:{env['PATH']}"
    work = tmp_path / "desk"
    work.mkdir()

    def run(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "publish"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [python, "-c", "import publish; print(publish.__file__)"], cwd=work, env=env, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    assert run("--version").stdout.strip() == f"publish {_version()}"
    made = run("new", "my-letters", "--title", "Letters of the Example Family")
    assert made.returncode == 0, made.stderr
    book = work / "my-letters"
    checked = run("check", "--strict", cwd=book)
    assert checked.returncode == 0, checked.stderr
    built = run("build", cwd=book)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    epub, pdf = book / "output" / "my-letters.epub", book / "output" / "my-letters.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"

    from publish.checks import epubcheck

    assert [str(m) for m in epubcheck.run(epub)] == []
    from .textutil import epub_text, pdf_pages

    text = epub_text(epub) + "\n".join(pdf_pages(pdf))
    assert "Letters of the Example Family" in text and "Edited by Your Name" in text
    assert "Translated by" not in text  # the starter has no translator: no edition's wording
    again = run("build", cwd=book)
    assert "up to date" in again.stdout + again.stderr


def _version() -> str:
    from publish import __version__

    return __version__


def _starter(tmp_path: Path, name: str = "book") -> Path:
    assert main(["new", str(tmp_path / name)]) == 0
    return tmp_path / name


def test_a_book_overrides_one_template_and_one_stylesheet(tmp_path: Path) -> None:
    """Its own ``templates/epub/titlepage.xhtml.j2`` and ``styles/print.css``, each a copy
    of the theme's with one change, win over the theme's; the rest is the theme's."""
    import pypdfium2 as pdfium

    from publish import theme
    from publish.checks import epubcheck

    book = _starter(tmp_path)
    page = book / "templates" / "epub" / "titlepage.xhtml.j2"
    page.parent.mkdir(parents=True)
    text = (theme.folder("templates") / "epub" / "titlepage.xhtml.j2").read_text()
    page.write_text(text.replace("</section>", '<p class="imprint-note">Set by the book’s own template</p>\n</section>'))
    css = book / "styles" / "print.css"
    css.parent.mkdir()
    css.write_text((theme.folder("styles") / "print.css").read_text() + "\n.title-page .book-title { color: rgb(255, 0, 0); }\n")
    # Its epub.css names an ornament of its own (as ./ornaments/...): the EPUB carries it
    # beside the stylesheet, where a reader resolves that URL.
    (book / "styles" / "ornaments").mkdir()
    (book / "styles" / "ornaments" / "fleuron.svg").write_text(FLEURON)
    epub_css = (theme.folder("styles") / "epub.css").read_text()
    (book / "styles" / "epub.css").write_text(epub_css + '\n.title-page::after { content: url("./ornaments/fleuron.svg"); }\n')
    out = tmp_path / "out"
    assert main(["build", str(book), "-o", str(out)]) == 0
    from .textutil import epub_text

    assert "Set by the book’s own template" in epub_text(out / "book.epub")
    assert [str(m) for m in epubcheck.run(out / "book.epub")] == []
    with zipfile.ZipFile(out / "book.epub") as epub:
        assert epub.read("EPUB/css/ornaments/fleuron.svg").decode() == FLEURON
    doc = pdfium.PdfDocument(out / "book.pdf")
    title_page = next(i for i in range(len(doc)) if "Edited by" in doc[i].get_textpage().get_text_range())
    image = doc[title_page].render(scale=1).to_pil().convert("RGB")
    assert _red(image), "the book's print.css was not used"
    plain = doc[title_page - 2].render(scale=1).to_pil().convert("RGB")  # the half-title: its title is not overridden
    assert not _red(plain)


FLEURON = '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12"><circle cx="6" cy="6" r="5"/></svg>\n'


def test_a_file_the_epub_cannot_carry_is_refused_at_its_line(tmp_path: Path, capsys) -> None:
    from publish import theme

    book = _starter(tmp_path)
    (book / "styles").mkdir()
    (book / "styles" / "paper.bmp").write_bytes(b"BM")
    css = (theme.folder("styles") / "epub.css").read_text() + '\nbody { background: url("paper.bmp"); }\n'
    (book / "styles" / "epub.css").write_text(css)
    assert main(["check", str(book)]) == 2
    err = capsys.readouterr().err
    line = css.count("\n")
    assert f"epub.css:{line}: error R001: `paper.bmp`: the EPUB carries this stylesheet and cannot carry" in err


def _red(image: object) -> bool:
    return any(r > 200 and g < 60 and b < 60 for _, (r, g, b) in image.getcolors(1 << 24))


def test_run_from_the_book_folder_skips_a_no_op_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    book = _starter(tmp_path)
    monkeypatch.chdir(book)
    assert main(["build", "--format", "epub"]) == 0  # the book here, output/ inside it
    assert (book / "output" / "book.epub").is_file()
    capsys.readouterr()
    assert main(["build", "--format", "epub"]) == 0
    assert "up to date" in capsys.readouterr().err


def test_nothing_is_created_for_an_invalid_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    book = _starter(tmp_path)
    (book / "book.yaml").write_text((book / "book.yaml").read_text().replace("contributors:", "contributor:"))
    monkeypatch.chdir(book)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "book.yaml:" in err and "unknown key `contributor`" in err and "missing required key `contributors`" in err
    assert "Traceback" not in err
    assert not (book / "output").exists()
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert main(["build"]) == 2
    assert "publish new" in capsys.readouterr().err
    assert list(empty.iterdir()) == []


def test_strict_refusal_leaves_every_output_as_it_was(tmp_path: Path, capsys) -> None:
    """A warning found while laying out (WeasyPrint ignores a declaration of the book's
    stylesheet): with ``--strict`` the build exits 2 and writes nothing, not even the
    outputs laid out before the warning was known."""
    book = _starter(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(book), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert set(before) == {"book.pdf", "book.epub"}
    from publish import theme

    (book / "styles").mkdir()
    (book / "styles" / "print.css").write_text((theme.folder("styles") / "print.css").read_text() + "\np { colour: red; }\n")
    (book / "letters" / "02-ben-1950.md").write_text(
        (book / "letters" / "02-ben-1950.md").read_text().replace("content", "happy")
    )
    assert main(["build", str(book), "-o", str(out), "--strict"]) == 2
    assert "colour" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_starter_book_yaml_shows_every_key() -> None:
    """``publish new`` writes a book.yaml naming every key of the schema (set, or
    commented out with its default), so a new user sees what can be set."""
    from publish import config

    text = (ROOT / "src" / "publish" / "starter" / "book.yaml").read_text()

    def keys(schema: dict, prefix: str = "") -> list[str]:
        out = []
        for key, field in schema.items():
            out.append(key)
            if field.kind == "map":
                out += keys(field.schema)
        return out

    import re

    assert [
        k for k in keys(config.BOOK) if not re.search(rf"^[#\s-]*(\{{)?{re.escape(k)}:|[{{,]\s*{re.escape(k)}:", text, re.M)
    ] == []


def test_configuration_reference_is_generated_from_the_schemas() -> None:
    from publish.config import reference

    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == reference(), (
        "docs/configuration.md drifted from config.py: python -m publish.config > docs/configuration.md"
    )


def test_command_line_reference_names_every_command_and_option() -> None:
    from publish.cli import _parser

    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = _parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    missing = []
    for name, command in sub.choices.items():
        if f"publish {name}" not in doc:
            missing.append(name)
        for action in command._actions:
            missing += [
                f"{name} {o}" for o in action.option_strings if o.startswith("--") and o != "--help" and f"`{o}" not in doc
            ]
    assert missing == []
    for code in ("`0`", "`1`", "`2`", "`3`"):
        assert code in doc


def test_static_faces_are_made_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine: no static face in the cache; the first build makes them (one
    face here, to keep the test short) with a progress line, and serves them after."""
    from fontTools.ttLib import TTFont

    from publish import fonts

    monkeypatch.setenv("PUBLISH_FONT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "FACES", {"EBGaramond-Bold.ttf": fonts.FACES["EBGaramond-Bold.ttf"]})
    assert fonts.missing() == ["EBGaramond-Bold.ttf"]
    said: list[str] = []
    fonts.ensure(said.append)
    assert fonts.missing() == [] and len(said) == 1 and "once for this machine" in said[0]
    made = fonts.faces()["EBGaramond-Bold.ttf"]
    assert made.is_relative_to(tmp_path / "cache") and TTFont(made)["OS/2"].usWeightClass == 700
    said.clear()
    fonts.ensure(said.append)
    assert said == []


def test_unwritable_font_cache_falls_back_to_the_variable_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish import fonts

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("PUBLISH_FONT_CACHE", str(blocker / "cache"))  # under a file: cannot be made
    said: list[str] = []
    fonts.ensure(said.append)
    assert "could not write" in said[-1]
    served = fonts.faces()
    assert all(served[n].name.endswith("].ttf") for n, f in fonts.FACES.items() if f.weight)  # the variable fonts serve


def test_templates_are_sandboxed(tmp_path: Path, capsys) -> None:
    """A book's template cannot reach Python's internals (issue 14's breach: os.popen
    through a global's __init__.__globals__)."""
    book = _starter(tmp_path)
    page = book / "templates" / "epub" / "titlepage.xhtml.j2"
    page.parent.mkdir(parents=True)
    page.write_text("{{ cycler.__init__.__globals__.os.popen('echo breached').read() }}\n")
    code = main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "epub"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert "titlepage.xhtml.j2" in err
    assert not (tmp_path / "out" / "book.epub").exists()
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


def test_progress_hears_every_page_and_plain_lines_are_throttled(capsys) -> None:
    from publish import theme
    from publish.cli import PlainProgress
    from publish.diagnostics import Collector
    from publish.writers.fetch import BoundedFetcher
    from publish.writers.pdf import lay_out

    styles = (theme.folder("styles"),)
    html = "<html><body>" + "".join('<p style="break-after: page">x</p>' for _ in range(3)) + "</body></html>"
    pages: list[int] = []
    layout = lay_out(html, styles, BoundedFetcher(list(styles), styles), Collector(), on_page=pages.append)
    assert pages == list(range(1, layout.page_count + 1)) and layout.page_count == 3
    plain = PlainProgress()
    for n in range(1, 121):
        plain(f"laying out the PDF (digital): page {n}")
    plain("Step 4: packaging the EPUB")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "laying out the PDF (digital): page 1",
        "laying out the PDF (digital): page 50",
        "laying out the PDF (digital): page 100",
        "Step 4: packaging the EPUB",
    ]


def test_a_missing_cmyk_profile_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    book = _starter(tmp_path)
    # A build first, with the profiles found: the layout workers it starts from (a fork
    # server) must not keep its environment for the next build (chunked.UnitJob.env).
    assert main(["build", str(book), "-o", str(tmp_path / "first"), "--format", "pdf", "--profile", "print"]) == 0
    monkeypatch.setenv("PUBLISH_ICC_DIR", str(tmp_path / "no-profiles"))
    code = main(["build", str(book), "-o", str(tmp_path / "out"), "--format", "pdf", "--profile", "print"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    assert "R001" in err and "libgs-common" in err and "PUBLISH_ICC_DIR" in err
    assert not (tmp_path / "out" / "book-print.pdf").exists()


def test_a_layout_warning_is_said_once_for_both_profiles(tmp_path: Path) -> None:
    """Both profiles are laid out from the same stylesheets: what WeasyPrint warns of in
    one (an unknown property, W001) it warns of in the other, and the build says it once."""
    from publish import theme
    from publish.build import Paths, build

    book = _starter(tmp_path)
    (book / "styles").mkdir()
    css = (theme.folder("styles") / "print.css").read_text() + "\np { publish-no-such-property: 1; }\n"
    (book / "styles" / "print.css").write_text(css)
    result = build(Paths.find(book, tmp_path / "out"), ("pdf",), profiles=("digital", "print"), layout="single")
    said = [w for w in result.warnings if "publish-no-such-property" in w.message]
    assert len(said) == 1 and said[0].code.value == "W001"
