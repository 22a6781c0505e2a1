"""`cleanup check`: the pre-commit view of the pipeline (see cleanup/filecheck.py)."""

from __future__ import annotations

import json
import sys
from collections import Counter
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


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@pipeline_options
@click.option(
    "--fix",
    is_flag=True,
    help="Write the safe fixes into the files (exit 1 if a file changed); with -, print the fixed text.",
)
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
@click.option(
    "--stdin-filename", default="-", help="The name (and type: .txt, .md, .jsonl) of what - reads from stdin."
)
@click.pass_context
def check(ctx: click.Context, **_: object) -> None:
    """Check article files (.txt, .md, .jsonl; - for stdin) as a pre-commit hook does.

    Prints path:line:col: RULE `match` message per finding; [*] marks what --fix would change.
    Each file is checked with the configuration nearest to it (cleanup.toml or [tool.cleanup]).
    """
    from cleanup.filecheck import Baseline, Checker
    from cleanup.pipeline import Pipeline

    files = list(ctx.params["files"])
    if not files:
        fail("no files to check: name files, or - for stdin")
    # one pipeline per configuration: files of several projects are each checked by their own
    groups: dict[object, list[str]] = {}
    configs = {}
    try:
        for f in files:
            config = config_of(ctx, [f])
            groups.setdefault(config.path, []).append(f)
            configs[config.path] = config
    except usage_errors() as exc:
        fail(str(exc))
    results = []
    kw: dict = {}
    for key, group in groups.items():
        try:
            kw = resolve(ctx, configs[key])
            if kw["fix"] and kw["show_diff"]:
                raise click.UsageError("--fix writes, --diff only shows: choose one")
            pipeline = Pipeline(make_options(kw, configs[key].severity))
            pipeline.resources.validate()
            baseline = Baseline(Path(kw["baseline_path"]))
        except usage_errors() + (ValueError,) as exc:
            fail(str(exc))
        checker = Checker(
            pipeline, {r.id: r.severity for r in pipeline.ruleset.rules}, source_dir=source_dir_of(kw["source_dir"])
        )
        try:
            for f in group:
                if f == "-":
                    name = kw["stdin_filename"]
                    suffix = Path(name).suffix.lower() if name != "-" else ".txt"
                    results.append((checker.check_bytes(sys.stdin.buffer.read(), name, suffix), checker, baseline, kw))
                else:
                    results.append((checker.check_file(Path(f), f), checker, baseline, kw))
        except usage_errors() as exc:
            fail(str(exc))
        finally:
            pipeline.close()
    report(results, kw)


def report(results: list, kw: dict) -> None:
    from cleanup.filecheck import at_least, format_github, format_text, unified_diff
    from cleanup.output import atomic_write_bytes

    fix, show_diff, fmt, statistics = kw["fix"], kw["show_diff"], kw["fmt"], kw["statistics"]
    min_severity = kw["min_severity"]
    errors = [r.error for r, *_ in results if r.error]
    fixed = []
    reported = []
    for r, checker, baseline, group_kw in results:
        if r.error:
            continue
        if r.unfixable and (fix or show_diff):
            click.echo(f"warning: {r.unfixable}", err=True)
        min_severity = group_kw["min_severity"]  # a project's configuration may set its own
        if r.new_content is not None and show_diff:
            click.echo(unified_diff(r), nl=False)
        elif r.new_content is not None and fix:
            if r.path == "-" or (r.path == kw["stdin_filename"] and "-" in kw["files"]):
                sys.stdout.buffer.write(r.new_content)  # stdin fixed: the text goes to stdout, as ruff does
            else:
                atomic_write_bytes(Path(r.path), r.new_content)
            fixed.append(r.path)
            if fmt == "text" and not statistics:
                for x in r.reported:
                    if x.fixable and at_least(x.severity, min_severity):
                        click.echo(f"{r.path}: fixed {x.rule} `{x.match}`", err=r.path == "-")
            # what is left is reported at its place in the file as written now
            after = checker.check_bytes(r.new_content, r.path, Path(r.path).suffix.lower() or ".txt")
            r.reported = [x for x in after.reported if not x.fixable]
        kept = [x for x in r.reported if at_least(x.severity, min_severity)]
        reported.append((r, baseline, kept))
    if show_diff:
        for e in errors:
            click.echo(f"error: {e}", err=True)
        sys.exit(2 if errors else 1 if any(r.new_content for r, *_ in results if not r.error) else 0)
    if kw["accept"]:
        n = 0
        for r, baseline, kept in reported:
            n += baseline.accept(kept, {r.path})
        click.echo(f"accepted {n} finding(s) into {kw['baseline_path']}")
        sys.exit(2 if errors else 0)
    remaining = []
    stale = []
    for r, baseline, kept in reported:
        left, gone = baseline.filter(kept, {r.path})
        remaining += left
        stale += gone
    remaining.sort(key=lambda x: (x.path, x.line, x.col, x.rule))
    if statistics:
        counts = Counter((x.rule, x.fixable) for x in remaining)
        for (rule, fixable), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"{n:5d}  {rule}{'  [*]' if fixable else ''}")
    elif fmt == "json":
        click.echo(json.dumps([x.to_dict() for x in remaining], indent=2, ensure_ascii=False))
    else:
        for x in remaining:
            click.echo(format_github(x) if fmt == "github" else format_text(x))
    for entry in stale:
        click.echo(f"{entry['file']}: baseline entry no longer matches: {entry['rule']} {entry['match']!r}", err=True)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if fmt == "text" and not statistics:
        n_fix = sum(1 for x in remaining if x.fixable)
        summary = f"Found {len(remaining)} finding(s)"
        if n_fix and not fix:
            summary += f" ({n_fix} fixable with --fix)"
        if fixed:
            summary += f"; fixed {len(fixed)} file(s): {', '.join(fixed)}"
        if remaining and not fix:
            summary += "; accept reviewed ones with `cleanup check --accept FILES`"
        click.echo(summary + ".", err=bool(fixed) and "-" in kw["files"])
    if errors:
        sys.exit(2)
    sys.exit(1 if remaining or fixed else 0)
