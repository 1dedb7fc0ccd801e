"""Step 3: ``Book`` -> HTML, through the Jinja2 templates in ``templates/``.

In: a transformed ``Book``.  Out: one HTML document for the PDF (``print_html``) and one
XHTML document per division or letter for the EPUB (``epub_documents``), plus the EPUB's
navigation document.  The environment is strict: a template that names a missing value
fails with the template's file and line instead of printing nothing.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import Namespace

from ..dates import join_names, long_date
from ..diagnostics import Code, Collector, ManuscriptError
from ..languages import right_to_left
from ..model import Book, LineBreak, Loc, NoteRef
from ..transforms.xrefs import ENDNOTES_DOC
from ..walk import all_blocks, inline_nodes, walk_inlines


@dataclass(frozen=True)
class Document:
    """An EPUB content document: file name, title, XHTML text, landmark type (or "")."""

    name: str
    title: str
    html: str
    landmark: str = ""
    toc: bool = True
    rendered: bool = True  # False: taken from the build cache


#: The longest one template may take to render, in seconds (``PUBLISH_TEMPLATE_SECONDS``):
#: the theme's templates render a 1,500-page book in about a second.
TEMPLATE_SECONDS = 60.0
#: The most characters (or items) a template's ``*``, ``+``, ``%`` and ``**`` may make.
MAX_PRODUCT = 1_000_000

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=float("inf"))


class TemplateTooCostly(SecurityError):
    """A template ran past its time or asked for a value too large."""


def _template_seconds() -> float:
    from ..limits import seconds_from

    return seconds_from("PUBLISH_TEMPLATE_SECONDS", TEMPLATE_SECONDS)


def _size(value: Any) -> int:
    """What a value weighs for the sandbox's bounds: a string's length, a list's
    strings' lengths (others count one), a number's digits."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(len(v) if isinstance(v, str) else 1 for v in value) or 1
    if isinstance(value, int):
        return max(1, value.bit_length() // 3)
    return 1


def _in_time() -> None:
    if time.monotonic() > _deadline.get():
        raise TemplateTooCostly(f"it ran longer than {_template_seconds():g} s (PUBLISH_TEMPLATE_SECONDS sets the bound)")


class _Range:
    """Jinja's sandboxed ``range`` (at most 100,000 items), looking at the render's
    deadline every 1,024 items: loops inside loops stop in time."""

    def __init__(self, *args: int):
        self.items = safe_range(*args)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        for item in self.items:
            _in_time()
            yield item

    def __reversed__(self) -> Any:
        return reversed(self.items)

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __contains__(self, item: Any) -> bool:
        return item in self.items


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, bounded in time and size (its own bounds ``range``
    only): each attribute or item read, each call and each item of ``range`` looks at
    the render's deadline (in the main thread a timer stops it anyway: ``render_template``),
    and ``*``, ``+``, ``%`` and ``**`` may not make values over ``MAX_PRODUCT``.  A
    template from a manuscript is untrusted input (README, "Trust model")."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _in_time()
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            weight = abs(right) * _size(left)
        elif operator == "*" and isinstance(left, int) and isinstance(right, int):
            weight = _size(left) + _size(right)
        elif operator == "*":
            times = right if isinstance(right, int) else left if isinstance(left, int) else 1
            weight = _size(left if times is right else right) * abs(times)
        elif operator == "+":
            weight = _size(left) + _size(right)
        else:  # "%": the widths and precisions a format string asks for
            asked = re.findall(r"%[-#0 +]*(\d*)(?:\.(\d*))?", str(left))
            weight = _size(left) + sum(int(n) for width, precision in asked for n in (width, precision) if n)
        if weight > MAX_PRODUCT:
            raise TemplateTooCostly(f"`{operator}` would make a value of about {weight:,} characters")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _in_time()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _in_time()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's own signature)
        _in_time()
        _not_too_large(*args, *kwargs.values())  # (a macro calling itself with its argument doubled)
        return super().call(__context, __obj, *args, **kwargs)


def _not_too_large(*values: Any) -> None:
    for value in values:
        if _size(value) > MAX_PRODUCT:
            raise TemplateTooCostly(f"a value of about {_size(value):,} characters is too large")


class _Namespace(Namespace):
    """Jinja's ``namespace()`` (the one state a loop can carry from one pass to the
    next), whose values may not grow past ``MAX_PRODUCT``."""

    def __setitem__(self, name: str, value: Any) -> None:
        _in_time()
        _not_too_large(value)
        super().__setitem__(name, value)


class _LayerLoader(jinja2.BaseLoader):
    """Templates from the layers in order (``theme.layer_file``: a template that is a link
    to a file outside its folder, a pipe or a device is not found); names with ``..``
    are refused by Jinja's own ``split_template_path``."""

    def __init__(self, layers: tuple[Path, ...]):
        self.layers = layers

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        from jinja2.loaders import split_template_path

        from ..theme import layer_file

        name = "/".join(split_template_path(template))
        for layer in self.layers:
            path = layer_file(layer, name)
            if path is not None:
                seen = _stamp(path)
                return path.read_text(encoding="utf-8"), str(path), lambda found=(path, seen): self._found(name) == found
        raise jinja2.TemplateNotFound(template)

    def _found(self, name: str) -> tuple[Path, tuple[int, int]] | None:
        """The file the name finds now, and its stamp: Jinja's test that a compiled
        template is up to date (one added to an earlier layer, or edited, is not)."""
        from ..theme import layer_file

        for layer in self.layers:
            path = layer_file(layer, name)
            if path is not None:
                return path, _stamp(path)
        return None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


#: The environments of the last few tuples of template folders, kept for the process
#: (``publish watch`` rebuilds in one; compiling the templates took half of an EPUB
#: rebuild there): Jinja keeps its compiled templates, and compiles one again when the
#: loader says it is out of date.
_ENVIRONMENTS: dict[tuple[Path, ...], jinja2.Environment] = {}
_KEPT_ENVIRONMENTS = 4
_ENVIRONMENTS_LOCK = threading.Lock()  # (a catalogue builds its titles in threads)


def environment(templates: tuple[Path, ...]) -> jinja2.Environment:
    """The templates, looked up in ``templates`` in order (the book's, then the theme's),
    run in Jinja's immutable sandbox: a template reads the model, never Python's internals
    (and within time and size bounds: ``_BoundedSandbox``).  One environment per folders
    and process (``_ENVIRONMENTS``)."""
    key = tuple(Path(t).resolve() for t in templates)
    with _ENVIRONMENTS_LOCK:
        env = _ENVIRONMENTS.pop(key, None) or _new_environment(templates)
        _ENVIRONMENTS[key] = env  # (the last used last)
        while len(_ENVIRONMENTS) > _KEPT_ENVIRONMENTS:
            del _ENVIRONMENTS[next(iter(_ENVIRONMENTS))]
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates in the per-user cache (``usercache.folder``), so that a
    run compiles a template only when its source is new: compiling the theme's took a
    fifth of an EPUB-only build (0.2 s of Jinja's code generation in each process).

    Jinja finds an entry by the template's name and file and takes it only when the
    source's checksum and Python's version are those it was compiled from.  The folder is
    named by a digest of Jinja's version and of publish's code (``cache.code_digest``):
    the sandbox (``_BoundedSandbox``: the operators it intercepts) and the environment's
    options shape the code Jinja generates, and its optimiser may call a filter (ours:
    ``longdate``) on constants while compiling; a template is never run as compiled by
    other code.  The newest ``KEEP`` entries of a folder are kept, and the newest
    ``KEEP_FOLDERS`` folders.  An entry that does not read is compiled again; a folder
    that cannot be written keeps nothing."""

    KEEP = 400
    KEEP_FOLDERS = 3

    def __init__(self, key: str) -> None:
        from ..usercache import folder

        super().__init__(str(folder("templates") / key))

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:  # (not a file, unreadable)
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        from ..usercache import keep_newest

        try:
            here = Path(self.directory)
            here.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
            keep_newest(here.glob("*.cache"), self.KEEP)
            keep_newest((p for p in here.parent.iterdir() if p.is_dir()), self.KEEP_FOLDERS)
        except OSError:  # (a read-only home: the next run compiles again)
            pass


def _compiled_templates() -> _CompiledTemplates | None:
    """The bytecode cache for a new environment; none when publish's code cannot be read
    for its digest."""
    import hashlib

    from ..cache import code_digest, package_version

    try:
        code = code_digest()
    except OSError:
        return None
    return _CompiledTemplates(hashlib.sha256(f"{package_version('jinja2')}\0{code}".encode()).hexdigest()[:16])


def _new_environment(templates: tuple[Path, ...]) -> jinja2.Environment:
    env = _BoundedSandbox(
        loader=_LayerLoader(templates),
        bytecode_cache=_compiled_templates(),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["range"] = _Range
    env.globals["namespace"] = _Namespace
    env.filters["longdate"] = long_date
    env.filters["verse_lines"] = verse_lines
    env.globals["running_head"] = running_head
    env.globals["role_credits"] = role_credits
    env.globals["rtl"] = right_to_left
    from ..fonts import NOTICE

    env.globals["font_notice"] = NOTICE
    env.globals["notes_first_called_in"] = notes_first_called_in
    env.globals["endnotes_doc"] = ENDNOTES_DOC
    from ..languages import language_name

    env.globals["language_name"] = language_name
    return env


def role_credits(book: Any) -> list[tuple[str, str]]:
    """The title page's and cover's lines after the authors: (role, "Edited by A and B"),
    for each role of ``config.CREDITED_ROLES`` someone has; labels from ``book.yaml``."""
    from ..config import CREDITED_ROLES

    lines = []
    for role, key in CREDITED_ROLES.items():
        names = [c.name for c in book.meta.by_role(role)]
        if names:
            lines.append((role, f"{book.settings.label(key)} {join_names(names, book.meta.language)}"))
    return lines


def running_head(letter: Any, lang: str) -> str:
    """A letter's recto running head: its ``short_heading``, else its correspondents by
    the short form of their names (the name before its first ", " or " of ": "Bernard of
    Clairvaux" -> "Bernard") and the year form of its date.  print.css still ends a head
    too long for one line with an ellipsis."""
    if letter.short_heading:
        return letter.short_heading

    def names(parties: tuple[Any, ...]) -> str:
        return join_names([re.split(r",\s| of ", p.name, maxsplit=1)[0] for p in parties], lang)

    head = names(letter.senders) if letter.appendix else f"{names(letter.senders)} to {names(letter.recipients)}"
    return f"{head}, {letter.date.short}" if letter.date.short else head


def verse_lines(children: tuple[Any, ...]) -> list[list[Any]]:
    """A stanza's inline nodes split into its lines (at its ``LineBreak`` nodes)."""
    lines: list[list[Any]] = [[]]
    for node in children:
        if isinstance(node, LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    return lines


def notes_first_called_in(block: Any, item: Any) -> list[Any]:
    """The notes of ``item`` whose first call is in ``block``: they follow it in the EPUB."""
    ids = [n.note_id for n in inline_nodes([block]) if isinstance(n, NoteRef) and n.call == 1]
    return [note for i in ids for note in item.notes if note.id == i]


def render_template(env: jinja2.Environment, name: str, **ctx: Any) -> str:
    """Template ``name`` rendered; a template's error is a finding with its file and line."""
    from ..limits import alarm

    seconds = _template_seconds()
    deadline = _deadline.set(time.monotonic() + seconds)
    try:
        with alarm(
            seconds, lambda: TemplateTooCostly(f"it ran longer than {seconds:g} s (PUBLISH_TEMPLATE_SECONDS sets the bound)")
        ):
            return env.get_template(name).render(**ctx)
    except TemplateTooCostly as exc:
        # The timer repeats (limits.alarm): a repeat may land while Jinja is still
        # handling the first, outside the template's frames; the first says where.
        first: BaseException = exc
        while isinstance(first.__context__, TemplateTooCostly):
            first = first.__context__
        line = _template_line(first, env)
        raise ManuscriptError([_finding(line[0] or name, line[1], f"the template is too costly: {exc}")]) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ManuscriptError([_finding(exc.filename or name, exc.lineno, f"template syntax error: {exc.message}")]) from exc
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, env)
        raise ManuscriptError(
            [_finding(line[0] or name, line[1], f"the template refers to a missing value: {exc.message}")]
        ) from exc
    except SecurityError as exc:  # the sandbox: a template may read the model, nothing else
        line = _template_line(exc, env)
        raise ManuscriptError([_finding(line[0] or name, line[1], f"the template reaches outside the book: {exc}")]) from exc
    except Exception as exc:  # a template's own error (1/0, an include not found, endless recursion)
        line = _template_line(exc, env)
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise ManuscriptError([_finding(line[0] or name, line[1], f"the template fails: {what}")]) from exc
    finally:
        _deadline.reset(deadline)


def _template_line(exc: BaseException, env: jinja2.Environment) -> tuple[str, int]:
    """The innermost template file and line in ``exc``'s traceback.  Jinja rewrites a
    traceback to template lines; one it has not rewritten yet (see ``render_template``)
    holds the compiled module's frames, whose lines the template maps back."""
    tb = exc.__traceback__
    found = ("", 0)
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(".j2"):
            template = frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(tb.tb_lineno) if template is not None else tb.tb_lineno
            found = (frame.f_code.co_filename, line)
        tb = tb.tb_next
    return found


def _finding(path: str, line: int, message: str) -> Any:
    found = Collector()
    found.error(Code.TEMPLATE, Loc(path, line), message)
    return found.items[0]


def context(book: Book, created: dt.datetime) -> dict[str, Any]:
    from ..index import glossary, indexes, persons

    people, terms = persons(book), glossary(book)
    return {
        "book": book,
        "meta": book.meta,
        "settings": book.settings,
        "created": created,
        "layout_classes": {},
        "page_marks": {},
        "index_groups": indexes(book),
        "persons_entries": people,
        "glossary_entries": terms,
        "mention_href": _mention_links(people, terms),
        "record_mention": lambda mention_id: "",
    }


def _mention_links(people: Any, terms: Any) -> Any:
    """The EPUB link of a tagged mention: its glossary entry (one that names it, or
    stands for its register entry), else its line in the register of persons; none
    when the mention holds a link of its own (a note call, a cross-reference)."""
    from ..model import CrossRef

    glossed = {g.ref: g.id for g in terms if g.ref} | {g.id: g.id for g in terms}
    listed = {e.id for e in people}

    def href(mention: Any) -> str:
        if any(isinstance(n, (NoteRef, CrossRef)) for n in walk_inlines(mention.children)):
            return ""
        if mention.ref in glossed:
            return f"glossary.xhtml#gloss-{glossed[mention.ref]}"
        return f"persons.xhtml#person-{mention.ref}" if mention.ref in listed else ""

    return href


@dataclass(frozen=True)
class LayoutFixes:
    """What a layout teaches the next: the endnotes' running heads (note id -> "Notes to
    pages x–y"), the role of each index locator (locator id -> ``first``, ``next``,
    ``to`` or ``skip``: see ``index.roles``), and classes for paragraphs the engine set
    badly (paragraph id -> class): ``note-break`` where a footnote did not land on the
    page of its call even so (see ``writers/engine.py``)."""

    endnote_heads: tuple[tuple[str, str], ...] = ()
    classes: tuple[tuple[str, str], ...] = ()
    index_roles: tuple[tuple[str, str], ...] = ()


def print_html(book: Book, env: jinja2.Environment, created: dt.datetime, fixes: LayoutFixes = LayoutFixes()) -> str:
    """The HTML both PDF profiles are laid out from (once: see ``writers/inks.py``);
    ``fixes``: learnt from an earlier layout.  The
    index's locators come in the order their mentions come in this HTML, recorded as
    the template renders them (the order of their pages: see ``index.py``)."""
    ctx = context(book, created)
    order: dict[str, int] = {}

    def record(mention_id: str) -> str:
        order.setdefault(mention_id, len(order))
        return ""

    def in_print_order(locators: Any) -> list[Any]:
        return sorted(locators, key=lambda loc: order.get(loc.mention, len(order)))

    ctx.update(
        endnote_heads=dict(fixes.endnote_heads),
        layout_classes=dict(fixes.classes),
        index_roles=dict(fixes.index_roles),
        record_mention=record,
        in_print_order=in_print_order,
    )
    return render_template(env, "pdf/book.html.j2", **ctx)


def epub_documents(
    book: Book,
    env: jinja2.Environment,
    created: dt.datetime,
    page_marks: dict[str, list[str]] | None = None,
    cover_alt: str | None = None,
    cache: Any = None,
    templates_key: str = "",
    locations: dict[str, str] | None = None,
) -> list[Document]:
    """One XHTML document per division, part and letter.

    ``page_marks``: element id -> folios of the print pages that begin at its start;
    ``cover_alt``: the cover image's text alternative (None: no cover page);
    ``locations``: the folio the print layout put each id on (the index's locators),
    None without a layout;
    ``cache``: a ``BuildCache``: a letter whose inputs (the letter, the book's metadata
    and settings, its page marks, the templates) are unchanged is not rendered again.
    Other documents depend on the whole book and are keyed by it.
    """
    from ..cache import digest

    marks = page_marks or {}
    ctx = context(book, created)
    ctx["page_marks"] = marks
    docs: list[Document] = []

    def add(
        doc: str, heading: str, template: str, inputs: tuple[Any, ...], landmark: str = "", toc: bool = True, **extra: Any
    ) -> None:
        key = digest(templates_key, doc, template, created, *inputs) if cache is not None else ""
        cached = cache.get("xhtml", key) if cache is not None else None
        if cached is None:
            html = render_template(env, template, **extra, **ctx)
            if cache is not None:
                cache.put("xhtml", key, html.encode("utf-8"))
        else:
            html = cached.decode("utf-8")
        docs.append(Document(doc, heading, html, landmark, toc, rendered=cached is None))

    base = (book.meta, book.settings, book.register, book.glossary)  # (a mention links to the glossary, the persons)

    def own_marks(*ids: str) -> list[tuple[str, list[str]]]:
        return sorted((k, v) for k, v in marks.items() if k in ids)

    from ..index import back_matter_places

    places = back_matter_places(book)

    def doc_marks(doc: str) -> list[tuple[str, list[str]]]:  # (the back matter's documents)
        return own_marks(*(k for k, d in places.items() if d == doc))

    def item_marks(x: Any) -> list[tuple[str, list[str]]]:
        ids = {x.id, *(b.id for b in all_blocks(x.blocks))}
        return own_marks(*ids, *(n.id for n in x.notes), *(f"emendation-{i}" for i in range(1, len(book.emendations) + 1)))

    def letter(x: Any) -> None:
        add(x.doc, x.heading, "epub/letter.xhtml.j2", (*base, x, item_marks(x)), letter=x)

    def part(name: str, title: str, letters: tuple[Any, ...], landmark: str = "", kind: str = "") -> None:
        add(
            f"{name}.xhtml",
            title,
            "epub/part.xhtml.j2",
            (*base, own_marks(name)),
            landmark,
            part=name,
            title=title,
            kind=kind or name,
        )
        for x in letters:
            letter(x)

    # What each document shows decides its key: a correction in one letter re-renders
    # that letter (and the documents whose page markers it moved), not the others.
    if cover_alt is not None:
        add("cover.xhtml", "Cover", "epub/cover.xhtml.j2", (*base, cover_alt), "cover", toc=False, cover_alt=cover_alt)
    add(
        "titlepage.xhtml",
        "Title Page",
        "epub/titlepage.xhtml.j2",
        (*base, own_marks("half-title", "title-page")),
        "titlepage",
        toc=False,
    )
    first = [(x.id, x.number, x.date.text) for x in book.letters[:1]]  # (how to cite a letter: the first)
    add(
        "colophon.xhtml",
        "Colophon",
        "epub/colophon.xhtml.j2",
        (*base, book.revision, first, own_marks("colophon")),
        "",
        toc=False,
    )
    headings = [
        (x.id, getattr(x, "heading", ""), getattr(x, "title", ""), getattr(x, "date", None))
        for x in (*book.front, *book.all_letters)
    ]
    for i, d in enumerate(book.front):
        inputs = (*base, d, book.emendations, headings, item_marks(d))
        add(d.doc, d.title, "epub/division.xhtml.j2", inputs, "frontmatter" if i == 0 else "", division=d)
    part("letters", book.settings.correspondence_title, (), "bodymatter")
    for group in book.groups:
        if group.id:
            part(group.id, group.title, group.letters, kind="year")
        else:
            for x in group.letters:
                letter(x)
    if book.appendix:
        part("appendix", book.settings.appendix_title, book.appendix, "appendix")
    if book.settings.calendar and book.all_letters:
        rows = [
            (x.id, x.number, x.date_as_written, x.date.text, x.place, x.from_names, x.to_names, x.language, x.heading)
            for x in book.all_letters
        ]
        add(
            "calendar.xhtml",
            book.settings.label("calendar"),
            "epub/calendar.xhtml.j2",
            (*base, rows, doc_marks("calendar.xhtml")),
        )
    if ctx["persons_entries"]:
        add("persons.xhtml", book.settings.label("persons"), "epub/persons.xhtml.j2", (*base, doc_marks("persons.xhtml")))
    if ctx["glossary_entries"]:
        inputs = (*base, doc_marks("glossary.xhtml"))
        add("glossary.xhtml", book.settings.label("glossary"), "epub/glossary.xhtml.j2", inputs, "glossary")
    if book.settings.sources_list:
        add("sources.xhtml", book.settings.label("sources"), "epub/sources.xhtml.j2", (*base, own_marks("sources")), "")
    if book.settings.notes_epub == "endnotes" and any(x.notes for x in (*book.front, *book.all_letters)):
        whole = (book, sorted(marks.items()))
        add(ENDNOTES_DOC, book.settings.notes_title, "epub/notes.xhtml.j2", whole, "endnotes")
    from ..index import all_lines, epub_locators

    for i, group in enumerate(ctx["index_groups"]):
        shown = [[(loc.mention, label, sep) for loc, label, sep in epub_locators(line, locations)] for line in all_lines([group])]
        add(
            f"{group.id}.xhtml",
            group.title,
            "epub/index.xhtml.j2",
            (*base, group, shown, doc_marks(f"{group.id}.xhtml")),
            "index" if i == 0 else "",
            group=group,
            epub_locators=lambda line: epub_locators(line, locations),
        )
    return docs


def epub_nav(
    book: Book,
    env: jinja2.Environment,
    docs: list[Document],
    created: dt.datetime,
    page_list: list[tuple[str, str]] = (),  # type: ignore[assignment]
    page_marks: dict[str, list[str]] | None = None,
) -> str:
    ctx = context(book, created)
    ctx.update(docs=docs, page_list=list(page_list), page_marks=page_marks or {})
    return render_template(env, "epub/nav.xhtml.j2", **ctx)
