"""PDFs written behind: a laid-out document written by a fork of the process that laid it out.

In: a function that writes (it runs in the fork, which shares the laid-out document
copy-on-write: WeasyPrint's document cannot be pickled to another process) and a file
in the build cache's spool folder.  Out: the file, locked until the fork has written
the function's result into it (pickled: its return value, the findings it raised, or
how it failed); ``collect`` waits for the lock and returns the result, or raises what
the function raised.

Why: the process that laid a unit out (``chunked.lay_out_unit``) reports the layout at
once and is free for the next one (the front matter waits for the letters' folios)
while the unit's PDFs are written; two profiles of one long unit are written on two
cores.  Only in a process with no thread of its own but ones that hold no lock (the
units' worker processes: ``runners.PoolRunner``, whose only other thread watches the
build's process): a fork copies the locks other threads hold, locked.

The writer is the fork's fork, so the process that laid out never has a child to reap;
the lock is the kernel's (flock, held by the writer's open file), so ``collect`` also
returns when the writer dies (its file then holds no result: a RuntimeError, a bug).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import uuid
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from ..diagnostics import ManuscriptError

T = TypeVar("T")


def start(items: Iterable[T], write: Callable[[T], Any], folder: Path) -> dict[T, Path]:
    """``write(item)`` for each of ``items``, each by a fork of its own: the file each
    result goes to (in ``folder``), for ``collect``."""
    files = {}
    for item in items:
        files[item] = folder / f"{uuid.uuid4().hex}.pdf"
        write_behind(files[item], partial(write, item))
    return files


def write_behind(path: Path, write: Callable[[], Any]) -> None:
    """Start ``write`` in a fork of this process; its result goes to ``path`` (a new file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        pid = os.fork()
    except BaseException:
        os.close(fd)
        raise
    if pid == 0:
        _writer(fd, write)
    os.close(fd)
    os.waitpid(pid, 0)


def _writer(fd: int, write: Callable[[], Any]) -> NoReturn:
    status = 1
    try:
        if os.fork():  # (this fork ends at once: the writer, its child, is nobody's to reap)
            status = 0
        else:
            try:
                outcome: tuple[str, Any] = ("done", write())
            except ManuscriptError as exc:
                outcome = ("error", exc.diagnostics)
            except BaseException as exc:
                outcome = ("failed", f"{type(exc).__name__}: {exc}")
            view = memoryview(pickle.dumps(outcome))
            while view:
                view = view[os.write(fd, view) :]
            status = 0
    finally:
        os._exit(status)


def collect(path: Path) -> Any:
    """What the writer of ``path`` returned, once it is done (the file is removed)."""
    try:
        with open(path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH)
            data = fh.read()
    finally:
        path.unlink(missing_ok=True)
    try:
        kind, payload = pickle.loads(data)
    except Exception:  # (EOFError on an empty file; an unpickling error on a cut one)
        kind, payload = "failed", "the writing process ended without a result"
    if kind == "error":
        raise ManuscriptError(payload)
    if kind != "done":
        raise RuntimeError(f"writing a PDF in a forked process failed: {payload}")  # a bug, not bad input
    return payload
