"""Where the PDF's layout units run (see ``writers/chunked.py``).

Three runners with one interface: ``submit(fn, arg)`` -> a handle, ``wait(handles)`` ->
the handles that are done (at least one), ``result(handle)``, and ``slots``, how many
units may run at once.

- ``PoolRunner``: processes of this machine, one per core, from a fork server that has
  imported WeasyPrint (not forked from this process, whose other threads may hold locks
  a fork would copy locked);
- ``DaskRunner``: on a Dask worker (a catalogue built on a cluster), tasks of the same
  cluster;
- ``SerialRunner``: in a daemonic process, which may not start others, or in a
  catalogue's process (one title per core already), one at a time.

``start_server`` starts the fork server before the manuscript is read (it imports
WeasyPrint meanwhile); ``one_off`` runs one job in a process of it (the EPUB's cover of
a build that lays nothing out).
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

#: WeasyPrint is not made to run in two threads of a process at once: units laid out in
#: this process and the EPUB cover's thread take turns.
ENGINE = threading.Lock()


class PoolRunner:
    #: Its workers may fork a writer of a unit's PDFs (see ``writers/spool.py``): their
    #: only other thread, ``_watch``'s, holds no lock.
    behind = True

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.slots = os.cpu_count() or 1
        context = _forkserver()
        self.pool = ProcessPoolExecutor(max_workers=self.slots, mp_context=context, initializer=_watch, initargs=(os.getpid(),))
        # Start the fork server and the workers now, from another thread: the server
        # imports WeasyPrint before it forks, and this thread reads the manuscript.
        threading.Thread(target=self._warm, daemon=True).start()

    def _warm(self) -> None:
        try:
            for _ in range(self.slots):
                self.pool.submit(int)
        except RuntimeError:  # the build stopped (a manuscript error) before they started
            pass

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self.pool.submit(fn, arg)

    def wait(self, handles: list[Any]) -> list[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        return list(wait(handles, return_when=FIRST_COMPLETED).done)

    def result(self, handle: Any) -> Any:
        return handle.result()


def _forkserver() -> Any:
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "publish.writers.chunked"])
    return context


def server_wanted(formats: tuple[str, ...], layout: str, cover_kept: bool = False) -> bool:
    """Whether a build of ``formats`` forks from the fork server: the units' workers
    (``--layout auto`` or ``units``), or a process of its own for the EPUB's cover (an
    EPUB without a PDF, whose cover the build cache does not keep)."""
    pdf = "pdf" in formats or "cover" in formats
    return (layout != "single" and pdf) or ("epub" in formats and "pdf" not in formats and not cover_kept)


def start_server() -> None:
    """Start the fork server the units' workers come from, which imports WeasyPrint
    first, while this process reads the manuscript (no thread here: a build that then
    lays its book out as one document may fork, see ``writers/spool.py``)."""
    from multiprocessing import forkserver

    if multiprocessing_ok():
        _forkserver()
        forkserver.ensure_running()


def end_server() -> None:
    """End the fork server at once, and remove multiprocessing's temporary folder (the
    command's exit): a server started for a build that then forked nothing (its outputs
    up to date, or a manuscript error) would go on importing WeasyPrint for a second
    after the command ended.  Its workers have ended with their pools."""
    import signal
    import sys

    if "multiprocessing.forkserver" not in sys.modules:
        return
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    # (multiprocessing's temporary folder, which holds the server's socket: its own
    # clean-up runs at the interpreter's exit, which ``cli.run`` does not wait for)
    import multiprocessing.process
    import shutil

    folder = multiprocessing.process.current_process()._config.get("tempdir")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def one_off(fn: Callable[[Any], Any], arg: Any) -> Any:
    """``fn(arg)`` in a process of the fork server (which has WeasyPrint loaded), or
    here when this process may start none."""
    if not multiprocessing_ok():
        with ENGINE:
            return fn(arg)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=_forkserver(), initializer=_watch, initargs=(os.getpid(),)) as pool:
        return pool.submit(fn, arg).result()


def multiprocessing_ok() -> bool:
    """Whether this process may start processes of its own: not a daemonic one, nor a
    catalogue's (``SERIAL``), nor one that uses Dask (``distributed`` imported)."""
    import multiprocessing
    import sys

    return not (SERIAL or multiprocessing.current_process().daemon or "distributed" in sys.modules)


def _watch(build: int) -> None:
    """In a worker: end when the build's process is gone.  A build killed outright
    (SIGTERM, SIGKILL) shuts no pool down, and a worker waiting for work would wait for
    ever (it holds its queue's both ends)."""

    def watch() -> None:
        import time

        while True:
            time.sleep(0.5)
            try:
                os.kill(build, 0)
            except (ProcessLookupError, PermissionError):  # (Permission: another user's process took the number)
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="publish-watch").start()


class SerialRunner(PoolRunner):
    behind = False  # (units run in the build's process, with its threads)

    def __init__(self) -> None:
        self.slots = 1

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        from concurrent.futures import Future

        done: Future[Any] = Future()
        with ENGINE:
            try:
                done.set_result(fn(arg))
            except BaseException as exc:
                done.set_exception(exc)
        return done


class DaskRunner(PoolRunner):
    behind = False  # (a Dask worker runs tasks in threads)

    def __init__(self, client: Any) -> None:
        self.client = client
        self.slots = max(1, sum(client.nthreads().values()))

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        # The task may share its worker process with others (worker_client secedes the
        # title's thread): WeasyPrint runs in one thread of a process at a time.
        return self.client.submit(_locked, fn, arg, pure=False, key=f"{fn.__name__}-{uuid.uuid4().hex}")

    def wait(self, handles: list[Any]) -> list[Any]:
        from distributed import wait

        return list(wait(handles, return_when="FIRST_COMPLETED").done)


def _locked(fn: Callable[[Any], Any], arg: Any) -> Any:
    with ENGINE:
        return fn(arg)


#: Set in the processes of a catalogue build (see ``catalogue.py``), which already run
#: one title per core: their units run one after the other, not in more processes.
SERIAL = False


def serial_units() -> None:
    """Initializer of a catalogue's worker processes."""
    global SERIAL
    SERIAL = True


@contextlib.contextmanager
def unit_runner() -> Iterator[PoolRunner]:
    """The runner for this process (see the module's docstring)."""
    import sys

    try:
        if "distributed" not in sys.modules:  # (a Dask worker has it; importing it takes 0.3 s)
            raise ImportError
        from distributed import get_worker, worker_client

        get_worker()
    except (ImportError, ValueError):
        pass
    else:
        with worker_client() as client:
            yield DaskRunner(client)
        return
    import multiprocessing

    if SERIAL or multiprocessing.current_process().daemon:
        yield SerialRunner()
        return
    runner = PoolRunner()
    try:
        yield runner
    except BaseException:  # a manuscript error is reported without waiting for the workers
        runner.pool.shutdown(wait=False, cancel_futures=True)
        raise
    runner.pool.shutdown()
