"""`cleanup check`: the pre-commit view of the pipeline (see cleanup/filecheck.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleanup.commands.base import main, make_options, pipeline_options


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@pipeline_options
@click.option("--fix", is_flag=True, help="Write the safe fixes into the files (exit 1 if a file changed).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the diff --fix would apply; write nothing.")
@click.option(
    "--min-severity",
    type=click.Choice(["info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Fail on findings at or above this.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--accept", is_flag=True, help="Record the findings now present in the baseline; they no longer fail.")
@click.option(
    "--baseline", "baseline_path", default=".cleanup-baseline.json", show_default=True, type=click.Path(dir_okay=False)
)
def check(files, fix, show_diff, min_severity, fmt, statistics, accept, baseline_path, **kw) -> None:
    """Check article files (.txt, .md, .jsonl) as a pre-commit hook does.

    Prints path:line:col: RULE message per finding; [*] marks what --fix would change.
    """
    import json as _json
    from collections import Counter

    from cleanup.filecheck import Baseline, Checker, at_least, format_github, format_text, unified_diff
    from cleanup.grammar import GrammarBackendError
    from cleanup.pipeline import Pipeline
    from cleanup.rules import RuleError

    if fix and show_diff:
        raise click.UsageError("--fix writes, --diff only shows: choose one")
    options = make_options(kw)
    try:
        pipeline = Pipeline(options)
        baseline = Baseline(Path(baseline_path))
    except (RuleError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    checker = Checker(pipeline, {r.id: r.severity for r in pipeline.ruleset.rules})
    results = []
    try:
        for f in files:
            p = Path(f)
            if p.suffix.lower() not in (".txt", ".md", ".jsonl"):
                continue
            results.append(checker.check_file(p, f))
    except GrammarBackendError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        pipeline.close()
    errors = [r.error for r in results if r.error]
    checked = {r.path for r in results if not r.error}
    fixed = []
    for r in results:
        if r.new_content is None or r.error:
            continue
        if show_diff:
            click.echo(unified_diff(r), nl=False)
        elif fix:
            from cleanup.output import atomic_write_bytes

            atomic_write_bytes(Path(r.path), r.new_content)
            fixed.append(r.path)
            # what --fix wrote is done: listed once as fixed, no longer a finding
            for x in r.reported:
                if x.fixable and at_least(x.severity, min_severity) and fmt == "text" and not statistics:
                    click.echo(format_text(x).replace(" [*] ", " [fixed] ", 1))
            r.reported = [x for x in r.reported if not x.fixable]
    if show_diff:
        for e in errors:
            click.echo(f"error: {e}", err=True)
        sys.exit(2 if errors else 1 if any(r.new_content for r in results if not r.error) else 0)
    reported = [x for r in results for x in r.reported if at_least(x.severity, min_severity)]
    reported.sort(key=lambda x: (x.path, x.line, x.col, x.rule))
    if accept:
        n = baseline.accept(reported, checked)
        click.echo(f"accepted {n} finding(s) into {baseline_path}")
        sys.exit(2 if errors else 0)
    reported, stale = baseline.filter(reported, checked)
    if statistics:
        counts = Counter((x.rule, x.fixable) for x in reported)
        for (rule, fixable), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"{n:5d}  {rule}{'  [*]' if fixable else ''}")
    elif fmt == "json":
        click.echo(_json.dumps([x.to_dict() for x in reported], indent=2, ensure_ascii=False))
    else:
        for x in reported:
            click.echo(format_github(x) if fmt == "github" else format_text(x))
    for entry in stale:
        click.echo(f"{entry['file']}: baseline entry no longer matches: {entry['rule']} {entry['match']!r}", err=True)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if fmt == "text" and not statistics:
        n_fix = sum(1 for x in reported if x.fixable)
        summary = f"Found {len(reported)} finding(s)"
        if n_fix and not fix:
            summary += f" ({n_fix} fixable with --fix)"
        if fixed:
            summary += f"; fixed {len(fixed)} file(s): {', '.join(fixed)}"
        click.echo(summary + ".")
    if errors:
        sys.exit(2)
    sys.exit(1 if reported or fixed else 0)
