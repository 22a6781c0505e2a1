"""The command line: `cleanup run | check | verify | rules | report | diff`.

Exit codes (as ruff): 0 when everything is clean, 1 when something needs an editor (a
review/reject verdict, a finding at or above --min-severity, a file fixed), 2 on a usage or
internal error. Heavy libraries are imported inside the commands, so `--help` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cleanup import __version__


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def pipeline_options(f):
    """Options shared by `run` and `check`: what the pipeline does to an article."""
    decorators = [
        click.option("--target-lang", default="en", show_default=True, help="Language the articles must be in."),
        click.option("--grammar", type=click.Choice(["harper", "languagetool", "none"]), default="harper", show_default=True, help="Grammar backend."),
        click.option("--languagetool-url", envvar="LANGUAGETOOL_URL", default=None, help="A LanguageTool server (also LANGUAGETOOL_URL)."),
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False), help="An extra rule folder (repeatable); same id overrides."),
        click.option("--select", multiple=True, help="Only these rule ids or categories (comma-separated, repeatable)."),
        click.option("--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable)."),
        click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes (and allow-listed grammar fixes)."),
        click.option("--no-fix", is_flag=True, help="Only report; apply no artifact fix."),
        click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Grammar cache folder (default ~/.cache/cleanup, or CLEANUP_CACHE_DIR)."),
        click.option("--no-cache", is_flag=True, help="Do not use the grammar cache."),
        click.option("--max-bytes", type=int, default=20 * 1024 * 1024, show_default=True, help="Refuse articles larger than this."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def make_options(kw: dict) -> "Options":
    from cleanup.pipeline import Options

    if kw["unsafe_fixes"] and kw["no_fix"]:
        raise click.UsageError("--unsafe-fixes and --no-fix contradict each other")
    if kw["grammar"] == "languagetool" and not kw["languagetool_url"] and not os.environ.get("LTP_PATH"):
        # language-tool-python would otherwise download LanguageTool; say so instead of hanging
        click.echo("note: no --languagetool-url and no LTP_PATH: language-tool-python will try to start (and if needed download) a local LanguageTool", err=True)
    return Options(
        target_lang=kw["target_lang"],
        fix_mode="none" if kw["no_fix"] else "unsafe" if kw["unsafe_fixes"] else "safe",
        grammar=kw["grammar"],
        languagetool_url=kw["languagetool_url"],
        rule_dirs=list(kw["rule_dirs"]),
        select=_split(kw["select"]),
        ignore=_split(kw["ignore"]),
        cache_dir=kw["cache_dir"],
        use_cache=not kw["no_cache"],
        max_bytes=kw["max_bytes"],
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleanup")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Clean machine-translated news articles: encoding, language, translation artifacts, grammar."""
    from cleanup.config import ConfigError, load_config

    try:
        config, _path = load_config()
    except ConfigError as exc:
        raise click.UsageError(f"configuration: {exc}") from exc
    if config:
        ctx.default_map = {"run": config, "check": config}


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@pipeline_options
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: number of cores).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in the same output folder.")
@click.option("--no-incremental", is_flag=True, help="Clean every article again, even unchanged ones.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster of -j workers).")
@click.option("--shard-mb", type=float, default=4.0, show_default=True, help="Dask: size of a JSONL shard.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
def run(inputs, out_dir, jobs, resume, no_incremental, executor, scheduler, shard_mb, no_report, **kw) -> None:
    """Clean articles: INPUT is a folder (recursive), a .txt/.md/.jsonl file, or - for stdin.

    Writes OUT/cleaned.jsonl (one record per article), OUT/summary.json and OUT/report.html.
    """
    from cleanup.grammar import GrammarBackendError
    from cleanup.reader import InputError
    from cleanup.rules import RuleError
    from cleanup.runner import run_batch

    options = make_options(kw)
    jobs = jobs or os.cpu_count() or 1
    try:
        summary = run_batch(
            list(inputs), Path(out_dir), options, jobs=jobs, resume=resume, incremental=not no_incremental,
            progress=sys.stderr.isatty(), executor=executor, scheduler=scheduler,
            shard_bytes=max(1, int(shard_mb * 1024 * 1024)),
        )
    except (InputError, RuleError, GrammarBackendError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except ImportError as exc:
        click.echo(f"error: {exc}: the dask executor needs `pip install .[dask]`", err=True)
        sys.exit(2)
    if not no_report:
        from cleanup.report import write_report

        write_report(Path(out_dir) / "cleaned.jsonl", Path(out_dir) / "report.html")
    click.echo(summary.table())
    click.echo(f"wrote {Path(out_dir) / 'cleaned.jsonl'}")
    sys.exit(summary.exit_code)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@pipeline_options
@click.option("--fix", is_flag=True, help="Write the safe fixes into the files (exit 1 if a file changed).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the diff --fix would apply; write nothing.")
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True, help="Fail on findings at or above this.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--accept", is_flag=True, help="Record the findings now present in the baseline; they no longer fail.")
@click.option("--baseline", "baseline_path", default=".cleanup-baseline.json", show_default=True, type=click.Path(dir_okay=False))
def check(files, fix, show_diff, min_severity, fmt, statistics, accept, baseline_path, **kw) -> None:
    """Check article files (.txt, .md, .jsonl) as a pre-commit hook does.

    Prints path:line:col: RULE message per finding; [*] marks what --fix would change.
    """
    import json as _json
    from collections import Counter

    from cleanup.check import Baseline, Checker, at_least, format_github, format_text, unified_diff
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
    for e in stale:
        click.echo(f"{e['file']}: baseline entry no longer matches: {e['rule']} {e['match']!r}", err=True)
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


@main.command()
@click.argument("records", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="Where to write (default: report.html beside RECORDS; stdout for md).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
def report(records, output, fmt) -> None:
    """Write the editors' report of a cleaned.jsonl: self-contained HTML, or Markdown."""
    from cleanup.report import markdown_report, write_report

    if fmt == "md":
        text = markdown_report(Path(records))
        if output:
            from cleanup.output import atomic_write_text

            atomic_write_text(Path(output), text)
        else:
            click.echo(text, nl=False)
        return
    out = Path(output) if output else Path(records).with_name("report.html")
    write_report(Path(records), out)
    click.echo(f"wrote {out}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pipeline_options
@click.option("--color/--no-color", default=None, help="Colour the output (default: when stdout is a terminal).")
def diff(file, color, **kw) -> None:
    """Show one article's changes as a coloured diff, then its open findings."""
    from cleanup.diffview import render_diff
    from cleanup.grammar import GrammarBackendError
    from cleanup.model import Article
    from cleanup.pipeline import Pipeline
    from cleanup.reader import decode

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
    click.echo(render_diff(record), color=color)
    sys.exit(0 if record["verdict"] == "clean" else 1)


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
    click.echo(f"{rule.id}: {rule.name}\n")
    click.echo(f"category: {rule.category}   severity: {rule.severity}   fix: {rule.fix}   kind: {rule.kind}")
    click.echo(f"defined in: {rule.source}\n")
    click.echo(rule.message)
    if rule.rationale:
        click.echo(f"\nWhy: {rule.rationale}")
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


if __name__ == "__main__":  # pragma: no cover
    main()
