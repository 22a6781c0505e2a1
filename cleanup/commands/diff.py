"""`cleanup diff`: one article's changes in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleanup.commands.base import main, make_options, pipeline_options


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pipeline_options
@click.option("--color/--no-color", default=None, help="Colour the output (default: when stdout is a terminal).")
def diff(file, color, **kw) -> None:
    """Show one article's changes as a coloured diff, then its open findings."""
    from cleanup.grammar import GrammarBackendError
    from cleanup.model import Article
    from cleanup.pipeline import Pipeline
    from cleanup.reader import decode
    from cleanup.report.terminal import render_diff

    try:
        text, _note = decode(Path(file).read_bytes())
    except (OSError, UnicodeError) as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(2)
    pipeline = Pipeline(make_options(kw))
    try:
        record = pipeline.clean(Article(id=file, source=file, text=text))
    except GrammarBackendError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        pipeline.close()
    click.echo(render_diff(record.to_dict()), color=color)
    sys.exit(0 if record.verdict == "clean" else 1)
