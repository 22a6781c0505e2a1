"""`cleanup rules [ID]`: the rules, or one rule's documentation, as `ruff rule` shows one."""

from __future__ import annotations

import sys

import click

from cleanup.commands.base import main


@main.command("rules")
@click.argument("rule_id", required=False)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), help="An extra rule folder.")
def rules_cmd(rule_id, rule_dirs) -> None:
    """List the rules, or show one rule's documentation and examples."""
    from cleanup.rules import RuleError, load_rules

    try:
        ruleset = load_rules(list(rule_dirs))
    except RuleError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if rule_id is None:
        w = max(len(r.id) for r in ruleset.rules)
        click.echo(f"{'id':<{w}}  {'severity':<8}  {'fix':<6}  {'category':<12}  name")
        for r in ruleset.rules:
            click.echo(f"{r.id:<{w}}  {r.severity:<8}  {r.fix:<6}  {r.category:<12}  {r.name}")
        return
    rule = ruleset.get(rule_id)
    if rule is None:
        click.echo(f"error: no rule {rule_id!r}; `cleanup rules` lists them", err=True)
        sys.exit(2)
    from cleanup.rules.registry import load_builtin_kinds

    kind = load_builtin_kinds().get(rule.entry)
    click.echo(f"{rule.id}: {rule.name}\n")
    kind_name = f"detector `{rule.detector}`" if rule.detector else rule.kind
    click.echo(f"category: {rule.category}   severity: {rule.severity}   fix: {rule.fix}   kind: {kind_name}")
    click.echo(f"defined in: {rule.source}\n")
    click.echo(rule.message)
    if rule.rationale:
        click.echo(f"\nWhy: {rule.rationale}")
    click.echo(f"\nFix safety: {fix_safety_sentence(rule)}")
    click.echo(f"\nHow it works ({kind_name}): {kind.doc}")
    if kind.params:
        click.echo("\nParameters:")
        for name, spec in kind.params.items():
            value = rule.params.get(name)
            shown = _short(value)
            click.echo(f"  {name} = {shown}    ({spec.doc})")
    ex = rule.examples
    for title, key in (("Flagged", "flag"), ("Passes", "pass")):
        if ex.get(key):
            click.echo(f"\n{title}:")
            for t in ex[key]:
                click.echo(f"  {t!r}")
    if ex.get("fix"):
        click.echo("\nFixes:")
        for pair in ex["fix"]:
            click.echo(f"  {pair['from']!r}\n    → {pair['to']!r}")


def fix_safety_sentence(rule) -> str:
    """Why the fix is safe or unsafe: the rule's own sentence, else what its class means."""
    if rule.fix_safety:
        return rule.fix_safety
    return {
        "safe": "safe: applied by default; it cannot change what the text means.",
        "unsafe": "unsafe: only suggested (applied with --unsafe-fixes); it could change meaning, so an editor decides.",
        "none": "no fix: the rule only reports; an editor must decide what the text should say.",
    }[str(rule.fix)]


def _short(value, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
