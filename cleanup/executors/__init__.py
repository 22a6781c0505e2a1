"""Running the pipeline over many articles. Executors (`local`: this process or N worker
processes; `dask`: shards on a Dask cluster) are entries of one registry; every executor's
records reach the output folder through the one writer (writer.py), which also keeps the
resume state, so a run can reuse what any earlier run wrote into the same folder."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cleanup.executors.worker import DEFAULT_TIMEOUT
from cleanup.executors.writer import OutputFolder
from cleanup.options import Options
from cleanup.reader import read_inputs
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
        items = read_inputs(req.inputs, max_bytes=req.options.max_bytes, follow_symlinks=req.follow_symlinks)
        for done in process_stream(items, req.options, req.jobs, reuse, fingerprint, timeout=req.timeout):
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


def run_batch(req: RunRequest, executor: str = "local", report: bool = True) -> Summary:
    """Clean the inputs into `req.out_dir`: records, resume state, summary and (unless
    `report` is false) the HTML report, committed together under the folder's lock."""
    started = time.monotonic()
    run = EXECUTORS.get(executor)
    resources = Resources(req.options)
    try:
        resources.validate()  # a broken rule file or option fails before any work
        fingerprint = resources.fingerprint()
    finally:
        resources.close()
    summary = Summary()
    folder = OutputFolder(req.out_dir, resume=req.resume, reuse=req.incremental or req.resume)
    try:
        extra = run(req, folder, fingerprint, summary)
    except BaseException:
        folder.abort()
        raise
    summary.seconds = time.monotonic() - started
    text = json.dumps({**summary.to_dict(), **extra}, indent=2) + "\n"
    render = None
    if report:
        from cleanup.report.html import render_report

        render = render_report
    folder.commit(text, render)
    return summary
