"""The local executor: this process (`-j 1`) or N worker processes. Output order is input
order whatever N."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from cleanup.executors.worker import Worker, clean_batch_in_process, init_process
from cleanup.executors.writer import input_key
from cleanup.model import Article, ReadError
from cleanup.options import Options
from cleanup.summary import compact


@dataclass
class Done:
    """One record for the writer: its line, its input key, whether it was reused."""

    line: bytes
    key: str | None
    reused: bool
    counts: dict
    calls: int = 0
    hits: int = 0


def process_stream(
    items: Iterable[Article | ReadError],
    options: Options,
    jobs: int,
    reuse: Callable[[str | None], bytes | None],
    fingerprint: str,
    batch_size: int = 8,
) -> Iterator[Done]:
    """Yield every input's record in input order; unchanged inputs are reused, not cleaned."""
    if jobs <= 1:
        worker = Worker(options)
        try:
            for item in items:
                key = input_key(item, fingerprint)
                old = reuse(key)
                if old is not None:
                    yield Done(old, key, True, compact(json.loads(old)))
                    continue
                (c,) = worker.clean_batch([item])
                yield Done(c.line, key, False, c.counts, c.calls, c.hits)
        finally:
            worker.close()
        return
    # Batches of articles go to the workers (fewer round trips); a bounded window of batches
    # is in flight, so memory stays flat however long the input, and results are taken in
    # submission order, so the output order is the input order whatever N is.
    window: deque[tuple[list[tuple[str | None, bytes | None]], Future | None]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_process, initargs=(options,)) as pool:
        batch: list[tuple[str | None, bytes | None]] = []
        todo: list[Article | ReadError] = []

        def submit() -> None:
            window.append((list(batch), pool.submit(clean_batch_in_process, list(todo)) if todo else None))
            batch.clear()
            todo.clear()

        for item in items:
            key = input_key(item, fingerprint)
            old = reuse(key)
            batch.append((key, old))
            if old is None:
                todo.append(item)
            if len(batch) >= batch_size:
                submit()
                while len(window) > jobs * 4:
                    yield from _settle(window.popleft())
        if batch:
            submit()
        while window:
            yield from _settle(window.popleft())


def _settle(entry) -> Iterator[Done]:
    batch, future = entry
    results = iter(future.result() if future is not None else [])
    for key, old in batch:
        if old is not None:
            yield Done(old, key, True, compact(json.loads(old)))
        else:
            c = next(results)
            yield Done(c.line, key, False, c.counts, c.calls, c.hits)
