"""The work of one worker process, whatever the executor: clean items with one Pipeline and
hand back encoded records with what the summary needs."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cleanup.model import Article, ReadError, Record
from cleanup.options import Options
from cleanup.pipeline import Pipeline
from cleanup.summary import compact


def encode_record(record: dict) -> bytes:
    """One JSONL line, valid UTF-8 whatever the text holds: a lone surrogate (from a JSON
    escape such as "\\ud800", or a file name that is not UTF-8) is written as its JSON escape,
    which reads back to the same string."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


@dataclass
class Cleaned:
    """One record, ready to write: its line, and what the summary needs."""

    line: bytes
    counts: dict  # Summary.add's compact form, so the main process never re-parses a record
    calls: int = 0
    hits: int = 0


class Worker:
    """One pipeline (and grammar backend) for every item this process cleans."""

    def __init__(self, options: Options):
        self.pipeline = Pipeline(options)

    def clean(self, item: Article | ReadError) -> Cleaned:
        stats = self.pipeline.resources.grammar_stats
        calls, hits = stats.calls, stats.cache_hits
        record: Record = self.pipeline.process(item)
        data = record.to_dict()
        return Cleaned(encode_record(data), compact(data), stats.calls - calls, stats.cache_hits - hits)

    def clean_batch(self, items: list[Article | ReadError]) -> list[Cleaned]:
        out = [self.clean(item) for item in items]
        self.pipeline.resources.flush()  # one cache commit per batch, not per article
        return out

    def close(self) -> None:
        self.pipeline.close()


# The process pool's initializer builds the worker of each pool process here: the one slot
# per process that a `ProcessPoolExecutor` task can reach (tasks are plain functions).
_PROCESS_WORKER: Worker | None = None


def init_process(options: Options) -> None:
    global _PROCESS_WORKER
    _PROCESS_WORKER = Worker(options)


def clean_batch_in_process(items: list[Article | ReadError]) -> list[Cleaned]:
    assert _PROCESS_WORKER is not None, "init_process was not called in this process"
    return _PROCESS_WORKER.clean_batch(items)
