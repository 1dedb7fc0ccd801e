"""Scaled corpora from the edition, for benchmarks: the eleven letters copied N times.

Each copy gets unique ids (``-c2``, ``-c3``, ...), its cross-references and emendations
follow it, notes and references included; the correspondence is divided into parts by
year (as large letter editions are), each opening on a recto.  Variants: each letter
opening a fresh page (``print.letters_new_page``), and no parts.
Usage: python bench/corpus.py N OUT_DIR [--new-page]
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def make(scale: int, out: Path, source: Path = ROOT / "manuscript", new_page: bool = False, parts: bool = True) -> Path:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    book = out / "book.yaml"
    text = book.read_text(encoding="utf-8")
    if parts and "  parts:" not in text:
        text = _edit(text, '  appendix: "Appendix"\n', '  appendix: "Appendix"\n  parts: year\n')
        text = _edit(text, "  letters_new_page: false\n", "  letters_new_page: false\n  parts_recto: true\n")
    if new_page:
        text = _edit(text, "letters_new_page: false", "letters_new_page: true")
    book.write_text(text, encoding="utf-8")
    letters = sorted((source / "letters").glob("*.md"))
    ids = [re.search(r"^id: (\S+)$", p.read_text(encoding="utf-8"), re.M).group(1) for p in letters]  # type: ignore[union-attr]
    emendations = yaml.safe_load((source / "emendations.yaml").read_text(encoding="utf-8"))
    extra = []
    for copy in range(2, scale + 1):
        for path in letters:
            text = path.read_text(encoding="utf-8")
            for i in ids:
                text = re.sub(rf"(?<=[#: ]){re.escape(i)}(?=[)\s.])", f"{i}-c{copy}", text)
            (out / "letters" / f"{path.stem}-c{copy}.md").write_text(text, encoding="utf-8")
        extra += [dict(e, where=f"{e['where']}-c{copy}") for e in emendations if e["where"] in ids]
    if extra:
        with (out / "emendations.yaml").open("a", encoding="utf-8") as fh:
            fh.write(yaml.dump(extra, Dumper=_NoAliases, allow_unicode=True, sort_keys=False))
    return out


class _NoAliases(yaml.SafeDumper):
    """Repeated values written out: a manuscript's YAML may hold no aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _edit(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"book.yaml has no {old!r} to change")
    return text.replace(old, new)


def markdown(manuscript: Path) -> str:
    """The corpus as one plain Markdown file (headers and part fences dropped, notes kept):
    what pandoc gets for the EPUB reference."""
    out = []
    for path in (
        sorted((manuscript / "front").glob("*.md"))
        + sorted((manuscript / "letters").glob("*.md"))
        + sorted((manuscript / "appendix").glob("*.md"))
    ):
        text = path.read_text(encoding="utf-8")
        header, body = text.split("\n---\n", 1)
        title = re.search(r"^(?:heading|title): \"?(.*?)\"?$", header, re.M)
        body = re.sub(r"^:::.*$", "", body, flags=re.M).replace("{lang=fr}\n", "")
        # Footnote labels are per file in the manuscript; one file needs them unique.
        body = re.sub(r"\[\^([^\]]+)\]", lambda m, stem=path.stem: f"[^{stem}-{m.group(1)}]", body)
        out.append(f"# {title.group(1) if title else path.stem}\n\n{body}")
    return "\n\n".join(out)


if __name__ == "__main__":
    make(int(sys.argv[1]), Path(sys.argv[2]), new_page="--new-page" in sys.argv[3:])
