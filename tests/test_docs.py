"""The manuscript format's reference (docs/manuscript.md) names every key the schemas accept
and every finding code, so the two cannot drift apart unnoticed."""

from __future__ import annotations

import re

from publish import config
from publish.diagnostics import Code

from .conftest import ROOT

DOC = (ROOT / "docs" / "manuscript.md").read_text(encoding="utf-8")


def _keys(schema: dict[str, config.Field], prefix: str = "") -> list[str]:
    out = []
    for key, field in schema.items():
        out.append(prefix + key)
        if field.kind == "map":
            out += _keys(field.schema, prefix + key + ".")
    return out


def test_every_key_is_documented() -> None:
    keys = [
        *_keys(config.BOOK),
        *_keys(config.LETTER),
        *_keys(config.DIVISION),
        *_keys(config.EMENDATION.schema),
        *(k for f in config.ENTRIES.values() for k in _keys(f.schema)),
        *_keys(config.PART_RANGE.schema),
    ]

    def documented(key: str) -> bool:
        name = re.escape(key.rsplit(".", 1)[-1])
        # In code (`margins.top`, `print.parts_recto`) or as a key of an example (`edition:`).
        return bool(re.search(rf"`[^`\n]*\b{name}\b[^`\n]*`|^\s*-?\s*{name}:", DOC, re.M))

    assert [k for k in keys if not documented(k)] == []


def test_every_code_and_section_is_documented() -> None:
    assert [c.value for c in Code if c.value not in DOC] == []
    from publish.model import LETTER_PARTS, SECTIONS

    assert [p for p in (*LETTER_PARTS[:3], *LETTER_PARTS[4:], *SECTIONS) if f"::: {p}" not in DOC] == []
