"""Where the PDF's layout units run (see ``writers/chunked.py``).

Three runners with one interface: ``submit(fn, arg)`` -> a handle, ``wait(handles)`` ->
the handles that are done (at least one), ``result(handle)``, and ``slots``, how many
units may run at once.

- ``PoolRunner``: processes of this machine, one per core, from a fork server that has
  imported WeasyPrint (not forked from this process, whose other threads may hold locks
  a fork would copy locked);
- ``DaskRunner``: on a Dask worker (a catalogue built on a cluster), tasks of the same
  cluster;
- ``SerialRunner``: in a daemonic process, which may not start others, one at a time.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: WeasyPrint is not made to run in two threads of a process at once: units laid out in
#: this process and the EPUB cover's thread take turns.
ENGINE = threading.Lock()


class PoolRunner:
    def __init__(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.slots = os.cpu_count() or 1
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "publish.writers.chunked"])
        self.pool = ProcessPoolExecutor(max_workers=self.slots, mp_context=context)
        # Start the fork server and the workers now, from another thread: the server
        # imports WeasyPrint before it forks, and this thread reads the manuscript.
        threading.Thread(target=lambda: [self.pool.submit(int) for _ in range(self.slots)], daemon=True).start()

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self.pool.submit(fn, arg)

    def wait(self, handles: list[Any]) -> list[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        return list(wait(handles, return_when=FIRST_COMPLETED).done)

    def result(self, handle: Any) -> Any:
        return handle.result()


class SerialRunner(PoolRunner):
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
    def __init__(self, client: Any) -> None:
        self.client = client
        self.slots = max(1, sum(client.nthreads().values()))

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        return self.client.submit(fn, arg, pure=False)

    def wait(self, handles: list[Any]) -> list[Any]:
        from distributed import wait

        return list(wait(handles, return_when="FIRST_COMPLETED").done)


@contextlib.contextmanager
def unit_runner() -> Iterator[PoolRunner]:
    """The runner for this process (see the module's docstring)."""
    try:
        from distributed import get_worker, worker_client

        get_worker()
    except (ImportError, ValueError):
        pass
    else:
        with worker_client() as client:
            yield DaskRunner(client)
        return
    import multiprocessing

    if multiprocessing.current_process().daemon:
        yield SerialRunner()
        return
    runner = PoolRunner()
    try:
        yield runner
    except BaseException:  # a manuscript error is reported without waiting for the workers
        runner.pool.shutdown(wait=False, cancel_futures=True)
        raise
    runner.pool.shutdown()
