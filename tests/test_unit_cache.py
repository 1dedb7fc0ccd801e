"""What the build cache keeps of the units' layouts (``chunked.to_cache``, ``Guess``)
is read back as data: an output folder may come from elsewhere, and a file planted in
its cache must not run (pickle would run it) nor break the build."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from publish.diagnostics import Code, Diagnostic, Severity
from publish.model import Loc
from publish.writers import chunked

from .test_one_layout import SMALL, STYLES


class _Planted:
    """What a planted pickle could do: write a file when it is unpickled."""

    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):
        return (Path.write_text, (self.target, "ran"))


def test_a_units_layout_reads_back_as_it_was_kept() -> None:
    laid = chunked.lay_out_unit(chunked.UnitJob(SMALL, ("digital", "print"), STYLES, STYLES, (), True))
    laid = replace(laid, warnings=[Diagnostic(Code.NOTE_PLACEMENT, Severity.WARNING, Loc("letters/a.md", 3, 2), "é")])
    assert laid.pdfs["digital"] and laid.pdfs["print"] and laid.starts
    kept = chunked.to_cache(laid)
    assert chunked.from_cache(kept) == laid
    assert chunked.from_cache(kept[:-1]) is None and chunked.from_cache(kept + b"x") is None
    assert chunked.from_cache(b"") is None and chunked.from_cache(b"\x00" * 8 + b"{}") is None


def test_a_guess_reads_back_as_it_was_kept() -> None:
    guess = chunked.Guess([3, 5], {"a": "iv"}, {"p1": "note-break"}, {"n1": {"data-head": "Notes to pages 1–2"}})
    assert chunked.Guess.from_cache(guess.to_cache()) == guess
    assert chunked.Guess.from_cache(None) == chunked.Guess() == chunked.Guess.from_cache(b"[1, 2]")


def test_a_pickle_planted_in_the_cache_does_not_run(tmp_path: Path) -> None:
    target = tmp_path / "ran"
    planted = pickle.dumps(_Planted(target))
    assert chunked.from_cache(planted) is None
    assert chunked.Guess.from_cache(planted) == chunked.Guess()
    assert not target.exists()
    pickle.loads(planted)  # (the planted file does what it says when unpickled)
    assert target.read_text() == "ran"
