"""Step 3: ``Book`` -> HTML, through the Jinja2 templates in ``templates/``.

In: a transformed ``Book``.  Out: one HTML document for the PDF (``print_html``) and one
XHTML document per division or letter for the EPUB (``epub_documents``), plus the EPUB's
navigation document.  The environment is strict: a template that names a missing value
fails with the template's file and line instead of printing nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..diagnostics import Code, Collector, ManuscriptError
from ..model import Book, Loc, NoteRef
from ..transforms.xrefs import ENDNOTES_DOC
from ..walk import inline_nodes


@dataclass(frozen=True)
class Document:
    """An EPUB content document: file name, title, XHTML text, landmark type (or "")."""

    name: str
    title: str
    html: str
    landmark: str = ""
    toc: bool = True


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.globals["notes_first_called_in"] = notes_first_called_in
    env.globals["endnotes_doc"] = ENDNOTES_DOC
    return env


def longdate(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def notes_first_called_in(block: Any, item: Any) -> list[Any]:
    """The notes of ``item`` whose first call is in ``block``: they follow it in the EPUB."""
    ids = [n.note_id for n in inline_nodes([block]) if isinstance(n, NoteRef) and n.call == 1]
    return [note for i in ids for note in item.notes if note.id == i]


def _render(env: jinja2.Environment, name: str, **ctx: Any) -> str:
    try:
        return env.get_template(name).render(**ctx)
    except jinja2.TemplateSyntaxError as exc:
        raise ManuscriptError([_finding(exc.filename or name, exc.lineno, f"template syntax error: {exc.message}")]) from exc
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, env)
        raise ManuscriptError(
            [_finding(line[0] or name, line[1], f"the template refers to a missing value: {exc.message}")]
        ) from exc


def _template_line(exc: BaseException, env: jinja2.Environment) -> tuple[str, int]:
    tb = exc.__traceback__
    found = ("", 0)
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(".j2"):
            found = (frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _finding(path: str, line: int, message: str) -> Any:
    found = Collector()
    found.error(Code.TEMPLATE, Loc(path, line), message)
    return found.items[0]


def context(book: Book, created: dt.datetime) -> dict[str, Any]:
    return {
        "book": book,
        "meta": book.meta,
        "settings": book.settings,
        "created": created,
        "no_hyphens": frozenset(),
        "page_marks": {},
    }


@dataclass(frozen=True)
class LayoutFixes:
    """What a first layout teaches the next: the endnotes' running heads (note id ->
    "Notes to pages x–y") and the paragraphs to set without hyphenation because the
    engine hyphenated more than two lines in a row there."""

    endnote_heads: tuple[tuple[str, str], ...] = ()
    no_hyphens: frozenset[str] = frozenset()


def print_html(
    book: Book, env: jinja2.Environment, created: dt.datetime, profile: str = "digital", fixes: LayoutFixes = LayoutFixes()
) -> str:
    """``profile``: digital or print; ``fixes``: learnt from an earlier layout."""
    ctx = context(book, created)
    ctx.update(profile=profile, endnote_heads=dict(fixes.endnote_heads), no_hyphens=fixes.no_hyphens)
    return _render(env, "pdf/book.html.j2", **ctx)


def epub_documents(
    book: Book,
    env: jinja2.Environment,
    created: dt.datetime,
    page_marks: dict[str, list[str]] | None = None,
    cover_alt: str | None = None,
) -> list[Document]:
    """``page_marks``: element id -> folios of the print pages that begin at its start;
    ``cover_alt``: the cover image's text alternative (None: no cover page)."""
    ctx = context(book, created)
    ctx["page_marks"] = page_marks or {}
    docs = (
        []
        if cover_alt is None
        else [
            Document("cover.xhtml", "Cover", _render(env, "epub/cover.xhtml.j2", cover_alt=cover_alt, **ctx), "cover", toc=False)
        ]
    )
    docs += [
        Document("titlepage.xhtml", "Title Page", _render(env, "epub/titlepage.xhtml.j2", **ctx), "titlepage", toc=False),
        Document("colophon.xhtml", "Colophon", _render(env, "epub/colophon.xhtml.j2", **ctx), "", toc=False),
    ]
    for i, d in enumerate(book.front):
        docs.append(
            Document(d.doc, d.title, _render(env, "epub/division.xhtml.j2", division=d, **ctx), "frontmatter" if i == 0 else "")
        )

    def part(name: str, title: str, letters: tuple[Any, ...], landmark: str = "", kind: str = "") -> None:
        page = _render(env, "epub/part.xhtml.j2", part=name, title=title, kind=kind or name, **ctx)
        docs.append(Document(f"{name}.xhtml", title, page, landmark))
        docs.extend(Document(x.doc, x.heading, _render(env, "epub/letter.xhtml.j2", letter=x, **ctx)) for x in letters)

    part("letters", book.settings.correspondence_title, (), "bodymatter")
    for group in book.groups:
        if group.id:
            part(group.id, group.title, group.letters, kind="year")
        else:
            docs.extend(Document(x.doc, x.heading, _render(env, "epub/letter.xhtml.j2", letter=x, **ctx)) for x in group.letters)
    if book.appendix:
        part("appendix", book.settings.appendix_title, book.appendix, "appendix")
    if book.settings.notes_epub == "endnotes" and any(x.notes for x in (*book.front, *book.all_letters)):
        docs.append(Document(ENDNOTES_DOC, book.settings.notes_title, _render(env, "epub/notes.xhtml.j2", **ctx), "endnotes"))
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
    return _render(env, "epub/nav.xhtml.j2", **ctx)
