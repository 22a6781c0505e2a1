"""The work of one worker process, whatever the executor: clean items with one Pipeline and
hand back encoded records with what the summary needs."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass

from cleanup.model import Article, ReadError, Record
from cleanup.options import Options
from cleanup.pipeline import Pipeline
from cleanup.summary import compact

DEFAULT_TIMEOUT = 120.0  # seconds per article (--timeout)


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

    @classmethod
    def of(cls, record: Record, fields: list[str] | None = None) -> Cleaned:
        data = record.to_dict()
        return cls(encode_record(project(data, fields)), compact(data))


INPUT_FIELDS = "*"  # in --fields: the input's own other fields, carried through


def project(record: dict, fields: list[str] | None) -> dict:
    """The record with only `fields` (`--fields`; the id, the verdict and an error always stay):
    a corpus-scale output need not carry the original or the audit trail. `*` among them keeps
    the fields the input carried besides the text (as `--no-original` does)."""
    if not fields:
        return record
    from cleanup.model import CONTRACT_KEYS, SOURCE_KEYS

    keep = {"id", "verdict", "error", *fields}
    ours = {*CONTRACT_KEYS, *SOURCE_KEYS, "line", "title", "extra", "error"}
    carry = INPUT_FIELDS in keep
    return {k: v for k, v in record.items() if k in keep or (carry and k not in ours)}


class Worker:
    """One pipeline (and grammar backend) for every item this process cleans."""

    def __init__(self, options: Options, timeout: float | None = DEFAULT_TIMEOUT, fields: list[str] | None = None):
        self.pipeline = Pipeline(options)
        self.timeout = timeout
        self.fields = fields

    def clean(self, item: Article | ReadError) -> Cleaned:
        stats = self.pipeline.resources.grammar_stats
        calls, hits = stats.calls, stats.cache_hits
        cleaned = Cleaned.of(self.pipeline.process(item, self.timeout), self.fields)
        cleaned.calls, cleaned.hits = stats.calls - calls, stats.cache_hits - hits
        return cleaned

    def clean_batch(self, items: list[Article | ReadError]) -> list[Cleaned]:
        out = [self.clean(item) for item in items]
        self.pipeline.resources.flush()  # one cache commit per batch, not per article
        return out

    def close(self) -> None:
        self.pipeline.close()


# The process pool's initializer builds the worker of each pool process here: the one slot
# per process that a `ProcessPoolExecutor` task can reach (tasks are plain functions).
_PROCESS_WORKER: Worker | None = None


def init_process(options: Options, timeout: float | None, fields: list[str] | None = None) -> None:
    global _PROCESS_WORKER
    die_with_parent()
    # the main process handles interruptions; a worker just stops with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PROCESS_WORKER = Worker(options, timeout, fields)


def clean_batch_in_process(items: list[Article | ReadError]) -> list[Cleaned]:
    assert _PROCESS_WORKER is not None, "init_process was not called in this process"
    return _PROCESS_WORKER.clean_batch(items)


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (a SIGKILL of the
    main process must not leave workers of hundreds of MB behind). Elsewhere: nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)
