"""`cleanup run`: clean a batch of articles into an output folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cleanup.commands.base import (
    config_of,
    fail,
    main,
    make_options,
    pipeline_options,
    resolve,
    source_dir_of,
    split_values,
    usage_errors,
)
from cleanup.reader import Fields


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False, allow_dash=True),
    help="Output folder; - writes the records as JSONL to stdout.",
)
@pipeline_options
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: number of cores).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in the same output folder.")
@click.option("--no-incremental", is_flag=True, help="Clean every article again, even unchanged ones.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster of -j workers).")
@click.option("--shard-mb", type=float, default=4.0, show_default=True, help="Dask: size of a JSONL shard.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
@click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet: the field that holds the text.")
@click.option("--id-field", default="id", show_default=True, help="JSONL/Parquet: the field that holds the id.")
@click.option(
    "--fields",
    "keep_fields",
    default=None,
    help="Write only these record fields (comma-separated; id, verdict and error always; `*`: the input's other fields): e.g. id,text,verdict.",
)
@click.option(
    "--no-original", is_flag=True, help="Leave `original` out of the records (the audit trail then cannot be verified)."
)
@click.option(
    "--export",
    "exports",
    multiple=True,
    help="Also write the records as parquet, jsonl.gz or jsonl.zst (comma-separated, repeatable).",
)
@click.option(
    "--timeout",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds an article may take; a slower one becomes an error record (0: no limit).",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symbolic links to files outside the input folder (refused by default).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="No articles, or files of an unsupported type, are reported but not a usage error (exit 1, not 2).",
)
@click.pass_context
def run(ctx: click.Context, **_: object) -> None:
    """Clean articles: INPUT is a folder (recursive), a .txt/.md/.jsonl file, or - for stdin.

    Writes OUT/cleaned.jsonl (one record per article), OUT/summary.json and OUT/report.html.
    A run that finds no article, or files it cannot read as articles (.html, .pdf…), says so
    and exits 2 (1 with --allow-empty).
    """
    import signal

    from cleanup.executors import RunRequest, run_batch

    def terminated(signum, frame):
        # SIGTERM (a CI job cancelled, `kill`): stop as on Ctrl-C, keeping what --resume needs
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)

    try:
        config = config_of(ctx, list(ctx.params["inputs"]))
        kw = resolve(ctx, config)
        options = make_options(kw, config.severity)
        out_dir = Path(kw["out_dir"])
        keep = record_fields(kw["keep_fields"], kw["no_original"])
        jobs = kw["jobs"] or os.cpu_count() or 1
        request = RunRequest(
            list(kw["inputs"]),
            out_dir,
            options,
            jobs=jobs,
            resume=kw["resume"],
            incremental=not kw["no_incremental"],
            progress=sys.stderr.isatty(),
            scheduler=kw["scheduler"],
            shard_bytes=max(1, int(kw["shard_mb"] * 1024 * 1024)),
            follow_symlinks=kw["follow_symlinks"],
            timeout=kw["timeout"] or None,
            fields=Fields(kw["text_field"], kw["id_field"], source_dir_of(kw["source_dir"])),
            keep=keep,
            exports=split_values(kw["exports"]),
        )
        if kw["out_dir"] == "-" and (request.exports or kw["executor"] != "local"):
            raise click.UsageError("--out - streams JSONL to stdout: no --export, no --executor dask")
        # the report shows changes: it needs the text, the original and the trail
        complete = keep is None or {"original", "text", "edits", "findings"} <= set(keep)
        summary = run_batch(
            request, executor=kw["executor"], report=not kw["no_report"] and kw["out_dir"] != "-" and complete
        )
    except usage_errors() as exc:
        fail(str(exc))
    except ImportError as exc:
        fail(f"{exc}: the dask executor needs `pip install 'newsroom-cleanup[dask]'`")
    to_stdout = kw["out_dir"] == "-"  # the records are on stdout: everything else goes to stderr
    click.echo(summary.table(), err=to_stdout)
    if not to_stdout:
        click.echo(
            f"wrote {out_dir / 'cleaned.jsonl'}" + "".join(f", {out_dir / 'cleaned'}.{e}" for e in request.exports)
        )
    code = summary.exit_code
    if summary.articles == 0 or summary.unsupported:
        what = (
            "no articles were found"
            if summary.articles == 0
            else f"{summary.unsupported} file(s) of an unsupported type"
        )
        click.echo(f"error: {what} in {' '.join(kw['inputs'])}", err=True)
        code = 1 if kw["allow_empty"] else 2
    sys.exit(code)


def record_fields(fields: str | None, no_original: bool) -> list[str] | None:
    """The record fields to write, from --fields and --no-original (None: all of them)."""
    from cleanup.executors.worker import INPUT_FIELDS
    from cleanup.model import CONTRACT_KEYS, SOURCE_KEYS

    known = [*CONTRACT_KEYS, "line", "title", *SOURCE_KEYS, "extra", "error", INPUT_FIELDS]
    chosen = split_values((fields,)) if fields else None
    for name in chosen or []:
        if name not in known:
            from cleanup.registry import closest

            raise click.UsageError(
                f"--fields: no record field `{name}`{closest(name, known)} (fields: {', '.join(known)})"
            )
    if no_original:
        chosen = [k for k in (chosen or known) if k != "original"]
    return chosen
