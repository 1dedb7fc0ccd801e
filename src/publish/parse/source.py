"""Reading manuscript files: bytes -> normalised text, and YAML -> data with line numbers.

In: a path inside the manuscript folder.  Out: text (UTF-8, byte-order mark dropped, CRLF
turned into LF) or plain Python data plus a map from each key path to its 1-based line.
Problems become findings in the ``Collector``, never exceptions.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Code, Collector
from ..model import Loc

KeyPath = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """YAML's safe loader without its timestamp type: ``date: 1947-07-12`` stays text, so
    that a letter's EDTF date and a day that does not exist (``1946-02-30``) are read and
    checked by the schema, with their line, instead of by the YAML library."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_text(path: Path, rel: str, found: Collector) -> str | None:
    """Decode a manuscript file.  A BOM or CRLF endings are accepted and normalised, and the
    text is put in Unicode normal form C."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        found.error(Code.UNREADABLE, Loc(rel), f"cannot read the file ({exc.strerror}); check that it exists and is readable")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found.error(
            Code.NOT_UTF8,
            Loc(rel, line),
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        )
        return None
    # NFC: a letter written as base + combining mark is the same text as its precomposed
    # form (search, emendations, hyphenation and the PDF's text layer agree).
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    _check_glyphs(text, rel, found)
    return text


def _check_glyphs(text: str, rel: str, found: Collector) -> None:
    """A character no font of the book has would be drawn by whatever system font has it
    (or as a box): a warning at its first line, naming it."""
    if text.isascii():
        return
    from ..fonts import uncovered

    for char in uncovered(text):
        line = text[: text.index(char)].count("\n") + 1
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        found.warning(
            Code.NO_GLYPH,
            Loc(rel, line),
            f"no font of the book has {char!r} ({name}, U+{ord(char):04X}): a system font would stand in; "
            "write it otherwise, or add a font that has it (docs/theming.md)",
        )


class YamlSyntaxError(Exception):
    """The file's YAML could not be parsed; the finding is already in the collector.
    Callers skip the file's schema checks, which would only repeat the same problem."""


def load_yaml(text: str, rel: str, found: Collector, first_line: int = 1) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML; return the data and ``{key path: line}`` for every mapping key and item.

    ``first_line`` is the file line where ``text`` starts (front matter starts at 2).
    Invalid YAML is reported, then raised as ``YamlSyntaxError``.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 0
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line != (mark.line if mark else -1):
            context = f" ({exc.context} at line {first_line + exc.context_mark.line})"
        found.error(Code.YAML_SYNTAX, Loc(rel, line, col), f"invalid YAML: {exc.problem}{context}; fix the syntax here")
        raise YamlSyntaxError(rel) from exc
    if node is None:
        return None, {}
    lines: dict[KeyPath, int] = {}
    _record_lines(node, (), lines, first_line)
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = first_line + (mark.line if mark else 0)
        found.error(Code.BAD_VALUE, Loc(rel, line), f"cannot read this value: {exc.problem}")
        raise YamlSyntaxError(rel) from exc
    finally:
        loader.dispose()
    return data, lines


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], first: int) -> None:
    lines[path] = node.start_mark.line + first
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            _record_lines(value, sub, lines, first)
            lines[sub] = key.start_mark.line + first
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, path + (i,), lines, first)
