"""Grammar checkers behind one interface, registered by name.

A backend checks one text (paragraphs joined by blank lines) and returns Hits whose `rule` is
the checker's own rule name and whose `category` is its category (`Spelling`, `TYPOS`…). The
`grammar` stage (cleanup/stages/grammar.py) turns them into findings. Everything about a
backend — its name on the command line, its cache key, its settings, how to build it — is
in its registry entry, so adding a backend is one module and one `register` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cleanup.model import Hit, Severity
from cleanup.registry import Registry, closest

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.options import Options


class GrammarBackendError(Exception):
    """The backend cannot run (server unreachable, library missing): a usage error, exit 2."""


class CheckFailed(Exception):
    """The backend failed on one text (a crash inside the checker), not on every text: the
    paragraph goes unchecked and says so; the batch goes on."""


class Backend(Protocol):
    name: str

    def check(self, text: str) -> list[Hit]: ...

    def close(self) -> None: ...


@dataclass
class GrammarConfig:
    """The `grammar:` sections of the rule files (rules/grammar.yaml, then the user's)."""

    disabled: dict[str, list[str]] = field(default_factory=dict)  # backend -> its rules switched off
    # backend -> the rules that run (`<backend>_enabled` + `<backend>_core` +
    # `<backend>_also_enabled`), for a backend configured up front; empty: all its defaults
    enabled: dict[str, list[str]] = field(default_factory=dict)
    spelling_rules: list[str] = field(default_factory=list)  # rules whose findings are misspellings
    repetition_rules: list[str] = field(default_factory=list)  # rules that honour the doubling allow-list
    unsafe_fix_allowlist: list[str] = field(default_factory=list)  # `backend:Rule` applied with --unsafe-fixes
    warning_rules: list[str] = field(default_factory=list)  # `backend:Rule` that earn `warning`; the rest are info
    severity: dict[str, Severity] = field(default_factory=dict)  # `backend:Rule` -> severity, overriding both

    LIST_KEYS = ("spelling_rules", "repetition_rules", "unsafe_fix_allowlist", "warning_rules")
    # the parts of a backend's rule set: the curated list (scripts/harper_lints.py), the
    # general-purpose core kept whatever the data shows, and what a project adds
    SET_PARTS = ("enabled", "core", "also_enabled")

    def severity_of(self, rule: str) -> Severity:
        """A grammar finding's severity: its override, `warning` for the rules that earned it
        on clean human text (scripts/precision_table.py), `info` for every other."""
        if rule in self.severity:
            return self.severity[rule]
        return Severity.WARNING if rule in self.warning_rules else Severity.INFO

    @classmethod
    def from_sections(cls, sections: list[tuple[Path, dict[str, Any]]]) -> GrammarConfig:
        """Later sections override earlier ones key by key (`severity` rule by rule)."""
        config = cls()
        known = [f"{name}_disabled" for name in GRAMMAR_BACKENDS if name != "none"]
        # a backend whose rule set is chosen up front (Harper): the set, in three parts
        sets = [n for n, spec in GRAMMAR_BACKENDS.items() if spec.rule_set]
        known += [f"{n}_{part}" for n in sets for part in cls.SET_PARTS]
        known += list(cls.LIST_KEYS) + ["severity"]
        parts: dict[str, dict[str, list[str]]] = {}
        for path, data in sections:
            for key, value in data.items():
                if key not in known:
                    raise GrammarConfigError(
                        f"{path}: unknown key `grammar.{key}`{closest(str(key), known)} (known: {', '.join(known)})"
                    )
                if key == "severity":
                    if not isinstance(value, dict):
                        raise GrammarConfigError(
                            f"{path}: `grammar.severity` must map rule names to error/warning/info"
                        )
                    for rule, sev in value.items():
                        try:
                            config.severity[str(rule)] = Severity(sev)
                        except ValueError:
                            raise GrammarConfigError(
                                f"{path}: `grammar.severity.{rule}` must be error, warning or info, not {sev!r}"
                            ) from None
                    continue
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise GrammarConfigError(f"{path}: `grammar.{key}` must be a list of rule names")
                if key.endswith("_disabled"):
                    config.disabled[key[: -len("_disabled")]] = list(value)
                elif key.split("_", 1)[0] in sets:
                    backend, part = key.split("_", 1)
                    parts.setdefault(backend, {})[part] = list(value)
                else:
                    setattr(config, key, list(value))
        for backend, chosen in parts.items():
            rules = sorted({r for part in cls.SET_PARTS for r in chosen.get(part, [])})
            if rules:
                config.enabled[backend] = rules
        return config


class GrammarConfigError(GrammarBackendError):
    """A broken `grammar:` section: a usage error naming the file and key."""


def package_version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


@dataclass
class BackendSpec:
    """A registry entry: `build(config, url)` makes the backend (heavy imports happen there);
    `cache_key(config, url)` identifies its results without building it."""

    name: str
    doc: str
    build: Callable[[GrammarConfig, Options], Backend]
    cache_key: Callable[[GrammarConfig, Options], str]
    rule_names: Callable[[], list[str]] | None = None  # None: not known before it runs (a server's)
    rule_set: bool = False  # its rules are chosen up front (`<name>_enabled` …): only those run


GRAMMAR_BACKENDS: Registry[BackendSpec] = Registry("grammar backend")


class NoneBackend:
    name = "none"

    def check(self, text: str) -> list[Hit]:
        return []

    def close(self) -> None:
        pass


def _harper(config: GrammarConfig, options: Options) -> Backend:
    from cleanup.grammar.harper import HarperBackend

    return HarperBackend(config.disabled.get("harper", []), config.enabled.get("harper"))


def _languagetool(config: GrammarConfig, options: Options) -> Backend:
    from cleanup.grammar.languagetool import LanguageToolBackend

    return LanguageToolBackend(
        options.languagetool_url, config.disabled.get("languagetool", []), timeout=options.languagetool_timeout
    )


def _harper_rule_names() -> list[str]:
    import harper

    return sorted(harper.get_default_lint_config())


def _harper_key(config: GrammarConfig, options: Options) -> str:
    key = f"harper {package_version('harper-py')} disabled={','.join(sorted(config.disabled.get('harper', [])))}"
    if config.enabled.get("harper"):
        key += f" enabled={','.join(config.enabled['harper'])}"
    return key


def _languagetool_key(config: GrammarConfig, options: Options) -> str:
    disabled = ",".join(sorted(config.disabled.get("languagetool", [])))
    return f"languagetool {package_version('language-tool-python')} {options.languagetool_url or 'local'} en-US disabled={disabled}"


GRAMMAR_BACKENDS.register(
    "harper",
    BackendSpec(
        "harper",
        "Harper through harper-py: offline, in process (the default).",
        build=_harper,
        cache_key=_harper_key,
        rule_names=_harper_rule_names,
        rule_set=True,
    ),
)
GRAMMAR_BACKENDS.register(
    "languagetool",
    BackendSpec(
        "languagetool",
        "LanguageTool through language-tool-python: a server (--languagetool-url) or a local install.",
        build=_languagetool,
        cache_key=_languagetool_key,
    ),
)
GRAMMAR_BACKENDS.register(
    "none",
    BackendSpec(
        "none",
        "No grammar checking.",
        build=lambda c, options: NoneBackend(),
        cache_key=lambda c, options: "none",
        rule_names=list,
    ),
)
