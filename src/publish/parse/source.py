"""Reading manuscript files: bytes -> normalised text, and YAML -> data with line numbers.

In: a path inside the manuscript folder.  Out: text (UTF-8, byte-order mark dropped, CRLF
turned into LF) or plain Python data plus a map from each key path to its 1-based line.
Problems become findings in the ``Collector``, never exceptions.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Code, Collector
from ..model import Loc

KeyPath = tuple[Any, ...]


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own reader, scanner and parser, in Python."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


#: libyaml's parser (PyYAML's C binding) where PyYAML was built with it, else PyYAML's
#: own in Python (``_PyParser``), which took half of the reading of the edition's
#: manuscript.  Only scanning and parsing are libyaml's: the nodes are composed and
#: built by PyYAML's Python code, so ``_Loader``'s bounds hold with either.
_Parser: Any = yaml.cyaml.CParser if yaml.__with_libyaml__ else _PyParser


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """YAML's safe loader without its timestamp type: ``date: 1947-07-12`` stays text, so
    that a letter's EDTF date and a day that does not exist (``1946-02-30``) are read and
    checked by the schema, with their line, instead of by the YAML library.

    Bounded for untrusted input: no aliases (``*name``: a manuscript has no use for them,
    and they make self-referring values and "billion laughs" bombs), no nesting deeper
    than ``MAX_DEPTH``, no number longer than ``MAX_DIGITS``.  Each is a YAML error with
    its line."""

    MAX_DEPTH = 64
    MAX_DIGITS = 40

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "an alias (*name) repeats another value; write the value out", mark)
        self.depth += 1
        try:
            if self.depth > self.MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"values nested more than {self.MAX_DEPTH} deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _bounded_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(node.value.replace("_", "")) > _Loader.MAX_DIGITS + 3:  # (digits of any base, a sign, a 0x)
        raise yaml.constructor.ConstructorError(None, None, f"a number of more than {_Loader.MAX_DIGITS} digits", node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


#: The largest manuscript file read (a letter of 350 pages is about 1 MB).
MAX_FILE_BYTES = 8 * 1024 * 1024


def _read_regular(path: Path, rel: str, found: Collector) -> bytes | None:
    """The bytes of a regular file inside the book, read without following a link and
    without blocking: a symbolic link (which could lead outside the book), a named pipe or
    a device (which could block for ever or never end), or a file over ``MAX_FILE_BYTES``
    is refused with a finding naming it."""
    import stat

    root = path
    for _ in Path(rel).parts:
        root = root.parent
    try:
        if not path.parent.resolve().is_relative_to(root.resolve()):
            found.error(
                Code.UNREADABLE,
                Loc(rel),
                "cannot read the file: its folder is a link to outside the book; copy the files in instead",
            )
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        why = "it is a symbolic link; put the file itself here" if exc.errno == errno.ELOOP else exc.strerror
        found.error(Code.UNREADABLE, Loc(rel), f"cannot read the file ({why})")
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        found.error(
            Code.UNREADABLE,
            Loc(rel),
            "cannot read the file: it is not a regular file (a folder, a pipe, a device or a socket); put a text file here",
        )
        return None
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > MAX_FILE_BYTES:
            found.error(
                Code.UNREADABLE,
                Loc(rel),
                f"cannot read the file: it is {info.st_size:,} bytes; a manuscript file may hold {MAX_FILE_BYTES:,}",
            )
            return None
        return fh.read(MAX_FILE_BYTES + 1)


def read_text(path: Path, rel: str, found: Collector) -> str | None:
    """Decode a manuscript file.  A BOM or CRLF endings are accepted and normalised, and the
    text is put in Unicode normal form C."""
    data = _read_regular(path, rel, found)
    if data is None:
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
    controls = list(CONTROL.finditer(text))
    for match in controls[:5]:
        line = text[: match.start()].count("\n") + 1
        found.error(
            Code.CONTROL_CHARACTER,
            Loc(rel, line),
            f"control character U+{ord(match.group()):04X} in the text; it prints nothing and breaks the EPUB: remove it",
        )
    if controls:
        return None
    _check_glyphs(text, rel, found)
    return text


#: Control characters (C0 but tab and newline, DEL, C1): never text, and invalid in XML.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_glyphs(text: str, rel: str, found: Collector) -> None:
    """A character no font of the book has would be drawn by whatever system font has it
    (or as a box): a warning at its first line, naming it."""
    if text.isascii():
        return
    from ..fonts import uncovered

    for char in uncovered(text)[:5]:
        line = text.count("\n", 0, text.index(char)) + 1
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
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept (a control character)
        # (libyaml counts the position in UTF-8 bytes, PyYAML's reader in characters)
        before = (
            text.encode("utf-8")[: exc.position].count(b"\n") if _Parser is not _PyParser else text[: exc.position].count("\n")
        )
        line = first_line + before
        found.error(Code.YAML_SYNTAX, Loc(rel, line), f"invalid YAML: character U+{exc.character:04X} is not allowed here")
        raise YamlSyntaxError(rel) from exc
    if node is None:
        return None, {}
    lines: dict[KeyPath, int] = {}
    loader = _Loader("")
    try:
        _record_lines(node, (), lines, first_line, rel, found)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = first_line + (mark.line if mark else 0)
        found.error(Code.BAD_VALUE, Loc(rel, line), f"cannot read this value: {exc.problem}")
        raise YamlSyntaxError(rel) from exc
    finally:
        loader.dispose()
    return data, lines


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], first: int, rel: str, found: Collector) -> None:
    """``{key path: line}`` for every key and item; a key that is not a plain value is
    refused (``ConstructorError``), a key given twice in one mapping is a finding."""
    lines[path] = node.start_mark.line + first
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a word or text, not a list or mapping", key.start_mark
                )
            if key.value in seen:
                found.error(
                    Code.DUPLICATE_KEY,
                    Loc(rel, key.start_mark.line + first),
                    f"key `{key.value}` is given twice in the same mapping; keep one",
                )
            seen.add(key.value)
            sub = path + (key.value,)
            _record_lines(value, sub, lines, first, rel, found)
            lines[sub] = key.start_mark.line + first
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, path + (i,), lines, first, rel, found)
