"""A manuscript Markdown file -> front matter, blocks and notes of the model.

In: the file's text.  Out: ``Parsed`` (front matter data with its key lines, blocks, notes).
Parsing is markdown-it-py (CommonMark) with mdit-py-plugins: ``front_matter`` for the
YAML header, ``container`` for the parts of a letter (``::: salutation`` ... ``:::``),
``attrs_block`` for a paragraph's language (``{lang=fr}`` on the line before it) and
``footnote`` for notes (``[^label]`` calls, ``[^label]: text`` definitions).

Typography (curly quotes, apostrophes, dashes, ellipses) is markdown-it's typographer,
applied here because its quote pairing needs the whole token stream of a paragraph,
which a later per-text-node transform would no longer see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..diagnostics import Code, Collector
from ..model import LETTER_PARTS, CrossRef, Emph, Inline, LineBreak, ListBlock, Loc, Note, NoteRef, Paragraph, Strong, Text
from .source import KeyPath, YamlSyntaxError, load_yaml

CONTAINERS = tuple(p for p in LETTER_PARTS if p != "body")
_UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True}).enable(["replacements", "smartquotes"])
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    return md


_MD = _parser()


@dataclass
class Parsed:
    meta: Any = None
    meta_lines: dict[KeyPath, int] = field(default_factory=dict)
    meta_ok: bool = True  # False: the header's YAML did not parse (already reported)
    uncalled: set[str] = field(default_factory=set)  # notes defined but never called
    blocks: list[Paragraph | ListBlock] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def parse_markdown(text: str, rel: str, found: Collector) -> Parsed:
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    out = Parsed()
    # The footnote plugin drops definitions nobody calls (its refs map them to -1).
    for key, index in (env.get("footnotes") or {}).get("refs", {}).items():
        if index == -1:
            label = key[1:]
            out.uncalled.add(label)
            found.error(
                Code.NOTE_UNUSED,
                Loc(rel, definition_line(text, label)),
                f"note `[^{label}]` is defined but never called; call it with `[^{label}]` or remove it",
            )
    walker = _Walker(tokens, rel, found, text)
    if tokens and tokens[0].type == "front_matter":
        try:
            out.meta, out.meta_lines = load_yaml(tokens[0].content, rel, found, first_line=2)
        except YamlSyntaxError:
            out.meta_ok = False
        walker.i = 1
    else:
        found.error(Code.MISSING_KEY, Loc(rel, 1), "the file must start with a YAML header between `---` lines")
    out.blocks, out.notes = walker.run()
    return out


def definition_line(text: str, label: str) -> int:
    """The line where ``[^label]:`` is defined (the plugin keeps no line for a definition
    that is dropped or empty)."""
    return next((i + 1 for i, ln in enumerate(text.splitlines()) if ln.lstrip().startswith(f"[^{label}]:")), 0)


class _Walker:
    """Turns the flat token stream into blocks; one pass, a stack of open containers."""

    def __init__(self, tokens: list[Token], rel: str, found: Collector, text: str):
        self.tokens = tokens
        self.text = text
        self.rel = rel
        self.found = found
        self.i = 0

    def loc(self, tok: Token, extra: int = 0) -> Loc:
        return Loc(self.rel, (tok.map[0] + 1 + extra) if tok.map else 0)

    def run(self) -> tuple[list[Paragraph | ListBlock], list[Note]]:
        blocks: list[Paragraph | ListBlock] = []
        notes: list[Note] = []
        part = "body"
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            t = tok.type
            if t.startswith("container_") and t.endswith("_open"):
                if part != "body":
                    self.found.error(
                        Code.BAD_VALUE, self.loc(tok), f"`::: {t[10:-5]}` inside `::: {part}`: close the first part with `:::`"
                    )
                part = t[len("container_") : -len("_open")]
            elif t.startswith("container_") and t.endswith("_close"):
                part = "body"
            elif t == "paragraph_open":
                blocks.append(self.paragraph(part))
                continue
            elif t in ("ordered_list_open", "bullet_list_open"):
                blocks.append(self.list_block(part))
                continue
            elif t == "footnote_open":
                notes.append(self.note())
                continue
            elif t in ("footnote_block_open", "footnote_block_close"):
                pass
            elif t == "html_block":
                self.found.error(Code.RAW_HTML, self.loc(tok), "raw HTML is not allowed in the manuscript; use Markdown")
            else:
                what = t.removesuffix("_open")
                self.found.error(
                    Code.BAD_VALUE,
                    self.loc(tok),
                    f"`{what}` is not part of the manuscript format; use paragraphs, lists and `:::` parts",
                )
                self.skip_block()
                continue
            self.i += 1
        return blocks, notes

    def skip_block(self) -> None:
        depth = 0
        while self.i < len(self.tokens):
            depth += self.tokens[self.i].nesting
            self.i += 1
            if depth <= 0:
                return

    def paragraph(self, part: str) -> Paragraph:
        open_tok = self.tokens[self.i]
        loc = self.loc(open_tok)
        lang = ""
        for key, value in (open_tok.attrs or {}).items():
            if key == "lang":
                lang = str(value)
            else:
                self.found.error(Code.BAD_VALUE, loc, f"unknown paragraph attribute `{key}`; only `{{lang=..}}` is allowed")
        inline = self.tokens[self.i + 1]
        self.i += 3  # paragraph_open, inline, paragraph_close
        return Paragraph(tuple(self.inlines(inline.children or [], loc)), loc, part, lang)

    def list_block(self, part: str) -> ListBlock:
        open_tok = self.tokens[self.i]
        ordered = open_tok.type == "ordered_list_open"
        start = int((open_tok.attrs or {}).get("start", 1))
        close = open_tok.type.replace("_open", "_close")
        items: list[tuple[Paragraph, ...]] = []
        current: list[Paragraph] = []
        self.i += 1
        while self.tokens[self.i].type != close:
            t = self.tokens[self.i].type
            if t == "paragraph_open":
                current.append(self.paragraph(part))
                continue
            if t == "list_item_close":
                items.append(tuple(current))
                current = []
            elif t != "list_item_open":
                self.found.error(Code.BAD_VALUE, self.loc(self.tokens[self.i]), f"`{t}` inside a list is not supported")
                self.skip_block()
                continue
            self.i += 1
        self.i += 1
        return ListBlock(ordered, start, tuple(items), self.loc(open_tok), part)

    def note(self) -> Note:
        open_tok = self.tokens[self.i]
        label = open_tok.meta["label"]
        paras: list[Paragraph] = []
        first_loc = None
        self.i += 1
        while self.tokens[self.i].type != "footnote_close":
            if self.tokens[self.i].type == "paragraph_open":
                para = self.paragraph("note")
                first_loc = first_loc or para.loc
                paras.append(para)
                continue
            self.i += 1
        self.i += 1
        loc = Loc(self.rel, first_loc.line) if first_loc else Loc(self.rel, definition_line(self.text, label))
        return Note(label, tuple(paras), "", loc)

    def inlines(self, children: list[Token], loc: Loc) -> list[Inline]:
        """Inline tokens -> inline nodes; ``line`` follows soft breaks for precise places."""
        stack: list[tuple[str, list[Inline], Any]] = [("root", [], None)]
        line = loc.line
        for tok in children:
            here = Loc(loc.path, line)
            t = tok.type
            if t == "text":
                for m in _UNDEFINED_CALL.finditer(tok.content):
                    self.found.error(
                        Code.NOTE_UNDEFINED,
                        here,
                        f"note `[^{m.group(1)}]` is called but not defined; add `[^{m.group(1)}]: ...` at the end of the file",
                    )
                stack[-1][1].append(Text(tok.content))
            elif t == "code_inline":
                stack[-1][1].append(Text(tok.content))
            elif t == "softbreak":
                stack[-1][1].append(Text("\n"))
                line += 1
            elif t == "hardbreak":
                stack[-1][1].append(LineBreak())
                line += 1
            elif t in ("em_open", "strong_open"):
                stack.append((t, [], None))
            elif t == "link_open":
                href = str((tok.attrs or {}).get("href", ""))
                internal = href.startswith("#") and bool(_ID.match(href[1:]))
                if not internal:
                    self.found.error(
                        Code.EXTERNAL_LINK,
                        here,
                        f"link to `{href}`: a link must name a letter, division or note of this book as `#id`",
                    )
                stack.append((t, [], (href[1:], here) if internal else None))
            elif t in ("em_close", "strong_close", "link_close"):
                kind, kids, data = stack.pop()
                node: Inline
                if kind == "em_open":
                    node = Emph(tuple(_merge(kids)))
                elif kind == "strong_open":
                    node = Strong(tuple(_merge(kids)))
                elif data is None:  # a refused link keeps its text, so checking goes on
                    stack[-1][1].extend(kids)
                    continue
                else:
                    node = CrossRef(data[0], tuple(_merge(kids)), data[1])
                stack[-1][1].append(node)
            elif t == "footnote_ref":
                stack[-1][1].append(NoteRef(tok.meta["label"], here))
            elif t == "html_inline":
                self.found.error(Code.RAW_HTML, here, f"raw HTML `{tok.content}` is not allowed in the manuscript; use Markdown")
            elif t == "image":
                self.found.error(Code.EXTERNAL_LINK, here, "images are not supported in letters")
            elif t == "footnote_anchor":
                pass
            else:
                self.found.error(Code.BAD_VALUE, here, f"`{t}` is not supported here")
        return _merge(stack[0][1])


def _merge(nodes: list[Inline]) -> list[Inline]:
    """Join neighbouring text nodes, so a phrase is one node for emendations and search."""
    out: list[Inline] = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out
