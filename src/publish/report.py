"""What changed since the previous build: letters touched, notes renumbered, pages whose
text changed, page count, contents entries that moved.

In: the book and the first PDF profile's layout.  Out: a state (kept in the build cache)
and, against the previous state, a report as a dict (written as JSON by ``--report``)
and as a few lines for the terminal.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .model import Book


def state(book: Book, pdf: Any) -> dict[str, Any]:
    items = (*book.front, *book.all_letters)
    out: dict[str, Any] = {
        "letters": {x.id: hashlib.sha256(repr(x).encode()).hexdigest() for x in items},
        "notes": {n.id: n.number for x in items for n in x.notes},
    }
    if pdf is not None:
        out["pages"] = pdf.page_digests
        out["labels"] = pdf.labels
        out["contents"] = {x.id: pdf.labels[pdf.anchors[x.id]] for x in items if x.id in pdf.anchors}
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    if not old:
        return {"first_build": True}
    report: dict[str, Any] = {
        "letters_touched": sorted(k for k, v in new["letters"].items() if old.get("letters", {}).get(k) != v),
        "letters_removed": sorted(k for k in old.get("letters", {}) if k not in new["letters"]),
        "notes_renumbered": [
            {"note": k, "was": old["notes"][k], "now": v}
            for k, v in sorted(new["notes"].items())
            if k in old.get("notes", {}) and old["notes"][k] != v
        ],
    }
    if "pages" in new and "pages" in old:
        pages, before = new["pages"], old["pages"]
        labels = new["labels"]
        report["pages_changed"] = [labels[i] for i in range(len(pages)) if i >= len(before) or pages[i] != before[i]]
        report["page_count"] = {"was": len(before), "now": len(pages)}
        report["contents_moved"] = [
            {"entry": k, "was": old["contents"][k], "now": v}
            for k, v in new["contents"].items()
            if k in old.get("contents", {}) and old["contents"][k] != v
        ]
    return report


def lines(report: dict[str, Any]) -> list[str]:
    if report.get("first_build"):
        return ["first build: nothing to compare with"]
    out = [f"letters touched: {', '.join(report['letters_touched']) or 'none'}"]
    if report["notes_renumbered"]:
        out.append("notes renumbered: " + ", ".join(f"{n['note']} {n['was']}→{n['now']}" for n in report["notes_renumbered"]))
    if "pages_changed" in report:
        count = report["page_count"]
        delta = count["now"] - count["was"]
        out.append(f"pages changed: {', '.join(report['pages_changed']) or 'none'}; {count['now']} pages ({delta:+d})")
        if report["contents_moved"]:
            out.append("contents moved: " + ", ".join(f"{m['entry']} p. {m['was']}→{m['now']}" for m in report["contents_moved"]))
    return out
