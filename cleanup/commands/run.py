"""`cleanup run`: clean a batch of articles into an output folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cleanup.commands.base import main, make_options, pipeline_options


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False), help="Output folder."
)
@pipeline_options
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: number of cores).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in the same output folder.")
@click.option("--no-incremental", is_flag=True, help="Clean every article again, even unchanged ones.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster of -j workers).")
@click.option("--shard-mb", type=float, default=4.0, show_default=True, help="Dask: size of a JSONL shard.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
def run(inputs, out_dir, jobs, resume, no_incremental, executor, scheduler, shard_mb, no_report, **kw) -> None:
    """Clean articles: INPUT is a folder (recursive), a .txt/.md/.jsonl file, or - for stdin.

    Writes OUT/cleaned.jsonl (one record per article), OUT/summary.json and OUT/report.html.
    """
    from cleanup.executors import RunRequest, run_batch
    from cleanup.executors.writer import OutputLocked
    from cleanup.grammar import GrammarBackendError
    from cleanup.reader import InputError
    from cleanup.rules import RuleError

    options = make_options(kw)
    jobs = jobs or os.cpu_count() or 1
    try:
        summary = run_batch(
            RunRequest(
                list(inputs),
                Path(out_dir),
                options,
                jobs=jobs,
                resume=resume,
                incremental=not no_incremental,
                progress=sys.stderr.isatty(),
                scheduler=scheduler,
                shard_bytes=max(1, int(shard_mb * 1024 * 1024)),
            ),
            executor=executor,
        )
    except (InputError, RuleError, GrammarBackendError, OutputLocked) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except ImportError as exc:
        click.echo(f"error: {exc}: the dask executor needs `pip install .[dask]`", err=True)
        sys.exit(2)
    if not no_report:
        from cleanup.report.html import write_report

        write_report(Path(out_dir) / "cleaned.jsonl", Path(out_dir) / "report.html")
    click.echo(summary.table())
    click.echo(f"wrote {Path(out_dir) / 'cleaned.jsonl'}")
    sys.exit(summary.exit_code)
