"""`cleanup report`: the editors' report of any output file."""

from __future__ import annotations

from pathlib import Path

import click

from cleanup.commands.base import main


@main.command()
@click.argument("records", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Where to write (default: report.html beside RECORDS; stdout for md).",
)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
def report(records, output, fmt) -> None:
    """Write the editors' report of a cleaned.jsonl: self-contained HTML, or Markdown."""
    from cleanup.report.html import write_report
    from cleanup.report.markdown import markdown_report

    if fmt == "md":
        text = markdown_report(Path(records))
        if output:
            from cleanup.output import atomic_write_text

            atomic_write_text(Path(output), text)
        else:
            click.echo(text, nl=False)
        return
    out = Path(output) if output else Path(records).with_name("report.html")
    if write_report(Path(records), out) == 0:
        click.echo(f"warning: {records} holds no records: the report is empty", err=True)
    click.echo(f"wrote {out}")
