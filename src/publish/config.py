"""Schemas of the manuscript's YAML (``book.yaml``, letter front matter, emendations).

In: data and line map from ``parse.source.load_yaml``.  Out: the same data checked against
a schema, with documented defaults filled in; each problem is a finding with file and line
(unknown keys come with the closest valid name).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Code, Collector
from .languages import valid_language
from .model import REGISTERS, Loc
from .parse.source import KeyPath


@dataclass(frozen=True)
class Field:
    """One key of a schema.  ``kind``: str, int, bool, date, choice, list, map, dict,
    ``name`` (an id or slug: see ``NAME``), ``language`` (a BCP 47 tag), ``identifier`` (no spaces), ``length`` (a CSS length), ``text`` (a string that is not blank), or ``raw`` (any YAML value, checked by the
    parser that reads it: a party or a list of parties, an EDTF date, parts given by name
    or by ranges).

    ``map`` has fixed keys (``schema``); ``dict`` has free keys whose values follow ``item``;
    ``list`` items follow ``item``.
    """

    kind: str
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    schema: dict[str, Field] = field(default_factory=dict)
    item: Field | None = None


def _map(doc: str, schema: dict[str, Field], required: bool = False) -> Field:
    return Field("map", doc, required=required, default={}, schema=schema)


PARTY = _map(
    "a sender or recipient",
    {
        "person": Field("str", "the person writing or written to: a name, or an id of persons.yaml", default=""),
        "organisation": Field("str", "the organisation writing or written to: a name, or an id of persons.yaml", default=""),
        "author": Field("str", "id of the contributor who wrote the letter (sender side)", default=""),
    },
)


def _entry(file: str, kinds: tuple[str, ...]) -> Field:
    """One entry of a register file (``persons.yaml``, ``places.yaml``, ``works.yaml``)."""
    return _map(
        f"an entry of {file}",
        {
            "id": Field(
                "name",
                "id that the text's tags name (`[name]{ref=<id>}`), and for persons and organisations letters' `from`/`to`",
                required=True,
            ),
            "name": Field("text", "name as printed", required=True),
            "sort": Field("str", "sort form of the name, as the index sorts it (default: the name)", default=""),
            "kind": Field("choice", " or ".join(kinds), default=kinds[0], choices=kinds),
            "aliases": Field(
                "list",
                "other names it goes by in the text; the index refers from each",
                default=[],
                item=Field("text", "an alias"),
            ),
            "see_also": Field(
                "list",
                "ids of related entries (of any register) the index refers to: see also",
                default=[],
                item=Field("name", "an id"),
            ),
            "dates": Field("str", 'dates as printed ("c. 1100–1164")', default=""),
            "note": Field("str", "a short note", default=""),
            "wikidata": Field("str", "Wikidata id (Q...)", default=""),
            "viaf": Field("str", "VIAF id", default=""),
            "gnd": Field("str", "GND id", default=""),
            "geonames": Field("str", "GeoNames id (places)", default=""),
        },
    )


#: One entry of ``glossary.yaml``.
GLOSS = _map(
    "a term of the glossary",
    {
        "id": Field("name", "id a tag may name (`[IS]{ref=<id>}`)", required=True),
        "term": Field("text", "the abbreviation or term as printed", required=True),
        "definition": Field("text", "what it means", required=True),
        "ref": Field("str", "the register entry it stands for: its tagged mentions link here in the EPUB", default=""),
    },
)

#: One entry of each register file.
ENTRIES = {file: _entry(file, kinds) for file, kinds in REGISTERS.items()}

#: A part of the correspondence given by its bounds (``divisions.parts`` as a list).
PART_RANGE = _map(
    "a part given by range",
    {
        "title": Field("text", "the part's title", required=True),
        "from": Field("str", "first date of the part (EDTF; open if left out)", default=""),
        "to": Field("str", "last date of the part (EDTF; open if left out)", default=""),
    },
)

#: Parts of the correspondence by name (``divisions.parts``), besides a list of ranges.
PARTS = ("none", "year", "decade", "correspondent")

#: Labels the book prints, with their defaults (``labels`` in ``book.yaml``).
LABELS = {
    "original": "Original",
    "headnote": "Editorial note",
    "source": "Source",
    "sources": "Sources",
    "undated parts": "Undated letters",
    "edited by": "Edited by",
    "translated by": "Translated by",
    "index of names": "Index of Names",
    "index of places": "Index of Places",
    "index of works": "Index of Works",
    "see": "see",
    "see also": "see also",
    "calendar": "Calendar of Letters",
    "persons": "Persons and Organisations",
    "glossary": "Glossary",
    "how to cite": "How to cite",
    "note": "Note",
    "back to the call": "back to the call",
}

#: Contributors named on the title page and the cover after the authors, by role (MARC
#: relator code -> the key of ``LABELS`` that introduces them).
CREDITED_ROLES = {"edt": "edited by", "trl": "translated by"}

CREDIT = {
    "label": Field("str", "what the credit is for, as the source words it", required=True),
    "value": Field("str", "who or what is credited", required=True),
}

#: ``book.yaml``: the book's metadata and build settings.
BOOK: dict[str, Field] = {
    "slug": Field("name", "file name of the outputs: output/<slug>.pdf and .epub", required=True),
    "title": Field("text", "title of the book", required=True),
    "subtitle": Field("str", "subtitle", default=""),
    "language": Field("language", "BCP 47 language of the book", required=True),
    "identifier": Field("identifier", "stable identifier (urn:uuid:...) of this edition", required=True),
    "publisher": Field("str", "publisher's name on the title page", default=""),
    "rights": Field("text", "rights statement for the colophon", required=True),
    "edition": _map(
        "edition number and date",
        {
            "number": Field("int", "edition number", required=True),
            "date": Field("date", "date of this edition (YYYY-MM-DD)", required=True),
        },
        required=True,
    ),
    "contributors": Field(
        "list",
        "people credited: id, name, roles (MARC relators: aut, trl, trc, edt, ...)",
        required=True,
        item=_map(
            "a contributor",
            {
                "id": Field("name", "stable id used elsewhere in the manuscript", required=True),
                "name": Field("text", "name as printed", required=True),
                "roles": Field("list", "MARC relator codes", required=True, item=Field("str", "role")),
                "file_as": Field("str", "sort form of the name", default=""),
            },
        ),
    ),
    "sources": Field(
        "list",
        "where the texts were taken from, with the credits the source gives",
        required=True,
        item=_map(
            "a source",
            {
                "id": Field("name", "id that letters name in their `source`", required=True),
                "title": Field("text", "the source's title", required=True),
                "credits": Field("list", "credits as the source words them", default=[], item=_map("a credit", CREDIT)),
            },
        ),
    ),
    "notes": _map(
        "how notes are numbered and who may write them",
        {
            "numbering": Field(
                "choice",
                "continuous through the book, or restarting with each letter",
                default="continuous",
                choices=("continuous", "per-letter"),
            ),
            "print": Field(
                "choice",
                "in the PDF: footnotes at the foot of the page, or endnotes grouped by letter at the back",
                default="footnotes",
                choices=("footnotes", "endnotes"),
            ),
            "epub": Field(
                "choice",
                "in the EPUB: pop-up footnotes after the paragraph, or an endnotes document",
                default="footnotes",
                choices=("footnotes", "endnotes"),
            ),
            "title": Field("str", "title of the endnotes division", default="Notes"),
            "series": Field(
                "dict",
                "who writes notes: key -> name and the tag printed after the note",
                required=True,
                item=_map(
                    "a note series",
                    {
                        "name": Field("text", "who writes the notes of this series", required=True),
                        "tag": Field("str", "printed after each note of the series (may be empty)", default=""),
                        "marks": Field(
                            "choice",
                            "numbers, or symbols (* † ‡ § ‖ ¶, restarting with each letter)",
                            default="numbers",
                            choices=("numbers", "symbols"),
                        ),
                    },
                ),
            ),
        },
        required=True,
    ),
    "print": _map(
        "print layout",
        {
            "trim": Field(
                "choice",
                "trim size",
                default="6x9in",
                choices=("6x9in", "5.5x8.5in", "a5", "letter"),
            ),
            "letters_new_page": Field("bool", "start each letter on a new page", default=False),
            "paragraph_numbers": Field(
                "bool", "print each paragraph's number (its id's, as cited) in the margin of the letters", default=False
            ),
            "parts_recto": Field("bool", "open each part of the correspondence on a recto (else on a new page)", default=False),
            "margins": _map(
                "page margins (CSS lengths); unset ones come from the trim size",
                {k: Field("length", f"{k} margin", default="") for k in ("top", "bottom", "inner", "outer")},
            ),
            "bleed": Field("length", "bleed of the print profile (CSS length)", default="3mm"),
            "crop_marks": Field("bool", "crop marks in the print profile", default=False),
            "paper_caliper": Field(
                "length",
                "the paper's thickness, a leaf (two pages): the print cover's spine is the print PDF's leaves times this "
                "(`publish build --format cover`); the printer gives it, e.g. 0.1mm for 80 g/m2 offset, 0.114mm for "
                "KDP's white paper (0.002252 in a page)",
                default="0.1mm",
            ),
            "output_intent": _map(
                "the print profile's output intent (PDF/X): the printer's CMYK profile and the printing condition it "
                "characterises, both named in the PDF",
                {
                    "profile": Field(
                        "str",
                        "the ICC profile: a file of the book's styles/icc/ folder, or of Ghostscript's (Debian's libgs-common)",
                        default="default_cmyk.icc",
                    ),
                    "identifier": Field(
                        "str",
                        "the printing condition's registered name (ICC characterization registry), e.g. FOGRA39",
                        default="CGATS TR 001",
                    ),
                    "condition": Field(
                        "str", "the printing condition in words", default="SWOP (Ghostscript's generic Artifex CMYK SWOP profile)"
                    ),
                },
            ),
        },
    ),
    "epub": _map(
        "the EPUB",
        {"embed_fonts": Field("bool", "embed the book's typeface (readers may still choose their own)", default=True)},
    ),
    "divisions": _map(
        "titles of the generated divisions",
        {
            "correspondence": Field("str", "title of the letters' division", default="The Letters"),
            "appendix": Field("str", "title of the appendix", default="Appendix"),
            "parts": Field(
                "raw",
                "divide the correspondence into parts: none, year, decade, correspondent, "
                "or a list of ranges ({title, from, to}, EDTF bounds)",
                default="none",
            ),
            "indexes": Field(
                "list",
                "the indexes at the back, each a title and the register kinds it holds (default: an index of names, "
                "of places, of works, each printed when something is tagged for it)",
                default=[],
                item=_map(
                    "an index",
                    {
                        "title": Field("text", "the index's title", required=True),
                        "kinds": Field(
                            "list",
                            "the kinds of entry it holds: person, organisation, place, work, periodical",
                            required=True,
                            item=Field("choice", "a kind", choices=tuple(k for ks in REGISTERS.values() for k in ks)),
                        ),
                    },
                ),
            ),
            "calendar": Field(
                "bool", "a calendar of the letters (number, date, place, sender, recipient, language, page)", default=True
            ),
            "persons": Field(
                "bool", "the register of persons and organisations (persons.yaml) printed at the back", default=True
            ),
            "sources": Field(
                "choice",
                "where the sources are credited: in the colophon, as a numbered list at the back, "
                "or auto (the list when the book has more than five sources)",
                default="auto",
                choices=("auto", "colophon", "list"),
            ),
        },
    ),
    "typography": _map(
        "the typographer's replacements in the text",
        {
            "quotes": Field("bool", "straight quotes -> the curly quotes of the paragraph's language", default=True),
            "dashes": Field("bool", "-- and --- -> en and em dashes", default=True),
            "ellipsis": Field("bool", "... -> …", default=False),
            "symbols": Field("bool", "(c) (r) (tm) +- -> © ® ™ ±", default=False),
        },
    ),
    "labels": Field(
        "dict",
        "labels the book prints, by key: " + ", ".join(f"{k} ({v!r})" for k, v in LABELS.items()),
        default={},
        item=Field("str", "the label as printed"),
    ),
    "lint": _map(
        "optional checks of `publish check`",
        {"closing": Field("bool", "warn about a letter without valediction or signature", default=False)},
    ),
}

#: Front matter of a letter file.
LETTER: dict[str, Field] = {
    "id": Field("name", "stable id, used by cross-references and file names", required=True),
    "heading": Field("text", "the letter's heading, as the source gives it", required=True),
    "short_heading": Field("str", "a shorter heading for running heads", default=""),
    "from": Field("raw", "sender: a mapping (person, organisation, author) or a list of them", required=True),
    "to": Field("raw", "recipient: a mapping (person, organisation) or a list of them", required=True),
    "place": Field("str", "place of writing, if known", default=""),
    "place_as_written": Field("str", "the place as the letter writes it", default=""),
    "date": Field(
        "raw", "date of writing in EDTF (1947-07-12, 1947-07, 1130~, 1130/1134, ../1150, 11XX); leave out if undated", default=""
    ),
    "date_as_written": Field("str", "the date as the dateline writes it", default=""),
    "sort": Field(
        "raw", "a key ordering letters of the same date, or placing an undated letter (a number or an EDTF date)", default=""
    ),
    "language": Field("language", "language of the letter (default: the book's)", default=""),
    "source": Field("str", "id of the source in book.yaml", default=""),
    "source_detail": Field("str", "where in the source: pages, folios, shelfmark", default=""),
    "notes": Field("dict", "note label -> series key (who wrote the note)", default={}, item=Field("str", "series")),
    "letter_notes": Field(
        "dict",
        "notes on the whole letter, with no call in the text: label -> series key",
        default={},
        item=Field("str", "series"),
    ),
}

#: Front matter of a front-matter division (introduction, note on the text).
DIVISION: dict[str, Field] = {
    "id": Field("name", "stable id", required=True),
    "title": Field("text", "title as printed", required=True),
    "notes": Field("dict", "note label -> series key", default={}, item=Field("str", "series")),
    "appends": Field("choice", "generated matter printed after the text", default="none", choices=("none", "emendations")),
}

#: One entry of ``emendations.yaml``.
EMENDATION = _map(
    "a correction of a source reading",
    {
        "where": Field("str", "id of the letter or division corrected", required=True),
        "original": Field("str", "the source's reading, exactly", required=True),
        "corrected": Field("str", "the edition's reading", required=True),
        "reason": Field("str", "why", required=True),
        "date": Field("date", "when the correction was made (YYYY-MM-DD)", required=True),
    },
)

#: Trim sizes: width, height and default margins (top, bottom, inner, outer).
TRIMS: dict[str, tuple[str, ...]] = {
    "6x9in": ("6in", "9in", "0.7in", "0.85in", "0.85in", "0.6in"),
    "5.5x8.5in": ("5.5in", "8.5in", "0.65in", "0.8in", "0.8in", "0.55in"),
    "a5": ("148mm", "210mm", "16mm", "20mm", "20mm", "14mm"),
    "letter": ("8.5in", "11in", "0.9in", "1.1in", "1.1in", "1in"),
}

_TYPES = {"str": str, "int": int, "bool": bool, "date": dt.date}
#: A CSS length as book.yaml may give one (it is written into the stylesheet: nothing else).
LENGTH = re.compile(r"0|\d{1,4}(\.\d{1,4})?(mm|cm|in|pt|pc|px)")
IDENTIFIER = re.compile(r"[^\s<>\"&]{1,200}")
#: A name that becomes a file name, a zip entry and an XML id (kind ``name``): no path,
#: no space, no dot (``#letter.note`` separates them), not starting with a digit.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
#: What stands in for a missing required collection (its error is reported): the readers
#: of the data go on to find every other finding, and never iterate over None.
_EMPTY = {"list": list, "dict": dict, "map": dict}


def validate(
    data: Any,
    spec: Field,
    lines: dict[KeyPath, int],
    rel: str,
    found: Collector,
    path: KeyPath = (),
) -> Any:
    """Check ``data`` against ``spec``; return it with defaults filled.  Findings go to ``found``."""

    def loc(p: KeyPath) -> Loc:
        while p and p not in lines:
            p = p[:-1]
        return Loc(rel, lines.get(p, 0))

    where = ".".join(str(p) for p in path) or "the file"
    if spec.kind == "map":
        if data is None:
            data = {}
        if not isinstance(data, dict):
            found.error(Code.BAD_VALUE, loc(path), f"`{where}` must be a mapping of keys to values")
            return None
        out: dict[str, Any] = {}
        for key in data:
            if key not in spec.schema:
                close = difflib.get_close_matches(str(key), list(spec.schema), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else f"; valid keys: {', '.join(spec.schema)}"
                found.error(Code.UNKNOWN_KEY, loc(path + (key,)), f"unknown key `{key}`{hint}")
        for key, sub in spec.schema.items():
            if key not in data or data[key] is None:
                if sub.required:
                    found.error(Code.MISSING_KEY, loc(path), f"missing required key `{key}` ({sub.doc})")
                out[key] = _EMPTY.get(sub.kind, lambda: None)() if sub.default is None else sub.default
            else:
                out[key] = validate(data[key], sub, lines, rel, found, path + (key,))
        return out
    if spec.kind == "dict":
        if not isinstance(data, dict):
            found.error(Code.BAD_VALUE, loc(path), f"`{where}` must be a mapping ({spec.doc})")
            return {}
        assert spec.item is not None
        for k in data:
            if not isinstance(k, str):
                found.error(Code.BAD_VALUE, loc(path + (k,)), f"key {k!r} of `{where}` must be a word or text")
        return {k: validate(v, spec.item, lines, rel, found, path + (k,)) for k, v in data.items() if isinstance(k, str)}
    if spec.kind == "list":
        if not isinstance(data, list):
            found.error(Code.BAD_VALUE, loc(path), f"`{where}` must be a list ({spec.doc})")
            return []
        assert spec.item is not None
        return [validate(v, spec.item, lines, rel, found, path + (i,)) for i, v in enumerate(data)]
    if spec.kind == "choice":
        if data not in spec.choices:
            found.error(Code.BAD_VALUE, loc(path), f"`{where}` is {data!r}; expected one of {', '.join(spec.choices)}")
            return spec.default
        return data
    if spec.kind == "raw":
        return data
    if spec.kind == "language":
        if isinstance(data, str) and valid_language(data):
            return data
        found.error(
            Code.BAD_VALUE, loc(path), f"`{where}` is {data!r}; expected a BCP 47 language tag (en, fr, la, de-CH, grc, ...)"
        )
        return spec.default or ""
    if spec.kind == "length":
        if isinstance(data, str) and LENGTH.fullmatch(data.strip()):
            return data.strip()
        found.error(Code.BAD_VALUE, loc(path), f"`{where}` is {data!r}; expected a length such as 18mm, 0.75in or 12pt")
        return spec.default
    if spec.kind == "identifier":
        if isinstance(data, str) and IDENTIFIER.fullmatch(data):
            return data
        found.error(
            Code.BAD_VALUE, loc(path), f"`{where}` is {data!r}; expected an identifier with no spaces, such as urn:uuid:..."
        )
        return spec.default or ""
    if spec.kind == "name":
        if isinstance(data, (str, int)) and not isinstance(data, bool) and NAME.fullmatch(str(data)):
            return str(data)
        found.error(
            Code.BAD_NAME,
            loc(path),
            f"`{where}` is {data!r}; expected a name: a letter, then letters, digits, - or _ "
            "(at most 64; it becomes a file name and an XML id)",
        )
        return spec.default or ""
    if spec.kind == "text":
        if isinstance(data, (str, int, float)) and not isinstance(data, bool) and str(data).strip():
            return str(data)
        if isinstance(data, str):
            found.error(Code.MISSING_KEY, loc(path), f"`{where}` is empty ({spec.doc})")
        else:
            found.error(Code.BAD_VALUE, loc(path), f"`{where}` is {data!r}; expected text ({spec.doc})")
        return spec.default or ""
    expected = _TYPES[spec.kind]
    if spec.kind == "date" and isinstance(data, str):
        try:
            data = dt.date.fromisoformat(data)
        except ValueError:
            pass
    if spec.kind == "str" and isinstance(data, (int, float)) and not isinstance(data, bool):
        data = str(data)
    if not isinstance(data, expected) or (expected is int and isinstance(data, bool)):
        what = "a date written YYYY-MM-DD" if spec.kind == "date" else f"a {spec.kind}"
        code = Code.BAD_DATE if spec.kind == "date" else Code.BAD_VALUE
        found.error(code, loc(path), f"`{where}` is {data!r}; expected {what} ({spec.doc})")
        return spec.default
    return data


def top(schema: dict[str, Field]) -> Field:
    """The schema of a whole file whose top level is a mapping."""
    return Field("map", "the file", schema=schema)


#: The files whose schemas the configuration reference lists, in its order.
FILES = (
    ("book.yaml", "The book's metadata and build settings, at the top of the book's folder.", BOOK),
    ("Letter header", "The YAML header (between `---` lines) of each file in `letters/` and `appendix/`.", LETTER),
    ("Division header", "The YAML header of each file in `front/` (introduction, note on the text).", DIVISION),
    ("persons.yaml", "The register of persons and organisations: a list of entries.", ENTRIES["persons.yaml"].schema),
    ("places.yaml", "The register of places: a list of entries.", ENTRIES["places.yaml"].schema),
    (
        "works.yaml",
        "The register of works and periodicals (periodicals' titles print in italics): a list of entries.",
        ENTRIES["works.yaml"].schema,
    ),
    ("glossary.yaml", "The glossary of abbreviations and terms: a list of entries.", GLOSS.schema),
    ("emendations.yaml", "The corrections of the sources, on record: a list of entries.", EMENDATION.schema),
    ("A part by range", "An item of `divisions.parts` in book.yaml when it is a list.", PART_RANGE.schema),
)


def reference() -> str:
    """docs/configuration.md: every key of every schema, from the schemas themselves
    (``python -m publish.config > docs/configuration.md``; a test fails when it drifts)."""
    out = [
        "# Configuration reference",
        "",
        "Generated from the schemas in `src/publish/config.py` by `python -m publish.config`;",
        "do not edit by hand.  The format, with an example of every element: [manuscript.md](manuscript.md).",
        "",
    ]
    for title, intro, schema in FILES:
        out += [f"## {title}", "", intro, "", "| key | type | required | default | meaning |", "|---|---|---|---|---|"]
        out += _rows(schema, "")
        out.append("")
    return "\n".join(out)


def _rows(schema: dict[str, Field], prefix: str) -> list[str]:
    rows = []
    for key, f in schema.items():
        kind = f"one of {', '.join(f.choices)}" if f.kind == "choice" else {"raw": "see meaning"}.get(f.kind, f.kind)
        if f.kind in ("list", "dict") and f.item is not None and f.item.kind == "map":
            kind = f"{f.kind} of mappings"
        default = "" if f.required or f.kind == "map" else f"`{json.dumps(f.default, ensure_ascii=False)}`".replace("|", "\\|")
        doc = f.doc.replace("|", "\\|")
        rows.append(f"| `{prefix}{key}` | {kind} | {'yes' if f.required else ''} | {default} | {doc} |")
        if f.kind == "map":
            rows += _rows(f.schema, f"{prefix}{key}.")
        elif f.kind in ("list", "dict") and f.item is not None and f.item.kind == "map":
            rows += _rows(f.item.schema, f"{prefix}{key}{'[].' if f.kind == 'list' else '.<key>.'}")
    return rows


if __name__ == "__main__":
    print(reference(), end="")
