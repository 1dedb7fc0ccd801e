"""Step 1: manuscript folder -> ``Book`` (unnumbered, unresolved).

In: ``book.yaml``, ``front/*.md``, ``letters/*.md``, ``appendix/*.md`` and the optional
``emendations.yaml`` of a manuscript folder.  Out: a ``Book`` whose notes carry no
numbers and whose cross-references are unresolved; every problem found is collected and
raised as one ``ManuscriptError``.  No numbering, no HTML: that is for later steps.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from .. import config, dates
from ..diagnostics import Code, Collector
from ..model import (
    REGISTERS,
    Book,
    Contributor,
    Credit,
    CrossRef,
    Division,
    Emendation,
    Entry,
    GlossEntry,
    Letter,
    Loc,
    Mention,
    Metadata,
    Note,
    NoteRef,
    NoteSeries,
    OutputIntent,
    PageSpec,
    PartRange,
    Party,
    Section,
    Settings,
    Source,
    Typography,
)
from ..transforms.xrefs import target_ids
from ..walk import inline_nodes, paragraphs
from ..walk import plain_text as _plain
from .markdown import parse_markdown
from .source import YamlSyntaxError, load_yaml, read_text


def parse_manuscript(root: Path, found: Collector | None = None) -> Book:
    """Raises ``ManuscriptError`` on errors; warnings stay in ``found`` for the caller."""
    found = found if found is not None else Collector()
    root = root.resolve()
    if not (root / "book.yaml").is_file():
        found.error(Code.UNREADABLE, Loc("book.yaml"), f"no book.yaml in {root}: is this a manuscript folder?")
        found.raise_if_errors()
    meta, settings = _book(root, found)
    fallback_lang = meta.language if meta else "en"
    entries = _registers(root, found)
    ty = settings.typography if settings else Typography()
    front = tuple(d for d in (_division(root, p, ty, fallback_lang, found) for p in markdown_files(root, "front", found)) if d)
    register = {p.id: p for p in entries if p.kind in ("person", "organisation")}
    letters = _letters(root, "letters", fallback_lang, ty, register, found)
    appendix = _letters(root, "appendix", fallback_lang, ty, register, found, appendix=True)
    emendations = _emendations(root, found)
    glossary = _glossary(root, {e.id: "" for e in entries}, found)
    # Whole-book checks run even when a file had errors, so that all findings are
    # reported together; a broken book.yaml gets an empty stand-in.
    book = Book(
        str(root),
        meta or _NO_META,
        settings or Settings(),
        front,
        letters,
        appendix,
        emendations,
        source_revision(root),
        entries,
        glossary,
    )
    # A file that could not be read hides its ids: references to them are not checked.
    unread = any(d.code in (Code.NOT_UTF8, Code.UNREADABLE, Code.YAML_SYNTAX, Code.CONTROL_CHARACTER) for d in found.errors)
    _cross_checks(book, found, check_config=meta is not None, check_refs=not unread)
    found.raise_if_errors()
    return book


#: How long reading the manuscript's git revision may take before it is given up.
REVISION_SECONDS = 5.0


def source_revision(root: Path) -> str:
    """The git commit the manuscript is at, "+edits" if a file git tracks under it differs
    from that commit; "" when the manuscript is not in a git work tree (or has no commit,
    or its repository cannot be read).

    Read from the repository's files with dulwich, never by running git: a manuscript's
    ``.git/config`` could make git run a program (``core.fsmonitor``, filters, hooks).
    A repository is the manuscript's to make: one whose reading fails in any way gives "",
    and one whose reading blocks (a pipe for ``HEAD``) is given up after five seconds."""
    import threading

    answer = [""]

    def read() -> None:
        try:
            answer[0] = _revision(root)
        except Exception:  # a hostile or corrupt repository: no revision, not a crash
            answer[0] = ""

    reader = threading.Thread(target=read, daemon=True, name="publish-revision")
    reader.start()
    reader.join(REVISION_SECONDS)
    return "" if reader.is_alive() else answer[0]


def _revision(root: Path) -> str:
    from dulwich.errors import NotGitRepository
    from dulwich.objects import Blob
    from dulwich.repo import Repo

    try:
        repo = Repo.discover(str(root))
    except (NotGitRepository, OSError, ValueError):
        return ""
    with repo:
        head = repo.head()
        tree = repo[repo[head].tree]
        work = Path(repo.path).resolve()
        prefix = root.resolve().relative_to(work).as_posix()
        if prefix != ".":
            _, sub = tree.lookup_path(repo.object_store.__getitem__, prefix.encode())
            tree = repo[sub]
        edited, real = False, root.resolve()
        for entry in repo.object_store.iter_tree_contents(tree.id):
            name = entry.path.decode("utf-8", "replace")
            if entry.mode & 0o170000 != 0o100000 or ".." in name.split("/") or name.startswith("/"):
                continue  # a link, a submodule, or a name that would lead out: not read
            path = root / name
            if not path.resolve().is_relative_to(real):  # (through a folder that is a link: not the book's)
                continue
            if not path.is_file() or path.is_symlink() or Blob.from_string(path.read_bytes()).id != entry.sha:
                edited = True
                break
    return head.decode()[:12] + ("+edits" if edited else "")


_NO_META = Metadata("", "", "", "en", "", 0, None, "", "", (), ())  # type: ignore[arg-type]


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _book(root: Path, found: Collector) -> tuple[Metadata | None, Settings | None]:
    text = read_text(root / "book.yaml", "book.yaml", found)
    if text is None:
        return None, None
    try:
        data, lines = load_yaml(text, "book.yaml", found)
    except YamlSyntaxError:
        return None, None
    if data is None:
        found.error(Code.MISSING_KEY, Loc("book.yaml", 1), "book.yaml is empty; it needs the book's metadata")
    if data is None:
        return None, None
    d = config.validate(data, config.top(config.BOOK), lines, "book.yaml", found)
    if d is None:
        return None, None
    _book_checks(d, lines, found)
    ed = d["edition"] or {}
    meta = Metadata(
        slug=d["slug"] or "book",
        title=d["title"] or "",
        subtitle=d["subtitle"],
        language=d["language"] or "en",
        identifier=d["identifier"] or "",
        edition=ed.get("number") or 1,
        date=ed.get("date"),
        rights=d["rights"] or "",
        publisher=d["publisher"],
        contributors=tuple(
            Contributor(c["id"], c["name"], tuple(c["roles"] or ()), c["file_as"]) for c in d["contributors"] if c
        ),
        sources=tuple(
            Source(s["id"], s["title"], tuple(Credit(c["label"], c["value"]) for c in s["credits"] if c))
            for s in d["sources"]
            if s
        ),
    )
    notes = d["notes"] or {}
    series = tuple(NoteSeries(k, v["name"], v["tag"], v["marks"]) for k, v in (notes.get("series") or {}).items() if v)
    pr = d["print"] or {}
    dv = d["divisions"] or {}
    parts, ranges = _parts(dv.get("parts", "none"), lines, meta.language, found)
    ty = d["typography"] or {}
    sources_list = dv.get("sources", "auto")
    settings = Settings(
        note_numbering=notes.get("numbering", "continuous"),
        note_series=series,
        notes_print=notes.get("print", "footnotes"),
        notes_epub=notes.get("epub", "footnotes"),
        notes_title=notes.get("title", "Notes"),
        trim=pr.get("trim", "6x9in"),
        page=_page(pr),
        output_intent=_output_intent(pr.get("output_intent") or {}, lines, found),
        letters_new_page=pr.get("letters_new_page", False),
        paragraph_numbers=bool(pr.get("paragraph_numbers", False)),
        correspondence_title=dv.get("correspondence", "The Letters"),
        parts=parts,
        part_ranges=ranges,
        parts_recto=bool(pr.get("parts_recto", False)),
        epub_fonts=(d["epub"] or {}).get("embed_fonts", True),
        appendix_title=dv.get("appendix", "Appendix"),
        typography=Typography(**{k: bool(ty.get(k, v.default)) for k, v in config.BOOK["typography"].schema.items()}),
        labels=tuple(sorted({**config.LABELS, **(d["labels"] or {})}.items())),
        sources_list=sources_list == "list" or (sources_list == "auto" and len(meta.sources) > 5),
        lint_closing=bool((d["lint"] or {}).get("closing", False)),
        indexes=_indexes(dv.get("indexes") or (), lines, found),
        calendar=bool(dv.get("calendar", True)),
        persons=bool(dv.get("persons", True)),
    )
    return meta, settings


def _book_checks(d: dict[str, Any], lines: dict, found: Collector) -> None:
    """What book.yaml's schema cannot say: ids given once, roles that are MARC relator
    codes, an edition number from 1."""
    for key in ("contributors", "sources"):
        seen: set[str] = set()
        for i, entry in enumerate(d[key] or []):
            if entry and entry["id"] and entry["id"] in seen:
                found.error(
                    Code.DUPLICATE_ID, Loc("book.yaml", lines.get((key, i, "id"), 0)), f"`{key}` has id `{entry['id']}` twice"
                )
            seen.add(entry["id"] if entry else "")
    for i, entry in enumerate(d["contributors"] or []):
        for j, role in enumerate((entry or {}).get("roles") or []):
            if not (isinstance(role, str) and re.fullmatch(r"[a-z]{3}", role)):
                found.error(
                    Code.BAD_VALUE,
                    Loc("book.yaml", lines.get(("contributors", i, "roles", j), lines.get(("contributors", i, "roles"), 0))),
                    f"role {role!r} is not a MARC relator code (three letters: aut, edt, trl, trc, ...)",
                )
    number = (d["edition"] or {}).get("number")
    if isinstance(number, int) and number < 1:
        found.error(
            Code.BAD_VALUE,
            Loc("book.yaml", lines.get(("edition", "number"), 0)),
            f"`edition.number` is {number}; editions count from 1",
        )


def _parts(value: Any, lines: dict, lang: str, found: Collector) -> tuple[str, tuple[PartRange, ...]]:
    """``divisions.parts``: a name of ``config.PARTS``, or a list of ranges with EDTF bounds."""
    where = ("divisions", "parts")
    if isinstance(value, str) and value in config.PARTS:
        return value, ()
    if not isinstance(value, list):
        found.error(
            Code.BAD_VALUE,
            Loc("book.yaml", lines.get(where, 0)),
            f"`divisions.parts` is {value!r}; expected one of {', '.join(config.PARTS)} or a list of {{title, from, to}}",
        )
        return "none", ()
    items = config.validate(value, config.Field("list", "parts", item=config.PART_RANGE), lines, "book.yaml", found, where)
    ranges = []
    for i, item in enumerate(items):
        if not item:
            continue
        bounds = []
        for key, side in (("from", "earliest"), ("to", "latest")):
            text = str(item[key] or "")
            try:
                bounds.append(getattr(dates.parse(text, lang), side) if text else None)
            except dates.DateError as exc:
                found.error(Code.BAD_DATE, Loc("book.yaml", lines.get((*where, i, key), 0)), str(exc))
                bounds.append(None)
        if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
            found.error(
                Code.BAD_DATE,
                Loc("book.yaml", lines.get((*where, i, "to"), 0)),
                f"part `{item['title']}` ends ({item['to']}) before it begins ({item['from']}); swap them",
            )
        ranges.append(PartRange(item["title"] or "", bounds[0], bounds[1]))
    return "ranges", tuple(ranges)


def _indexes(given: Any, lines: dict, found: Collector) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``divisions.indexes``: (title, kinds) each; a kind in two indexes, or an index of
    no kind, is an error (an entry would be printed twice, or nowhere)."""
    out, seen = [], {}
    for i, item in enumerate(given):
        if not item or not item["title"]:
            continue
        where = Loc("book.yaml", lines.get(("divisions", "indexes", i), 0))
        if not item["kinds"]:
            found.error(Code.BAD_VALUE, where, f"index `{item['title']}` lists no kinds: give `kinds: [person, ...]`")
        for kind in item["kinds"]:
            if kind in seen:
                found.error(
                    Code.BAD_VALUE, where, f"kind `{kind}` is already in index `{seen[kind]}`: an entry is printed in one index"
                )
            seen[kind] = item["title"]
        out.append((item["title"], tuple(item["kinds"])))
    return tuple(out)


def _registers(root: Path, found: Collector) -> tuple[Entry, ...]:
    """The registers beside ``book.yaml`` (``persons.yaml``, ``places.yaml``,
    ``works.yaml``; each optional), their entries in file order.  An id is unique across
    all of them: a tag names an entry by id alone."""
    out: list[Entry] = []
    seen: dict[str, str] = {}
    for name in REGISTERS:
        data, lines = _yaml_file(root, name, found)
        if data is None:
            continue
        items = config.validate(data, config.Field("list", name, item=config.ENTRIES[name]), lines, name, found) or []
        for i, p in enumerate(items):
            if not p or not p["id"]:
                continue
            loc = Loc(name, lines.get((i,), 0))
            if p["id"] in seen:
                found.error(Code.DUPLICATE_ID, loc, f"id `{p['id']}` is already used in {seen[p['id']]}; ids must be unique")
            seen[p["id"]] = name
            out.append(
                Entry(
                    p["id"],
                    p["name"] or "",
                    p["sort"] or p["name"] or "",
                    loc,
                    p["kind"],
                    p["dates"],
                    p["note"],
                    p["wikidata"],
                    p["viaf"],
                    p["gnd"],
                    p["geonames"],
                    tuple(a for a in p["aliases"] if a),
                    tuple(x for x in p["see_also"] if x),
                )
            )
    for e in out:  # (ids of every register: checked once all are read)
        for other in e.see_also:
            if other == e.id:
                found.error(Code.BAD_VALUE, e.loc, f"`see_also` of `{e.id}` names the entry itself; name related entries")
            elif other not in seen:
                found.error(
                    Code.TAG_UNKNOWN,
                    e.loc,
                    f"`see_also` of `{e.id}` names `{other}`, which is not the id of an entry of {', '.join(REGISTERS)}",
                )
    return tuple(out)


def _glossary(root: Path, register: dict[str, str], found: Collector) -> tuple[GlossEntry, ...]:
    """``glossary.yaml`` (optional): its ids are unique beside the registers' too (a tag
    names either), and a ``ref`` names a register entry."""
    data, lines = _yaml_file(root, "glossary.yaml", found)
    if data is None:
        return ()
    items = config.validate(data, config.Field("list", "glossary", item=config.GLOSS), lines, "glossary.yaml", found) or []
    out: list[GlossEntry] = []
    seen: set[str] = set()
    for i, g in enumerate(items):
        if not g or not g["id"]:
            continue
        loc = Loc("glossary.yaml", lines.get((i,), 0))
        if g["id"] in seen or g["id"] in register:
            where = "glossary.yaml" if g["id"] in seen else "a register"
            found.error(Code.DUPLICATE_ID, loc, f"id `{g['id']}` is already used in {where}; ids must be unique")
        if g["ref"] and g["ref"] not in register:
            found.error(
                Code.TAG_UNKNOWN,
                Loc("glossary.yaml", lines.get((i, "ref"), loc.line)),
                f"`ref: {g['ref']}` is not the id of an entry of {', '.join(REGISTERS)}",
            )
        seen.add(g["id"])
        out.append(GlossEntry(g["id"], g["term"] or "", g["definition"] or "", loc, g["ref"]))
    return tuple(out)


def _yaml_file(root: Path, name: str, found: Collector) -> tuple[Any, dict]:
    """An optional YAML file of the manuscript: its data and line map, or (None, {})."""
    path = root / name
    if not path.exists():
        return None, {}
    text = read_text(path, name, found)
    if text is None:
        return None, {}
    try:
        return load_yaml(text, name, found)
    except YamlSyntaxError:
        return None, {}


def _output_intent(given: dict[str, Any], lines: dict, found: Collector) -> OutputIntent:
    """The print profile's output intent; its profile a plain file name (the build
    serves it from styles/icc/ or Ghostscript's profiles, never another folder)."""
    intent = OutputIntent(**{k: given[k] for k in ("profile", "identifier", "condition") if given.get(k)})
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.icc", intent.profile):
        found.error(
            Code.BAD_VALUE,
            Loc("book.yaml", lines.get(("print", "output_intent", "profile"), 0)),
            f"`print.output_intent.profile` is {intent.profile!r}: expected the file name of an ICC profile "
            "(e.g. ISOcoated_v2_eci.icc) in the book's styles/icc/ folder",
        )
        return OutputIntent()
    return intent


def _page(pr: dict[str, Any]) -> PageSpec:
    width, height, *margins = config.TRIMS[pr.get("trim") or "6x9in"]
    given = pr.get("margins") or {}
    top, bottom, inner, outer = (given.get(k) or m for k, m in zip(("top", "bottom", "inner", "outer"), margins, strict=True))
    bleed, caliper = pr.get("bleed") or "3mm", pr.get("paper_caliper") or "0.1mm"
    return PageSpec(width, height, top, bottom, inner, outer, bleed, bool(pr.get("crop_marks")), caliper)


def _notes_with_series(
    parsed: Any,
    series: dict[str, str],
    rel: str,
    found: Collector,
    whole: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[Note, ...]:
    """The file's notes with who wrote them (its header's ``notes:``, and ``letter_notes:``
    for the notes on the whole letter, listed in ``whole``)."""
    notes: list[Note] = parsed.notes
    lines = parsed.meta_lines
    out = []
    for note in notes:
        if not NOTE_LABEL.fullmatch(note.label):
            found.error(
                Code.BAD_NAME,
                note.loc,
                f"note label `{note.label}`: a label is letters, digits, - or _ (it becomes part of an id and a link)",
            )
        key = series.get(note.label)
        if not key:
            found.error(
                Code.NOTE_SERIES,
                note.loc,
                f"note `[^{note.label}]` says nobody wrote it: add `{note.label}: <series>` under `notes:` in the header",
            )
        out.append(Note(note.label, note.blocks, key or "", note.loc, whole=note.label in whole))
    defined = {n.label for n in notes} | parsed.uncalled
    for label in series:
        if label not in defined:
            found.error(
                Code.NOTE_UNDEFINED,
                Loc(rel, lines.get(("notes", label), 0)),
                f"the header names note `{label}`, which the text does not define",
            )
    return tuple(out)


def _division(root: Path, path: Path, ty: Typography, lang: str, found: Collector) -> Division | None:
    rel = _rel(root, path)
    text = read_text(path, rel, found)
    if text is None:
        return None
    parsed = parse_markdown(text, rel, found, ty, lang)
    if not parsed.meta_ok:
        return None
    d = config.validate(parsed.meta, config.top(config.DIVISION), parsed.meta_lines, rel, found)
    if d is None:
        return None
    notes = _notes_with_series(parsed, d["notes"], rel, found)
    return Division(d["id"] or "", d["title"] or "", tuple(parsed.blocks), notes, Loc(rel, 1), d["appends"])


def _parties(value: Any, key: str, lines: dict, rel: str, register: dict[str, Entry], found: Collector) -> tuple[Party, ...]:
    """``from``/``to``: one mapping or a list of them; a person or organisation that is an
    id of ``persons.yaml`` is printed with the register's name."""
    items = value if isinstance(value, list) else [value]
    if not items:
        found.error(Code.MISSING_KEY, Loc(rel, lines.get((key,), 0)), f"`{key}` lists nobody; name at least one party")
    out = []
    for i, item in enumerate(items):
        path = (key, i) if isinstance(value, list) else (key,)
        d = config.validate(item, config.PARTY, lines, rel, found, path)
        if d is None:
            continue
        ref = ""
        person, organisation = d["person"], d["organisation"]
        for name in (person, organisation):
            if name in register:
                ref = name
        if person in register:  # (a register entry without a name is persons.yaml's finding)
            person = register[person].name or person
        if organisation in register:
            organisation = register[organisation].name or organisation
        if not person and not organisation:
            found.error(
                Code.MISSING_KEY, Loc(rel, lines.get(path, 0)), f"each party in `{key}` needs a `person` or an `organisation`"
            )
        if d["author"] and key != "from":
            found.error(
                Code.BAD_VALUE,
                Loc(rel, lines.get((*path, "author"), lines.get(path, 0))),
                "`author` names who wrote the letter: it belongs in `from`, not in `to`",
            )
        out.append(Party(person, organisation, d["author"], ref))
    return tuple(out)


def _letter_date(value: Any, lang: str, loc: Loc, found: Collector) -> dates.LetterDate:
    """The header's ``date``: EDTF text; YAML reads ``1144`` as a number, which means the same."""
    if value in ("", None):
        return dates.undated(lang)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        found.error(Code.BAD_DATE, loc, f"`date` is {value!r}; expected an EDTF date such as 1947-07-12, 1130~ or 1130/1134")
        return dates.undated(lang)
    text = f"{value:04d}" if isinstance(value, int) else value
    try:
        return dates.parse(text, lang)
    except dates.DateError as exc:
        found.error(Code.BAD_DATE, loc, str(exc))
        return dates.undated(lang)


def _sort_key(x: Letter) -> tuple[Any, ...]:
    """Order: the earliest possible day (``before 1150``, which has none: its latest; an
    undated letter: the day its ``sort`` names as EDTF, else the end), then ``sort``
    (numbers, then words, then letters without one), then the file name."""
    day = x.date.key
    if day is None and x.sort:
        try:
            day = dates.parse(x.sort, "en").key
        except dates.DateError:
            day = None
    try:
        sort: tuple[int, Any] = (0, float(x.sort)) if x.sort else (2, "")
    except ValueError:
        sort = (1, x.sort)
    return (day is None, day or dt.date.min, sort, x.loc.path)


def markdown_files(root: Path, folder: str, found: Collector) -> list[Path]:
    """The Markdown files of the book's folder ``folder``, sorted by name; none, with a
    finding, when the folder is a link (it may lead out of the book: listing it would
    read outside the book)."""
    from ..theme import linked_folder

    if linked_folder(root, folder):
        found.error(Code.UNREADABLE, Loc(folder), f"`{folder}/` is a link to a folder; copy the files in instead")
        return []
    return sorted((root / folder).glob("*.md"))


def _letters(
    root: Path, folder: str, lang: str, ty: Typography, register: dict[str, Entry], found: Collector, appendix: bool = False
) -> tuple[Letter, ...]:
    letters = []
    for path in markdown_files(root, folder, found):
        rel = _rel(root, path)
        text = read_text(path, rel, found)
        if text is None:
            continue
        parsed = parse_markdown(text, rel, found, ty, lang)
        if not parsed.meta_ok:
            continue
        d = config.validate(parsed.meta, config.top(config.LETTER), parsed.meta_lines, rel, found)
        if d is None:
            continue
        loc = Loc(rel, 1)
        lines = parsed.meta_lines
        if not parsed.blocks:
            found.error(Code.EMPTY_LETTER, loc, "the letter has no text; write its paragraphs below the header")
        elif not any(b.part == "body" and not (isinstance(b, Section) and b.name == "headnote") for b in parsed.blocks):
            found.error(Code.EMPTY_LETTER, loc, "the letter has no body paragraphs outside `:::` parts")
        notes = _notes_with_series(parsed, {**d["notes"], **d["letter_notes"]}, rel, found, whole=set(d["letter_notes"]))
        letter_lang = d["language"] or lang
        senders = _parties(d["from"], "from", lines, rel, register, found)
        recipients = _parties(d["to"], "to", lines, rel, register, found)
        sort = d["sort"]
        if isinstance(sort, (list, dict, bool)):
            found.error(
                Code.BAD_VALUE,
                Loc(rel, lines.get(("sort",), 1)),
                f"`sort` is {sort!r}; expected a number, a word or an EDTF date",
            )
            sort = ""
        letters.append(
            Letter(
                id=d["id"] or "",
                heading=d["heading"] or "",
                senders=senders,
                recipients=recipients,
                place=d["place"] or "",
                date=_letter_date(d["date"], lang, Loc(rel, lines.get(("date",), 1)), found),
                date_as_written=d["date_as_written"] or "",
                language=letter_lang,
                source=d["source"] or "",
                blocks=tuple(parsed.blocks),
                notes=notes,
                loc=loc,
                appendix=appendix,
                short_heading=d["short_heading"] or "",
                place_as_written=d["place_as_written"] or "",
                source_detail=d["source_detail"] or "",
                sort="" if sort in (None, "") else str(sort),
                heading_calls=tuple(NoteRef(n.label, n.loc) for n in notes if n.whole),
                key_lines=tuple(sorted((str(k[0]), line) for k, line in lines.items() if len(k) == 1)),
                from_names=dates.join_names([p.name for p in senders], lang),
                to_names=dates.join_names([p.name for p in recipients], lang),
            )
        )
    letters.sort(key=_sort_key)
    return tuple(letters)


def _emendations(root: Path, found: Collector) -> tuple[Emendation, ...]:
    path = root / "emendations.yaml"
    if not path.exists():
        return ()
    text = read_text(path, "emendations.yaml", found)
    if text is None:
        return ()
    try:
        data, lines = load_yaml(text, "emendations.yaml", found)
    except YamlSyntaxError:
        return ()
    if data is None:
        return ()
    spec = config.Field("list", "corrections", item=config.EMENDATION)
    items = config.validate(data, spec, lines, "emendations.yaml", found) or []
    for i, e in enumerate(items):
        if e and isinstance(e["original"], str) and not e["original"].strip():
            found.error(
                Code.EMENDATION_EMPTY,
                Loc("emendations.yaml", lines.get((i, "original"), 0)),
                "an empty `original` corrects nothing; quote the source's reading",
            )
    return tuple(
        Emendation(e["where"], e["original"], e["corrected"], e["reason"], e["date"], Loc("emendations.yaml", lines.get((i,), 0)))
        for i, e in enumerate(items)
        if e and e["where"] and (e["original"] or "").strip() and e["corrected"] is not None
    )


#: A note's label (``[^label]``): it becomes part of the note's HTML id and of links.
NOTE_LABEL = re.compile(r"[^\W]([\w-]{0,63})")

#: Note calls one paragraph may hold when notes are footnotes: WeasyPrint 70 lays out 60
#: short footnotes of one paragraph and fails (an assertion, after a long layout) on 100.
MAX_CALLS_PER_PARAGRAPH = 60

#: Ids the book's own documents and elements use (EPUB documents, the print HTML's
#: divisions): a letter or division may not take them.
RESERVED_IDS = frozenset(
    {
        "cover",
        "titlepage",
        "title-page",
        "half-title",
        "colophon",
        "contents",
        "toc",
        "toc-title",
        "nav",
        "landmarks",
        "page-list",
        "letters",
        "appendix",
        "notes",
        "sources",
        "content",
        "emendations",
        "calendar",
        "index",
        "persons",
        "glossary",
    }
)
RESERVED_PREFIXES = ("part-", "index-", "ix-", "calendar-", "person-", "gloss-")


def _cross_checks(book: Book, found: Collector, check_config: bool = True, check_refs: bool = True) -> None:
    """Checks that need the whole book: ids, references, sources, authors, series, dates, note use."""
    if book.settings.notes_print == "footnotes":
        for item in (*book.front, *book.all_letters):
            for para in paragraphs(item.blocks):
                calls = sum(isinstance(n, NoteRef) for n in inline_nodes([para]))
                if calls > MAX_CALLS_PER_PARAGRAPH:
                    found.error(
                        Code.TOO_MANY_NOTES,
                        para.loc,
                        f"{calls} note calls in one paragraph: footnotes for more than {MAX_CALLS_PER_PARAGRAPH} cannot be "
                        "laid out on its pages; split the paragraph, or set `notes.print: endnotes` in book.yaml",
                    )
    if check_config and not markdown_files(Path(book.root), "letters", refused := Collector()) and not refused.items:
        found.error(Code.EMPTY_LETTER, Loc("letters", 0), "the book has no letters: put one Markdown file per letter in letters/")
    seen: dict[str, Loc] = {}
    for item in (*book.front, *book.all_letters):
        where = item.at("id") if isinstance(item, Letter) else item.loc
        if item.id.lower() in RESERVED_IDS or item.id.lower().startswith(RESERVED_PREFIXES):
            found.error(Code.BAD_NAME, where, f"id `{item.id}` is a name the book's own documents use; choose another")
        elif item.id.lower() in seen:  # (file names that differ in case only clash on many disks)
            found.error(
                Code.DUPLICATE_ID, where, f"id `{item.id}` is already used by {seen[item.id.lower()]}; ids must be unique"
            )
        else:
            seen[item.id.lower()] = item.loc
    sources = {s.id for s in book.meta.sources}
    people = {c.id for c in book.meta.contributors}
    series = {s.key for s in book.settings.note_series}
    targets = target_ids(book)
    entries = {e.id: e.kind for e in book.register} | {g.id: "" for g in book.glossary}
    unread_registers = any(d.loc.path in (*REGISTERS, "glossary.yaml") for d in found.errors)  # (their ids may be missing)
    for item in (*book.front, *book.all_letters) if check_refs else ():
        for node in inline_nodes((*item.blocks, *(b for n in item.notes for b in n.blocks))):
            if isinstance(node, CrossRef) and node.target not in targets:
                found.error(Code.XREF_UNKNOWN, node.loc, f"`#{node.target}` is not the id of a letter or division of this book")
            elif isinstance(node, Mention) and entries.get(node.ref) and node.entry_kind not in ("", entries[node.ref]):
                found.error(
                    Code.BAD_ATTRIBUTE,
                    node.loc,
                    f"the tag says `.{node.entry_kind}`, but `{node.ref}` is a {entries[node.ref]} in its register; "
                    "correct one of them",
                )
            elif isinstance(node, Mention) and node.ref not in entries and not unread_registers:
                near = difflib.get_close_matches(node.ref, sorted(entries), 1)
                found.error(
                    Code.TAG_UNKNOWN,
                    node.loc,
                    f"`ref={node.ref}` is not the id of an entry of {', '.join(REGISTERS)} or glossary.yaml"
                    + (f"; did you mean `{near[0]}`?" if near else "; add the entry to its register"),
                )
    if not check_config:
        return
    for letter in book.all_letters:
        if letter.source and letter.source not in sources:
            found.error(
                Code.BAD_VALUE,
                letter.at("source"),
                f"source `{letter.source}` is not among book.yaml's sources ({', '.join(sorted(sources)) or 'none'})",
            )
        for party in (*letter.senders, *letter.recipients):
            if party.author and party.author not in people:
                side = "from" if party in letter.senders else "to"
                found.error(Code.BAD_VALUE, letter.at(side), f"author `{party.author}` is not a contributor in book.yaml")
        if book.settings.lint_closing and not letter.parts("valediction", "signature"):
            found.warning(
                Code.NO_CLOSING,
                letter.loc,
                "the letter has neither `::: valediction` nor `::: signature`; mark its closing if it has one",
            )
        datelines = " ".join(_plain(b) for b in letter.parts("dateline"))
        if letter.date_as_written and letter.date_as_written not in datelines:
            found.error(
                Code.DATE_MISMATCH,
                letter.at("date_as_written"),
                f"`date_as_written: {letter.date_as_written}` does not appear in the letter's dateline ({datelines or 'none'})",
            )
    ranges = book.settings.part_ranges
    for letter in book.letters if ranges else ():
        day = letter.date.key
        if day and not any((r.start is None or day >= r.start) and (r.end is None or day <= r.end) for r in ranges):
            found.error(
                Code.BAD_VALUE,
                letter.at("date"),
                f"the letter's date ({letter.date.text}) falls in none of the parts given under `divisions.parts` in book.yaml",
            )
    # A note defined but never called is found while parsing (the footnote plugin drops it).
    for item in (*book.front, *book.all_letters):
        for note in item.notes:
            if note.series and note.series not in series:
                found.error(
                    Code.NOTE_SERIES, note.loc, f"note series `{note.series}` is not defined under notes.series in book.yaml"
                )
            if not any(_plain(b).strip() for b in note.blocks):
                found.error(Code.NOTE_EMPTY, note.loc, f"note `[^{note.label}]` is empty; write its text or remove it")
