"""The pipeline, end to end: manuscript -> parse -> transforms -> render -> writers.

In: a manuscript folder, the styles and templates folders, an output folder and the
formats to build.  Out: files in the output folder, each written to a temporary file
and renamed into place, so a failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import transforms
from .diagnostics import Collector, Diagnostic, ManuscriptError, OutputError
from .model import Book
from .parse import parse_manuscript

FORMATS = ("pdf", "epub", "html")
PROFILES = ("digital", "print")
PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Paths:
    manuscript: Path
    styles: Path
    templates: Path
    output: Path

    @classmethod
    def find(
        cls, manuscript: Path, output: Path | None = None, styles: Path | None = None, templates: Path | None = None
    ) -> Paths:
        """Styles and templates: given, else beside the manuscript, else the project's."""

        def pick(name: str, given: Path | None) -> Path:
            if given:
                return given
            for base in (manuscript, Path.cwd(), PROJECT):
                if (base / name).is_dir():
                    return base / name
            return PROJECT / name

        return cls(manuscript, pick("styles", styles), pick("templates", templates), output or Path("output"))


@dataclass
class Result:
    book: Book
    written: dict[str, Path] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)  # element id -> 0-based PDF page
    page_list: list[tuple[str, str]] = field(default_factory=list)  # EPUB page list: (folio, href)
    approximate_pages: list[str] = field(default_factory=list)  # folios whose marker is at a paragraph start


def source_time(book: Book) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` if set, else midnight UTC of the edition date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime.combine(book.meta.date, dt.time())


def load(manuscript: Path, found: Collector | None = None, strict: bool = False) -> Book:
    """Parse and transform: everything ``publish check`` validates.  Raises
    ``ManuscriptError`` on errors (or on warnings when ``strict``); other warnings stay
    in ``found``."""
    found = found if found is not None else Collector()
    book = transforms.run(parse_manuscript(manuscript, found), found)
    found.raise_if_errors(strict)
    return book


def print_edition_id(book: Book) -> str:
    """The print edition's identifier: a UUID derived from the book's, stable across builds."""
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, book.meta.identifier + '#print')}"


def pdf_name(slug: str, profile: str) -> str:
    """output/<slug>.pdf for the digital profile, output/<slug>-print.pdf for print."""
    return f"{slug}.pdf" if profile == "digital" else f"{slug}-{profile}.pdf"


def build(
    paths: Paths,
    formats: tuple[str, ...] = ("pdf", "epub"),
    strict: bool = False,
    step: Callable[[str], None] = lambda s: None,
    profiles: tuple[str, ...] = ("digital",),
) -> Result:
    from . import render
    from .writers.fetch import BoundedFetcher, package_fonts

    step("Step 1: reading the manuscript")
    found = Collector()
    book = load(paths.manuscript, found, strict)
    result = Result(book)
    created = source_time(book)
    env = render.environment(paths.templates)
    _check_output(paths.output)
    slug = book.meta.slug
    fetcher = BoundedFetcher([paths.manuscript, paths.styles, paths.templates], paths.styles)
    first_pdf: Any = None  # the first profile's layout: page numbers for the EPUB

    if "pdf" in formats or "html" in formats:
        step("Step 2: rendering the print HTML")
        html = render.print_html(book, env, created, profiles[0])
        if "pdf" in formats:
            from .writers.pdf import render_pdf

            fixes = render.LayoutFixes()
            for profile in profiles:
                step(f"Step 3: laying out the PDF, {profile} profile (WeasyPrint)")
                for _ in range(MAX_LAYOUTS):
                    html = render.print_html(book, env, created, profile, fixes)
                    pdf = render_pdf(html, paths.styles, fetcher, found, profile, book.meta.identifier)
                    learnt = _learn(book, pdf, fixes)
                    if learnt == fixes:
                        break
                    step(f"Step 3: laying out the PDF again, {profile} profile (running heads, hyphenation)")
                    fixes = learnt
                if profile == profiles[0]:
                    result.pages, result.anchors = pdf.page_count, pdf.anchors
                    first_pdf = pdf
                key = "pdf" if profile == "digital" else f"pdf-{profile}"
                result.written[key] = _atomic(paths.output / pdf_name(slug, profile), pdf.data)
            html = render.print_html(book, env, created, profiles[0], fixes)
        if "html" in formats:
            folder = paths.output / f"{slug}-html"
            _write_html(folder, html, paths.styles, package_fonts())
            result.written["html"] = folder / f"{slug}.html"
    if "epub" in formats:
        from .writers.epub import write_epub

        step("Step 4: packaging the EPUB")
        from .transforms.pages import paginate

        pages = paginate(book, first_pdf.starts, first_pdf.labels, first_pdf.anchors) if first_pdf else None
        epub_book = pages.book if pages else book
        marks = pages.marks if pages else {}
        from .writers.cover import cover_alt, cover_png

        cover = cover_png(book, env, paths.styles, fetcher)
        docs = render.epub_documents(epub_book, env, created, marks, cover_alt(book))
        nav = render.epub_nav(epub_book, env, docs, created, pages.page_list if pages else [], marks)
        result.page_list = pages.page_list if pages else []
        result.approximate_pages = pages.approximate if pages else []
        sheets = ("fonts.css", "base.css", "epub.css") if book.settings.epub_fonts else ("base.css", "epub.css")
        css = {n: (paths.styles / n).read_bytes() for n in sheets}
        fonts = {name: path.read_bytes() for name, path in package_fonts().items()} if book.settings.epub_fonts else {}
        data = write_epub(book, docs, nav, css, fonts, created, cover, print_edition_id(book) if pages else "")
        result.written["epub"] = _atomic(paths.output / f"{slug}.epub", data)
    result.warnings = found.items
    if strict and found.items:
        raise ManuscriptError(found.items)
    return result


#: Layouts of one PDF at most: the first, one to re-set paragraphs hyphenated on more
#: than two lines in a row, one more for the endnotes' heads if that moved pages.
MAX_LAYOUTS = 4


def _learn(book: Book, pdf: Any, fixes: Any) -> Any:
    """What this layout teaches the next one (see ``render.LayoutFixes``)."""
    from .render import LayoutFixes
    from .writers.pdf import endnote_heads

    heads = endnote_heads(book, pdf) if book.settings.notes_print == "endnotes" else {}
    return LayoutFixes(tuple(sorted(heads.items())), fixes.no_hyphens | pdf.hyphen_runs)


def _check_output(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the output folder ({exc.strerror}); choose another with -o") from exc


def _atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` beside ``target`` and rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_html(folder: Path, html: str, styles: Path, fonts: dict[str, Path]) -> None:
    """The exact HTML the PDF is rendered from, with its stylesheets and fonts beside it."""
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        (tmp / (folder.name.removesuffix("-html") + ".html")).write_text(html, encoding="utf-8")
        for css in sorted(styles.glob("*.css")):
            shutil.copy2(css, tmp / css.name)
        (tmp / "fonts").mkdir()
        for name, path in fonts.items():
            shutil.copy2(path, tmp / "fonts" / name)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
