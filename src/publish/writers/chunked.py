"""The PDF laid out in units, in parallel processes, then stitched.

In: the print HTML (``render.print_html`` without fixes), the profiles to write, a
process pool, the build cache.  Out: a ``PdfResult`` for the whole book and its PDF in
each profile, equal in content to the single-document render (same pages, folios,
links, bookmarks, labels).  A unit is laid out once and written in every profile (see
``inks.py``).

Until nothing changes, each unit (see ``units.py``) whose document differs from the one
it was laid out from is laid out again (in a worker, or taken from the cache when an
earlier build laid out the very same document).  A unit's document changes
when its first folio changes (the page counts of the units before it), when a folio it
prints for another unit changes (contents, cross-references), when the endnotes'
running heads change.  A unit learns its classes (see ``render.LayoutFixes``) in its
worker, as the single document does, starting from those an earlier layout of it
taught that still hold (``_carried``).
A unit's page count does not depend on the side it opens on (the margins mirror), and
on its first folio only through the folios it prints, which seldom moves a line: while
the units before it are laid out, a free process lays a later unit out for its page
count only, so that the units after it can start with their true first folios (a count
that moves after all moves the units after it again).  The count kept is that of the
unit's own pages: without the stub page of a verso opening, the sentinel's page, or the
blank verso before a recto opening, which follow from the sides (``_plan``).  The last
build's page counts, folios and learnt classes are the first guesses, which makes a
rebuild after a small correction one layout of one unit.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import Collector, Diagnostic
from ..model import OutputIntent
from . import units as units_mod
from .pdf import PageStart, PdfResult, folio_labels, off_page

#: Layouts of each unit at most, on average: first folios and folios settle in two.
MAX_LAYOUTS = 4
#: Layouts of one unit at most in one round (its own fixes: footnotes the engine could
#: not keep on their calls' pages, then more footnotes, a confirmation).
MAX_FIXES = 4


@dataclass
class UnitJob:
    html: str
    profiles: tuple[str, ...]  # written in each (none: laid out only)
    styles: tuple[Path, ...]
    allowed: tuple[Path, ...]
    note_calls: tuple[tuple[str, str], ...]  # (paragraph id, note id) of each note's first call
    write: bool = True  # False: laid out for its page count only
    intent: OutputIntent = field(default_factory=OutputIntent)  # the print profile's
    crop_marks: bool = False
    lead: int = 0  # stub pages before the unit's own (see units.py)
    sentinel: bool = True  # the next unit's sentinel ends the document
    classes: dict[str, str] = field(default_factory=dict)  # learnt by an earlier layout, already set
    # A folder where a fork writes the unit's PDFs while the worker goes on (see
    # ``spool.py``; only in the workers of ``runners.PoolRunner``); "": written here.
    spool: str = ""
    # The build's PUBLISH_* settings (the CMYK profiles' folder, the time bounds): a
    # worker forked from a process started earlier has that process's environment.
    env: tuple[tuple[str, str], ...] = field(default_factory=lambda: publish_env())


def publish_env() -> tuple[tuple[str, str], ...]:
    """The PUBLISH_* variables of this process's environment."""
    import os

    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("PUBLISH_")))


def _apply_env(env: tuple[tuple[str, str], ...]) -> None:
    import os

    for key in [k for k in os.environ if k.startswith("PUBLISH_")]:
        del os.environ[key]
    os.environ.update(dict(env))


@dataclass
class UnitLayout:
    pdfs: dict[str, bytes]  # profile -> the unit's PDF
    written: bool  # laid out as final (a unit laid out for its page count is not)
    page_count: int
    anchors: dict[str, int]
    starts: list[PageStart | None]
    page_digests: list[str]
    levels: list[int]
    classes: dict[str, str] = field(default_factory=dict)  # learnt: id -> classes
    warnings: list[Diagnostic] = field(default_factory=list)
    lead: int = 0  # stub pages first
    content: int = 0  # the unit's own pages (no stub, no blank before the sentinel, no sentinel)
    passes: int = 1  # WeasyPrint layouts it took (each layout fix costs one)
    spooled: dict[str, str] = field(default_factory=dict)  # profile -> the file its PDF is being written to (``spool.py``)


def lay_out_unit(job: UnitJob) -> UnitLayout:
    """Lay one unit out until its own fixes settle, then write it (in a worker)."""
    from .fetch import BoundedFetcher
    from .pdf import lay_out, write_document

    _apply_env(job.env)
    found = Collector()
    fetcher = BoundedFetcher(list(job.allowed), job.styles)
    html, learnt, passes = job.html, dict(job.classes), 0
    for _ in range(MAX_FIXES):
        layout = lay_out(html, job.styles, fetcher, found, main_id="")
        passes += 1
        new = _new(learnt, {paragraph: "note-break" for paragraph, _ in off_page(job.note_calls, layout.anchors)})
        if not new:
            break
        for k, v in new.items():
            learnt[k] = " ".join(sorted({*learnt.get(k, "").split(), *v.split()}))
        html = _with_classes(html, new)
    pages = layout.document.pages
    levels = [b[0] for page in pages for b in page.bookmarks]
    content = len(pages) - job.lead
    if job.sentinel:
        content -= 1 + (len(pages) - job.lead >= 2 and pages[-2]._page_box.page_type.blank)
    document = layout.document

    def written(profile: str) -> tuple[bytes, list[Diagnostic]]:
        late = Collector()
        return write_document(document, profile, job.styles, fetcher, late, job.intent, job.crop_marks), late.items

    pdfs: dict[str, bytes] = {}
    spooled: dict[str, str] = {}
    profiles = job.profiles if job.write else ()
    if job.spool:  # every profile but the first by a fork of its own, on a core left free
        from . import spool

        for profile in profiles[1:]:
            spooled[profile] = str(Path(job.spool) / f"{uuid.uuid4().hex}.pdf")
            spool.write_behind(Path(spooled[profile]), partial(written, profile))
    for profile in profiles if not job.spool else profiles[:1]:
        pdfs[profile], late = written(profile)
        found.items.extend(late)
    return UnitLayout(
        pdfs,
        job.write,
        layout.page_count,
        layout.anchors,
        layout.starts,
        layout.page_digests,
        levels,
        learnt,
        found.items,
        job.lead,
        content,
        passes,
        spooled,
    )


def _collect(laid: UnitLayout) -> None:
    """The PDFs of a unit written behind (``UnitJob.spool``), once written, into ``laid``."""
    from . import spool

    while laid.spooled:
        profile, path = laid.spooled.popitem()
        laid.pdfs[profile], late = spool.collect(Path(path))
        laid.warnings = [*laid.warnings, *(w for w in late if w not in laid.warnings)]


def _new(learnt: dict[str, str], found: dict[str, str]) -> dict[str, str]:
    """What of ``found`` (id -> class) ``learnt`` does not have yet."""
    return {k: v for k, v in found.items() if v not in learnt.get(k, "").split()}


def _with_classes(html: str, classes: dict[str, str]) -> str:
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(html, parser=units_mod.parser())
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("id") in classes:
            units_mod._add_class(element, classes[element.get("id")])
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


@dataclass
class Guess:
    """What the last build found: each unit's page count, the folio of every id, the
    classes learnt, the attributes learnt (the endnotes' heads, the index locators' roles)."""

    FORMAT: ClassVar[int] = 5  # part of the cache key: a Guess of another shape is not read

    counts: list[int] = field(default_factory=list)
    folios: dict[str, str] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    marks: dict[str, dict[str, str]] = field(default_factory=dict)


def render(
    html: str,
    profiles: tuple[str, ...],
    job: Callable[[str, bool], UnitJob],
    runner: Any,
    cache: Any,
    guess: Guess,
    marks_of: Callable[[dict[str, int], list[str], dict[str, str]], dict[str, dict[str, str]]],
    seed: str,
    salt: str = "",
    main_id: str = "letters",
    step: Callable[[str], None] = lambda s: None,
    press: Callable[[str], Callable[[Any], None] | None] = lambda profile: None,
) -> tuple[PdfResult, dict[str, bytes], Guess, list[Diagnostic], list[tuple[int, bool, int]]]:
    """The whole book's PDF in each of ``profiles`` from its units.  ``job`` makes a job
    from a unit's HTML (and whether to write it), ``runner`` runs jobs (see
    ``runners.py``), ``marks_of`` computes from anchors, labels and folios the
    attributes a layout teaches (element id -> attributes: the endnotes' running heads,
    the index locators' roles); ``seed`` and the profile make the XMP document id;
    ``press``: a profile's last changes (``pdf.press``).  Returns the layout, the PDFs
    by profile, what to guess next time, the warnings, and the layouts made: (unit,
    final?, WeasyPrint layouts it took) in the order they were started."""
    from ..cache import digest
    from .stitch import Piece, stitch

    split = units_mod.split(html)
    n = len(split)
    counts = list(guess.counts) if len(guess.counts) == n else [0] * n  # each unit's own pages
    known = [c > 0 for c in counts]
    main_unit = next((k for k in range(n) if main_id in split.ids[k]), 0)
    folios, marks = dict(guess.folios), dict(guess.marks)
    made: list[str | None] = [None] * n
    results: list[UnitLayout | None] = [None] * n
    running: dict[Any, tuple[int, str, bool, tuple]] = {}
    layouts: list[tuple[int, bool, int]] = []
    behind: list[tuple[UnitLayout, str]] = []  # final layouts made here (their PDFs perhaps still being written)
    memo: dict[int, tuple[tuple, str]] = {}
    # What each unit's last layout showed, and the classes it learnt: they serve its
    # next layout while they hold (see _carried).
    taught: list[tuple[tuple, dict[str, str]] | None] = [None] * n

    def job_for(k: int, write: bool, plan: _Plan, attributes: dict[str, dict[str, str]]) -> UnitJob:
        shows, doc = memo[k]
        carried = _carried(taught[k], shows, split.holders[k])
        if carried:
            doc = units_mod.document(split, k, plan.first[k], folios, carried, attributes, plan.verso[k])
        return replace(job(doc, write), lead=int(plan.verso[k]), sentinel=k + 1 < n, classes=carried)

    for _ in range(4 * MAX_LAYOUTS * n):  # looks at the units (a look may find cached layouts only)
        if any(results):
            layout = _combine(split, results, counts, main_unit)
            # The last build's folios stand for the units not laid out yet.
            folios = {**guess.folios, **{ident: layout.labels[page] for ident, page in layout.anchors.items()}}
            marks = marks_of(layout.anchors, layout.labels, folios)
        plan = _plan(split, counts, main_unit)
        attributes = marks
        # Documents without classes (the cache's keys): a unit's layout learns them,
        # starting from those that hold (_carried).
        docs = []
        for k in range(n):  # a unit's document is made again only when what it shows changed
            shows = (
                plan.first[k],
                plan.verso[k],
                tuple(folios.get(r) for r in sorted(split.refs[k])),
                tuple(tuple(sorted(marks[i].items())) for i in sorted(split.ids[k] & marks.keys())),
            )
            if memo.get(k, (None,))[0] != shows:
                memo[k] = (shows, units_mod.document(split, k, plan.first[k], folios, None, attributes, plan.verso[k]))
            docs.append(memo[k][1])
        done = [made[k] == docs[k] and results[k].written for k in range(n)]  # type: ignore[union-attr]
        busy = {layouts[i][0] for i, _, write, _ in running.values() if write}  # a final layout in flight
        counting = {layouts[i][0] for i, _, write, _ in running.values() if not write}
        # Final: the unit's first folio and the folios it prints are known; it is laid
        # out and written.  Others are laid out for their page count only, the earliest
        # first, while a process is free; a unit before the main group (the front
        # matter) moves no one's folios and waits.  A unit whose count is being found
        # when its first folio becomes known waits for that count (whose classes make
        # its final layout one layout), unless it holds a share of the work left that
        # the other processes cannot cover meanwhile: then its final layout starts at
        # once, beside it.  Stuck (folios never found): final.
        left = sum(split.chars[k] for k in range(n) if not done[k])
        final = [all(known[main_unit:k]) and split.refs[k] <= folios.keys() for k in range(n)]
        queue = [
            (k, True)
            for k in range(n)
            if final[k] and not done[k] and k not in busy and (k not in counting or split.chars[k] * runner.slots >= left)
        ]
        queue += [(k, False) for k in range(main_unit, n) if not known[k] and not final[k] and k not in busy | counting]
        if all(done) and not running:
            break
        if not queue and not running:
            queue = [(k, True) for k in range(n) if not done[k]]
        hits = 0
        for k, write in queue if cache is not None else ():
            stored = cache.get("units", digest("unit", salt, docs[k])) if write else None
            hit = pickle.loads(stored) if stored is not None else None
            if hit is not None and set(profiles) <= hit.pdfs.keys():  # (written in the profiles asked)
                results[k] = hit
                made[k], counts[k], known[k] = docs[k], results[k].content, True  # type: ignore[union-attr]
                taught[k] = (memo[k][0], results[k].classes)  # type: ignore[union-attr]
                hits += 1
        if hits:
            continue  # an earlier build laid these out: look again with what they tell
        for k, write in queue[: max(0, runner.slots - len(running))]:
            step(f"laying out unit {k + 1} of {n}{'' if write else ' (page count)'}")
            running[runner.submit(lay_out_unit, job_for(k, write, plan, attributes))] = (len(layouts), docs[k], write, memo[k][0])
            layouts.append((k, write, 0))
        for handle in runner.wait(list(running)):
            index, doc, write, shows = running.pop(handle)
            laid = runner.result(handle)
            k = layouts[index][0]
            layouts[index] = (k, write, laid.passes)
            taught[k] = (shows, laid.classes)
            if write or results[k] is None or not results[k].written:  # type: ignore[union-attr]
                results[k], made[k], counts[k], known[k] = laid, doc, laid.content, True
            if laid.written:
                behind.append((laid, doc))  # (cached once its PDFs are in: _collect)
        if len(layouts) > MAX_LAYOUTS * n:
            raise RuntimeError("the layout units did not settle")  # a bug, not bad input
    else:
        raise RuntimeError("the layout units did not settle")
    for laid, doc in behind:
        _collect(laid)
        if cache is not None:
            cache.put("units", digest("unit", salt, doc), pickle.dumps(laid))
    layout = _combine(split, results, counts, main_unit)
    plan = _plan(split, counts, main_unit)
    warnings: list[Diagnostic] = []
    classes: dict[str, str] = {}
    for k, laid in enumerate(results):
        assert laid is not None and laid.written
        if laid.lead != plan.verso[k] or laid.page_count != laid.lead + plan.keep[k] + (k + 1 < n):
            raise RuntimeError(f"layout unit {k + 1} has {laid.page_count} pages, not the planned ones")  # a bug
        warnings.extend(laid.warnings)
        classes.update(laid.classes)
    from .pdf import fixed_xmp

    pdfs = {}
    for profile in profiles:
        pieces = [Piece(laid.pdfs[profile], plan.keep[k], laid.levels, skip=laid.lead) for k, laid in enumerate(results)]  # type: ignore[union-attr]
        pdfs[profile] = stitch(pieces, layout.main_start, lambda xml, p=profile: fixed_xmp(xml, f"{seed}#{p}"), press(profile))
    if cache is not None:  # the layouts of earlier versions of the units go
        cache.prune("units", {digest("unit", salt, doc) for doc in made if doc is not None})
    return layout, pdfs, Guess(counts, folios, classes, marks), warnings, layouts


def _carried(taught: tuple[tuple, dict[str, str]] | None, shows: tuple, holders: set[str]) -> dict[str, str]:
    """The classes an earlier layout of a unit taught that its next one would learn again,
    given what each showed (first folio, side, folios of other units, heads; see
    ``render``) and ``holders``, the elements around links that print a folio: all of
    them when the text is the same (what it showed is, or only the first folio and the
    side changed and no link prints a folio of this unit), else none (a footnote break
    depends on everything before it: the layout learns them as a first layout would, so
    its classes, and the layout cached under its document, are the ones a layout from
    scratch reaches)."""
    if taught is not None and (taught[0] == shows or (taught[0][2:] == shows[2:] and not holders)):
        return dict(taught[1])
    return {}


@dataclass
class _Plan:
    """Where the units fall in the book, from their own page counts: the index of each
    unit's first page, whether that is a verso (the document then starts with a stub
    page), the pages kept from it (its own and a blank verso before a recto opening
    after it), the folio of its first page, and the index of the page with folio 1."""

    offset: list[int]
    verso: list[bool]
    keep: list[int]
    first: list[int]
    main_start: int


def _plan(split: units_mod.Units, counts: list[int], main_unit: int) -> _Plan:
    """The plan for units with ``counts`` pages of their own (0 where unknown).  The
    book's first page is a recto, so a page is a recto when its index is even."""
    n = len(split)
    plan = _Plan([], [], [], [], 0)
    offset = 0
    for k in range(n):
        if k == main_unit:
            plan.main_start = offset
        end = offset + counts[k]
        blank = int(k + 1 < n and split.recto[k + 1] and end % 2 == 1)
        plan.offset.append(offset)
        plan.verso.append(offset % 2 == 1)  # only a fresh-page opening can fall there
        plan.keep.append(counts[k] + blank)
        plan.first.append(offset - plan.main_start + 1 if k > main_unit else 1)
        offset = end + blank
    return plan


def _combine(split: units_mod.Units, results: list[UnitLayout | None], counts: list[int], main_unit: int) -> PdfResult:
    """The units' layouts as one book's: page indexes offset, stubs, sentinels and
    blanks the plan does not keep dropped.  A unit not laid out yet takes the pages
    ``counts`` gives it (the last build's count, or 0); one laid out on the other side
    than the plan's (for its page count only) may lack its blank page or have one the
    plan has not: its pages stand in as they fall (only the final layouts are kept)."""
    plan = _plan(split, [r.content if r else c for r, c in zip(results, counts, strict=True)], main_unit)
    anchors: dict[str, int] = {}
    starts: list[PageStart | None] = []
    digests: list[str] = []
    for k, r in enumerate(results):
        keep, offset = plan.keep[k], plan.offset[k]
        if r is None:
            starts += [None] * keep
            digests += [""] * keep
            continue
        for ident, page in r.anchors.items():
            if r.lead <= page < r.lead + keep:
                anchors.setdefault(ident, offset + page - r.lead)
        own = slice(r.lead, r.lead + keep)
        starts += (r.starts[own] + [None] * keep)[:keep]
        digests += (r.page_digests[own] + [""] * keep)[:keep]
    count, main_start = sum(plan.keep), plan.main_start
    return PdfResult(b"", count, anchors, main_start, folio_labels(count, main_start), starts, digests)
