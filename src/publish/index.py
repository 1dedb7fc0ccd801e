"""The back-of-book indexes, from the tagged mentions and the registers.

In: the transformed book (each ``Mention`` numbered, see ``transforms/mentions.py``)
and, from a layout, the page each mention landed on.  Out: ``IndexGroup`` values for the
templates (the PDF and the EPUB print the same entries), and which locators a page
shows (``roles``).

An index holds the entries of some register kinds (``book.yaml``'s ``indexes``; by
default names, places, works, each when tagged).  An entry is its register name with
a locator per mention and sub-entries (``sub=``), printed in its sort form ("Korner,
David", which is its name unless given); an alias of an entry gets a line of its own
that refers to it ("A. Mathieu, see Korner, David").  Lines sort by those forms with
the Unicode Collation Algorithm (pyuca's DUCET: no language tailoring).

Locators: the print HTML holds one per mention, in the order the mentions come in the
print HTML (recorded while it is rendered, see ``render``), which is the order of their
pages.  A layout says which of them to show: one per page (a mention in a note only
when the page has no mention in the text: "41n"), and pages that follow each other as
a range ("12–14": the first shows, the last shows as the range's end, those between
not).  That is an attribute of each locator (``data-role``), so the index never changes
length with what a layout learns, except through those attributes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Code, Diagnostic, Severity
from .model import Book, Entry, GlossEntry, Loc, Mention
from .transforms.xrefs import ENDNOTES_DOC
from .walk import inline_nodes, paragraphs, plain_text

#: The default indexes: id, title label key, the kinds each holds.
DEFAULT_INDEXES = (
    ("index-names", "index of names", ("person", "organisation")),
    ("index-places", "index of places", ("place",)),
    ("index-works", "index of works", ("work", "periodical")),
)


@dataclass(frozen=True)
class Locator:
    id: str  # the locator's element id in the print HTML
    mention: str  # the mention's id (PDF destination, EPUB fragment)
    in_note: bool
    roman: bool  # in the front matter (roman folios)
    doc: str  # the EPUB document holding the mention
    item: str  # a letter's number or a division's title, for an EPUB without print pages


@dataclass(frozen=True)
class Line:
    term: str
    kind: str  # the entry's kind (a periodical's title prints in italics)
    locators: tuple[Locator, ...] = ()
    subs: tuple[Line, ...] = ()
    see: str = ""  # an alias: the name of the entry it refers to
    id: str = ""  # the entry's id ("" for a sub-entry or an alias)
    target: str = ""  # an alias: the id of the entry it refers to
    also: tuple[tuple[str, str, str, str], ...] = ()  # see also: (name, index id, entry id, kind; "" ids if not indexed)


@dataclass(frozen=True)
class IndexGroup:
    id: str
    title: str
    lines: tuple[Line, ...]


@functools.cache
def _collator() -> object:
    import pyuca

    return pyuca.Collator()


#: Sort keys kept in the per-user cache (``usercache``), by the versions of pyuca and of
#: Python's Unicode database (pyuca normalises with it): reading pyuca's table (DUCET)
#: took 0.15 s of each build that has an index or a register, before anything could be
#: laid out.  Strings of at most ``MAX_KEPT_CHARS`` characters are kept (a key takes
#: about 20 bytes of JSON a character), at most ``MAX_KEPT_KEYS`` of them: when there
#: are more, only those of the sort that made them more (a register, a glossary, an
#: index) stay.
MAX_KEPT_KEYS = 5_000
MAX_KEPT_CHARS = 100
_KEYS_LOCK = threading.Lock()  # (a catalogue builds its titles in threads)


def _keys_file() -> Path:
    import unicodedata

    from .cache import package_version
    from .usercache import folder

    return folder("collation") / f"pyuca-{package_version('pyuca')}-unicode-{unicodedata.unidata_version}.json"


@functools.cache
def _kept_keys() -> dict[str, tuple[int, ...]]:
    from .usercache import read_json

    return read_json(  # (none yet, or not a table: pyuca computes them)
        _keys_file(), lambda table: {str(text): tuple(int(n) for n in key) for text, key in table.items()}, {}
    )


def sort_keys(texts: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """Each of ``texts`` -> its sort key (the Unicode Collation Algorithm's, pyuca's),
    from the kept table; those it lacks from pyuca, then kept."""
    from .usercache import write_json

    wanted = set(texts)
    with _KEYS_LOCK:
        kept = _kept_keys()
        missing = sorted(wanted - kept.keys())
        if not missing:
            return {text: kept[text] for text in wanted}
        collator = _collator()
        found = {text: tuple(collator.sort_key(text)) for text in missing}  # type: ignore[attr-defined]
        kept.update((text, key) for text, key in found.items() if len(text) <= MAX_KEPT_CHARS)
        if len(kept) > MAX_KEPT_KEYS:
            for text in [t for t in kept if t not in wanted]:
                del kept[text]
        write_json(_keys_file(), kept)
        return {text: found[text] if text in found else kept[text] for text in wanted}


def persons(book: Book) -> list[Entry]:
    """The register of persons and organisations as printed (``divisions.persons``),
    sorted as the index is."""
    if not book.settings.persons:
        return []
    entries = [e for e in book.register if e.kind in ("person", "organisation")]
    keys = sort_keys(e.sort for e in entries)
    return sorted(entries, key=lambda e: keys[e.sort])


def glossary(book: Book) -> list[GlossEntry]:
    """The glossary's terms, sorted as the index is."""
    keys = sort_keys(g.term for g in book.glossary)
    return sorted(book.glossary, key=lambda g: keys[g.term])


def back_matter_places(book: Book) -> dict[str, str]:
    """Every id of the back matter a print page can begin at (the calendar and its rows,
    the register of persons and the glossary and their lines, each index and its
    entries) -> the EPUB document that holds it: where ``transforms.pages`` puts a page's
    marker, and what ``render.epub_documents`` keys each document's markers by."""
    places: dict[str, str] = {}
    if book.settings.calendar:
        places["calendar"] = "calendar.xhtml"
        places.update({f"calendar-{x.id}": "calendar.xhtml" for x in book.all_letters})
    places.update({"persons": "persons.xhtml", "glossary": "glossary.xhtml"})
    places.update({k: "persons.xhtml" for e in persons(book) for k in (f"person-{e.id}", f"person-{e.id}.about")})
    places.update({k: "glossary.xhtml" for g in glossary(book) for k in (f"gloss-{g.id}", f"gloss-{g.id}.def")})
    for group in indexes(book):
        places[group.id] = f"{group.id}.xhtml"
        places.update({f"ix-entry-{line.id}": f"{group.id}.xhtml" for line in group.lines if line.id})
    return places


def mentions(book: Book) -> list[tuple[Mention, object]]:
    """Every mention of the book with the division or letter holding it, text then notes."""
    out = []
    for item in (*book.front, *book.all_letters):
        for node in inline_nodes((*item.blocks, *(b for n in item.notes for b in n.blocks))):
            if isinstance(node, Mention) and node.id:
                out.append((node, item))
    return out


def indexes(book: Book) -> tuple[IndexGroup, ...]:
    """The book's indexes, each with its lines sorted; an index nothing is tagged for is left out."""
    entries = {e.id: e for e in book.register}
    front = {d.id for d in book.front}
    by_entry: dict[str, dict[str, list[Locator]]] = {}
    for m, item in mentions(book):
        if m.ref not in entries:
            continue
        label = item.title if item.id in front else (book.settings.appendix_title if item.appendix else str(item.number))
        # A note's mention is where the note is: with endnotes, at the back (arabic
        # folios in print; the notes' document in the EPUB).
        roman = item.id in front and not (m.in_note and book.settings.notes_print == "endnotes")
        doc = ENDNOTES_DOC if m.in_note and book.settings.notes_epub == "endnotes" else item.doc
        loc = Locator(f"ix-loc-{m.id}", m.id, m.in_note, roman, doc, label)
        by_entry.setdefault(m.ref, {}).setdefault(m.sub, []).append(loc)
    keys = sort_keys(text for ref, subs in by_entry.items() for text in (entries[ref].sort, *entries[ref].aliases, *subs))
    groups = []
    for gid, title, kinds in _configured(book):
        lines: list[tuple[tuple, Line]] = []
        for ref, subs in by_entry.items():
            e = entries[ref]
            if e.kind not in kinds:
                continue
            sub_lines = tuple(Line(s, e.kind, tuple(locs)) for s, locs in sorted(subs.items(), key=lambda x: keys[x[0]]) if s)
            lines.append((keys[e.sort], Line(e.sort, e.kind, tuple(subs.get("", ())), sub_lines, id=e.id)))
            lines.extend((keys[alias], Line(alias, e.kind, see=e.sort, target=e.id)) for alias in e.aliases)
        if lines:
            groups.append(IndexGroup(gid, title, tuple(line for _, line in sorted(lines, key=lambda x: x[0]))))
    return tuple(_see_also(groups, entries))


def _see_also(groups: list[IndexGroup], entries: dict) -> list[IndexGroup]:
    """Each entry's "see also": the related entries' names, with the index that lists
    each (a link), or none when it is in no index (nothing tagged for it)."""
    where = {line.id: g.id for g in groups for line in g.lines if line.id}

    def also(line: Line) -> Line:
        if not line.id or not entries[line.id].see_also:
            return line
        related = [entries[x] for x in entries[line.id].see_also if x in entries and x != line.id]
        refs = tuple((e.sort, where.get(e.id, ""), e.id if e.id in where else "", e.kind) for e in related)
        return Line(line.term, line.kind, line.locators, line.subs, line.see, line.id, line.target, refs)

    return [IndexGroup(g.id, g.title, tuple(also(line) for line in g.lines)) for g in groups]


def _configured(book: Book) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    given = book.settings.indexes
    if not given:
        return tuple((gid, book.settings.label(title), kinds) for gid, title, kinds in DEFAULT_INDEXES)
    return tuple((f"index-{i}" if i > 1 else "index", title, kinds) for i, (title, kinds) in enumerate(given, 1))


def all_lines(groups: Iterable[IndexGroup]) -> list[Line]:
    """Every line with locators: entries and sub-entries."""
    out = []
    for g in groups:
        for line in g.lines:
            out.append(line)
            out.extend(line.subs)
    return out


def roles(groups: Iterable[IndexGroup], folios: dict[str, str]) -> dict[str, str]:
    """Locator id -> its role, from the folio each mention was printed on (``folios``:
    id -> folio, "vii" or "12"): ``first`` (the line's first page shown), ``next``
    (shown after a comma), ``to`` (a range's end, after a dash) or ``skip`` (not shown:
    a page already shown, a page inside a range).  A locator whose mention has no folio
    (not laid out) is not named."""
    out: dict[str, str] = {}
    for line in all_lines(groups):
        shown: dict[tuple[tuple[int, int], bool], Locator] = {}
        for loc in line.locators:
            folio = folios.get(loc.mention)
            if folio is None:
                continue
            key = (_page_key(folio), loc.in_note)
            if key in shown:
                out[loc.id] = "skip"
            else:
                shown[key] = loc
        for page, in_note in list(shown):  # a note's mention on a page with one in the text
            if in_note and (page, False) in shown:
                out[shown.pop((page, True)).id] = "skip"
        text = sorted(p for p, note in shown if not note)
        for i, page in enumerate(text):
            before = i > 0 and _follows(text[i - 1], page)
            after = i + 1 < len(text) and _follows(page, text[i + 1])
            if before:
                out[shown.pop((page, False)).id] = "skip" if after else "to"
        for i, key in enumerate(sorted(shown)):
            out[shown[key].id] = "first" if i == 0 else "next"
    return out


def _page_key(folio: str) -> tuple[int, int]:
    """A folio as (numbering, number): roman folios (the front matter) before arabic."""
    if folio.isdigit():
        return (1, int(folio))
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values.get(c, 0) for c in folio.lower()]
    return (0, sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits)))


def _follows(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Page ``b`` is the page after ``a``, in the same numbering."""
    return a[0] == b[0] and b[1] == a[1] + 1


def epub_locators(line: Line, folios: dict[str, str] | None) -> list[tuple[Locator, str, str]]:
    """The locators an EPUB line shows, in page order: (locator, label, separator
    before it: "" for the first, ", " or "–" for a range's end).  Without a layout
    (``folios`` None), each mention is labelled with its letter's number or its
    division's title, once per letter."""
    if folios is None:
        seen, out = set(), []
        for loc in line.locators:
            if loc.item not in seen:
                seen.add(loc.item)
                out.append((loc, loc.item + ("n" if loc.in_note else ""), ", " if out else ""))
        return out
    role = roles([IndexGroup("", "", (Line(line.term, line.kind, line.locators),))], folios)
    placed = sorted(line.locators, key=lambda loc: _page_key(folios.get(loc.mention, "99999")))
    out = []
    for loc in placed:
        if role.get(loc.id) == "skip":
            continue
        label = folios.get(loc.mention, "?") + ("n" if loc.in_note else "")
        out.append((loc, label, {"first": "", "to": "–"}.get(role.get(loc.id, ""), ", ") if out else ""))
    return out


def untagged(book: Book) -> list[Diagnostic]:
    """A hint (X003) at each line where a register's name or alias occurs in the text
    or a note outside a tag: the editor may have meant to tag it."""
    names: dict[str, str] = {}
    for e in book.register:
        for name in (e.name, *e.aliases):
            names.setdefault(name, e.id)
    if not names:
        return []
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")

    def blank(node: object) -> str:  # a tag's words do not count, at any depth
        if isinstance(node, Mention):
            return re.sub(r"[^\n]", " ", plain_text(node))
        children = getattr(node, "children", None)
        return "".join(blank(c) for c in children) if children is not None else plain_text(node)

    out = []
    for item in (*book.front, *book.all_letters):
        for p in paragraphs((*item.blocks, *(b for n in item.notes for b in n.blocks))):
            text = "".join(blank(c) for c in p.children)
            for m in pattern.finditer(text):
                loc = Loc(p.loc.path, p.loc.line + text.count("\n", 0, m.start()))
                out.append(
                    Diagnostic(
                        Code.TAG_UNTAGGED,
                        Severity.HINT,
                        loc,
                        f"“{m.group(1)}” is not tagged; if it is `{names[m.group(1)]}`, write `[{m.group(1)}]{{ref={names[m.group(1)]}}}`",
                    )
                )
    return out
