"""Time bounds on work a manuscript can make long: a layout, a template's rendering.

``alarm(seconds, exception)`` raises ``exception()`` in the process's main thread once
``seconds`` have passed (a timer signal, ``SIGALRM``), and again every tenth of a second
after, since an exception raised while Python runs a finaliser or a garbage collector's
callback is dropped with a warning.  In another thread it does nothing: signals reach
the main thread only (the caller bounds that work otherwise, or not at all).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator


def seconds_from(variable: str, default: float) -> float:
    """The bound the environment variable ``variable`` sets, else ``default``."""
    try:
        return float(os.environ.get(variable) or default)
    except ValueError:
        return default


@contextlib.contextmanager
def alarm(seconds: float, exception: Callable[[], BaseException]) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return
    disarmed = [False]

    def stop(signum: int, frame: object) -> None:
        if not disarmed[0]:
            raise exception()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        while not disarmed[0]:  # (a repeat may land here too: disarm until it holds)
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                disarmed[0] = True
            except BaseException:  # the repeat's exception: the one already raised goes on
                continue
        signal.signal(signal.SIGALRM, previous)
