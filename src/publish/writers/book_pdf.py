"""The book's PDF: the layout layer, between the print HTML and the PDF files.

In: the book, its folders, the profiles to write, how to lay out (``single``: one
document in this process; ``units``: the units strategy, ``chunked.py``, on a pool of
processes), the build cache.  Out: ``Made``: the layout (pages, anchors, page starts),
the PDF in each profile, what the layout taught (the HTML written for ``--format
html`` is that of the final layout) and the warnings.  Data flows one way: model ->
print HTML (``render.print_html``) -> layout (``pdf.lay_out``, or units) -> PDF in
each profile (``pdf.write``, see ``inks.py``); a layout teaches the next HTML (the
endnotes' heads, the index locators' roles, paragraphs whose footnote the engine
moved: ``render.LayoutFixes``) until it teaches nothing new.  build.py stages and
commits the files; nothing here writes into the output folder but the cache.
The units strategy is this module's ``_units`` and ``chunked.py``/``units.py``/
``stitch.py``/``runners.py``: removing it leaves ``_single``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Collector, Diagnostic
from ..model import Book


@dataclass
class Made:
    layout: Any  # pdf.PdfResult, without WeasyPrint's document
    pdfs: dict[str, bytes]  # profile -> PDF
    fixes: Any  # render.LayoutFixes: what the final layout was made with
    warnings: list[Diagnostic]
    passes: int = 0  # WeasyPrint layouts of the single document
    unit_layouts: list[tuple[int, bool, int]] = field(default_factory=list)  # units: (unit, final?, layouts it took)


def make(
    book: Book,
    paths: Any,
    profiles: tuple[str, ...],
    layout: str,
    created: dt.datetime,
    cache: Any = None,
    run: Any = None,
    step: Callable[[str], None] = lambda s: None,
) -> Made:
    """The book laid out once (``layout``: ``single`` or ``units``) and written in each
    of ``profiles`` (none: laid out for its page count)."""
    if layout == "single":
        step("Step 2: laying out the PDF (WeasyPrint)")
        expected = len(cache.last().get("state", {}).get("pages", ())) if cache is not None else 0
        made = _single(book, paths, profiles, created, step, expected, taught(book, cache), cache)
        if cache is not None:
            cache.put("taught", taught_key(book), json.dumps([made.fixes.endnote_heads, made.fixes.index_roles]).encode())
        return made
    from ..cache import layout_salt

    step("Step 2: laying out the PDF in units (WeasyPrint)")
    salt = layout_salt(paths.manuscript, paths.styles, paths.output)
    return _units(book, paths, profiles, created, run, cache, step, salt)


def taught_key(book: Book) -> str:
    return book.meta.slug


def taught(book: Book, cache: Any) -> Any:
    """What the last build's layout taught (the endnotes' heads, the index locators'
    roles), the first guess of this one's: they follow from the pages before the notes
    and the indexes, which a correction seldom moves, so a rebuild is one layout.  (A
    guess is checked like any other: the layout is repeated until it teaches nothing
    new, so the PDF does not depend on the cache.)  The classes are not carried: they
    only accumulate."""
    from ..render import LayoutFixes

    stored = cache.get("taught", taught_key(book)) if cache is not None else None
    try:
        heads, roles = json.loads(stored) if stored else ((), ())
        return LayoutFixes(tuple(tuple(x) for x in heads), (), tuple(tuple(x) for x in roles))
    except (ValueError, TypeError):  # a cache entry of another shape: no guess
        return LayoutFixes()


def worth_units(book: Book) -> bool:
    """Whether laying the PDF out in units pays: when the correspondence has parts, each
    opening on a recto, or letters that open fresh pages and hold the text of two units
    (``units.MIN_UNIT_CHARS``), there are units to lay out side by side.  Without them
    the letters are one unit, most of the book, which waits for nothing and which the
    front matter and the appendix wait for: units would add their costs (processes, a
    second layout of the front matter, stitching) and gain no parallel work.  Except
    when the book has an index: its pages are learnt from a first layout, and in units
    only the index is laid out again, not the book (the edition: 4.4 s in units, 6.9 s
    as one document, measured on this machine)."""
    from ..index import indexes
    from ..walk import plain_text
    from .units import MIN_UNIT_CHARS

    if sum(1 for g in book.groups if g.id) >= 2 or indexes(book):
        return True
    if not book.settings.letters_new_page:
        return False
    chars = sum(len(plain_text(b)) for letter in book.all_letters for b in letter.blocks)
    return chars >= 2 * MIN_UNIT_CHARS


def _single(
    book: Book,
    paths: Any,
    profiles: tuple[str, ...],
    created: dt.datetime,
    step: Callable[[str], None] = lambda s: None,
    expected: int = 0,
    start: Any = None,
    cache: Any = None,
) -> Made:
    """Lay out until the layout teaches nothing new (see ``render.LayoutFixes``): once,
    unless the book has endnotes (their running heads) or a footnote the engine could not
    keep on its call's page; then write that one layout in each of ``profiles`` (none:
    the layout only, for its page count).  ``step`` hears of each page laid out
    (``expected``: the last build's page count, for an estimate; ``start``: the first
    guess of what the layout teaches, see ``taught``)."""
    from .. import render
    from .fetch import BoundedFetcher
    from .pdf import lay_out, write

    found = Collector()
    env = render.environment(paths.templates)
    fetcher = BoundedFetcher(list(paths.folders), paths.styles)
    fixes = start if start is not None else render.LayoutFixes()
    started = [0.0]

    def on_page(n: int) -> None:
        import time

        now = time.perf_counter()
        if n == 1:
            started[0] = now
        left = ""
        if expected > n > 1:
            left = f" of about {expected}, about {(now - started[0]) / (n - 1) * (expected - n):.0f} s left"
        step(f"laying out the PDF: page {n}{left}")

    for passes in range(1, MAX_LAYOUTS + 1):
        html = render.print_html(book, env, created, fixes)
        layout = lay_out(html, paths.styles, fetcher, found, on_page=on_page)
        layout.passes = passes
        learnt = _learn(book, layout, fixes)
        if learnt == fixes:
            break
        step("Step 3: laying out the PDF again (running heads, footnotes)")
        fixes = learnt
    settings = book.settings
    with _spool(cache) as spool:
        pdfs = write(
            layout,
            profiles,
            book.meta.identifier,
            paths.styles,
            fetcher,
            found,
            settings.output_intent,
            settings.page.crop_marks,
            spool,
        )
    layout.document = None  # not needed any more
    _report_notes(book, layout, found)
    return Made(layout, pdfs, fixes, found.items, passes=layout.passes)


def _units(
    book: Book,
    paths: Any,
    profiles: tuple[str, ...],
    created: dt.datetime,
    run: Any,
    cache: Any,
    step: Callable[[str], None],
    salt: str,
) -> Made:
    """The book laid out in units, written in each of ``profiles`` (none: laid out for
    its page count); the last build's page counts and folios (kept in the cache) are
    the first guesses."""
    from functools import partial

    from .. import render
    from ..cache import digest
    from . import chunked

    env = render.environment(paths.templates)
    html = render.print_html(book, env, created)
    calls = tuple(_note_calls(book)) if book.settings.notes_print == "footnotes" else ()
    allowed = paths.folders
    settings = book.settings

    def job(doc: str, write: bool) -> chunked.UnitJob:
        return chunked.UnitJob(
            doc,
            profiles,
            paths.styles,
            allowed,
            calls,
            write,
            settings.output_intent,
            settings.page.crop_marks,
            spool=str(spool or ""),  # (the folder of the with block below, when the job is made)
        )

    from ..index import indexes, roles
    from .pdf import PdfResult, endnote_heads, press

    groups = indexes(book)

    def marks_of(anchors: dict[str, int], labels: list[str], folios: dict[str, str]) -> dict[str, dict[str, str]]:
        """What a layout teaches the units' documents: the endnotes' running heads and
        the index locators' roles (from ``folios``: the last build's stand for the units
        not laid out yet), as attributes (see ``render.LayoutFixes``)."""
        out: dict[str, dict[str, str]] = {}
        if book.settings.notes_print == "endnotes":
            heads = endnote_heads(book, PdfResult(b"", len(labels), anchors, 0, labels, [], []))
            out.update({k: {"data-head": v} for k, v in heads.items()})
        out.update({k: {"data-role": v} for k, v in roles(groups, folios).items()})
        return out

    guess_key = f"{book.meta.slug}-{chunked.Guess.FORMAT}"
    stored = cache.get("guess", guess_key) if cache is not None else None
    guess = chunked.Guess.from_cache(stored)
    # (What the units are written with that their HTML does not say: the print profile's.)
    salt = digest(salt, settings.output_intent, settings.page.crop_marks)
    # Workers that may fork (runners.PoolRunner) write the second profile of a unit
    # behind them (spool.py), in the cache's spool folder.
    with _spool(cache if getattr(run, "behind", False) else None) as spool:
        layout, pdfs, guess, warnings, layouts = chunked.render(
            html,
            profiles,
            job,
            run,
            cache,
            guess,
            marks_of,
            book.meta.identifier,
            salt,
            step=step,
            press=partial(press, intent=settings.output_intent),
        )
    late = Collector()
    _report_notes(book, layout, late)
    warnings = [*warnings, *late.items]
    if cache is not None:
        cache.put("guess", guess_key, guess.to_cache())
    fixes = render.LayoutFixes(  # (what the units' documents were made with, as one document's fixes)
        tuple(sorted((k, v["data-head"]) for k, v in guess.marks.items() if "data-head" in v)),
        tuple(sorted(guess.classes.items())),
        tuple(sorted((k, v["data-role"]) for k, v in guess.marks.items() if "data-role" in v)),
    )
    return Made(layout, pdfs, fixes, warnings, unit_layouts=layouts)


@contextlib.contextmanager
def _spool(cache: Any) -> Iterator[Any]:
    """The cache's folder for PDFs written behind (``spool.py``), empty before (an
    interrupted build may have left files) and removed after; None without a cache."""
    if cache is None:
        yield None
        return
    spool = cache.dir / "spool"
    shutil.rmtree(spool, ignore_errors=True)
    spool.mkdir(parents=True)
    try:
        yield spool
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def _note_calls(book: Book) -> list[tuple[str, str]]:
    """(paragraph id, note id) for the first call of each note."""
    from ..model import NoteRef
    from ..walk import inline_nodes, paragraphs

    out = []
    for item in (*book.front, *book.all_letters):
        for p in paragraphs(item.blocks):
            for node in inline_nodes([p]):
                if isinstance(node, NoteRef) and node.call == 1:
                    out.append((p.id, node.note_id))
    return out


#: Layouts of one PDF at most: the first; one to start a page at a paragraph whose
#: footnote WeasyPrint moved to a later page alone (``pdf.page_break_may_bring_back``;
#: and one more if that moved another); one more for the endnotes' heads if that moved
#: pages.
MAX_LAYOUTS = 4


def _learn(book: Book, pdf: Any, fixes: Any) -> Any:
    """What this layout teaches the next one (see ``render.LayoutFixes``)."""
    from ..index import indexes, roles
    from ..render import LayoutFixes
    from .pdf import endnote_heads, page_break_may_bring_back

    heads = endnote_heads(book, pdf) if book.settings.notes_print == "endnotes" else {}
    classes: dict[str, set[str]] = {k: set(v.split()) for k, v in fixes.classes}
    if book.settings.notes_print == "footnotes":
        for paragraph, _ in page_break_may_bring_back(_note_calls(book), pdf):
            classes.setdefault(paragraph, set()).add("note-break")
    placed = roles(indexes(book), {k: pdf.labels[v] for k, v in pdf.anchors.items()})
    return LayoutFixes(
        tuple(sorted(heads.items())),
        tuple(sorted((k, " ".join(sorted(v))) for k, v in classes.items())),
        tuple(sorted(placed.items())),
    )


def _report_notes(book: Book, pdf: Any, found: Collector) -> None:
    """A warning (L003) at each paragraph whose note the final layout printed on
    another page than its call (or not at all)."""
    from ..diagnostics import Code
    from ..walk import paragraphs

    if book.settings.notes_print != "footnotes":
        return
    where = {p.id: p.loc for item in (*book.front, *book.all_letters) for p in paragraphs(item.blocks)}
    for paragraph, note in _off_page(book, pdf):
        page, call = pdf.anchors.get(note), pdf.anchors.get(f"{note}-call-1")
        if paragraph in where:
            printed = f"on page {pdf.labels[page]}" if page is not None else "nowhere"
            found.warning(
                Code.NOTE_PLACEMENT,
                where[paragraph],
                f"the footnote called here is printed {printed}, its call on page "
                f"{pdf.labels[call] if call is not None else '?'}",
            )


def _off_page(book: Book, pdf: Any) -> list[tuple[str, str]]:
    """(paragraph, note) for each note of the book not on the page of its first call."""
    from .pdf import off_page

    return off_page(_note_calls(book), pdf.anchors)
