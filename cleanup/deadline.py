"""A time limit per article, so that no input can hang a batch.

`article_deadline(seconds)` raises ArticleTimeout in the code it guards when the time is up,
through SIGALRM (only in a process's main thread, where Python delivers signals). Code stuck
inside a compiled library (a checker in Rust) only sees the signal when it returns; for that
case the local executor also watches its worker processes from outside and replaces one that
does not answer in time (cleanup/executors/local.py).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ArticleTimeout(BaseException):
    """The article's time is up. A BaseException, so that no `except Exception` in the code it
    interrupts can swallow it."""


@contextmanager
def article_deadline(seconds: float | None) -> Iterator[None]:
    if (
        not seconds
        or seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield
        return

    def on_alarm(signum, frame):
        raise ArticleTimeout(f"gave up after {seconds:g} s (--timeout)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
