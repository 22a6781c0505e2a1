"""Running the pipeline over many articles: in this process, in N worker processes, or (see
dask_executor.py) on a Dask cluster. Output order is input order whatever the executor."""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator

from cleanup.model import Article, ReadError
from cleanup.output import RecordWriter, atomic_write_text, input_key
from cleanup.pipeline import Options, Pipeline, load_ruleset
from cleanup.reader import read_inputs
from cleanup.summary import Summary

_worker: Pipeline | None = None


def _init_worker(options: Options) -> None:
    global _worker
    _worker = Pipeline(options)


def _work(item: Article | ReadError) -> tuple[bytes, int, int]:
    assert _worker is not None
    before = (_worker.grammar_stats.calls, _worker.grammar_stats.cache_hits)
    record = _worker.process(item)
    if _worker._cache is not None:
        _worker._cache.flush()
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")
    return line, _worker.grammar_stats.calls - before[0], _worker.grammar_stats.cache_hits - before[1]


def encode_record(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")


def process_stream(
    items: Iterable[Article | ReadError],
    options: Options,
    jobs: int,
    reuse: Callable[[str | None], bytes | None],
    fingerprint: str,
) -> Iterator[tuple[bytes, str | None, bool, int, int]]:
    """Yield (record line, input key, reused?, grammar calls, cache hits) in input order."""
    if jobs <= 1:
        global _worker
        _init_worker(options)
        try:
            for item in items:
                key = input_key(item, fingerprint)
                old = reuse(key)
                if old is not None:
                    yield old, key, True, 0, 0
                    continue
                line, calls, hits = _work(item)
                yield line, key, False, calls, hits
        finally:
            if _worker is not None:
                _worker.close()
                _worker = None
        return
    window: deque[tuple[str | None, bytes | Future]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        for item in items:
            key = input_key(item, fingerprint)
            old = reuse(key)
            window.append((key, old if old is not None else pool.submit(_work, item)))
            # keep a bounded number in flight: memory stays flat however long the input
            while len(window) > jobs * 8:
                yield _settle(window.popleft())
        while window:
            yield _settle(window.popleft())


def _settle(entry: tuple[str | None, bytes | Future]) -> tuple[bytes, str | None, bool, int, int]:
    key, value = entry
    if isinstance(value, bytes):
        return value, key, True, 0, 0
    line, calls, hits = value.result()
    return line, key, False, calls, hits


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
) -> Summary:
    started = time.monotonic()
    ruleset = load_ruleset(options)  # load once up front: a broken rule file fails before any work
    fingerprint = options.fingerprint(ruleset)
    summary = Summary()
    if executor == "dask":
        from cleanup.dask_executor import run_dask

        return run_dask(inputs, out_dir, options, fingerprint, scheduler, summary, started)
    writer = RecordWriter(out_dir, resume=resume)
    reuse = writer.reusable.get if incremental or resume else (lambda key: None)
    bar = Progress(progress)
    try:
        items = read_inputs(inputs, max_bytes=options.max_bytes)
        for line, key, reused, calls, hits in process_stream(items, options, jobs, reuse, fingerprint):
            writer.write(line, key)
            summary.add(json.loads(line), reused=reused)
            summary.grammar_calls += calls
            summary.grammar_cache_hits += hits
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
