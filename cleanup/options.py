"""What a run is asked to do: the options every command, executor and API call shares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cleanup import __version__
from cleanup.model import FixMode

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Options:
    target_lang: str = "en"
    fix_mode: FixMode = FixMode.SAFE
    grammar: str = "harper"
    languagetool_url: str | None = None
    languagetool_timeout: float = 60.0  # seconds a LanguageTool request may take in all
    rule_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    cache_dir: str | None = None
    use_cache: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity, from the configuration
    glossary: str | None = None  # --glossary: a CSV or TBX file of required and forbidden terms

    def __post_init__(self) -> None:
        self.fix_mode = FixMode(self.fix_mode)

    def fingerprint(self, rule_files: list[Path]) -> str:
        """Everything that changes the output for the same input: options, the tool's own code
        and every rule file's bytes. Part of the key of incremental re-runs and resumes."""
        h = hashlib.sha256()
        data = {
            k: v
            for k, v in asdict(self).items()
            if k not in ("cache_dir", "use_cache", "rule_dirs", "languagetool_timeout")
        }
        h.update(json.dumps([__version__, data], sort_keys=True, default=str).encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.read_bytes())
        for path in rule_files:
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        if self.glossary:
            try:
                h.update(b"glossary\0" + Path(self.glossary).read_bytes())
            except OSError:
                pass  # loading it reports the problem
        return h.hexdigest()[:16]


# the names of `Options.from_names`: the command line's long option names, with `_`
OPTION_NAMES = (
    "target_lang",
    "grammar",
    "languagetool_url",
    "languagetool_timeout",
    "rules",
    "select",
    "ignore",
    "unsafe_fixes",
    "no_fix",
    "cache_dir",
    "no_cache",
    "max_bytes",
    "severity",
    "glossary",
)


def options_from_names(values: dict[str, Any]) -> Options:
    """Options from the command line's long option names (`unsafe_fixes=True`, `rules=[...]`):
    the one mapping the CLI and the Python API share. An unknown name is a TypeError and a
    contradiction a ValueError, never ignored."""
    from cleanup.registry import closest

    for name in values:
        if name not in OPTION_NAMES:
            raise TypeError(
                f"unknown option {name!r}{closest(name, list(OPTION_NAMES))} (known: {', '.join(OPTION_NAMES)})"
            )
    if values.get("unsafe_fixes") and values.get("no_fix"):
        raise ValueError("unsafe_fixes and no_fix contradict each other")

    def listed(name: str) -> list[str]:
        value = values.get(name) or []
        return [value] if isinstance(value, str) else list(value)

    return Options(
        target_lang=values.get("target_lang") or "en",
        fix_mode=FixMode.NONE
        if values.get("no_fix")
        else FixMode.UNSAFE
        if values.get("unsafe_fixes")
        else FixMode.SAFE,
        grammar=values.get("grammar") or "harper",
        languagetool_url=values.get("languagetool_url"),
        languagetool_timeout=float(values.get("languagetool_timeout") or 60.0),
        rule_dirs=listed("rules"),
        select=listed("select"),
        ignore=listed("ignore"),
        cache_dir=values.get("cache_dir"),
        use_cache=not values.get("no_cache", False),
        max_bytes=int(values.get("max_bytes") or DEFAULT_MAX_BYTES),
        severity=dict(values.get("severity") or {}),
        glossary=values.get("glossary"),
    )
