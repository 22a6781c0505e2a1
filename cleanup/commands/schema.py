"""`cleanup schema`: the JSON Schema of one line of cleaned.jsonl."""

from __future__ import annotations

import json

import click

from cleanup.commands.base import main


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of an output record (one line of cleaned.jsonl)."""
    from cleanup.api import schema

    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))
