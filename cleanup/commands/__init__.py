"""The command line: `cleanup run | check | verify | rules | report | apply | diff | config | schema`, one module each,
all registered on the group in base.py."""

from cleanup.commands import apply, check, config, diff, report, rules, run, schema, verify  # noqa: F401  (registration)
from cleanup.commands.base import main

__all__ = ["main"]
