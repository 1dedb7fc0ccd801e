"""Several manuscripts in one command: local processes, and the Dask backend on a
dask.distributed LocalCluster (both on this machine)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from publish.cli import main

from .conftest import EPOCH, ROOT

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("shelf")
    a, b = root / "notes-book", root / "tiny"
    shutil.copytree(FIXTURES / "notes-book", a)
    shutil.copytree(FIXTURES / "catalogue" / "bom-and-crlf-accepted", b)
    (b / "expected.yaml").unlink()
    return [a, b]


def _args(shelf: list[Path], out: Path, *extra: str) -> list[str]:
    return [
        "build",
        *map(str, shelf),
        "-o",
        str(out),
        "--styles",
        str(ROOT / "styles"),
        "--templates",
        str(ROOT / "templates"),
        *extra,
    ]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def local(shelf, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shelf built by local processes (the default backend), once: its own test and
    the Dask backend's reference."""
    out = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert main(_args(shelf, out)) == 0
    return out


def test_two_manuscripts_in_parallel_processes(local: Path) -> None:
    assert (local / "notes-book" / "notes-book.pdf").exists() and (local / "notes-book" / "notes-book.epub").exists()
    assert (local / "tiny" / "tiny.pdf").exists() and (local / "tiny" / "tiny.epub").exists()


def test_a_broken_manuscript_does_not_stop_the_others(shelf, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "catalogue" / "xref-unknown", broken)
    assert main(_args([shelf[1], broken], tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert "X001" in err and "broken/letters/02-b.md:20" in err
    assert (tmp_path / "out" / "tiny" / "tiny.epub").exists()


def test_dask_local_cluster_builds_the_same_files(shelf, local: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("distributed", reason="the Dask backend is optional: pip install publish[dask]")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert os.environ["SOURCE_DATE_EPOCH"] == EPOCH
    assert main(_args(shelf, tmp_path / "dask", "--scheduler", "local")) == 0
    for name in ("notes-book/notes-book.pdf", "notes-book/notes-book.epub", "tiny/tiny.pdf", "tiny/tiny.epub"):
        assert _digest(tmp_path / "dask" / name) == _digest(local / name), name


def test_dask_runs_the_titles_and_their_layout_units_as_tasks(shelf, tmp_path: Path, monkeypatch) -> None:
    """On a cluster, each manuscript is a task, and so is each of its PDF's layout units
    (submitted from the title's task to the same cluster)."""
    distributed = pytest.importorskip("distributed", reason="the Dask backend is optional: pip install publish[dask]")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
            assert main(_args(shelf, tmp_path / "dask", "--scheduler", cluster.scheduler_address, "--layout", "units")) == 0
    names = [str(task["key"]).split("-")[0].strip("('") for task in stream.data]
    assert names.count("build_one") == 2
    assert names.count("lay_out_unit") >= 4  # at least the front matter and the letters of each
    assert (tmp_path / "dask" / "tiny" / "tiny.pdf").exists() and (tmp_path / "dask" / "notes-book" / "notes-book.pdf").exists()
