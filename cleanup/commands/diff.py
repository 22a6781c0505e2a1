"""`cleanup diff`: an article's changes in the terminal."""

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
    usage_errors,
)


def _is_output(path: Path) -> bool:
    """Is this a `cleanup run` output (records with `original` and `edits`), not articles?"""
    import json

    with open(path, "rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    first = json.loads(raw)
                except ValueError:
                    return False
                return isinstance(first, dict) and "edits" in first and "original" in first
    return False


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "record_id", default=None, help="With a cleaned.jsonl: only this article.")
@pipeline_options
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the output (default: when stdout is a terminal and NO_COLOR is not set).",
)
@click.pass_context
def diff(ctx: click.Context, **_: object) -> None:
    """Show an article's changes as a coloured diff, then its open findings.

    FILE is an article (.txt, .md: it is cleaned now), or a cleaned.jsonl that `cleanup run`
    wrote (the recorded changes are shown, nothing is cleaned again; --id picks one).
    """
    from cleanup.report.terminal import render_diff

    path = Path(ctx.params["file"])
    color = ctx.params["color"]
    if color is None and os.environ.get("NO_COLOR"):
        color = False  # https://no-color.org
    if path.suffix.lower() == ".jsonl" and _is_output(path):
        shown = 0
        with_changes = 0
        for _lineno, rec, err in _records(path):
            if err or rec is None or "edits" not in rec:
                continue
            if ctx.params["record_id"] is not None and rec["id"] != ctx.params["record_id"]:
                continue
            shown += 1
            with_changes += rec["verdict"] != "clean"
            click.echo(render_diff(rec), color=color)
        if shown == 0:
            fail(f"{path}: no record" + (f" with id {ctx.params['record_id']!r}" if ctx.params["record_id"] else ""))
        sys.exit(1 if with_changes else 0)
    if ctx.params["record_id"] is not None:
        fail("--id goes with a cleaned.jsonl")
    from cleanup.model import Article
    from cleanup.pipeline import Pipeline
    from cleanup.reader import TEXT_SUFFIXES, decode, unsupported_reason

    if path.suffix.lower() not in TEXT_SUFFIXES:
        fail(
            unsupported_reason(path)
            if path.suffix.lower() != ".jsonl"
            else f"{path}: articles in JSONL: run `cleanup run {path}`, then `cleanup diff OUT/cleaned.jsonl`"
        )
    try:
        text, _note = decode(path.read_bytes())
        kw = resolve(ctx, config_of(ctx, [str(path)]))
        pipeline = Pipeline(make_options(kw))
        pipeline.resources.validate()
    except (OSError, UnicodeError) as exc:
        fail(f"{path}: {exc}")
    except usage_errors() as exc:
        fail(str(exc))
    try:
        fmt = "markdown" if path.suffix.lower() == ".md" else "text"
        article = Article(id=str(path), source=str(path), text=text, format=fmt)
        source_dir = source_dir_of(kw["source_dir"])
        if source_dir is not None:
            from cleanup.reader import attach_source_by_tail

            attach_source_by_tail(article, path, Path(source_dir), pipeline.options.max_bytes)
        record = pipeline.clean(article)
    except usage_errors() as exc:
        fail(str(exc))
    finally:
        pipeline.close()
    click.echo(render_diff(record.to_dict()), color=color)
    sys.exit(0 if record.verdict == "clean" else 1)


def _records(path: Path):
    from cleanup.output import read_records

    return read_records(path)
