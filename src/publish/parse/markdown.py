"""A manuscript Markdown file -> front matter, blocks and notes of the model.

In: the file's text, the book's typography settings and the file's language.  Out:
``Parsed`` (front matter data with its key lines, blocks, notes).  Parsing is
markdown-it-py (CommonMark) with mdit-py-plugins: ``front_matter`` for the YAML header,
``container`` for the parts of a letter (``::: salutation`` ... ``:::``) and its sections
(``::: headnote``, ``::: original``, ``::: verse``, ``::: quote``; an outer fence of four
colons around an inner one of three nests them), ``attrs_block`` for a block's attributes
(``{lang=fr}`` on the line before it) and ``footnote`` for notes (``[^label]`` calls,
``[^label]: text`` definitions).

Typography is applied here, on markdown-it's tokens, because quote pairing needs the
whole token stream of a paragraph: the curly quotes of each block's language (markdown-it's
own smartquotes pass, given that language's quotation marks) and, as ``book.yaml``'s
``typography`` says, dashes, ellipses and symbols (markdown-it's own patterns).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import replacements as mdr
from markdown_it.rules_core.smartquotes import QUOTE_RE, process_inlines
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..diagnostics import Code, Collector
from ..languages import valid_language
from ..model import (
    LETTER_PARTS,
    SECTIONS,
    CrossRef,
    Emph,
    Indent,
    Inline,
    LineBreak,
    LineNumber,
    ListBlock,
    Loc,
    Mention,
    Note,
    NoteRef,
    Paragraph,
    Section,
    Strong,
    Text,
    Typography,
)
from ..walk import inline_nodes
from .source import KeyPath, YamlSyntaxError, load_yaml

CONTAINERS = tuple(p for p in LETTER_PARTS if p != "body")
_UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")
#: What is left of a tag the attrs plugin did not read (a space before the braces, an
#: empty id, a line break between the parts): it would print as text.
_BROKEN_TAG = re.compile(r"\]\s*\{[^}]*\b(?:ref|sub)\s*=|^\s*\{[^}]*\bref\s*=|\{\s*ref\s*=\s*\}")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_FENCE = re.compile(r"^:{3,}\s*(\S*)")

#: Quotation marks by language (primary open, close, secondary open, close): CLDR's
#: delimiters, which Babel does not expose.  Other languages take English marks.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "la": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "nl": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
}

#: Attributes a tagged mention may carry: the entry's id, an index sub-entry, and the
#: kind of entry as a class (``.person``), which is checked against the register.
MENTION_ATTRIBUTES = ("ref", "sub", "class")

#: Attributes a block may carry (``{key=value}`` on the line before it).
ATTRIBUTES = {"paragraph": ("lang",), "verse": ("lang", "numbers"), "section": ("lang",), "part": ("lang",)}


def quotes_for(lang: str) -> tuple[str, str, str, str]:
    return QUOTES.get((lang or "en").split("-")[0].lower(), QUOTES["en"])


def _typography(ty: Typography, state: StateCore) -> None:
    """The typographer's replacements ``ty`` asks for, on text tokens only, with the
    quotation marks of each block's language (``{lang=..}`` on it or a section around it,
    else the file's, ``env["lang"]``)."""
    langs = [state.env.get("lang", "en")]
    for token in state.tokens:
        if token.nesting == 1:
            langs.append(str((token.attrs or {}).get("lang", "")) or langs[-1])
        elif token.nesting == -1 and len(langs) > 1:
            langs.pop()
        if token.type != "inline" or not token.children:
            continue
        if ty.quotes and QUOTE_RE.search(token.content):
            lang = str((token.attrs or {}).get("lang", "")) or langs[-1]
            process_inlines(token.children, SimpleNamespace(md=SimpleNamespace(options=SimpleNamespace(quotes=quotes_for(lang)))))  # type: ignore[arg-type]
        for child in token.children:
            if child.type != "text":
                continue
            text = child.content
            if ty.symbols:
                text = mdr.PLUS_MINUS_RE.sub("\u00b1", mdr.SCOPED_ABBR_RE.sub(mdr.replaceFn, text))
            if ty.ellipsis:
                text = mdr.ELLIPSIS_RE.sub("\u2026", text)
            if ty.dashes:
                text = mdr.EM_DASH_RE.sub("\\1\u2014", text)
                text = mdr.EN_DASH_RE.sub("\\1\u2013", text)
                text = mdr.EN_DASH_INDENT_RE.sub("\\1\u2013", text)
            child.content = text


def _keep_whole_notes(state: StateCore) -> None:
    """Keep the definitions of notes on the whole letter (``env["whole"]``), which have no
    call: the footnote plugin drops a definition nobody calls (its ref is -1)."""
    data = state.env.get("footnotes")
    if not data:
        return
    for label in state.env.get("whole", ()):
        key = ":" + label
        if data.get("refs", {}).get(key) == -1:
            index = len(data.setdefault("list", {}))
            data["list"][index] = {"label": label, "count": 0}
            data["refs"][key] = index


DEFAULT_TYPOGRAPHY = Typography()


@functools.lru_cache(maxsize=8)
def _parser(ty: Typography = DEFAULT_TYPOGRAPHY) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True}).disable(["replacements", "smartquotes"], ignoreInvalid=True)
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    # A span with attributes, ``[Ramboz]{ref=ramboz}``, tags a mention of a register
    # entry; attributes after other inline elements stay text.
    md.use(attrs_plugin, after=(), spans=True, allowed=MENTION_ATTRIBUTES)
    for name in (*CONTAINERS, *SECTIONS):
        md.use(container_plugin, name)
    md.core.ruler.push("publish_typography", functools.partial(_typography, ty))
    md.core.ruler.before("footnote_tail", "publish_whole_notes", _keep_whole_notes)
    # Every link and image becomes a token, whatever its scheme: markdown-it would leave a
    # `file:` or `javascript:` one as literal text, printed without a word; the walker
    # refuses all but `#id` (M012).
    md.validateLink = lambda url: True
    return md


@dataclass
class Parsed:
    meta: Any = None
    meta_lines: dict[KeyPath, int] = field(default_factory=dict)
    meta_ok: bool = True  # False: the header's YAML did not parse (already reported)
    uncalled: set[str] = field(default_factory=set)  # notes defined but never called
    blocks: list[Paragraph | ListBlock | Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


#: An attribute line (``{lang=fr}``) and an event handler in it, which mdit-py-plugins'
#: attrs plugin removes without a word (``{lang=fr onclick=x}``).
NOTE_DEFINITION = re.compile(r"\[\^([^\]\s]+)\]:")
ATTRIBUTE_LINE = re.compile(r"\{[^{}]*\}")
EVENT_ATTRIBUTE = re.compile(r"(?:^|[\s{])(on\w*)\s*=", re.IGNORECASE)


def parse_markdown(
    text: str, rel: str, found: Collector, typography: Typography = DEFAULT_TYPOGRAPHY, lang: str = "en"
) -> Parsed:
    """Parse one file.  The header's ``letter_notes`` (notes on the whole letter, with no
    call) are read first, so that the footnote plugin keeps their definitions."""
    md = _parser(typography)
    out = Parsed()
    env: dict[str, Any] = {"lang": lang}
    tokens = md.parse(text, env)
    if tokens and tokens[0].type == "front_matter":
        try:
            out.meta, out.meta_lines = load_yaml(tokens[0].content, rel, found, first_line=2)
        except YamlSyntaxError:
            out.meta_ok = False
    else:
        found.error(Code.MISSING_KEY, Loc(rel, 1), "the file must start with a YAML header between `---` lines")
    whole = out.meta.get("letter_notes") if isinstance(out.meta, dict) else None
    if isinstance(out.meta, dict) and isinstance(out.meta.get("language"), str):
        env["lang"] = out.meta["language"]
    if isinstance(whole, dict) and whole or env["lang"] != lang:
        env = {"lang": env["lang"], "whole": [str(k) for k in whole] if isinstance(whole, dict) else []}
        tokens = md.parse(text, env)
    # What the plugins drop without a word: a note's second definition, an event handler
    # in an attribute line.
    defined: dict[str, int] = {}
    for number, source_line in enumerate(text.splitlines(), 1):
        label = NOTE_DEFINITION.match(source_line)
        if label and label.group(1) in defined:
            found.error(
                Code.NOTE_TWICE,
                Loc(rel, number),
                f"note `[^{label.group(1)}]` is defined twice (first on line {defined[label.group(1)]}); keep one",
            )
        elif label:
            defined[label.group(1)] = number
        handler = EVENT_ATTRIBUTE.search(source_line) if ATTRIBUTE_LINE.fullmatch(source_line.strip()) else None
        if handler:
            found.error(
                Code.BAD_ATTRIBUTE, Loc(rel, number), f"unknown attribute `{handler.group(1)}` here; allowed: `{{lang=..}}`"
            )
    whole_labels = set(env.get("whole", ()))
    data = env.get("footnotes") or {}
    for key, index in data.get("refs", {}).items():
        label = key[1:]
        if index == -1:
            out.uncalled.add(label)
            found.error(
                Code.NOTE_UNUSED,
                Loc(rel, definition_line(text, label)),
                f"note `[^{label}]` is defined but never called; call it with `[^{label}]`, list it under "
                "`letter_notes:` in the header if it is a note on the whole letter, or remove it",
            )
        elif label in whole_labels and data["list"][index].get("count", 0) > 0:
            found.error(
                Code.NOTE_WHOLE_CALLED,
                Loc(rel, definition_line(text, label)),
                f"note `[^{label}]` is listed under `letter_notes:` but called in the text; "
                "a note on the whole letter has no call: remove the call or list it under `notes:`",
            )
    walker = _Walker(tokens, rel, found, text)
    walker.i = 1 if tokens and tokens[0].type == "front_matter" else 0
    out.blocks, out.notes = walker.run()
    return out


def definition_line(text: str, label: str) -> int:
    """The line where ``[^label]:`` is defined (the plugin keeps no line for a definition
    that is dropped or empty)."""
    return next((i + 1 for i, ln in enumerate(text.splitlines()) if ln.lstrip().startswith(f"[^{label}]:")), 0)


@dataclass
class _Open:
    """A fence being read: a letter part (its blocks go to the enclosing list, marked with
    the part's name) or a section (its blocks become a ``Section``)."""

    name: str
    loc: Loc
    blocks: list[Any]
    part: str
    lang: str = ""
    numbers: int = 0
    verse_lines: int = 0  # verse: lines so far, for their numbers
    start: int = 0  # a letter part: how many blocks its list held when it opened


class _Walker:
    """Turns the flat token stream into blocks; one pass, a stack of open fences."""

    def __init__(self, tokens: list[Token], rel: str, found: Collector, text: str):
        self.tokens = tokens
        self.text = text
        self.source_lines = text.split("\n")
        self.rel = rel
        self.found = found
        self.i = 0
        self.stack: list[_Open] = []

    def loc(self, tok: Token, extra: int = 0) -> Loc:
        return Loc(self.rel, (tok.map[0] + 1 + extra) if tok.map else 0)

    @property
    def part(self) -> str:
        return self.stack[-1].part if self.stack else "body"

    @property
    def lang(self) -> str:
        return next((o.lang for o in reversed(self.stack) if o.lang), "")

    @property
    def verse(self) -> _Open | None:
        return next((o for o in reversed(self.stack) if o.name == "verse"), None)

    def attrs(self, tok: Token, kind: str) -> dict[str, str]:
        """The block's ``{key=value}`` attributes; any other than ``ATTRIBUTES[kind]`` is an error."""
        out = {}
        for key, value in (tok.attrs or {}).items():
            if key == "lang" and key in ATTRIBUTES[kind] and not valid_language(str(value)):
                self.found.error(
                    Code.BAD_ATTRIBUTE,
                    self.loc(tok),
                    f"`lang={value}` is not a BCP 47 language tag (en, fr, la, de-CH, grc, ...)",
                )
            elif key in ATTRIBUTES[kind]:
                out[key] = str(value)
            else:
                allowed = ", ".join(f"`{{{a}=..}}`" for a in ATTRIBUTES[kind])
                self.found.error(Code.BAD_ATTRIBUTE, self.loc(tok), f"unknown attribute `{key}` here; allowed: {allowed}")
        return out

    def open_fence(self, tok: Token, name: str) -> None:
        loc = self.loc(tok)
        if tok.info.strip() != name:
            self.found.error(
                Code.UNKNOWN_PART,
                loc,
                f"`::: {tok.info.strip()}`: a fence names one part or section (`::: {name}`), nothing after it",
            )
        inside = [o.name for o in self.stack]
        if name in CONTAINERS:
            a = self.attrs(tok, "part")
            if any(n in CONTAINERS for n in inside):
                self.found.error(Code.PART_PLACE, loc, f"`::: {name}` inside `::: {self.part}`: close the first part with `:::`")
            elif any(n != "original" for n in inside):
                self.found.error(
                    Code.PART_PLACE,
                    loc,
                    f"`::: {name}` inside `::: {inside[-1]}`: letter parts go in the letter or in its original",
                )
            into = self.stack[-1].blocks if self.stack else self.top
            self.stack.append(_Open(name, loc, into, name, a.get("lang", ""), start=len(into)))
            return
        a = self.attrs(tok, "verse" if name == "verse" else "section")
        if name in ("headnote", "original") and inside:
            self.found.error(
                Code.PART_PLACE, loc, f"`::: {name}` inside `::: {inside[-1]}`: it belongs at the letter's top level"
            )
        elif self.verse is not None:
            self.found.error(Code.PART_PLACE, loc, f"`::: {name}` inside `::: verse`: verse holds only its lines")
        numbers = 0
        if "numbers" in a:
            if a["numbers"].isdigit() and int(a["numbers"]) > 0:
                numbers = int(a["numbers"])
            else:
                self.found.error(
                    Code.BAD_ATTRIBUTE, loc, f"`numbers={a['numbers']}`: give a whole number, the interval of line numbers"
                )
        self.stack.append(_Open(name, loc, [], self.part, a.get("lang", ""), numbers))

    def close_fence(self, closed: bool = True) -> None:
        """The innermost open fence ends; ``closed``: by its own ``:::`` (else by the end of
        the file, which the container plugin allows and the format does not)."""
        done = self.stack.pop()
        if not closed:
            self.found.error(Code.PART_PLACE, done.loc, f"`::: {done.name}` is never closed; end it with `:::`")
        if done.name in CONTAINERS and len(done.blocks) == done.start:
            self.found.error(Code.EMPTY_LETTER, done.loc, f"`::: {done.name}` is empty; write its text or remove it")
        if done.name in SECTIONS:
            target = self.stack[-1].blocks if self.stack else self.top
            if not done.blocks:
                self.found.error(Code.EMPTY_LETTER, done.loc, f"`::: {done.name}` is empty; write its text or remove it")
            target.append(Section(done.name, tuple(done.blocks), done.loc, done.part, done.lang, done.numbers))

    def add(self, block: Any) -> None:
        (self.stack[-1].blocks if self.stack else self.top).append(block)

    def run(self) -> tuple[list[Any], list[Note]]:
        self.top: list[Any] = []
        notes: list[Note] = []
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            t = tok.type
            if t.startswith("container_") and t.endswith("_open"):
                self.open_fence(tok, t[len("container_") : -len("_open")])
            elif t.startswith("container_") and t.endswith("_close"):
                if self.stack:
                    self.close_fence(closed=bool(tok.markup))
            elif t == "paragraph_open":
                block = self.paragraph(self.part)
                if block is not None:
                    self.add(block)
                continue
            elif t in ("ordered_list_open", "bullet_list_open"):
                self.add(self.list_block(self.part))
                continue
            elif t == "code_block" and self.verse is not None:
                self.add(self.code_stanza(tok))
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
                    f"`{what}` is not part of the manuscript format; use paragraphs, lists, `:::` parts and sections "
                    "(`::: quote` for a quotation, `::: verse` for verse)",
                )
                self.skip_block()
                continue
            self.i += 1
        while self.stack:  # a fence left open: the container plugin closes it at the end
            self.close_fence()
        return self.top, notes

    def code_stanza(self, tok: Token) -> Paragraph:
        """A stanza indented four spaces or more, which CommonMark reads as code: its lines
        as written (text only), each with its indentation."""
        first = tok.map[0] if tok.map else 0
        lines = [ln for ln in self.source_lines[first : tok.map[1] if tok.map else first] if ln.strip()]
        nodes: list[Inline] = []
        for n, line in enumerate(lines):
            if n:
                nodes.append(LineBreak())
            nodes.extend(self.line_start(len(line) - len(line.lstrip(" "))))
            nodes.append(Text(line.strip()))
        return Paragraph(tuple(nodes), self.loc(tok), self.part, self.lang)

    def line_start(self, indent: int) -> list[Inline]:
        """What begins a verse line: its number (every Nth line) and its indentation."""
        verse = self.verse
        assert verse is not None
        verse.verse_lines += 1
        out: list[Inline] = []
        if verse.numbers and verse.verse_lines % verse.numbers == 0:
            out.append(LineNumber(str(verse.verse_lines)))
        if indent:
            out.append(Indent(indent))
        return out

    def skip_block(self) -> None:
        depth = 0
        while self.i < len(self.tokens):
            depth += self.tokens[self.i].nesting
            self.i += 1
            if depth <= 0:
                return

    def paragraph(self, part: str) -> Paragraph | None:
        open_tok = self.tokens[self.i]
        loc = self.loc(open_tok)
        a = self.attrs(open_tok, "paragraph")
        inline = self.tokens[self.i + 1]
        self.i += 3  # paragraph_open, inline, paragraph_close
        fence = _FENCE.match(inline.content)
        if fence and part != "note":
            name = fence.group(1)
            known = ", ".join(f"`{n}`" for n in (*CONTAINERS, *SECTIONS))
            what = f"`::: {name}` is not a part of a letter" if name else "a `:::` fence here closes nothing that is open"
            self.found.error(Code.UNKNOWN_PART, loc, f"{what}; the parts and sections are {known}")
            return None
        lang = a.get("lang", "") or (self.lang if part != "note" else "")
        verse = self.verse if part != "note" else None
        children = self.inlines(inline.children or [], loc, verse=verse is not None)
        if verse is not None:
            children = self.stanza(children, open_tok)
        return Paragraph(tuple(children), loc, part, lang)

    def stanza(self, nodes: list[Inline], tok: Token) -> list[Inline]:
        """A verse paragraph: each line (split at ``LineBreak``) starts with its number and
        its indentation as written in the source line (markdown-it drops leading spaces)."""
        first = tok.map[0] if tok.map else 0
        out: list[Inline] = []
        line = 0
        out.extend(self.line_start(self.indent_of(first)))
        for node in nodes:
            out.append(node)
            if isinstance(node, LineBreak):
                line += 1
                out.extend(self.line_start(self.indent_of(first + line)))
        return _merge(out)

    def indent_of(self, index: int) -> int:
        text = self.source_lines[index] if 0 <= index < len(self.source_lines) else ""
        return len(text) - len(text.lstrip(" "))

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
                para = self.paragraph(part)
                if para is not None:
                    current.append(para)
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
                assert para is not None  # a note's paragraphs are never fences
                first_loc = first_loc or para.loc
                paras.append(para)
                continue
            self.i += 1
        self.i += 1
        loc = Loc(self.rel, first_loc.line) if first_loc else Loc(self.rel, definition_line(self.text, label))
        for ref in (n for n in inline_nodes(paras) if isinstance(n, NoteRef)):
            self.found.error(
                Code.NOTE_IN_NOTE,
                ref.loc,
                f"note `[^{ref.label}]` is called inside note `[^{label}]`; a note cannot call a note: "
                "write the reference out in words",
            )
        return Note(label, tuple(paras), "", loc)

    def mention_attrs(self, tok: Token, here: Loc) -> tuple[str, str, str] | None:
        """A tag's (ref, sub, class), or None (reported) when it is not one."""
        from ..model import REGISTERS

        attrs, refused = _mention_attrs(tok)
        kinds = [k for ks in REGISTERS.values() for k in ks]
        kind = attrs.get("class", "")
        wrong = [f"`{k}`" for k in refused] + ([f"`.{c}`" for c in kind.split() if c not in kinds] if kind else [])
        if wrong or not attrs.get("ref") or len(kind.split()) > 1:
            found = ", ".join(wrong) or ("several classes" if len(kind.split()) > 1 else "no `ref`")
            self.found.error(
                Code.BAD_ATTRIBUTE,
                here,
                f'a tag `[...]{{...}}` takes `ref=<id of a register entry>`, optionally `sub="..."` (an index '
                f"sub-entry) and one class of {', '.join('.' + k for k in kinds)}; this one has {found}",
            )
            return None
        return attrs["ref"], attrs.get("sub", ""), kind

    def inlines(self, children: list[Token], loc: Loc, verse: bool = False) -> list[Inline]:
        """Inline tokens -> inline nodes; ``line`` follows soft breaks for precise places.
        In ``verse`` every line ends with a ``LineBreak``."""
        stack: list[tuple[str, list[Inline], Any]] = [("root", [], None)]
        line = loc.line
        for tok in children:
            here = Loc(loc.path, line)
            t = tok.type
            if t == "text":
                if _BROKEN_TAG.search(tok.content):
                    self.found.error(
                        Code.BAD_ATTRIBUTE,
                        here,
                        "a tag is written `[words]{ref=<id>}`, the braces right after the bracket, with an id "
                        f'(and `sub="..."` not empty); this one would print as it stands: {tok.content.strip()[:60]}',
                    )
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
                stack[-1][1].append(LineBreak() if verse and len(stack) == 1 else Text("\n"))
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
            elif t == "span_open":
                stack.append((t, [], self.mention_attrs(tok, here)))
            elif t in ("em_close", "strong_close", "link_close", "span_close"):
                kind, kids, data = stack.pop()
                node: Inline
                if kind == "span_open":
                    if data is None:  # a refused tag keeps its text, so checking goes on
                        stack[-1][1].extend(kids)
                        continue
                    node = Mention(data[0], tuple(_merge(kids)), here, data[1], entry_kind=data[2])
                elif kind == "em_open":
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


def _mention_attrs(tok: Token) -> tuple[dict[str, str], list[str]]:
    attrs = {k: str(v) for k, v in (tok.attrs or {}).items()}
    refused = [str(k) for k in (tok.meta or {}).get("insecure_attrs", {})]
    return attrs, refused


def _merge(nodes: list[Inline]) -> list[Inline]:
    """Join neighbouring text nodes, so a phrase is one node for emendations and search."""
    out: list[Inline] = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out
