"""The command group and what the commands share: the pipeline options and their decoding.

Exit codes (as ruff): 0 when everything is clean, 1 when something needs an editor (a
review/reject verdict, a finding at or above --min-severity, a file fixed), 2 on a usage or
internal error. Heavy libraries are imported inside the commands, so `--help` starts fast.
"""

from __future__ import annotations

import os

import click

from cleanup import __version__
from cleanup.grammar import GRAMMAR_BACKENDS
from cleanup.model import FixMode
from cleanup.options import DEFAULT_MAX_BYTES, Options


def split_values(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def pipeline_options(f):
    """Options shared by `run`, `check` and `diff`: what the pipeline does to an article."""
    decorators = [
        click.option("--target-lang", default="en", show_default=True, help="Language the articles must be in."),
        click.option(
            "--grammar",
            type=click.Choice(GRAMMAR_BACKENDS.names()),
            default="harper",
            show_default=True,
            help="Grammar backend.",
        ),
        click.option(
            "--languagetool-url",
            envvar="LANGUAGETOOL_URL",
            default=None,
            help="A LanguageTool server (also LANGUAGETOOL_URL).",
        ),
        click.option(
            "--rules",
            "rule_dirs",
            multiple=True,
            type=click.Path(file_okay=False),
            help="An extra rule folder (repeatable); same id overrides.",
        ),
        click.option(
            "--select", multiple=True, help="Only these rule ids or categories (comma-separated, repeatable)."
        ),
        click.option(
            "--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable)."
        ),
        click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes (and allow-listed grammar fixes)."),
        click.option("--no-fix", is_flag=True, help="Only report; apply no artifact fix."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False),
            default=None,
            help="Results cache folder (default ~/.cache/cleanup, or CLEANUP_CACHE_DIR).",
        ),
        click.option("--no-cache", is_flag=True, help="Do not use the results cache."),
        click.option(
            "--max-bytes",
            type=int,
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Refuse articles larger than this.",
        ),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def make_options(kw: dict) -> Options:
    if kw["unsafe_fixes"] and kw["no_fix"]:
        raise click.UsageError("--unsafe-fixes and --no-fix contradict each other")
    if kw["grammar"] == "languagetool" and not kw["languagetool_url"] and not os.environ.get("LTP_PATH"):
        # language-tool-python would otherwise download LanguageTool; say so instead of hanging
        click.echo(
            "note: no --languagetool-url and no LTP_PATH: language-tool-python will try to start (and if needed download) a local LanguageTool",
            err=True,
        )
    return Options(
        target_lang=kw["target_lang"],
        fix_mode=FixMode.NONE if kw["no_fix"] else FixMode.UNSAFE if kw["unsafe_fixes"] else FixMode.SAFE,
        grammar=kw["grammar"],
        languagetool_url=kw["languagetool_url"],
        rule_dirs=list(kw["rule_dirs"]),
        select=split_values(kw["select"]),
        ignore=split_values(kw["ignore"]),
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
