"""`cleanup verify`: check the audit trail of an output file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleanup.commands.base import main


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def verify(file) -> None:
    """Check the audit trail of an output file: edits replay, findings point at their match."""
    from cleanup.verify import verify_file

    n, problem = verify_file(Path(file))
    if problem:
        click.echo(f"FAIL {problem}")
        sys.exit(1)
    click.echo(f"ok: {n} records verified in {file}")
