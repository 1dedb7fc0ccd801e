"""The PDF laid out in units, in parallel processes, then stitched.

In: the print HTML of one profile (``render.print_html`` without fixes), a process
pool, the build cache.  Out: a ``PdfResult`` for the whole book, equal in content to
the single-document render (same pages, folios, links, bookmarks, labels).

Rounds until nothing changes: each unit (see ``units.py``) whose document differs from
the one it was laid out from is laid out again (in a worker, or taken from the cache
when an earlier build laid out the very same document).  A unit's document changes
when its first folio changes (the page counts of the units before it), when a folio it
prints for another unit changes (contents, cross-references), when the endnotes'
running heads change.  A unit learns its classes (see ``render.LayoutFixes``) in its
worker, from its own first layout, as the single document does.
A unit's page count does not depend on its first folio, so one round gives every
unit's true first folio; the last build's page counts and folios are the first
round's guesses, which makes a rebuild after a small correction one round of one unit.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Collector, Diagnostic
from . import units as units_mod
from .pdf import PageStart, PdfResult

#: Rounds at most: layout fixes and folios settle in two or three.
MAX_ROUNDS = 6
#: Layouts of one unit at most in one round (its own fixes: hyphenation, footnotes).
MAX_FIXES = 4


@dataclass
class UnitJob:
    html: str
    profile: str
    styles: Path
    allowed: tuple[Path, ...]
    note_calls: tuple[tuple[str, str], ...]  # (paragraph id, note id) of each note's first call
    write: bool = True  # False: laid out for its page count only


@dataclass
class UnitLayout:
    pdf: bytes
    page_count: int
    anchors: dict[str, int]
    starts: list[PageStart | None]
    page_digests: list[str]
    hyphen_runs: frozenset[str]
    levels: list[int]
    classes: dict[str, str] = field(default_factory=dict)  # learnt: id -> classes
    warnings: list[Diagnostic] = field(default_factory=list)


def lay_out_unit(job: UnitJob) -> UnitLayout:
    """Lay one unit out until its own fixes settle, then write it (in a worker)."""
    from .fetch import BoundedFetcher
    from .pdf import VARIANTS, _WeasyLog, lay_out

    found = Collector()
    fetcher = BoundedFetcher(list(job.allowed), job.styles)
    html, learnt = job.html, {}
    for _ in range(MAX_FIXES):
        layout = lay_out(html, job.styles, fetcher, found, main_id="")
        new = {p: "no-hyphens" for p in layout.hyphen_runs}
        for paragraph, note in job.note_calls:
            if note in layout.anchors or f"{note}-call-1" in layout.anchors:
                if layout.anchors.get(note) != layout.anchors.get(f"{note}-call-1"):
                    new[paragraph] = " ".join(sorted({*new.get(paragraph, "").split(), "note-break"}))
        new = {k: v for k, v in new.items() if not set(v.split()) <= set(learnt.get(k, "").split())}
        if not new:
            break
        for k, v in new.items():
            learnt[k] = " ".join(sorted({*learnt.get(k, "").split(), *v.split()}))
        html = _with_classes(html, new)
    levels = [b[0] for page in layout.document.pages for b in page.bookmarks]
    if not job.write:
        return UnitLayout(b"", layout.page_count, layout.anchors, [], [], layout.hyphen_runs, levels, learnt, found.items)
    import logging

    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(found, job.styles)
    logger.addHandler(handler)
    try:
        data = layout.document.write_pdf(pdf_variant=VARIANTS[job.profile])
    finally:
        logger.removeHandler(handler)
    return UnitLayout(
        data,
        layout.page_count,
        layout.anchors,
        layout.starts,
        layout.page_digests,
        layout.hyphen_runs,
        levels,
        learnt,
        found.items,
    )


def _with_classes(html: str, classes: dict[str, str]) -> str:
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(html)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("id") in classes:
            units_mod._add_class(element, classes[element.get("id")])
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


@dataclass
class Guess:
    """What the last build found: each unit's page count and the folio of every id."""

    counts: list[int] = field(default_factory=list)
    folios: dict[str, str] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)


def render(
    html: str,
    profile: str,
    job: Callable[[str, bool], UnitJob],
    submit: Callable[[list[UnitJob]], list[UnitLayout]],
    cache: Any,
    guess: Guess,
    heads_of: Callable[[dict[str, int], list[str]], dict[str, str]] | None,
    seed: str,
    main_id: str = "letters",
    step: Callable[[str], None] = lambda s: None,
) -> tuple[PdfResult, Guess, list[Diagnostic], list[int]]:
    """The whole book's PDF from its units.  ``job`` makes a job from a unit's HTML (and
    whether to write it),
    ``submit`` lays jobs out (in parallel), ``heads_of`` computes the endnotes' running
    heads from anchors and labels (None: footnotes); ``seed`` makes the XMP document
    id.  Returns the result, what to guess next time, the warnings, and how many units
    each round laid out."""
    from ..cache import digest
    from .stitch import Piece, stitch

    split = units_mod.split(html)
    n = len(split)
    counts = list(guess.counts) if len(guess.counts) == n else [0] * n
    known = [c > 0 for c in counts]
    main_unit = next((k for k in range(n) if main_id in split.ids[k]), 0)
    folios, heads = dict(guess.folios), dict(guess.heads)
    classes: dict[str, str] = {}
    made: list[str | None] = [None] * n
    results: list[UnitLayout | None] = [None] * n
    warnings: list[Diagnostic] = []
    rounds: list[int] = []
    for round_ in range(MAX_ROUNDS):
        first = _first_folios(split, counts, main_id)
        attributes = {k: {"data-head": v} for k, v in heads.items()}
        # Without the classes learnt so far: a unit whose document changed learns its
        # own again from its first layout, as the single document does.
        docs = [units_mod.document(split, k, first[k], folios, None, attributes) for k in range(n)]
        # Exact: the unit's first folio and the folios it prints are known.  Others are
        # laid out for their page count only (not written); a unit before the main
        # group (the front matter) moves no one's folios, so it waits for its own.
        # A document laid out before unchanged, or the last round: written anyway.
        exact = [
            (all(known[main_unit:k]) and split.refs[k] <= folios.keys()) or docs[k] == made[k] or round_ == MAX_ROUNDS - 1
            for k in range(n)
        ]
        todo = [k for k in range(n) if docs[k] != made[k] or not results[k].pdf]  # type: ignore[union-attr]
        todo = [k for k in todo if exact[k] or k >= main_unit] or todo
        if not todo:
            break
        keys = {k: digest("unit", profile, docs[k]) for k in todo}
        fresh = []
        for k in todo:
            hit = cache.get(f"units-{profile}", keys[k]) if cache is not None else None
            if hit is not None:
                results[k] = pickle.loads(hit)
            else:
                fresh.append(k)
        rounds.append(len(fresh))
        if fresh:
            step(f"laying out {len(fresh)} of {n} units ({profile})")
        for k, laid in zip(fresh, submit([job(docs[k], exact[k]) for k in fresh]), strict=True):
            results[k] = laid
            if cache is not None and laid.pdf:
                cache.put(f"units-{profile}", keys[k], pickle.dumps(laid))
        for k in todo:
            made[k] = docs[k]
            counts[k], known[k] = results[k].page_count, True  # type: ignore[union-attr]
        layout = _combine(split, results, main_id)
        folios = {ident: layout.labels[page] for ident, page in layout.anchors.items()}
        if heads_of is not None:
            heads = heads_of(layout.anchors, layout.labels)
    for laid in results:
        assert laid is not None and laid.pdf
        warnings.extend(laid.warnings)
        classes.update(laid.classes)
    keep = _kept(split, counts)
    pieces = [Piece(r.pdf, keep[k], r.levels) for k, r in enumerate(results) if r is not None]
    from .pdf import fixed_xmp

    layout.data = stitch(pieces, layout.main_start, lambda xml: fixed_xmp(xml, seed))
    if cache is not None:  # the layouts of earlier versions of the units go
        cache.prune(f"units-{profile}", {digest("unit", profile, doc) for doc in made if doc is not None})
    return layout, Guess(counts, folios, classes, heads), warnings, rounds


def _kept(split: units_mod.Units, counts: list[int]) -> list[int]:
    """Pages kept of each unit: all but the sentinel's, except in the last unit."""
    return [max(c - 1, 0) if k < len(split) - 1 else c for k, c in enumerate(counts)]


def _first_folios(split: units_mod.Units, counts: list[int], main_id: str) -> list[int]:
    """The folio of each unit's first page, from the page counts (1 where unknown)."""
    keep = _kept(split, counts)
    main_unit = next((k for k in range(len(split)) if main_id in split.ids[k]), 0)
    folios, folio = [], 1
    for k in range(len(split)):
        folios.append(folio if k > main_unit else 1)
        folio = folio + keep[k] if k >= main_unit else 1
    return folios


def _combine(split: units_mod.Units, results: list[UnitLayout | None], main_id: str) -> PdfResult:
    """The units' layouts as one book's: page indexes offset, sentinels dropped (a unit
    not laid out yet counts no pages)."""
    from pypdf._page_labels import number2lowercase_roman_numeral

    empty = UnitLayout(b"", 0, {}, [], [], frozenset(), [])
    results = [r or empty for r in results]
    keep = _kept(split, [r.page_count for r in results])
    anchors: dict[str, int] = {}
    starts: list[PageStart | None] = []
    digests: list[str] = []
    runs: set[str] = set()
    offset = 0
    for k, r in enumerate(results):
        for ident, page in r.anchors.items():
            if page < keep[k]:
                anchors.setdefault(ident, offset + page)
        starts += r.starts[: keep[k]]
        digests += r.page_digests[: keep[k]]
        runs |= r.hyphen_runs
        offset += keep[k]
    main_start = anchors.get(main_id, 0)
    labels = [number2lowercase_roman_numeral(i + 1) if i < main_start else str(i - main_start + 1) for i in range(offset)]
    return PdfResult(b"", offset, anchors, main_start, labels, frozenset(runs), starts, digests)
