"""`cleanup config`: the configuration a run would use, and where each value comes from."""

from __future__ import annotations

import json

import click

from cleanup.commands.base import NOT_CONFIGURABLE, config_of, fail, long_name, main, resolve, usage_errors


@main.command("config")
@click.argument("paths", nargs=-1)
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), default=None, help="Read this configuration file."
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--command", "command_name", type=click.Choice(["run", "check"]), default="run", show_default=True)
def config_cmd(paths, config_file, isolated, command_name) -> None:
    """Print the resolved configuration of `cleanup run PATHS` (or `check`): every option's
    value and where it came from (a file, or the default)."""
    command = main.commands[command_name]
    args = list(paths) or ["."]
    if config_file:
        args += ["--config", config_file]
    if isolated:
        args.append("--isolated")
    try:
        with command.make_context(command_name, args, resilient_parsing=False) as ctx:
            config = config_of(ctx, list(paths) or ["."])
            params = resolve(ctx, config)
    except usage_errors() as exc:
        fail(str(exc))
    click.echo(f"# configuration file: {config.path or '(none)'}")
    for param in command.params:
        name = long_name(param)
        if not isinstance(param, click.Option) or name is None or name in NOT_CONFIGURABLE or param.name is None:
            continue
        value = params[param.name]
        if isinstance(value, tuple):
            value = list(value)
        click.echo(f"{name} = {json.dumps(value)}  # {config.sources.get(name, 'default')}")
    if config.severity:
        click.echo("[severity]")
        for rule, severity in sorted(config.severity.items()):
            click.echo(f"{json.dumps(rule)} = {json.dumps(severity)}  # {config.source}")
