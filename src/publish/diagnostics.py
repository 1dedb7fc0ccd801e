"""Findings about a manuscript: codes, severities, places, and the exceptions that carry them.

In: whatever a step finds wrong.  Out: ``Diagnostic`` values, collected by a
``Collector`` and raised together as one ``ManuscriptError``; only ``cli.py`` turns them
into an exit code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .model import Loc


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"  # said by `publish check` only, never fatal (not even under --strict)


class Code(enum.Enum):
    """Every kind of finding, with its code.  The message template says what to do."""

    YAML_SYNTAX = "M001"
    UNKNOWN_KEY = "M002"
    MISSING_KEY = "M003"
    BAD_VALUE = "M004"
    NOT_UTF8 = "M005"
    UNREADABLE = "M006"
    BAD_DATE = "M007"
    DATE_MISMATCH = "M008"
    DUPLICATE_ID = "M009"
    EMPTY_LETTER = "M010"
    RAW_HTML = "M011"
    EXTERNAL_LINK = "M012"
    NO_CLOSING = "M013"
    UNKNOWN_PART = "M014"
    PART_PLACE = "M015"
    BAD_ATTRIBUTE = "M016"
    NO_GLYPH = "M017"
    BAD_NAME = "M018"
    DUPLICATE_KEY = "M019"
    CONTROL_CHARACTER = "M020"
    LONG_RUN = "M021"
    NOTE_UNDEFINED = "N001"
    NOTE_UNUSED = "N002"
    NOTE_EMPTY = "N003"
    NOTE_SERIES = "N004"
    NOTE_WHOLE_CALLED = "N005"
    NOTE_IN_NOTE = "N006"
    NOTE_TWICE = "N007"
    TOO_MANY_NOTES = "N008"
    XREF_UNKNOWN = "X001"
    TAG_UNKNOWN = "X002"
    TAG_UNTAGGED = "X003"
    EMENDATION_NOT_FOUND = "E001"
    EMENDATION_AMBIGUOUS = "E002"
    EMENDATION_LETTER = "E003"
    EMENDATION_EMPTY = "E004"
    EMENDATION_CHAINED = "E005"
    TEMPLATE = "T001"
    RESOURCE_REFUSED = "R001"
    OUTPUT_UNWRITABLE = "O001"
    ENGINE_WARNING = "W001"
    LAYOUT_FAILED = "L001"
    LAYOUT_TIMEOUT = "L002"
    NOTE_PLACEMENT = "L003"


@dataclass(frozen=True)
class Diagnostic:
    code: Code
    severity: Severity
    loc: Loc
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity.value} {self.code.value}: {self.message}"


class PublishError(Exception):
    """Base of the errors the CLI reports; ``exit_code`` is what the process returns."""

    exit_code = 1


class ManuscriptError(PublishError):
    """The manuscript (or its configuration) is wrong: one or more findings."""

    exit_code = 2

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.loc.path, d.loc.line, d.loc.col))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type, tuple[list[Diagnostic]]]:  # raised in a worker process
        return (type(self), (self.diagnostics,))


class OutputError(PublishError):
    """The output folder cannot be written."""

    exit_code = 3


class Collector:
    """Gathers findings so that all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, code: Code, loc: Loc, message: str) -> None:
        self.items.append(Diagnostic(code, Severity.ERROR, loc, message))

    def warning(self, code: Code, loc: Loc, message: str) -> None:
        self.items.append(Diagnostic(code, Severity.WARNING, loc, message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def raise_if_errors(self, strict: bool = False) -> None:
        fatal = self.items if strict else self.errors
        if fatal:
            raise ManuscriptError(self.items)
