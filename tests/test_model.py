"""The model of the shipped edition: the letters, their order, sides, parts and notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from publish.build import load
from publish.model import Book, ListBlock
from publish.walk import plain_text

from .conftest import MANUSCRIPT

GOLDEN = Path(__file__).parent / "golden" / "model.json"


@pytest.fixture(scope="module")
def book() -> Book:
    return load(MANUSCRIPT)


def test_twelve_letters_in_date_order(book: Book) -> None:
    assert len(book.letters) == 11
    assert len(book.appendix) == 1
    dates = [x.date.earliest for x in book.letters]
    assert dates == sorted(dates)
    assert dates[0] == dt.date(1946, 12, 16) and dates[-1] == dt.date(1949, 6, 29)
    assert book.appendix[0].date.earliest == book.appendix[0].date.latest == dt.date(1961, 11, 9)
    assert [x.date.text for x in book.letters][:2] == ["16 December 1946", "28 January 1947"]
    assert [x.number for x in book.letters] == list(range(1, 12))


def test_sides_of_the_correspondence(book: Book) -> None:
    assert all(len(x.senders) == len(x.recipients) == 1 for x in book.all_letters)
    sides = [x.senders[0].author for x in book.letters]
    assert sides.count("barta") == 7
    assert sides.count("sedova") == 4
    assert all(x.date.year in (1946, 1947, 1948, 1949) for x in book.letters)
    sedova = [x.id for x in book.letters if x.senders[0].author == "sedova"]
    assert sedova == ["sedova-1947-01-28", "sedova-1947-07-12", "sedova-1947-10-22", "sedova-1948-03-17"]
    assert book.appendix[0].senders[0].author == "sedova"


def test_letter_parts(book: Book) -> None:
    for letter in book.all_letters:
        assert letter.parts("dateline"), letter.id
        assert letter.parts("salutation"), letter.id
        assert letter.parts("body"), letter.id
        assert letter.date_as_written in plain_text(letter.parts("dateline")[0]) or any(
            letter.date_as_written in plain_text(b) for b in letter.parts("dateline")
        )
    feb = next(x for x in book.letters if x.id == "uc-1947-02-20")
    assert [plain_text(b)[:5] for b in feb.parts("postscript")] == ["PS.1.", "PS.2."]
    appendix = book.appendix[0]
    lists = [b for b in appendix.blocks if isinstance(b, ListBlock)]
    assert len(lists) == 1 and lists[0].ordered and len(lists[0].items) == 3


def test_french_paragraph_is_marked(book: Book) -> None:
    july = next(x for x in book.letters if x.id == "sedova-1947-07-12")
    french = [b for b in july.blocks if getattr(b, "lang", "") == "fr"]
    assert len(french) == 1
    assert plain_text(french[0]).startswith("J’ai reçu vos lettres")
    following = july.blocks[july.blocks.index(french[0]) + 1]
    assert plain_text(following).startswith("I have got your letters")


def test_notes_attributed_and_numbered(book: Book) -> None:
    notes = {n.label: n for x in book.all_letters for n in x.notes}
    assert notes["mathieu"].series == "transcribers"
    assert notes["munis"].series == "transcribers"
    assert notes["last"].series == "mia"
    assert notes["april"].series == "editors" and notes["september"].series == "editors"
    numbers = [n.number for x in book.all_letters for n in x.notes]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]  # continuous numbering
    assert book.series("mia").tag == "Footnote by MIA"


def test_emendations_applied_to_the_model(book: Book) -> None:
    text = "\n".join(plain_text(b) for x in (*book.front, *book.all_letters) for b in x.blocks)
    for em in book.emendations:
        assert em.corrected in text
    for wrong in ("Bur after", "annihlation", "immitators", "andthe", "united from with", "get know him", "an “degenerated"):
        assert wrong not in text
    for em in book.emendations:
        if em.original not in em.corrected:  # (“gave to him” stays in “gave to him.”)
            assert em.original not in text, em.original
    assert len(book.emendations) == 19


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"_type": type(value).__name__}
        out.update(
            {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in ("root", "revision")}
        )
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_golden_model_snapshot(book: Book, update_goldens: bool) -> None:
    """The whole model as JSON: any change to parsing or transforms shows as a diff.
    Rewrite with `pytest --update-goldens` after checking the diff is intended."""
    current = json.dumps(_jsonable(book), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if update_goldens:
        GOLDEN.write_text(current, encoding="utf-8")
    assert GOLDEN.exists(), "no golden snapshot: run pytest --update-goldens and review it"
    assert current == GOLDEN.read_text(encoding="utf-8")


def test_colophon_carries_edition_date_and_source_revision(edition) -> None:
    """The shipped manuscript is in git: the colophon names the commit it was built from."""
    from .textutil import epub_text, pdf_pages

    revision = edition.result.book.revision
    assert re.fullmatch(r"[0-9a-f]{12}(\+edits)?", revision)
    line = f"Edition 1, 25 November 2026; source revision {revision}"
    assert line in " ".join(epub_text(edition.epub).split())
    assert line in " ".join(pdf_pages(edition.pdf)[3].split())


def test_no_revision_outside_git(tmp_path) -> None:
    import shutil

    shutil.copytree(MANUSCRIPT, tmp_path / "m")
    assert load(tmp_path / "m").revision == ""
