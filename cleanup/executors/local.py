"""The local executor: this process (`-j 1`) or N worker processes. Output order is input
order whatever N.

No article can end or hang the batch. Inside a worker, each article has a time limit
(cleanup/deadline.py). From outside, the main process waits for each batch only as long as its
articles' limits allow; a worker that does not answer in that time (stuck inside compiled
code), or that dies (the kernel's out-of-memory killer), is replaced, and the articles it was
cleaning are cleaned again one by one in fresh workers, so that only the article that kills or
hangs a worker becomes an error record.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from cleanup.executors.worker import DEFAULT_TIMEOUT, Cleaned, Worker, clean_batch_in_process, init_process
from cleanup.executors.writer import input_key
from cleanup.model import Article, ReadError
from cleanup.options import Options
from cleanup.summary import compact

GRACE_S = 60.0  # a fresh worker's start (Harper builds its dictionary) on top of the articles' limits


@dataclass
class Done:
    """One record for the writer: its line, its input key, whether it was reused."""

    line: bytes
    key: str | None
    reused: bool
    counts: dict
    calls: int = 0
    hits: int = 0


@dataclass
class Batch:
    """Articles sent to a worker together: every input's key (and reusable record, if any),
    the items to clean, and the future of their records."""

    slots: list[tuple[str | None, bytes | None]] = field(default_factory=list)
    items: list[Article | ReadError] = field(default_factory=list)
    future: Future | None = None


class WorkerPool:
    """N worker processes that can be replaced when one dies or hangs."""

    def __init__(self, options: Options, jobs: int, timeout: float | None, fields: list[str] | None = None):
        self.options, self.jobs, self.timeout, self.fields = options, jobs, timeout, fields
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs, initializer=init_process, initargs=(self.options, self.timeout, self.fields)
        )

    def submit(self, items: list[Article | ReadError]) -> Future:
        return self.pool.submit(clean_batch_in_process, items)

    def limit(self, n: int) -> float | None:
        """How long a batch of `n` articles may take once it runs."""
        return None if not self.timeout else n * self.timeout + GRACE_S

    def kill(self) -> None:
        """Stop every worker now (a hung one would never finish by itself)."""
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        for p in processes:
            if p.is_alive():
                p.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def replace(self) -> None:
        self.kill()
        self.pool = self._start()


def process_stream(
    items: Iterable[Article | ReadError],
    options: Options,
    jobs: int,
    reuse: Callable[[str | None], bytes | None],
    fingerprint: str,
    batch_size: int = 8,
    timeout: float | None = DEFAULT_TIMEOUT,
    fields: list[str] | None = None,
) -> Iterator[Done]:
    """Yield every input's record in input order; unchanged inputs are reused, not cleaned."""
    if jobs <= 1:
        worker = Worker(options, timeout, fields)
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
    pool = WorkerPool(options, jobs, timeout, fields)
    window: deque[Batch] = deque()
    try:
        batch = Batch()
        for item in items:
            key = input_key(item, fingerprint)
            old = reuse(key)
            batch.slots.append((key, old))
            if old is None:
                batch.items.append(item)
            if len(batch.slots) >= batch_size:
                batch.future = pool.submit(batch.items) if batch.items else None
                window.append(batch)
                batch = Batch()
                while len(window) > jobs * 4:
                    yield from _settle(window, pool)
        if batch.slots:
            batch.future = pool.submit(batch.items) if batch.items else None
            window.append(batch)
        while window:
            yield from _settle(window, pool)
    except BaseException:
        pool.kill()  # an interruption: the workers stop now, not after their batches
        raise
    pool.pool.shutdown(wait=True)


def _settle(window: deque[Batch], pool: WorkerPool) -> Iterator[Done]:
    """The records of the oldest batch in flight, in order."""
    batch = window.popleft()
    try:
        results = batch.future.result(timeout=pool.limit(len(batch.items))) if batch.future else []
    except (BrokenProcessPool, FutureTimeout):
        # a worker died or hangs: every batch in flight is lost with the pool; clean their
        # articles again, one per worker task, so only the culprit fails
        lost = [batch, *window]
        window.clear()
        pool.replace()
        for b in lost:
            yield from _one_by_one(b, pool)
        return
    yield from _records(batch, results)


def _records(batch: Batch, results: list[Cleaned]) -> Iterator[Done]:
    cleaned = iter(results)
    for key, old in batch.slots:
        if old is not None:
            yield Done(old, key, True, compact(json.loads(old)))
        else:
            c = next(cleaned)
            yield Done(c.line, key, False, c.counts, c.calls, c.hits)


def _one_by_one(batch: Batch, pool: WorkerPool) -> Iterator[Done]:
    results: list[Cleaned] = []
    for item in batch.items:
        started = time.monotonic()
        try:
            (c,) = pool.submit([item]).result(timeout=pool.limit(1))
        except (BrokenProcessPool, FutureTimeout) as exc:
            pool.replace()
            results.append(_lost(item, exc, time.monotonic() - started, pool.fields))
            continue
        results.append(c)
    yield from _records(batch, results)


def _lost(item: Article | ReadError, exc: BaseException, seconds: float, fields: list[str] | None) -> Cleaned:
    if isinstance(item, ReadError):
        return Cleaned.of(item.to_record(), fields)
    where = f"{item.source}:{item.line}" if item.line else item.source
    why = (
        f"the worker process cleaning it did not answer for {seconds:.0f} s and was stopped"
        if isinstance(exc, FutureTimeout)
        else "the worker process cleaning it died (killed, or out of memory)"
    )
    error = ReadError(item.id, item.source, f"{where}: {why}: the article was not cleaned", item.line)
    return Cleaned.of(error.to_record(), fields)
