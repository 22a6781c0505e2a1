"""Running the pipeline over many articles. Executors (`local`: this process or N worker
processes; `dask`: shards on a Dask cluster) are entries of one registry; every executor's
records reach the output folder through the one writer (writer.py), which also keeps the
resume state, so a run can reuse what any earlier run wrote into the same folder."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cleanup import __version__
from cleanup.executors.worker import DEFAULT_TIMEOUT
from cleanup.executors.writer import OutputFolder
from cleanup.exports import EXPORTS
from cleanup.options import Options
from cleanup.reader import DEFAULT_FIELDS, Fields, read_inputs
from cleanup.record_schema import SCHEMA_VERSION
from cleanup.registry import Registry
from cleanup.resources import Resources
from cleanup.summary import Summary


@dataclass
class RunRequest:
    inputs: list[str]
    out_dir: Path
    options: Options
    jobs: int = 1
    resume: bool = False
    incremental: bool = True
    progress: bool = False
    scheduler: str | None = None
    shard_bytes: int = 4 * 1024 * 1024
    follow_symlinks: bool = False
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per article
    fields: Fields = DEFAULT_FIELDS  # the text and id fields of JSONL records and Parquet rows
    keep: list[str] | None = None  # --fields: the record fields written (None: all)
    exports: list[str] = field(default_factory=list)  # --export: parquet, jsonl.gz, jsonl.zst
    report: bool = True

    @property
    def to_stdout(self) -> bool:
        return str(self.out_dir) == "-"


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


def _run_local(req: RunRequest, folder: OutputFolder, fingerprint: str, summary: Summary) -> dict:
    from cleanup.executors.local import process_stream

    reuse = folder.reusable.get if req.incremental or req.resume else (lambda key: None)
    bar = Progress(req.progress)
    folder.start()
    try:
        items = read_inputs(req.inputs, req.options.max_bytes, req.follow_symlinks, req.fields)
        for done in process_stream(
            items, req.options, req.jobs, reuse, fingerprint, timeout=req.timeout, fields=req.keep
        ):
            folder.write(done.line, done.key)
            summary.add(done.counts, reused=done.reused)
            summary.grammar_calls += done.calls
            summary.grammar_cache_hits += done.hits
            bar.update(summary.articles)
    finally:
        bar.done()
    return {}


def _run_dask(req: RunRequest, folder: OutputFolder, fingerprint: str, summary: Summary) -> dict:
    from cleanup.executors.dask import run_dask

    return run_dask(req, folder, fingerprint, summary)


EXECUTORS: Registry[Callable[[RunRequest, OutputFolder, str, Summary], dict]] = Registry("executor")
EXECUTORS.register("local", _run_local)
EXECUTORS.register("dask", _run_dask)


def run_batch(req: RunRequest, executor: str = "local", report: bool | None = None) -> Summary:
    """Clean the inputs into `req.out_dir`: records, resume state, summary, the HTML report
    (unless `report` is false) and the exports, committed together under the folder's lock;
    or, with `out_dir` "-", the records as JSONL on stdout."""
    started = time.monotonic()
    if report is not None:
        req.report = report
    run = EXECUTORS.get(executor)
    for name in req.exports:
        EXPORTS.get(name)  # an unknown format fails before any work
    resources = Resources(req.options)
    try:
        resources.validate()  # a broken rule file or option fails before any work
        fingerprint = run_fingerprint(resources.fingerprint(), req)
    finally:
        resources.close()
    summary = Summary()
    if req.to_stdout:
        sink = StdoutSink()
        try:
            extra = run(req, sink, fingerprint, summary)  # type: ignore[arg-type]
        finally:
            sink.close()
        summary.seconds = time.monotonic() - started
        return summary
    folder = OutputFolder(req.out_dir, resume=req.resume, reuse=req.incremental or req.resume)
    try:
        extra = run(req, folder, fingerprint, summary)
    except BaseException:
        folder.abort()
        raise
    summary.seconds = time.monotonic() - started
    info = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "configuration": fingerprint,
        **summary.to_dict(),
        **extra,
    }
    render = None
    if req.report:
        from cleanup.report.html import render_report

        render = render_report
    folder.commit(json.dumps(info, indent=2) + "\n", render, [EXPORTS.get(name) for name in req.exports], req.keep)
    return summary


def run_fingerprint(configuration: str, req: RunRequest) -> str:
    """What decides a run's records besides each input: the configuration, and how inputs are
    read and records written (text and id fields, --fields). Part of every record's key."""
    import hashlib

    data = [configuration, req.fields.text, req.fields.id, req.keep]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


class StdoutSink:
    """`--out -`: records as JSON Lines on stdout (a Unix pipe), nothing kept for re-runs."""

    def __init__(self) -> None:
        import jsonlines

        self.reusable = _NothingReusable()
        self.out_dir = Path("-")
        from cleanup.executors.worker import encode_record

        # the same bytes as a line of cleaned.jsonl (valid UTF-8 even with lone surrogates)
        self._writer = jsonlines.Writer(
            sys.stdout.buffer, flush=True, dumps=lambda obj: encode_record(obj).rstrip(b"\n")
        )

    def start(self) -> None:
        pass

    def write(self, line: bytes, key: str | None) -> None:
        # the line is one JSON object; jsonlines writes it as such (valid UTF-8, one per line)
        self._writer.write(json.loads(line))

    def close(self) -> None:
        self._writer.close()


class _NothingReusable:
    def get(self, key: str | None) -> bytes | None:
        return None
