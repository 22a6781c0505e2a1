"""The command group and what the commands share: the pipeline options and their decoding.

Exit codes (as ruff): 0 when everything is clean, 1 when something needs an editor (a
review/reject verdict, a finding at or above --min-severity, a file fixed), 2 on a usage or
internal error. Heavy libraries are imported inside the commands, so `--help` starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from cleanup import __version__
from cleanup.grammar import GRAMMAR_BACKENDS
from cleanup.options import DEFAULT_MAX_BYTES, Options, options_from_names


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
            "--languagetool-timeout",
            type=float,
            default=60.0,
            show_default=True,
            help="Seconds a LanguageTool request may take in all; a server that takes longer stops the run.",
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
        click.option(
            "--source-dir",
            type=click.Path(file_okay=False),
            default=None,
            help="A folder of the articles' source texts, at the same relative paths: the fidelity stage checks each translation against its source.",
        ),
        click.option(
            "--glossary",
            type=click.Path(dir_okay=False),
            default=None,
            help="Required and forbidden terms: CSV source_term,target_term[,note] (note `forbidden`), or TBX.",
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
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            default=None,
            help="Read this configuration file (default: the nearest cleanup.toml or pyproject.toml [tool.cleanup] above the inputs).",
        ),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def make_options(kw: dict, severity: dict[str, str] | None = None) -> Options:
    if kw["unsafe_fixes"] and kw["no_fix"]:
        raise click.UsageError("--unsafe-fixes and --no-fix contradict each other")
    if kw["grammar"] == "languagetool" and not kw["languagetool_url"] and not os.environ.get("LTP_PATH"):
        # language-tool-python would otherwise download LanguageTool; say so instead of hanging
        click.echo(
            "note: no --languagetool-url and no LTP_PATH: language-tool-python will try to start (and if needed download) a local LanguageTool",
            err=True,
        )
    return options_from_names(
        {
            "target_lang": kw["target_lang"],
            "grammar": kw["grammar"],
            "languagetool_url": kw["languagetool_url"],
            "languagetool_timeout": kw["languagetool_timeout"],
            "rules": list(kw["rule_dirs"]),
            "select": split_values(kw["select"]),
            "ignore": split_values(kw["ignore"]),
            "unsafe_fixes": kw["unsafe_fixes"],
            "no_fix": kw["no_fix"],
            "cache_dir": kw["cache_dir"],
            "no_cache": kw["no_cache"],
            "max_bytes": kw["max_bytes"],
            "severity": severity,
            "glossary": kw.get("glossary"),
        }
    )


def source_dir_of(path: str | None) -> str | None:
    """--source-dir, which must be a folder (a typo must not turn the fidelity checks off)."""
    if path is None:
        return None
    if not os.path.isdir(path):
        raise click.UsageError(f"--source-dir: {path} is not a folder")
    return path


def fail(message: str) -> NoReturn:
    """A usage error: the message on stderr, exit code 2."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def usage_errors() -> tuple[type[Exception], ...]:
    """The exceptions that mean the user asked for something that cannot be done (exit 2)."""
    from cleanup.config import ConfigError
    from cleanup.executors.writer import OutputLocked, OutputWriteError
    from cleanup.glossary import GlossaryError
    from cleanup.grammar import GrammarBackendError
    from cleanup.reader import InputError
    from cleanup.rules import RuleError
    from cleanup.selection import SelectionError

    return (
        ConfigError,
        GlossaryError,
        GrammarBackendError,
        InputError,
        OutputLocked,
        OutputWriteError,
        RuleError,
        SelectionError,
    )


def long_name(param: click.Parameter) -> str | None:
    names = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return names[0][2:] if names else None


NOT_CONFIGURABLE = ("config", "isolated", "help", "version")


def configurable_keys() -> list[str]:
    """Every long option name of every command: the keys a configuration file may hold."""
    keys = set()
    for command in main.commands.values():
        for param in command.params:
            name = long_name(param)
            if name and name not in NOT_CONFIGURABLE and isinstance(param, click.Option):
                keys.add(name)
    return sorted(keys)


def resolve(ctx: click.Context, config: Any) -> dict[str, Any]:
    """The command's parameters with every option the user did not give taken from `config`;
    `config.sources` records where each value came from."""
    from cleanup.config import ConfigError

    params = dict(ctx.params)
    sources: dict[str, str] = {}
    for param in ctx.command.params:
        name = long_name(param)
        if not isinstance(param, click.Option) or name is None or param.name is None:
            continue
        given = ctx.get_parameter_source(param.name)
        if name in config.values and given in (ParameterSource.DEFAULT, None):
            try:
                params[param.name] = param.type_cast_value(ctx, config.values[name])
            except click.BadParameter as exc:
                raise ConfigError(f"{config.source}: `{name}`: {exc.message}") from None
            sources[name] = config.source
        elif given is ParameterSource.COMMANDLINE:
            sources[name] = "command line"
        elif given is ParameterSource.ENVIRONMENT:
            sources[name] = "environment"
        else:
            sources[name] = "default"
    config.sources = sources
    return params


def config_of(ctx: click.Context, paths: list[str]) -> Any:
    """The configuration for `paths`: --config, none with --isolated, else the nearest file."""
    from cleanup.config import config_for

    return config_for(paths, ctx.params.get("config_file"), bool(ctx.params.get("isolated")), configurable_keys())


class CleanupGroup(click.Group):
    """The command group; an unexpected exception ends a command with exit code 2 (an internal
    error), never 1, which means "an editor must look"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except (KeyboardInterrupt, click.Abort):
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("CLEANUP_DEBUG"):
                raise
            from cleanup.output import printable

            click.echo(
                f"internal error: {type(exc).__name__}: {printable(str(exc))} (CLEANUP_DEBUG=1 shows where)", err=True
            )
            sys.exit(2)


@click.group(cls=CleanupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleanup")
def main() -> None:
    """Clean machine-translated news articles: encoding, language, translation artifacts, grammar."""
