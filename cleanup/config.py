"""Project configuration: `cleanup.toml`, or `[tool.cleanup]` in `pyproject.toml`.

The file is found by walking up from the inputs (from the current folder for stdin) to the
nearest folder that has one, as ruff finds its configuration; `--config FILE` names one and
`--isolated` uses none. Keys are the commands' long option names (`grammar = "none"`,
`target-lang = "en"`, `select = ["fused-word"]`), plus a `[severity]` table (rule id → error,
warning or info). A command-line option always wins over the file, the file over the
defaults. Paths in the file (`rules`, `out`, `baseline`, `cache-dir`) are relative to the
file's folder. An unknown key, or a value of the wrong type, is an error naming the file and
the key, with the closest valid key.

```toml
[tool.cleanup]
grammar = "harper"
ignore = ["harper:SpellCheck"]
rules = ["newsroom-rules"]

[tool.cleanup.severity]
"fused-word" = "error"
"harper:AnA" = "warning"
```
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanup.registry import closest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10, e.g. pre-commit on Ubuntu 22.04
    import tomli as tomllib

CONFIG_FILES = ("cleanup.toml", "pyproject.toml")
PATH_KEYS = ("rules", "out", "baseline", "cache-dir")
SEVERITIES = ("error", "warning", "info")


class ConfigError(Exception):
    """A broken configuration file: a usage error naming the file and the key."""


@dataclass
class Config:
    """The values of one configuration file (keys as on the command line: `target-lang`)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # option -> where its value came from

    @property
    def source(self) -> str:
        return str(self.path) if self.path else "default"


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above `start` (a file's folder, or a folder)."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in [folder, *folder.parents]:
        own = candidate / "cleanup.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
    return None


def _has_section(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeError):
        return False
    return isinstance(data.get("tool"), dict) and "cleanup" in data["tool"]


def read_config(path: Path, known_keys: list[str]) -> Config:
    """Read and check one configuration file against the known option names."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    where = str(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("cleanup", {})
        where = f"{path} [tool.cleanup]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table")
    config = Config(path=path)
    for key, value in data.items():
        if key == "severity":
            if not isinstance(value, dict) or not all(isinstance(v, str) and v in SEVERITIES for v in value.values()):
                raise ConfigError(f"{where}: `severity` must map rule ids to error, warning or info")
            config.severity = {str(k): str(v) for k, v in value.items()}
            continue
        name = key.replace("_", "-")
        if name not in known_keys:
            raise ConfigError(f"{where}: unknown key `{key}`{closest(name, known_keys + ['severity'])}")
        if name in PATH_KEYS:
            value = _resolve_paths(value, path.parent)
        config.values[name] = value
    return config


def _resolve_paths(value: Any, base: Path) -> Any:
    if isinstance(value, str):
        return str(base / value)
    if isinstance(value, list):
        return [str(base / v) if isinstance(v, str) else v for v in value]
    return value


def config_for(paths: list[str], explicit: str | None, isolated: bool, known_keys: list[str]) -> Config:
    """The configuration of a command over `paths`: the explicit file, none, or the nearest
    file of the inputs. Inputs of several projects (different nearest files) are refused: their
    articles would be judged by different rules in one run."""
    if isolated:
        return Config()
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        return read_config(path, known_keys)
    starts = [Path(p) for p in paths if p != "-"] or [Path.cwd()]
    found = {find_config(p if p.exists() else Path.cwd()) for p in starts}
    if len(found) > 1:
        names = ", ".join(sorted(str(f) if f else "(none)" for f in found))
        raise ConfigError(
            f"the inputs belong to projects with different configurations ({names}): run them separately, or pass --config"
        )
    (nearest,) = found
    return read_config(nearest, known_keys) if nearest else Config()
