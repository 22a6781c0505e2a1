"""Project configuration: `cleanup.toml`, or `[tool.cleanup]` in `pyproject.toml`, in the
current folder. Keys are the long option names (`grammar = "none"`, `target-lang = "en"`);
a command-line option always wins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10, e.g. pre-commit on Ubuntu 22.04
    import tomli as tomllib


class ConfigError(Exception):
    pass


def load_config(folder: Path | None = None) -> tuple[dict[str, Any], Path | None]:
    folder = folder or Path.cwd()
    own = folder / "cleanup.toml"
    if own.is_file():
        return _read(own, None), own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        data = _read(pyproject, ("tool", "cleanup"))
        if data:
            return data, pyproject
    return {}, None


def _read(path: Path, section: tuple[str, ...] | None) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    for key in section or ():
        data = data.get(key, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table")
    return {k.replace("-", "_"): v for k, v in data.items()}
