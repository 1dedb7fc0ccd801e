"""PDFs written behind (``writers/spool.py``): a fork writes, the caller goes on and
collects the result, the findings raised or the failure; a unit's profiles written so
are the bytes written in the worker itself."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pikepdf
import pytest

from publish.diagnostics import Code, Collector, ManuscriptError
from publish.model import Loc
from publish.writers import chunked, spool
from publish.writers.pdf import fixed_xmp
from publish.writers.stitch import finish

from .test_one_layout import SMALL, STYLES


def test_the_result_comes_from_another_process_that_is_nobodys_child(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    spool.write_behind(path, lambda: (os.getpid(), b"%PDF" * 1000))
    pid, data = spool.collect(path)
    assert pid != os.getpid() and data == b"%PDF" * 1000
    assert not path.exists()
    with pytest.raises(ChildProcessError):  # (the writer is the fork's fork: no zombie of ours)
        os.waitpid(pid, os.WNOHANG)


def test_findings_raised_in_the_writer_are_raised_by_collect(tmp_path: Path) -> None:
    def refused() -> None:
        found = Collector()
        found.error(Code.RESOURCE_REFUSED, Loc("styles/icc/x.icc"), "not an ICC profile")
        raise ManuscriptError(found.items)

    spool.write_behind(tmp_path / "b.pdf", refused)
    with pytest.raises(ManuscriptError) as caught:
        spool.collect(tmp_path / "b.pdf")
    assert [d.code for d in caught.value.diagnostics] == [Code.RESOURCE_REFUSED]


def test_a_writer_that_fails_or_dies_is_a_runtime_error_not_a_hang(tmp_path: Path) -> None:
    spool.write_behind(tmp_path / "c.pdf", lambda: 1 / 0)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        spool.collect(tmp_path / "c.pdf")
    spool.write_behind(tmp_path / "d.pdf", lambda: os._exit(3))
    with pytest.raises(RuntimeError, match="without a result"):
        spool.collect(tmp_path / "d.pdf")


def _job(spool_folder: str) -> chunked.UnitJob:
    return chunked.UnitJob(SMALL, ("digital", "print"), STYLES, STYLES, (), True, spool=spool_folder)


def test_a_units_profiles_written_behind_are_the_ones_written_in_the_worker(tmp_path: Path) -> None:
    here = chunked.lay_out_unit(_job(""))
    behind = chunked.lay_out_unit(_job(str(tmp_path)))
    assert set(here.pdfs) == {"digital", "print"} and not here.spooled
    assert set(behind.pdfs) == {"digital"} and set(behind.spooled) == {"print"}  # the first profile in the worker
    chunked._collect(behind)
    assert not behind.spooled and not list(tmp_path.iterdir())
    assert {k: _fixed(v) for k, v in behind.pdfs.items()} == {k: _fixed(v) for k, v in here.pdfs.items()}


def _fixed(data: bytes) -> bytes:
    """The PDF with its ids fixed as the build fixes them (WeasyPrint's are random)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return finish(pdf, 0, lambda xml: fixed_xmp(xml, "urn:test"))
