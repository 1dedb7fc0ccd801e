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

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import Code, Collector, Diagnostic, Severity
from ..model import Loc, OutputIntent
from . import units as units_mod
from .pdf import PageStart, PdfResult, folio_labels, page_break_may_bring_back

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


def apply_env(env: tuple[tuple[str, str], ...]) -> None:
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
    from .pdf import lay_out, write_each

    apply_env(job.env)
    found = Collector()
    fetcher = BoundedFetcher(list(job.allowed), job.styles)
    html, learnt, passes = job.html, dict(job.classes), 0
    for _ in range(MAX_FIXES):
        layout = lay_out(html, job.styles, fetcher, found, main_id="")
        passes += 1
        new = _new(learnt, {paragraph: "note-break" for paragraph, _ in page_break_may_bring_back(job.note_calls, layout)})
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
    profiles = job.profiles if job.write else ()
    spool = Path(job.spool) if job.spool else None  # (the second profile on a core left free)
    pdfs, behind = write_each(layout.document, profiles, job.styles, fetcher, found, job.intent, job.crop_marks, spool)
    spooled = {profile: str(path) for profile, path in behind.items()}
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


# What the cache keeps is read as data, never unpickled: an output folder may come from
# elsewhere (committed beside a book's manuscript), and unpickling a file runs whatever
# the file says.  An entry that does not read back is no entry (the unit is laid out).
_BAD_ENTRY = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def to_cache(laid: UnitLayout) -> bytes:
    """A unit's final layout as the cache keeps it: the length of a JSON head, the head,
    then the PDFs' bytes."""
    head = {
        "pdfs": [[profile, len(data)] for profile, data in laid.pdfs.items()],
        "written": laid.written,
        "page_count": laid.page_count,
        "anchors": laid.anchors,
        "starts": [None if s is None else [s.element_id, s.text] for s in laid.starts],
        "page_digests": laid.page_digests,
        "levels": laid.levels,
        "classes": laid.classes,
        "warnings": [[w.code.value, w.severity.value, w.loc.path, w.loc.line, w.loc.col, w.message] for w in laid.warnings],
        "lead": laid.lead,
        "content": laid.content,
        "passes": laid.passes,
    }
    text = json.dumps(head, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return len(text).to_bytes(8, "big") + text + b"".join(laid.pdfs.values())


def from_cache(data: bytes) -> UnitLayout | None:
    """The layout ``to_cache`` kept, or None if ``data`` is not one."""
    try:
        size = int.from_bytes(data[:8], "big")
        head = json.loads(data[8 : 8 + size].decode("utf-8"))
        at, pdfs = 8 + size, {}
        for profile, length in head["pdfs"]:
            pdfs[str(profile)] = data[at : at + int(length)]
            at += int(length)
        if at != len(data):
            return None
        return UnitLayout(
            pdfs,
            bool(head["written"]),
            int(head["page_count"]),
            {str(k): int(v) for k, v in head["anchors"].items()},
            [None if s is None else PageStart(str(s[0]), str(s[1])) for s in head["starts"]],
            [str(d) for d in head["page_digests"]],
            [int(n) for n in head["levels"]],
            {str(k): str(v) for k, v in head["classes"].items()},
            [
                Diagnostic(Code(c), Severity(v), Loc(str(p), int(line), int(col)), str(m))
                for c, v, p, line, col, m in head["warnings"]
            ],
            int(head["lead"]),
            int(head["content"]),
            int(head["passes"]),
        )
    except _BAD_ENTRY:
        return None


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

    FORMAT: ClassVar[int] = 6  # part of the cache key: a Guess of another shape is not read

    counts: list[int] = field(default_factory=list)
    folios: dict[str, str] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    marks: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_cache(self) -> bytes:
        return json.dumps([self.counts, self.folios, self.classes, self.marks], sort_keys=True).encode("utf-8")

    @classmethod
    def from_cache(cls, data: bytes | None) -> Guess:
        """The guess ``to_cache`` kept; an empty one if ``data`` is none or not one."""
        try:
            counts, folios, classes, marks = json.loads(data.decode("utf-8")) if data else ([], {}, {}, {})
            return cls(
                [int(n) for n in counts],
                {str(k): str(v) for k, v in folios.items()},
                {str(k): str(v) for k, v in classes.items()},
                {str(k): {str(a): str(b) for a, b in v.items()} for k, v in marks.items()},
            )
        except _BAD_ENTRY:
            return cls()


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

    rounds = _Rounds(units_mod.split(html), guess, main_id)
    n = len(rounds.split)
    for _ in range(4 * MAX_LAYOUTS * n):  # looks at the units (a look may find cached layouts only)
        plan, docs = rounds.look(marks_of)
        queue = rounds.wanted(plan, docs, runner.slots)
        if queue is None:
            break
        if cache is not None and rounds.from_cache(
            queue, docs, lambda doc: cache.get("units", digest("unit", salt, doc)), profiles
        ):
            continue  # an earlier build laid these out: look again with what they tell
        rounds.start(queue[: max(0, runner.slots - len(rounds.running))], plan, docs, runner, job, step)
        rounds.receive(runner)
        if len(rounds.layouts) > MAX_LAYOUTS * n:
            raise RuntimeError("the layout units did not settle")  # a bug, not bad input
    else:
        raise RuntimeError("the layout units did not settle")
    for laid, doc in rounds.behind:
        _collect(laid)
        if cache is not None:
            cache.put("units", digest("unit", salt, doc), to_cache(laid))
    layout, pdfs, classes, warnings = rounds.stitched(profiles, seed, press)
    if cache is not None:  # the layouts of earlier versions of the units go
        cache.prune("units", {digest("unit", salt, u.made) for u in rounds.units if u.made is not None})
    return layout, pdfs, Guess(rounds.counts, rounds.folios, classes, rounds.marks), warnings, rounds.layouts


@dataclass
class _Unit:
    """What is known of one unit: its own pages (0: not known yet), its layout and the
    document it was laid out from, what its document shows (first folio, side, the
    folios of other units it prints, its marks; see ``_Rounds.look``) with that
    document, and what its last layout showed with the classes it learnt (they serve
    its next layout while they hold: ``_carried``)."""

    count: int = 0
    known: bool = False
    result: UnitLayout | None = None
    made: str | None = None
    memo: tuple[tuple, str] | None = None
    taught: tuple[tuple, dict[str, str]] | None = None


@dataclass
class _Flight:
    """A layout in a worker: its index in ``_Rounds.layouts``, its document, whether it
    is final (written), what the document shows."""

    index: int
    doc: str
    write: bool
    shows: tuple


class _Rounds:
    """The units' layouts, look after look (``render``): a look makes each unit's
    document from what the last layouts told (page counts, so first folios; folios;
    marks), then the layouts still wanted are taken from the cache or started, and
    those done are taken in."""

    def __init__(self, split: units_mod.Units, guess: Guess, main_id: str) -> None:
        self.split = split
        n = len(split)
        counts = list(guess.counts) if len(guess.counts) == n else [0] * n
        self.units = [_Unit(count=c, known=c > 0) for c in counts]
        self.main = next((k for k in range(n) if main_id in split.ids[k]), 0)
        self.guess = guess
        self.folios, self.marks = dict(guess.folios), dict(guess.marks)
        self.running: dict[Any, _Flight] = {}
        self.layouts: list[tuple[int, bool, int]] = []  # (unit, final?, WeasyPrint layouts it took)
        self.behind: list[tuple[UnitLayout, str]] = []  # final layouts made (their PDFs perhaps still being written)

    @property
    def counts(self) -> list[int]:
        return [u.count for u in self.units]

    def combined(self) -> PdfResult:
        return _combine(self.split, [u.result for u in self.units], self.counts, self.main)

    def look(self, marks_of: Callable[..., dict[str, dict[str, str]]]) -> tuple[_Plan, list[str]]:
        """The plan, and each unit's document without classes (the cache's keys: a
        unit's layout learns them, starting from those that hold, see ``_carried``),
        made again only when what it shows changed."""
        if any(u.result for u in self.units):
            layout = self.combined()
            # The last build's folios stand for the units not laid out yet.
            self.folios = {**self.guess.folios, **{ident: layout.labels[page] for ident, page in layout.anchors.items()}}
            self.marks = marks_of(layout.anchors, layout.labels, self.folios)
        plan = _plan(self.split, self.counts, self.main)
        split, marks = self.split, self.marks
        for k, unit in enumerate(self.units):
            shows = (
                plan.first[k],
                plan.verso[k],
                tuple(self.folios.get(r) for r in sorted(split.refs[k])),
                tuple(tuple(sorted(marks[i].items())) for i in sorted(split.ids[k] & marks.keys())),
            )
            if unit.memo is None or unit.memo[0] != shows:
                unit.memo = (shows, units_mod.document(split, k, plan.first[k], self.folios, None, marks, plan.verso[k]))
        return plan, [u.memo[1] for u in self.units]  # type: ignore[index]

    def wanted(self, plan: _Plan, docs: list[str], slots: int) -> list[tuple[int, bool]] | None:
        """The layouts to start, (unit, final?), the most wanted first; None when every
        unit is laid out, final, from its document.

        Final: the unit's first folio and the folios it prints are known; it is laid
        out and written, the longest document first (on a first build of the edition,
        the front matter and the back matter's five units wait for the letters'
        folios, then share two processes: the index, queued last, left the other
        idle).  Others are laid out for their page count only, the earliest first,
        while a process is free; a unit before the main group (the front
        matter) moves no one's folios and waits.  A unit whose count is being found
        when its first folio becomes known waits for that count (whose classes make
        its final layout one layout), unless it holds a share of the work left that
        the other processes cannot cover meanwhile: then its final layout starts at
        once, beside it.  Stuck (folios never found): final."""
        split, units, n = self.split, self.units, len(self.units)
        done = [u.made == docs[k] and u.result.written for k, u in enumerate(units)]  # type: ignore[union-attr]
        if all(done) and not self.running:
            return None
        busy = {self.layouts[f.index][0] for f in self.running.values() if f.write}  # a final layout in flight
        counting = {self.layouts[f.index][0] for f in self.running.values() if not f.write}
        left = sum(split.chars[k] for k in range(n) if not done[k])
        known = [u.known for u in units]
        final = [all(known[self.main : k]) and split.refs[k] <= self.folios.keys() for k in range(n)]
        queue = [
            (k, True)
            for k in sorted(range(n), key=lambda k: -len(docs[k]))  # (by its markup: the index's is long)
            if final[k] and not done[k] and k not in busy and (k not in counting or split.chars[k] * slots >= left)
        ]
        queue += [(k, False) for k in range(self.main, n) if not known[k] and not final[k] and k not in busy | counting]
        if not queue and not self.running:
            queue = [(k, True) for k in range(n) if not done[k]]
        return queue

    def from_cache(
        self, queue: list[tuple[int, bool]], docs: list[str], stored: Callable[[str], bytes | None], profiles: tuple[str, ...]
    ) -> int:
        """Take the final layouts of ``queue`` an earlier build made (``stored``: the
        cache's entry of a document), written in ``profiles``; how many."""
        hits = 0
        for k, write in queue:
            data = stored(docs[k]) if write else None
            hit = from_cache(data) if data is not None else None
            if hit is not None and set(profiles) <= hit.pdfs.keys():  # (written in the profiles asked)
                unit = self.units[k]
                unit.result, unit.made, unit.count, unit.known = hit, docs[k], hit.content, True
                unit.taught = (unit.memo[0], hit.classes)  # type: ignore[index]
                hits += 1
        return hits

    def start(
        self,
        queue: list[tuple[int, bool]],
        plan: _Plan,
        docs: list[str],
        runner: Any,
        job: Callable[[str, bool], UnitJob],
        step: Callable[[str], None],
    ) -> None:
        n = len(self.units)
        for k, write in queue:
            step(f"laying out unit {k + 1} of {n}{'' if write else ' (page count)'}")
            unit = self.units[k]
            shows, doc = unit.memo  # type: ignore[misc]
            carried = _carried(unit.taught, shows, self.split.holders[k])
            if carried:
                doc = units_mod.document(self.split, k, plan.first[k], self.folios, carried, self.marks, plan.verso[k])
            unit_job = replace(job(doc, write), lead=int(plan.verso[k]), sentinel=k + 1 < n, classes=carried)
            self.running[runner.submit(lay_out_unit, unit_job)] = _Flight(len(self.layouts), docs[k], write, shows)
            self.layouts.append((k, write, 0))

    def receive(self, runner: Any) -> None:
        """Take in the layouts done (at least one)."""
        for handle in runner.wait(list(self.running)):
            flight = self.running.pop(handle)
            laid = runner.result(handle)
            k = self.layouts[flight.index][0]
            self.layouts[flight.index] = (k, flight.write, laid.passes)
            unit = self.units[k]
            unit.taught = (flight.shows, laid.classes)
            if flight.write or unit.result is None or not unit.result.written:
                unit.result, unit.made, unit.count, unit.known = laid, flight.doc, laid.content, True
            if laid.written:
                self.behind.append((laid, flight.doc))  # (cached once its PDFs are in: _collect)

    def stitched(
        self, profiles: tuple[str, ...], seed: str, press: Callable[[str], Callable[[Any], None] | None]
    ) -> tuple[PdfResult, dict[str, bytes], dict[str, str], list[Diagnostic]]:
        """The book's layout and its PDF in each profile, from the units' final layouts
        (their PDFs collected); the classes they learnt, their warnings."""
        from .pdf import fixed_xmp
        from .stitch import Piece, stitch

        layout = self.combined()
        plan = _plan(self.split, self.counts, self.main)
        n = len(self.units)
        warnings: list[Diagnostic] = []
        classes: dict[str, str] = {}
        results = [u.result for u in self.units]
        for k, laid in enumerate(results):
            assert laid is not None and laid.written
            if laid.lead != plan.verso[k] or laid.page_count != laid.lead + plan.keep[k] + (k + 1 < n):
                raise RuntimeError(f"layout unit {k + 1} has {laid.page_count} pages, not the planned ones")  # a bug
            warnings.extend(laid.warnings)
            classes.update(laid.classes)
        pdfs = {}
        for profile in profiles:
            pieces = [Piece(laid.pdfs[profile], plan.keep[k], laid.levels, skip=laid.lead) for k, laid in enumerate(results)]  # type: ignore[union-attr]
            pdfs[profile] = stitch(
                pieces, layout.main_start, lambda xml, p=profile: fixed_xmp(xml, f"{seed}#{p}"), press(profile)
            )
        return layout, pdfs, classes, warnings


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
