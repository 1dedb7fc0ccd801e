"""``publish new DIR``: a starter correspondence that builds clean at once.

In: a folder that does not exist yet (or is empty), a title and a language.  Out: the
files of ``publish/starter/`` (package data) copied into it: ``book.yaml`` with every
key shown (the defaults commented out), two short letters (a headnote, a note, a
cross-reference, an uncertain date, a quotation), a persons register, a note on the text
and an emendation.  ``book.yaml`` and ``emendations.yaml`` are filled in (slug from the
folder's name, a new identifier, today's date); the other files are copied as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .diagnostics import PublishError

#: Files filled in with ``str.format`` (their literal braces are doubled).
FILLED = frozenset({"book.yaml", "emendations.yaml"})


def slug_of(name: str) -> str:
    """A slug the schema accepts (``config.NAME``): a letter first, at most 64 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "letters"
    return (slug if slug[0].isalpha() else f"book-{slug}")[:64].rstrip("-")


def new(target: Path, title: str = "", language: str = "en") -> list[Path]:
    """Write the starter book into ``target``; return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PublishError(f"{target}: already exists and is not an empty folder; choose a new folder name")
    from .languages import valid_language

    if not valid_language(language):
        raise PublishError(f"--language {language!r}: expected a BCP 47 language tag such as en, fr, de or en-GB")
    name = target.resolve().name
    values = {
        "slug": slug_of(name),
        "title": json.dumps(
            title or name.replace("-", " ").replace("_", " ").strip().capitalize() or "Letters", ensure_ascii=False
        ),
        "language": language,
        "uuid": uuid.uuid4(),
        "date": dt.date.today().isoformat(),
    }
    written = []
    root = resources.files("publish") / "starter"
    for relative, entry in _files(root, Path()):
        text = entry.read_text(encoding="utf-8")
        if relative.name in FILLED:
            text = text.format(**values)
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        written.append(out)
    return written


def _files(folder: Traversable, relative: Path) -> Iterator[tuple[Path, Traversable]]:
    """The starter's files under ``folder`` (a folder of the installed package)."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _files(entry, relative / entry.name)
        elif not entry.name.startswith((".", "_")):
            yield relative / entry.name, entry
