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
class PageBreak:
    """Where a page of the print edition begins (EPUB page-break marker), by its folio."""

    kind: ClassVar[str] = "pagebreak"
    label: str


Inline = Text | Emph | Strong | LineBreak | NoteRef | CrossRef | PageBreak


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


Block = Paragraph | ListBlock


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


# --- documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """Sender or recipient: a person and/or an organisation; ``author`` is a contributor id."""

    person: str = ""
    organisation: str = ""
    author: str = ""

    @property
    def name(self) -> str:
        return self.person or self.organisation


@dataclass(frozen=True)
class Letter:
    id: str
    heading: str
    sender: Party
    recipient: Party
    place: str
    date: dt.date
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

    @property
    def doc(self) -> str:
        """File name of the EPUB document that holds this letter."""
        return f"{self.id}.xhtml"

    def parts(self, *names: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.part in names)


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
    letters_new_page: bool = False
    correspondence_title: str = "The Letters"
    parts: str = "none"  # or "year": the correspondence divided into parts by year
    epub_fonts: bool = True  # embed the book's typeface in the EPUB
    appendix_title: str = "Appendix"


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

    @property
    def all_letters(self) -> tuple[Letter, ...]:
        return self.letters + self.appendix

    @property
    def groups(self) -> tuple[LetterGroup, ...]:
        """The correspondence as parts: one per year, or a single untitled group."""
        if self.settings.parts != "year":
            return (LetterGroup("", "", self.letters),)
        years = sorted({x.date.year for x in self.letters})
        return tuple(LetterGroup(f"part-{y}", str(y), tuple(x for x in self.letters if x.date.year == y)) for y in years)

    def series(self, key: str) -> NoteSeries:
        return next(s for s in self.settings.note_series if s.key == key)
