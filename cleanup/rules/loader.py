"""Rules as data: read `rules/*.yaml` (and the user's `--rules` folders), decode every rule
strictly against its kind's schema, and build its matcher.

A rule file holds `rules:` (a list of rules), `names:` (the names vocabulary that detectors
and the grammar stage share) and/or `grammar:` (the grammar stage's settings). A user folder
is read after the built-in one: a rule with the same id replaces the built-in rule, names add
to the vocabulary, and grammar settings override the built-in ones key by key.

Files are read with YAML's safe loader, and a structure that aliases expand beyond
`MAX_YAML_NODES` nodes (a "billion laughs" file) is refused before anything walks it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from cleanup.model import FixSafety, Severity
from cleanup.registry import UnknownName, closest
from cleanup.rules.model import Names, Rule, RuleError, RuleSet
from cleanup.rules.registry import REQUIRED, Param, RuleKind, load_builtin_kinds

REQUIRED_KEYS = ("id", "name", "category", "severity", "message", "fix", "kind")
OPTIONAL_KEYS = ("examples", "rationale", "fix_safety", "skip_quotes", "keep_finding")
DETECTOR_KEYS = ("detector", "params")
TOP_LEVEL_KEYS = ("rules", "names", "grammar")
EXAMPLE_KEYS = ("flag", "pass", "fix")
MAX_YAML_NODES = 200_000


def builtin_rules_dir() -> Path:
    """The built-in rule files: package data of `cleanup` (`cleanup.rules_data`, which the
    build maps to the repository's top-level `rules/`), found through the import system, never
    by a path that another installed package could shadow."""
    spec = find_spec("cleanup.rules_data")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location, "10-leaks.yaml").is_file():
            return Path(location)
    # a source checkout used without installing: `rules/` beside the package, in this project
    root = Path(__file__).resolve().parents[2]
    if (root / "setup.cfg").is_file() and (root / "rules" / "10-leaks.yaml").is_file():
        return root / "rules"
    raise RuleError("the built-in rule files are missing from this installation of cleanup: reinstall it")


def load_yaml(path: Path) -> Any:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            # the safe loader only: a rule file is data, never code (libyaml's when present: faster)
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from exc
    _check_size(data, path)
    return data


def _check_size(data: Any, path: Path) -> None:
    """Count the nodes as a walk would meet them (aliases expanded), stopping at the limit."""
    budget = MAX_YAML_NODES
    stack = [data]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise RuleError(f"{path}: more than {MAX_YAML_NODES} values once YAML aliases are expanded: refused")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


@dataclass
class RuleFiles:
    """Everything read from the rule folders: the rules, the names, the grammar sections."""

    ruleset: RuleSet
    grammar_sections: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def load_rule_files(extra_dirs: Sequence[str | Path] | None = None, with_builtin: bool = True) -> RuleFiles:
    kinds = load_builtin_kinds()
    dirs: list[Path] = ([builtin_rules_dir()] if with_builtin else []) + [Path(d) for d in extra_dirs or []]
    by_id: dict[str, Rule] = {}
    order: list[str] = []
    people: list[list[str]] = []
    other: list[str] = []
    syllables: set[str] = set()
    grammar_sections: list[tuple[Path, dict[str, Any]]] = []
    files: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            raise RuleError(f"{d}: rule folder not found")
        paths = sorted(d.glob("*.y*ml"))
        if not paths and d not in dirs[:1]:
            raise RuleError(f"{d}: no rule files (*.yaml) in this folder")
        for path in paths:
            files.append(path)
            data = load_yaml(path)
            if not isinstance(data, dict):
                raise RuleError(f"{path}: expected a mapping with `rules:`, `names:` or `grammar:` at the top")
            unknown = [k for k in data if k not in TOP_LEVEL_KEYS]
            if unknown:
                raise RuleError(
                    f"{path}: unknown top-level key `{unknown[0]}`{closest(str(unknown[0]), list(TOP_LEVEL_KEYS))} (known: {', '.join(TOP_LEVEL_KEYS)})"
                )
            if "names" in data:
                _read_names(path, data["names"], people, other, syllables)
            if "grammar" in data:
                if not isinstance(data["grammar"], dict):
                    raise RuleError(f"{path}: field `grammar` must be a mapping")
                grammar_sections.append((path, data["grammar"]))
            if "rules" in data:
                if not isinstance(data["rules"], list):
                    raise RuleError(f"{path}: field `rules` must be a list")
                for i, raw in enumerate(data["rules"]):
                    rule = parse_rule(raw, f"{path}: rules[{i}]", kinds)
                    if rule.id not in by_id:
                        order.append(rule.id)
                    by_id[rule.id] = rule
    names = Names(people, other, syllables)
    return RuleFiles(RuleSet([by_id[i] for i in order], names), grammar_sections, files)


def load_rules(extra_dirs: Sequence[str | Path] | None = None, with_builtin: bool = True) -> RuleSet:
    return load_rule_files(extra_dirs, with_builtin).ruleset


def _read_names(path: Path, data: Any, people: list, other: list, syllables: set) -> None:
    if not isinstance(data, dict):
        raise RuleError(f"{path}: field `names` must be a mapping")
    for key, value in data.items():
        if not isinstance(value, list):
            raise RuleError(f"{path}: field `names.{key}` must be a list")
        for i, item in enumerate(value):
            if key == "syllables":
                syllables.add(str(item).lower())
            elif key == "people":
                if not isinstance(item, str):
                    raise RuleError(f"{path}: field `names.people[{i}]` must be a string")
                people.append([v.strip() for v in item.split("|") if v.strip()])
            else:
                if not isinstance(item, str):
                    raise RuleError(f"{path}: field `names.{key}[{i}]` must be a string")
                other.append(item)


def _enum(raw: Any, enum_type, where: str, key: str):
    try:
        return enum_type(raw)
    except ValueError:
        choices = [str(e) for e in enum_type]
        raise RuleError(
            f"{where}: field `{key}` must be one of {', '.join(choices)}{closest(str(raw), choices)}"
        ) from None


def parse_rule(raw: Any, where: str, kinds=None) -> Rule:
    kinds = kinds or load_builtin_kinds()
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a rule must be a mapping")
    for key in REQUIRED_KEYS:
        if key not in raw or raw[key] in (None, ""):
            raise RuleError(f"{where} (id {raw.get('id', '?')}): missing field `{key}`")
    where = f"{where} (id {raw['id']})"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(raw["id"])):
        raise RuleError(f"{where}: field `id` must be lowercase letters, digits and dashes")
    severity = _enum(raw["severity"], Severity, where, "severity")
    fix = _enum(raw["fix"], FixSafety, where, "fix")
    kind_name = str(raw["kind"])
    detector_name = None
    if kind_name == "detector":
        detector_name = raw.get("detector")
        if not isinstance(detector_name, str):
            raise RuleError(f"{where}: field `detector` is required for kind `detector` and must be a name")
        entry_name = f"detector:{detector_name}"
    else:
        entry_name = kind_name
    try:
        kind: RuleKind = kinds.get(entry_name)
    except UnknownName as exc:
        field_name = "detector" if detector_name else "kind"
        raise RuleError(f"{where}: field `{field_name}`: {str(exc).replace('detector:', '')}") from None
    # strict decoding: every key is a common key or the kind's own
    allowed = set(REQUIRED_KEYS) | set(OPTIONAL_KEYS) | (set(DETECTOR_KEYS) if detector_name else set(kind.params))
    for key in raw:
        if key not in allowed:
            raise RuleError(
                f"{where}: unknown field `{key}` for kind `{kind_name}`{closest(str(key), sorted(allowed))}"
            )
    if detector_name:
        given = raw.get("params") or {}
        if not isinstance(given, dict):
            raise RuleError(f"{where}: field `params` must be a mapping")
        params = _decode_params(kind, given, where, "params.")
    else:
        params = _decode_params(kind, {k: v for k, v in raw.items() if k in kind.params}, where, "")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise RuleError(f"{where}: field `examples` must be a mapping with flag/pass/fix")
    for key in examples:
        if key not in EXAMPLE_KEYS:
            raise RuleError(
                f"{where}: unknown field `examples.{key}`{closest(str(key), list(EXAMPLE_KEYS))} (known: flag, pass, fix)"
            )
    for key in ("flag", "pass"):
        items = examples.get(key, [])
        if kind.stage == "fidelity":
            # a fidelity rule judges a text against its source: each example gives both
            if not isinstance(items, list) or not all(
                isinstance(t, dict)
                and isinstance(t.get("source"), str)
                and isinstance(t.get("text"), str)
                and set(t) <= {"source", "text", "source_lang", "glossary"}
                for t in items
            ):
                raise RuleError(
                    f"{where}: field `examples.{key}` must be a list of mappings with `source` and `text` "
                    "(and optionally `source_lang`, `glossary`)"
                )
        elif not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise RuleError(f"{where}: field `examples.{key}` must be a list of texts")
    for j, pair in enumerate(examples.get("fix", []) or []):
        if not (
            isinstance(pair, dict)
            and isinstance(pair.get("from"), str)
            and isinstance(pair.get("to"), str)
            and set(pair) <= {"from", "to"}
        ):
            raise RuleError(f"{where}: field `examples.fix[{j}]` needs `from` and `to` texts (and nothing else)")
    for key in ("skip_quotes", "keep_finding"):
        if not isinstance(raw.get(key, False), bool):
            raise RuleError(f"{where}: field `{key}` must be true or false")
    rule = Rule(
        id=str(raw["id"]),
        name=str(raw["name"]),
        category=str(raw["category"]),
        severity=severity,
        message=str(raw["message"]).strip(),
        fix=fix,
        kind=kind_name,
        params=params,
        examples=examples,
        rationale=str(raw.get("rationale", "")).strip(),
        fix_safety=str(raw.get("fix_safety", "")).strip(),
        source=where,
        detector=detector_name,
        skip_quotes=bool(raw.get("skip_quotes", False)),
        keep_finding=bool(raw.get("keep_finding", False)),
        stage=kind.stage,
    )
    if kind.stage == "fidelity" and fix is not FixSafety.NONE:
        raise RuleError(f"{where}: field `fix`: a fidelity rule reports, it cannot fix (use `fix: none`)")
    try:
        rule.matcher = kind.build(where=where, **params)
    except RuleError:
        raise
    except (TypeError, ValueError) as exc:
        raise RuleError(f"{where}: field `{'params' if detector_name else kind_name}`: {exc}") from exc
    return rule


def _decode_params(kind: RuleKind, given: dict[str, Any], where: str, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in given:
        if key not in kind.params:
            raise RuleError(
                f"{where}: unknown field `{prefix}{key}` for `{kind.name}`{closest(str(key), sorted(kind.params))} (known: {', '.join(sorted(kind.params))})"
            )
    for key, spec in kind.params.items():
        if key in given:
            value = given[key]
            ok = isinstance(value, spec.types) and not (isinstance(value, bool) and bool not in spec.types)
            if not ok and not (value is None and spec.default is None):
                raise RuleError(
                    f"{where}: field `{prefix}{key}` must be {spec.type_names()}, got {type(value).__name__}"
                )
            if spec.items is not None and isinstance(value, list):
                for i, item in enumerate(value):
                    if not isinstance(item, spec.items) or isinstance(item, bool):
                        raise RuleError(
                            f"{where}: field `{prefix}{key}[{i}]` must be {Param((spec.items,)).type_names()}, got {item!r}"
                            + (" (YAML reads on/off/yes/no as true/false: quote it)" if isinstance(item, bool) else "")
                        )
            out[key] = value
        elif spec.default is REQUIRED:
            raise RuleError(f"{where}: field `{prefix}{key}` is required for `{kind.name}`")
        else:
            out[key] = copy.deepcopy(spec.default)
    return out
