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
    help="Where to write (default: report.html or report.docx beside RECORDS; stdout for md).",
)
@click.option("--format", "fmt", type=click.Choice(["html", "md", "docx"]), default="html", show_default=True)
def report(records, output, fmt) -> None:
    """Write the editors' report of a cleaned.jsonl: self-contained HTML, Markdown, or a Word
    document with every edit as a tracked change (docx: pip install 'newsroom-cleanup[docx]')."""
    from cleanup.report.html import write_report
    from cleanup.report.markdown import markdown_report

    if fmt == "docx":
        from cleanup.report.docx import write_docx

        target = Path(output) if output else Path(records).with_name("report.docx")
        try:
            articles, edits, _ = write_docx(Path(records), target)
        except ImportError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(2) from None
        if articles == 0:
            click.echo(f"warning: {records} holds no cleaned records: the document is empty", err=True)
        click.echo(f"wrote {target}: {articles} article(s), {edits} tracked change(s)")
        return

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
