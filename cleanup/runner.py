"""Running the pipeline over many articles: in this process, in N worker processes, or (see
dask_executor.py) on a Dask cluster. Output order is input order whatever the executor."""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from cleanup.model import Article, ReadError
from cleanup.output import RecordWriter, atomic_write_text, input_key
from cleanup.pipeline import Options, Pipeline, load_ruleset
from cleanup.reader import read_inputs
from cleanup.summary import Summary, compact

_worker: Pipeline | None = None


def _init_worker(options: Options) -> None:
    global _worker
    _worker = Pipeline(options)


@dataclass
class Done:
    """One record, ready to write: its line, its input key, and what the summary needs."""

    line: bytes
    key: str | None
    reused: bool
    counts: dict  # Summary.add's compact form, so the main process never re-parses a record
    calls: int = 0
    hits: int = 0


def _clean_one(item: Article | ReadError) -> tuple[bytes, dict, int, int]:
    assert _worker is not None
    before = (_worker.grammar_stats.calls, _worker.grammar_stats.cache_hits)
    record = _worker.process(item)
    line = encode_record(record)
    return line, compact(record), _worker.grammar_stats.calls - before[0], _worker.grammar_stats.cache_hits - before[1]


def _clean_batch(items: list[Article | ReadError]) -> list[tuple[bytes, dict, int, int]]:
    out = [_clean_one(item) for item in items]
    if _worker is not None and _worker._cache is not None:
        _worker._cache.flush()  # one commit per batch, not per article
    return out


def encode_record(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")


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
        global _worker
        _init_worker(options)
        try:
            for item in items:
                key = input_key(item, fingerprint)
                old = reuse(key)
                if old is not None:
                    yield Done(old, key, True, compact(json.loads(old)))
                    continue
                line, counts, calls, hits = _clean_batch([item])[0]
                yield Done(line, key, False, counts, calls, hits)
        finally:
            if _worker is not None:
                _worker.close()
                _worker = None
        return
    # Batches of articles go to the workers (fewer round trips); a bounded window of batches
    # is in flight, so memory stays flat however long the input, and results are taken in
    # submission order, so the output order is the input order whatever N is.
    window: deque[tuple[list[tuple[str | None, bytes | None]], Future | None]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        batch: list[tuple[str | None, bytes | None]] = []
        todo: list[Article | ReadError] = []

        def submit() -> None:
            window.append((list(batch), pool.submit(_clean_batch, list(todo)) if todo else None))
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
            line, counts, calls, hits = next(results)
            yield Done(line, key, False, counts, calls, hits)


class Progress:
    """A one-line counter on stderr when it is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.monotonic()

    def update(self, n: int) -> None:
        if self.enabled and (n < 10 or n % 10 == 0):
            rate = n / max(time.monotonic() - self.start, 1e-9)
            sys.stderr.write(f"\rcleaning: {n} articles ({rate:.1f}/s)")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def run_batch(
    inputs: list[str],
    out_dir: Path,
    options: Options,
    jobs: int = 1,
    resume: bool = False,
    incremental: bool = True,
    progress: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    shard_bytes: int = 4 * 1024 * 1024,
) -> Summary:
    started = time.monotonic()
    ruleset = load_ruleset(options)  # load once up front: a broken rule file fails before any work
    fingerprint = options.fingerprint(ruleset)
    summary = Summary()
    if executor == "dask":
        from cleanup.dask_executor import run_dask

        return run_dask(inputs, out_dir, options, fingerprint, scheduler, summary, started, jobs=jobs, shard_bytes=shard_bytes)
    writer = RecordWriter(out_dir, resume=resume)
    reuse = writer.reusable.get if incremental or resume else (lambda key: None)
    bar = Progress(progress)
    try:
        items = read_inputs(inputs, max_bytes=options.max_bytes)
        for done in process_stream(items, options, jobs, reuse, fingerprint):
            writer.write(done.line, done.key)
            summary.add(done.counts, reused=done.reused)
            summary.grammar_calls += done.calls
            summary.grammar_cache_hits += done.hits
            bar.update(summary.articles)
    except BaseException:
        writer.abort()
        bar.done()
        raise
    bar.done()
    writer.commit()
    summary.seconds = time.monotonic() - started
    atomic_write_text(out_dir / "summary.json", json.dumps(summary.to_dict(), indent=2) + "\n")
    return summary
