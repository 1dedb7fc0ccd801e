"""The pipeline, end to end: manuscript -> parse -> transforms -> render -> writers.

In: a manuscript folder, the styles and templates folders, an output folder and the
formats to build.  Out: files in the output folder, each written to a temporary file
and renamed into place, so a failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from . import transforms
from .diagnostics import Collector, Diagnostic, ManuscriptError, OutputError
from .model import Book
from .parse import parse_manuscript

FORMATS = ("pdf", "epub", "html", "cmif", "cover")
PROFILES = ("digital", "print")


@dataclass(frozen=True)
class Paths:
    manuscript: Path
    styles: tuple[Path, ...]  # looked up in order: the book's own, then the theme's (see theme.py)
    templates: tuple[Path, ...]
    output: Path

    @classmethod
    def find(
        cls, manuscript: Path, output: Path | None = None, styles: Path | None = None, templates: Path | None = None
    ) -> Paths:
        """Styles and templates: the folder given, then the book's own, then the theme's."""
        from . import theme

        return cls(
            manuscript,
            theme.layers("styles", manuscript, styles),
            theme.layers("templates", manuscript, templates),
            output or Path("output"),
        )

    def style(self, name: str) -> Path:
        """The stylesheet (or other file of the styles) called ``name``: the book's, else the theme's."""
        from .theme import lookup

        return lookup(self.styles, name)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder a build may read."""
        return (self.manuscript, *self.styles, *self.templates)


@dataclass
class Result:
    book: Book | None  # None when the build was skipped
    written: dict[str, Path] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)  # element id -> 0-based PDF page
    page_list: list[tuple[str, str]] = field(default_factory=list)  # EPUB page list: (folio, href)
    approximate_pages: list[str] = field(default_factory=list)  # folios whose marker is at a paragraph start
    skipped: bool = False  # nothing changed since the last build: nothing was rendered
    staged: list[tuple[Path, Path]] = field(default_factory=list)  # (written beside, final name): see _stage
    committed: bool = False  # the staged outputs are in place
    report: dict[str, Any] = field(default_factory=dict)  # what changed since the last build
    rendered_docs: list[str] = field(default_factory=list)  # EPUB documents rendered (not from the cache)
    layout: str = ""  # how the PDF was laid out: units or single
    # One layout serves every profile: in units, (unit, final?, WeasyPrint layouts it
    # took) for each unit laid out; as one document, the WeasyPrint layouts it took.
    unit_layouts: list[tuple[int, bool, int]] = field(default_factory=list)
    passes: int = 0
    cover_pages: int = 0  # the print cover's spine is for this many pages


def _skipped(last: dict[str, Any]) -> Result:
    """The result of a build that found its outputs made from these very inputs."""
    return Result(None, {Path(p).name: Path(p) for p in last["outputs"]}, skipped=True, report={"unchanged": True})


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
    layout: str = "auto",
) -> Result:
    """Build ``formats`` into ``paths.output``.  Nothing is rendered when the cache says
    the outputs were built from these very inputs and are intact (``Result.skipped``).
    ``layout``: ``units`` lays the PDF out in units in parallel processes and stitches
    them (``writers/chunked.py``); ``single`` lays it out as one document (the
    reference the units are tested against); ``auto``: units when the correspondence
    has parts (see ``book_pdf.worth_units``), else single."""
    from . import fonts
    from .cache import BuildCache, inputs_key
    from .parse import source_revision

    fonts.ensure(step)
    cache = BuildCache(paths.output)
    options = {
        "formats": sorted(formats),
        "profiles": list(profiles),
        "strict": strict,
        "output": str(paths.output.resolve()),
        "layout": layout,
    }
    key = inputs_key(paths, options, source_revision(paths.manuscript.resolve()))
    last = cache.up_to_date(key)
    if last is not None:
        return _skipped(last)

    from .runners import server_wanted, start_server, unit_runner

    early = layout == "units" and ("pdf" in formats or "cover" in formats)
    if server_wanted(formats, layout, cache.has("cover")):  # (the EPUB's cover: see _cover)
        start_server()  # (the units' workers, if the book is laid out in units, or the EPUB's cover's, fork from it)
    with unit_runner() if early else contextlib.nullcontext() as run:  # workers start while we read
        return _build(_Job(paths, formats, strict, step, profiles, layout, cache, key, run))


@dataclass
class _Job:
    """What one build was asked: its folders, formats, options, cache and key."""

    paths: Paths
    formats: tuple[str, ...]
    strict: bool
    step: Callable[[str], None]
    profiles: tuple[str, ...]
    layout: str
    cache: Any
    key: str
    run: Any  # the unit runner, when the workers were started early


def _build(job: _Job) -> Result:
    job.step("Step 1: reading the manuscript")
    found = Collector()
    from .theme import check_stylesheets

    check_stylesheets(job.paths.styles, found)  # before the manuscript: load reports both
    book = load(job.paths.manuscript, found, job.strict)
    _check_output(job.paths.output)  # created only once the manuscript is known to be valid
    if job.layout == "auto" and {"pdf", "html", "cover"} & set(job.formats):  # (else nothing is laid out)
        from .writers.book_pdf import worth_units

        job.layout = "units" if worth_units(book) else "single"
    result = Result(book, layout=job.layout)
    with _output_lock(job.paths.output, job.step):
        _clean_stale(job.paths.output)
        last = job.cache.up_to_date(job.key)  # another build, waited for, may have made them
        if last is not None:
            return _skipped(last)
        try:  # every output staged beside its place; all moved into place at the end, or none
            return _build_set(job, book, found, result)
        except OSError as exc:
            if result.committed:
                raise OutputError(
                    f"{job.paths.output}: the outputs are written, but the build cache could not be ({exc.strerror})"
                ) from exc
            if exc.errno not in _WRITE_ERRORS:
                raise
            raise OutputError(
                f"{job.paths.output}: cannot write the outputs ({exc.strerror}); the previous outputs are unchanged"
            ) from exc
        finally:
            _discard(result)  # whatever was not moved into place: a failed or refused build


def _build_set(job: _Job, book: Book, found: Collector, result: Result) -> Result:
    """The outputs staged, then committed (``_commit``) unless ``strict`` and a warning
    was found while laying out."""
    from concurrent.futures import ThreadPoolExecutor

    from .runners import unit_runner

    late = job.layout == "units" and job.run is None and ("pdf" in job.formats or "cover" in job.formats)
    with unit_runner() if late else contextlib.nullcontext(job.run) as run, ThreadPoolExecutor(max_workers=1) as side:
        # With the PDF laid out in units, a worker draws the EPUB's cover first (this
        # process needs no WeasyPrint then); the single document's layout runs here,
        # and the cover waits for it.
        apart = run is None and "pdf" not in job.formats
        cover = (
            side.submit(_cover, book, job.paths, job.cache, run, apart)
            if "epub" in job.formats and job.layout != "single"
            else None
        )
        first_pdf = _build_pdf(job, book, found, result, run)
        if "epub" in job.formats:
            job.step("Step 4: packaging the EPUB")
            drawn = cover.result if cover is not None else partial(_cover, book, job.paths, job.cache)
            result.written["epub"] = _build_epub(book, job.paths, first_pdf, job.cache, result, drawn)
        if "cover" in job.formats:
            job.step("Step 5: drawing the print cover")
            result.written["cover"] = _build_cover(job, book, found, result, run)
    if "cmif" in job.formats:
        from .writers.cmif import cmif_xml

        result.written["cmif"] = _stage(
            result, job.paths.output / f"{book.meta.slug}-cmif.xml", cmif_xml(book, source_time(book))
        )
    result.warnings = found.items
    if job.strict and found.items:
        raise ManuscriptError(found.items)
    _commit(result)

    from . import report

    new_state = report.state(book, first_pdf)
    result.report = report.compare(job.cache.last().get("state", {}), new_state)
    job.cache.record(job.key, result.written, new_state)
    return result


def _build_pdf(job: _Job, book: Book, found: Collector, result: Result, run: Any) -> Any:
    """The PDF in each profile (``writers/book_pdf.py``: one layout, written in each) and
    the HTML it is laid out from, staged; returns the layout (page numbers for the EPUB,
    the change report), or None."""
    if "pdf" not in job.formats and "html" not in job.formats:
        return None
    from .render import LayoutFixes

    layout, fixes = None, LayoutFixes()
    if "pdf" in job.formats:
        from .writers import book_pdf

        made = book_pdf.make(book, job.paths, job.profiles, job.layout, source_time(book), job.cache, run, job.step)
        found.items.extend(w for w in made.warnings if w not in found.items)
        for profile, data in made.pdfs.items():
            name = "pdf" if profile == "digital" else f"pdf-{profile}"
            result.written[name] = _stage(result, job.paths.output / pdf_name(book.meta.slug, profile), data)
        layout, fixes = made.layout, made.fixes
        result.pages, result.anchors = layout.page_count, layout.anchors
        result.passes, result.unit_layouts = made.passes, made.unit_layouts
    if "html" in job.formats:
        _write_html(book, job.paths, fixes, result)
    return layout


def _cover(book: Book, paths: Paths, cache: Any, run: Any = None, draw_apart: bool = False) -> bytes:
    """The EPUB's cover image, drawn by WeasyPrint from a template, or from the cache:
    by a layout worker, which has WeasyPrint loaded, when ``run`` is the units' runner;
    else in a process of its own when ``draw_apart`` (nothing is laid out here), else here."""
    from .cache import digest, tree_digest

    cover_key = digest(tree_digest(*paths.templates), tree_digest(*paths.styles), book.meta)
    cover = cache.get("cover", cover_key)
    if cover is None:  # (only then is WeasyPrint imported, by a build that lays nothing out here)
        from .runners import ENGINE
        from .writers.chunked import publish_env
        from .writers.cover import epub_cover

        job = (book, paths.templates, paths.styles, paths.folders, publish_env())
        if run is not None:
            cover = run.result(run.submit(epub_cover, job))
        elif draw_apart:  # (a process of its own imports WeasyPrint and draws on another core)
            from .runners import one_off

            cover = one_off(epub_cover, job)
        else:
            with ENGINE:
                cover = epub_cover(job)
        cache.put("cover", cover_key, cover)
    return cover


def _build_cover(job: _Job, book: Book, found: Collector, result: Result, run: Any) -> Path:
    """The print cover, ``<slug>-cover.pdf``: its spine for the page count of the print
    PDF built with it, else of the print profile laid out now, as the print PDF would be
    (units: their layouts come from the cache when the print PDF was built before; the
    print PDF itself is not written)."""
    from . import render
    from .writers.cover import print_cover
    from .writers.fetch import BoundedFetcher

    pages = result.pages if "pdf" in job.formats else None  # (one layout serves every profile)
    if pages is None:
        from .writers import book_pdf

        pages = book_pdf.make(book, job.paths, (), job.layout, source_time(book), job.cache, run, job.step).layout.page_count
    result.cover_pages = pages
    fetcher = BoundedFetcher(list(job.paths.folders), job.paths.styles)
    env = render.environment(job.paths.templates)
    data = print_cover(book, env, job.paths.styles, fetcher, pages, source_time(book), found)
    return _stage(result, job.paths.output / f"{book.meta.slug}-cover.pdf", data)


def _build_epub(book: Book, paths: Paths, first_pdf: Any, cache: Any, result: Result, cover: Callable[[], bytes]) -> Path:
    """The EPUB, with the print page numbers of ``first_pdf`` when there is one; its
    cover asked for last (``cover()``: it may be being drawn meanwhile)."""
    from . import render
    from .cache import tree_digest
    from .fonts import faces
    from .transforms.pages import paginate
    from .writers.cover import cover_alt
    from .writers.epub import write_epub

    env = render.environment(paths.templates)
    created = source_time(book)
    pages = paginate(book, first_pdf.starts, first_pdf.labels, first_pdf.anchors) if first_pdf else None
    epub_book = pages.book if pages else book
    marks = pages.marks if pages else {}
    templates = tree_digest(*paths.templates)

    locations = {k: first_pdf.labels[v] for k, v in first_pdf.anchors.items()} if first_pdf else None
    docs = render.epub_documents(
        epub_book, env, created, marks, cover_alt(book), cache=cache, templates_key=templates, locations=locations
    )
    result.rendered_docs = [d.name for d in docs if d.rendered]
    nav = render.epub_nav(epub_book, env, docs, created, pages.page_list if pages else [], marks)
    result.page_list = pages.page_list if pages else []
    result.approximate_pages = pages.approximate if pages else []
    sheets = ("fonts.css", "base.css", "epub.css") if book.settings.epub_fonts else ("base.css", "epub.css")
    css = {n: paths.style(n).read_bytes() for n in sheets}
    fonts = {}
    if book.settings.epub_fonts:
        from .fonts import FACES, licences
        from .writers.epub_fonts import embed

        # The faces the documents set text in (the book font's; a fallback's for a script
        # it lacks), each cut down to the characters it sets; the licence of each font
        # package beside its faces; no @font-face for a face left out.
        sheets_text = [css[n].decode("utf-8") for n in sheets if n != "fonts.css"]
        fonts = embed([d.html for d in docs] + [nav], sheets_text, css["fonts.css"].decode("utf-8"), faces(), cache)
        css["fonts.css"] = _only_faces(css["fonts.css"], set(fonts))
        for package in dict.fromkeys(FACES[name].package for name in sorted(fonts)):
            fonts[f"OFL-{package.removeprefix('fontpkg-')}.txt"] = licences()[package].read_bytes()
    from .theme import epub_resources

    files = {  # (a face fonts.css brings is there already)
        name: path.read_bytes()
        for name, path in epub_resources(paths.styles).items()
        if not (name.startswith("fonts/") and name.removeprefix("fonts/") in fonts)
    }
    data = write_epub(book, docs, nav, css, fonts, created, cover(), print_edition_id(book) if pages else "", files)
    return _stage(result, paths.output / f"{book.meta.slug}.epub", data)


def _only_faces(css: bytes, names: set[str]) -> bytes:
    """``fonts.css`` without the ``@font-face`` rules of faces not in ``names``."""
    import re

    def keep(rule: re.Match[bytes]) -> bytes:
        src = re.search(rb"url\([\"']?fonts/([^\"')]+)", rule.group(0))
        return rule.group(0) if src is None or src.group(1).decode() in names else b""

    return re.sub(rb"@font-face\s*\{[^}]*\}\n?", keep, css)


#: Errors writing the outputs (a full disk, a quota, a read-only or forbidden folder).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EFBIG})


@contextlib.contextmanager
def _output_lock(folder: Path, step: Callable[[str], None]) -> Any:
    """An exclusive lock on the output folder for the time a build writes into it: a
    second build into the same folder waits for the first (then finds its outputs up to
    date, or makes its own), so no set mixes two builds' files.  The lock is the kernel's
    (flock): a build killed outright holds it no more."""
    import fcntl

    with open(folder / ".publish-lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            step(f"another build is writing into {folder}: waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_stale(folder: Path) -> None:
    """Remove what an interrupted build staged and never moved into place (under the
    output lock: another build's staged files are its own until it commits)."""
    for stale in folder.glob(".*.tmp"):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() and not stale.is_symlink() else stale.unlink(missing_ok=True)


def _check_output(folder: Path) -> None:
    """The folder can be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the output folder ({exc.strerror}); choose another with -o") from exc


def _stage(result: Result, target: Path, data: bytes) -> Path:
    """Write ``data`` beside ``target`` (a hidden temporary file), to be moved into place
    with the build's other outputs by ``_commit``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    result.staged.append((Path(tmp), target))
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    return target


def _commit(result: Result) -> None:
    """Move every staged output into place (renames in one folder: each is atomic, and
    they follow one another with nothing in between that can fail but the renames)."""
    try:
        for tmp, target in result.staged:
            if tmp.is_dir() and target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{result.staged[0][1].parent}: cannot move the outputs into place ({exc.strerror})") from exc
    result.staged.clear()
    result.committed = True


def _discard(result: Result) -> None:
    for tmp, _ in result.staged:
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
    result.staged.clear()


def _write_html(book: Book, paths: Paths, fixes: Any, result: Result) -> None:
    """The exact HTML the PDF is rendered from, with its stylesheets and fonts beside it,
    into ``<output>/<slug>-html/``."""
    from . import render
    from .fonts import faces

    folder = paths.output / f"{book.meta.slug}-html"
    html = render.print_html(book, render.environment(paths.templates), source_time(book), fixes)
    styles, fonts = paths.styles, faces()
    result.written["html"] = folder
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    result.staged.append((tmp, folder))
    (tmp / (folder.name.removesuffix("-html") + ".html")).write_text(html, encoding="utf-8")
    from .theme import layer_file

    for name in sorted({css.name for layer in styles for css in layer.glob("*.css") if layer_file(layer, css.name)}):
        shutil.copyfile(paths.style(name), tmp / name)
    (tmp / "fonts").mkdir()
    for name, path in fonts.items():
        shutil.copy2(path, tmp / "fonts" / name)
