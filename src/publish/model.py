"""The book as a frozen, typed tree.

In: nothing (this module only defines types).
Out: the classes every other step passes along: parse builds a ``Book``, transforms
return new ``Book`` values (``dataclasses.replace``), render reads it.

Every node that an editor wrote carries a ``Loc`` (manuscript file and line), so a
finding about it can name the place to fix.  Inline and block nodes have a class-level
``kind`` so templates can dispatch on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from .dates import LetterDate


@dataclass(frozen=True)
class Loc:
    """A place in the manuscript: path relative to the manuscript folder, 1-based line."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}" + (f":{self.col}" if self.col else "")
        return self.path


# --- inline nodes -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Emph:
    kind: ClassVar[str] = "emph"
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    kind: ClassVar[str] = "strong"
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    kind: ClassVar[str] = "linebreak"


@dataclass(frozen=True)
class NoteRef:
    """A call of a note.  ``label`` is the manuscript's footnote label, scoped to its file.

    ``note_id`` / ``number`` / ``call`` are filled by the notes transform: the HTML id of
    the note, the printed number or symbol, and which call of that note this is (1-based).
    """

    kind: ClassVar[str] = "noteref"
    label: str
    loc: Loc
    note_id: str = ""
    number: str = ""
    call: int = 0


@dataclass(frozen=True)
class CrossRef:
    """A reference to a letter, division or note by stable id (``[text](#id)``).

    ``target_id`` (the HTML id), ``target_doc`` (the EPUB document holding it),
    ``target_label`` ("letter 6") and ``target_roman`` are filled by the
    cross-reference transform.
    """

    kind: ClassVar[str] = "xref"
    target: str
    children: tuple[Inline, ...]
    loc: Loc
    target_id: str = ""
    target_doc: str = ""
    target_label: str = ""
    target_roman: bool = False  # the target is printed in the front matter (roman folios)


@dataclass(frozen=True)
class Indent:
    """A verse line's indentation as written, in spaces."""

    kind: ClassVar[str] = "indent"
    width: int


@dataclass(frozen=True)
class LineNumber:
    """A verse line's printed number (every Nth line, ``{numbers=N}`` on the verse)."""

    kind: ClassVar[str] = "linenumber"
    label: str


@dataclass(frozen=True)
class PageBreak:
    """Where a page of the print edition begins (EPUB page-break marker), by its folio."""

    kind: ClassVar[str] = "pagebreak"
    label: str


@dataclass(frozen=True)
class Mention:
    """A tagged mention of a register entry (``[Ramboz]{ref=ramboz}``): the words as
    written, the entry's id, and an optional sub-entry of the index
    (``{ref=trotsky sub="assassination"}``).

    ``id`` (``<letter or division id>-m<n>``, the place an index locator links to),
    ``entry_kind`` (person, organisation, place, work, periodical) and ``in_note`` are
    filled by the registers transform."""

    kind: ClassVar[str] = "mention"
    ref: str
    children: tuple[Inline, ...]
    loc: Loc
    sub: str = ""
    id: str = ""
    entry_kind: str = ""
    in_note: bool = False


Inline = Text | Emph | Strong | LineBreak | NoteRef | CrossRef | Mention | PageBreak | Indent | LineNumber


# --- block nodes --------------------------------------------------------------------

#: The parts of a letter, in the order they usually come.  ``body`` is the default.
LETTER_PARTS = (
    "dateline",
    "addressee",
    "salutation",
    "body",
    "valediction",
    "signature",
    "postscript",
    "address",
)


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    children: tuple[Inline, ...]
    loc: Loc
    part: str = "body"
    lang: str = ""
    id: str = ""  # stable HTML id, set by the blocks transform (empty in notes)


@dataclass(frozen=True)
class ListBlock:
    kind: ClassVar[str] = "list"
    ordered: bool
    start: int
    items: tuple[tuple[Paragraph, ...], ...]
    loc: Loc
    part: str = "body"
    id: str = ""


#: Sections a letter or division may hold, each fenced (``::: headnote`` ... ``:::``).
SECTIONS = ("headnote", "original", "verse", "quote")


@dataclass(frozen=True)
class Section:
    """A fenced section holding blocks: the editors' ``headnote``, the text in its
    ``original`` language, ``verse`` (each stanza a paragraph whose lines are separated by
    ``LineBreak`` and start with ``Indent`` / ``LineNumber``) or a block ``quote``.
    Sections nest (verse inside an original); ``lang`` is given by ``{lang=..}`` before
    the fence and inherited by the blocks inside."""

    kind: ClassVar[str] = "section"
    name: str
    blocks: tuple[Block, ...]
    loc: Loc
    part: str = "body"
    lang: str = ""
    numbers: int = 0  # verse: a number every Nth line (0: none)
    id: str = ""


Block = Paragraph | ListBlock | Section


@dataclass(frozen=True)
class Note:
    """A note: its blocks, who wrote it (a key of ``notes.series``), where it was defined."""

    label: str
    blocks: tuple[Paragraph, ...]
    series: str
    loc: Loc
    id: str = ""
    number: str = ""
    calls: int = 0
    whole: bool = False  # a note on the whole letter: no call in the text, linked from the heading


# --- documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """Sender or recipient: a person and/or an organisation; ``author`` is a contributor id;
    ``ref`` the id of the person or organisation in ``persons.yaml``, when it names one."""

    person: str = ""
    organisation: str = ""
    author: str = ""
    ref: str = ""

    @property
    def name(self) -> str:
        return self.person or self.organisation


@dataclass(frozen=True)
class Letter:
    """A letter.  ``senders``/``recipients`` hold one party or several; ``date`` is the
    EDTF date with its bounds and printed forms (undated: empty ``edtf``); ``place`` may be
    empty; ``heading_calls`` are the calls of the notes on the whole letter, printed after
    its heading."""

    id: str
    heading: str
    senders: tuple[Party, ...]
    recipients: tuple[Party, ...]
    place: str
    date: LetterDate
    date_as_written: str
    language: str
    source: str
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    loc: Loc
    appendix: bool = False
    number: int = 0
    prev_id: str = ""
    next_id: str = ""
    short_heading: str = ""
    place_as_written: str = ""
    source_detail: str = ""
    sort: str = ""
    heading_calls: tuple[NoteRef, ...] = ()
    key_lines: tuple[tuple[str, int], ...] = ()  # the header's keys and their lines, for findings
    from_names: str = ""  # "A and B", in the book's language
    to_names: str = ""

    @property
    def doc(self) -> str:
        """File name of the EPUB document that holds this letter."""
        return f"{self.id}.xhtml"

    def parts(self, *names: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.part in names)

    def at(self, key: str) -> Loc:
        """Where the header gives ``key`` (the header's start if it does not)."""
        return Loc(self.loc.path, dict(self.key_lines).get(key, self.loc.line))


@dataclass(frozen=True)
class Division:
    """A front- or back-matter division written in the manuscript (introduction, ...)."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    loc: Loc
    appends: str = ""

    @property
    def doc(self) -> str:
        return f"{self.id}.xhtml"


@dataclass(frozen=True)
class Emendation:
    """A recorded correction of a source reading: applied by the emendations transform."""

    where: str
    original: str
    corrected: str
    reason: str
    date: dt.date
    loc: Loc


@dataclass(frozen=True)
class Contributor:
    id: str
    name: str
    roles: tuple[str, ...]
    file_as: str = ""


@dataclass(frozen=True)
class Credit:
    label: str
    value: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    credits: tuple[Credit, ...]


@dataclass(frozen=True)
class NoteSeries:
    """Who writes a series of notes, the tag printed after each, and how calls are marked
    (``numbers``, or ``symbols`` * † ‡ § ‖ ¶ restarting with each letter)."""

    key: str
    name: str
    tag: str
    marks: str = "numbers"


@dataclass(frozen=True)
class Metadata:
    slug: str
    title: str
    subtitle: str
    language: str
    identifier: str
    edition: int
    date: dt.date
    rights: str
    publisher: str
    contributors: tuple[Contributor, ...]
    sources: tuple[Source, ...]

    def by_role(self, role: str) -> tuple[Contributor, ...]:
        return tuple(c for c in self.contributors if role in c.roles)


@dataclass(frozen=True)
class PageSpec:
    """The printed page: trim size and mirrored margins, as CSS lengths."""

    width: str = "6in"
    height: str = "9in"
    top: str = "0.7in"
    bottom: str = "0.85in"
    inner: str = "0.85in"
    outer: str = "0.6in"
    bleed: str = "3mm"
    crop_marks: bool = False
    caliper: str = "0.1mm"  # the paper's thickness, a leaf: the print cover's spine (print.paper_caliper)


@dataclass(frozen=True)
class OutputIntent:
    """The print profile's output intent (PDF/X): the CMYK profile the colours are
    converted for, and the printing condition it characterises, as the PDF names it."""

    profile: str = "default_cmyk.icc"  # a file of styles/icc/ (or of Ghostscript's profiles)
    identifier: str = "CGATS TR 001"  # the condition's registered name (ICC registry), e.g. FOGRA39
    condition: str = "SWOP (Ghostscript's generic Artifex CMYK SWOP profile)"
    registry: str = "http://www.color.org"


#: The registers: file -> the kinds of entry it holds (the first is the default).
REGISTERS = {
    "persons.yaml": ("person", "organisation"),
    "places.yaml": ("place",),
    "works.yaml": ("work", "periodical"),
}


@dataclass(frozen=True)
class Entry:
    """An entry of a register (``persons.yaml``, ``places.yaml``, ``works.yaml``): a
    person, organisation, place, work or periodical the letters name.  ``aliases`` are
    other names it goes by in the text (the index refers from each to the entry)."""

    id: str
    name: str
    sort: str
    loc: Loc
    kind: str = "person"
    dates: str = ""
    note: str = ""
    wikidata: str = ""
    viaf: str = ""
    gnd: str = ""
    geonames: str = ""
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()  # ids of related entries


@dataclass(frozen=True)
class GlossEntry:
    """An entry of ``glossary.yaml``: an abbreviation or term and what it means.  ``ref``
    names the register entry it stands for (its tagged mentions link here in the EPUB);
    a tag may also name the glossary entry's own ``id``."""

    id: str
    term: str
    definition: str
    loc: Loc
    ref: str = ""


@dataclass(frozen=True)
class PartRange:
    """A part given by hand: its title and the EDTF bounds of the letters it holds."""

    title: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Typography:
    """Which of the typographer's replacements apply (``typography`` in ``book.yaml``)."""

    quotes: bool = True  # "..." -> curly quotes of the paragraph's language
    dashes: bool = True  # -- and --- -> en and em dashes
    ellipsis: bool = False  # ... -> …
    symbols: bool = False  # (c) (r) (tm) +- -> © ® ™ ±


@dataclass(frozen=True)
class Settings:
    """Build settings from ``book.yaml`` (see ``config.py`` for defaults and meaning)."""

    note_numbering: str = "continuous"
    note_series: tuple[NoteSeries, ...] = ()
    notes_print: str = "footnotes"
    notes_epub: str = "footnotes"
    notes_title: str = "Notes"
    trim: str = "6x9in"
    page: PageSpec = PageSpec()
    output_intent: OutputIntent = OutputIntent()
    letters_new_page: bool = False
    paragraph_numbers: bool = False  # each paragraph's number in the margin (print)
    correspondence_title: str = "The Letters"
    parts: str = "none"  # year, decade, correspondent or ranges (see ``part_ranges``)
    part_ranges: tuple[PartRange, ...] = ()
    parts_recto: bool = False  # a part opens on a recto (else on a new page)
    epub_fonts: bool = True  # embed the book's typeface in the EPUB
    appendix_title: str = "Appendix"
    typography: Typography = Typography()
    labels: tuple[tuple[str, str], ...] = ()  # printed labels: original, headnote, source, sources
    sources_list: bool = False  # the sources as a numbered list at the back (else in the colophon)
    lint_closing: bool = False  # warn about letters without valediction or signature
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (title, register kinds); () the default indexes
    calendar: bool = True  # a calendar of the letters at the back
    persons: bool = True  # the register of persons and organisations printed at the back

    def label(self, key: str) -> str:
        return dict(self.labels).get(key, key)


@dataclass(frozen=True)
class LetterGroup:
    """A part of the correspondence (``id`` empty when it is not divided into parts)."""

    id: str
    title: str
    letters: tuple[Letter, ...]

    @property
    def doc(self) -> str:
        return f"{self.id}.xhtml"


@dataclass(frozen=True)
class Book:
    root: str
    meta: Metadata
    settings: Settings
    front: tuple[Division, ...]
    letters: tuple[Letter, ...]
    appendix: tuple[Letter, ...]
    emendations: tuple[Emendation, ...] = field(default=())
    revision: str = ""  # the manuscript's git commit (with "+edits" if changed since), if in git
    register: tuple[Entry, ...] = ()  # the entries of every register, in file order
    glossary: tuple[GlossEntry, ...] = ()  # glossary.yaml, in file order

    @property
    def all_letters(self) -> tuple[Letter, ...]:
        return self.letters + self.appendix

    @property
    def groups(self) -> tuple[LetterGroup, ...]:
        """The correspondence as parts (``settings.parts``), or a single untitled group.

        By year or decade of each letter's earliest possible day; by correspondent (the
        letter's senders, or its recipients when the first sender is the book's first
        author); or by the ranges given in ``book.yaml``.  Undated letters form a last part.
        """
        how = self.settings.parts
        if how == "none":
            return (LetterGroup("", "", self.letters),)
        keyed: dict[str, tuple[str, list[Letter]]] = {}
        for x in self.letters:
            key, title = _part_of(x, how, self)
            keyed.setdefault(key, (title, []))[1].append(x)
        # Ids that say what the part is where they can (part-1947, part-1940s, part-undated);
        # parts by correspondent or range are numbered.
        named = how in ("year", "decade")
        return tuple(
            LetterGroup(f"part-{key if named or key == 'undated' else i}", title, tuple(xs))
            for i, (key, (title, xs)) in enumerate(keyed.items(), 1)
        )

    def series(self, key: str) -> NoteSeries:
        return next(s for s in self.settings.note_series if s.key == key)


def _part_of(x: Letter, how: str, book: Book) -> tuple[str, str]:
    """The key and title of the part a letter belongs to (letters come in order, so the
    parts come in the order of their first letter)."""
    undated = ("undated", book.settings.label("undated parts"))
    year = x.date.year
    if how == "year":
        return (str(year), str(year)) if year else undated
    if how == "decade":
        return (f"{year // 10}0s", f"{year // 10}0–{year // 10}9") if year else undated
    if how == "correspondent":
        first = book.meta.by_role("aut")[:1]
        side = x.recipients if first and x.senders and x.senders[0].author == first[0].id else x.senders
        names = x.to_names if side is x.recipients else x.from_names
        return ("|".join(p.name for p in side), names)
    for r in book.settings.part_ranges:
        if x.date.key and (r.start is None or x.date.key >= r.start) and (r.end is None or x.date.key <= r.end):
            return (r.title, r.title)
    return undated
