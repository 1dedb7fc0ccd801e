"""Helpers that read text back out of the built files."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

WORD = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(WORD.findall(text))


def epub_documents(epub: Path) -> dict[str, etree._Element]:
    out = {}
    with zipfile.ZipFile(epub) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".xhtml"):
                out[name] = etree.fromstring(z.read(name))
    return out


def epub_text(epub: Path) -> str:
    return "\n".join(" ".join(root.itertext()) for root in epub_documents(epub).values())


def file_key(path: Path) -> tuple[str, int, int, int]:
    """What tells one written file from another at ``path``: a file rewritten or replaced
    there has another key (inode, modification time, size)."""
    st = Path(path).stat()
    return str(Path(path).resolve()), st.st_ino, st.st_mtime_ns, st.st_size


_PAGES: dict[tuple[str, int, int, int], list[str]] = {}


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's extracted text (pypdf), read once per written file: the session's books
    are read back by many tests."""
    key = file_key(pdf)
    if key not in _PAGES:
        from pypdf import PdfReader

        _PAGES[key] = [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]
    return list(_PAGES[key])


def pdf_tokens(pdf: Path) -> Counter[str]:
    """Tokens of the PDF's text.  The hyphenation puts a hyphen (U+002D since the engine's
    hyphenate-character, U+2010 before) at a broken line end, and never ends a line at
    the source's own hyphen.  Both readings of a break are counted, so a word split by
    hyphenation is found whole."""
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    joined = re.sub("[\u2010-]\\s*\\n", "", text)
    split = text.replace("\u2010", "-")
    found = tokens(joined) | tokens(split)
    # A word hyphenated at the foot of a page: its end is the first word of the next
    # page (each page's text is its body first, then its footnotes, each opening with its
    # number, then the running head and folio).
    for page, following in zip(pages, pages[1:], strict=False):
        end = re.search("(\\w+)[\u2010-]\\n(?:\\d+\\s[\\s\\S]*|(?:[^\\n]*\\n?){0,2})$", page)
        start = re.match(r"\W*(\w+)", following)
        if end and start:
            found[end.group(1) + start.group(1)] += 1
    return found


def assert_ace_passes(epub: Path) -> None:
    """DAISY Ace's verdict on ``epub``: pass, with no violation (skipped where Ace is missing)."""
    import pytest

    from publish.checks import ace

    from .conftest import checked

    missing = ace.available()
    if missing:
        pytest.skip(missing)
    verdict, violations = checked("ace", epub)  # type: ignore[misc]  # (ace.run, maybe started when the book was built)
    assert [str(v) for v in violations] == []
    assert verdict == "pass"
