"""Building a catalogue: several manuscripts at once, in parallel processes on this
machine, or as tasks of a Dask cluster (``pip install publish[dask]``).

In: manuscript folders, an output folder, the build options.  Out: one outcome per
manuscript (what it wrote, or the findings that stopped it), in the order given.
Each manuscript is built into ``<output>/<manuscript folder name>/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Paths, build
from .diagnostics import ManuscriptError, PublishError


@dataclass
class Outcome:
    manuscript: str
    written: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    skipped: bool = False
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0


def build_one(
    manuscript: str,
    output: str,
    formats: tuple[str, ...],
    profiles: tuple[str, ...],
    styles: str | None,
    templates: str | None,
    layout: str = "auto",
) -> Outcome:
    """One manuscript, start to end; picklable in and out, so any process can run it."""
    ms = Path(manuscript)
    try:  # (finding the folders is the title's own: a styles/ that links out of it is its finding)
        paths = Paths.find(
            ms, Path(output) / ms.resolve().name, Path(styles) if styles else None, Path(templates) if templates else None
        )
        result = build(paths, formats, profiles=profiles, layout=layout)
    except ManuscriptError as exc:
        return Outcome(manuscript, errors=[str(d) for d in exc.diagnostics], exit_code=exc.exit_code)
    except PublishError as exc:
        return Outcome(manuscript, errors=[str(exc)], exit_code=exc.exit_code)
    return Outcome(manuscript, {k: str(v) for k, v in result.written.items()}, result.pages, result.skipped)


def build_catalogue(
    manuscripts: list[Path],
    output: Path,
    formats: tuple[str, ...],
    profiles: tuple[str, ...],
    styles: Path | None = None,
    templates: Path | None = None,
    scheduler: str | None = None,
    layout: str = "auto",
) -> list[Outcome]:
    """``scheduler``: None for local processes; "local" for a Dask LocalCluster; or a
    Dask scheduler address (tcp://host:port)."""
    args = [
        (str(m), str(output), formats, profiles, str(styles) if styles else None, str(templates) if templates else None, layout)
        for m in manuscripts
    ]
    if scheduler is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # From the fork server, as the layout units' workers (see build._unit_runner):
        # a process forked from this one would inherit its fork server's state.
        context = multiprocessing.get_context("forkserver")
        from .runners import serial_units

        workers = min(len(args), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=serial_units) as pool:
            return list(pool.map(build_one, *zip(*args, strict=True)))
    return _with_dask(args, scheduler)


def _with_dask(args: list[tuple[Any, ...]], scheduler: str) -> list[Outcome]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise PublishError("the Dask backend needs `pip install publish[dask]`") from exc
    cluster = (
        LocalCluster(n_workers=min(len(args), os.cpu_count() or 1), threads_per_worker=1, processes=True, dashboard_address=None)
        if scheduler == "local"
        else None
    )
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = [client.submit(build_one, *a, pure=False) for a in args]
            return client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
