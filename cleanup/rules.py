"""Rules as data: load `rules/*.yaml`, validate every field, compile each rule to a matcher.

A rule file holds `rules:` (a list of rules); `names.yaml` holds the names vocabulary that
detectors and the grammar stage share. A user folder given with `--rules DIR` is loaded after
the built-in one, and a rule with the same id replaces the built-in rule.

Kinds: `phrase` (literal or regex list), `substitution` (a map), `repetition` (doubled tokens
with an allow-list), `consistency` (variant groups) and `detector` (code in detectors.py with
parameters from the file). User regexes run through the `regex` module with a timeout, so a
catastrophic pattern is reported and skipped instead of hanging a batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import regex

BUILTIN_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PACKAGED_RULES_DIR = Path(__file__).resolve().parent / "rules_data"
KINDS = ("phrase", "substitution", "repetition", "consistency", "detector")
FIXES = ("safe", "unsafe", "none")
SEVERITIES = ("error", "warning", "info")
REQUIRED = ("id", "name", "category", "severity", "message", "fix", "kind")
REGEX_TIMEOUT_S = 1.0


class RuleError(Exception):
    """A broken rule file; the message names the file and the field."""


@dataclass
class Hit:
    """What a rule found: a span of the current text, and its fix when the rule has one."""

    start: int
    end: int
    replacement: str | None = None  # None: nothing to apply automatically
    message: str | None = None  # extra detail appended to the rule's message
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Names:
    """Proper names the tool must not mangle or call misspelt; groups of spelling variants."""

    people: list[list[str]] = field(default_factory=list)  # each: preferred form first, then variants
    other: list[str] = field(default_factory=list)  # places, organisations, agencies
    syllables: set[str] = field(default_factory=set)  # romanised given-name syllables (Korean...)

    def __post_init__(self) -> None:
        self.tokens: set[str] = set()
        self.person_tokens: set[str] = set()
        self.hyphen_suffixes: dict[str, set[str]] = {}  # "Kim Jong" -> {"un", "Un"}
        self.full_by_prefix: dict[str, list[str]] = {}
        for group in self.people:
            for variant in group:
                self._add(variant)
                self.person_tokens.update(p.lower() for p in re.split(r"[\s-]+", variant) if p)
                m = re.fullmatch(r"(.+)-(\w+)", variant)
                if m:
                    self.hyphen_suffixes.setdefault(m.group(1), set()).add(m.group(2))
                    self.full_by_prefix.setdefault(m.group(1), []).append(variant)
        for name in self.other:
            self._add(name)

    def _add(self, name: str) -> None:
        for part in re.split(r"[\s-]+", name):
            if part:
                self.tokens.add(part.lower())

    def is_name_token(self, token: str) -> bool:
        return token.lower() in self.tokens


@dataclass
class Rule:
    id: str
    name: str
    category: str
    severity: str
    message: str
    fix: str
    kind: str
    params: dict[str, Any]
    examples: dict[str, Any]
    rationale: str
    source: str
    skip_quotes: bool = False
    keep_finding: bool = False  # a finding stays after the fix (e.g. content is missing)
    find: Callable[[str, "Context"], list[Hit]] | None = None

    def summary(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "category": self.category, "severity": self.severity, "fix": self.fix}


@dataclass
class Context:
    """What a rule may know about the article besides its text."""

    names: Names
    skip_spans: list[tuple[int, int]] = field(default_factory=list)  # e.g. paragraphs already flagged

    def in_skip_span(self, start: int, end: int) -> bool:
        if not self.skip_spans:
            return False
        from cleanup.document import SpanIndex

        if getattr(self, "_index_of", None) is not self.skip_spans:
            self._index, self._index_of = SpanIndex(self.skip_spans), self.skip_spans
        return self._index.contains(start, end)


@dataclass
class RuleSet:
    rules: list[Rule]
    names: Names

    def get(self, rule_id: str) -> Rule | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None

    def selected(self, select: list[str] | None, ignore: list[str] | None) -> "RuleSet":
        def matches(rule: Rule, keys: list[str]) -> bool:
            return any(k in (rule.id, rule.category) or rule.id.startswith(k) for k in keys)

        rules = [r for r in self.rules if (not select or matches(r, select)) and not (ignore and matches(r, ignore))]
        return RuleSet(rules, self.names)


def default_rule_dirs() -> list[Path]:
    """The built-in rules: the repository's `rules/` when run from a checkout, else the packaged copy."""
    if BUILTIN_RULES_DIR.is_dir():
        return [BUILTIN_RULES_DIR]
    return [PACKAGED_RULES_DIR]


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            # the safe loader only: a rule file is data, never code (libyaml's when present: faster)
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from exc


def load_rules(extra_dirs: list[str | Path] | None = None, with_builtin: bool = True) -> RuleSet:
    dirs: list[Path] = (default_rule_dirs() if with_builtin else []) + [Path(d) for d in extra_dirs or []]
    by_id: dict[str, Rule] = {}
    order: list[str] = []
    people: list[list[str]] = []
    other: list[str] = []
    syllables: set[str] = set()
    for d in dirs:
        if not d.is_dir():
            raise RuleError(f"{d}: rule folder not found")
        for path in sorted(d.glob("*.y*ml")):
            data = _load_yaml(path)
            if not isinstance(data, dict):
                raise RuleError(f"{path}: expected a mapping with `rules:` or `names:` at the top")
            if "names" in data:
                _read_names(path, data["names"], people, other, syllables)
            if "rules" in data:
                if not isinstance(data["rules"], list):
                    raise RuleError(f"{path}: field `rules` must be a list")
                for i, raw in enumerate(data["rules"]):
                    rule = parse_rule(raw, f"{path}: rules[{i}]")
                    if rule.id not in by_id:
                        order.append(rule.id)
                    by_id[rule.id] = rule
            if not {"names", "rules", "grammar"} & set(data):
                raise RuleError(f"{path}: expected `rules:`, `names:` or `grammar:` at the top")
    names = Names(people, other, syllables)
    return RuleSet([by_id[i] for i in order], names)


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


def parse_rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a rule must be a mapping")
    for key in REQUIRED:
        if key not in raw or raw[key] in (None, ""):
            rid = raw.get("id", "?")
            raise RuleError(f"{where} (id {rid}): missing field `{key}`")
    where = f"{where} (id {raw['id']})"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(raw["id"])):
        raise RuleError(f"{where}: field `id` must be lowercase letters, digits and dashes")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: field `severity` must be one of {', '.join(SEVERITIES)}")
    if raw["fix"] not in FIXES:
        raise RuleError(f"{where}: field `fix` must be one of {', '.join(FIXES)}")
    if raw["kind"] not in KINDS:
        raise RuleError(f"{where}: field `kind` must be one of {', '.join(KINDS)}")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise RuleError(f"{where}: field `examples` must be a mapping with flag/pass/fix")
    for key in ("flag", "pass"):
        if not isinstance(examples.get(key, []), list):
            raise RuleError(f"{where}: field `examples.{key}` must be a list of texts")
    for j, pair in enumerate(examples.get("fix", []) or []):
        if not (isinstance(pair, dict) and isinstance(pair.get("from"), str) and isinstance(pair.get("to"), str)):
            raise RuleError(f"{where}: field `examples.fix[{j}]` needs `from` and `to` texts")
    params = {k: v for k, v in raw.items() if k not in REQUIRED + ("examples", "rationale", "skip_quotes", "keep_finding")}
    rule = Rule(
        id=str(raw["id"]),
        name=str(raw["name"]),
        category=str(raw["category"]),
        severity=raw["severity"],
        message=str(raw["message"]).strip(),
        fix=raw["fix"],
        kind=raw["kind"],
        params=params,
        examples=examples,
        rationale=str(raw.get("rationale", "")).strip(),
        source=where,
        skip_quotes=bool(raw.get("skip_quotes", False)),
        keep_finding=bool(raw.get("keep_finding", False)),
    )
    rule.find = compile_rule(rule, where)
    return rule


# ---------------------------------------------------------------- kinds


def _compile(pattern: str, flags: int, where: str, fieldname: str) -> regex.Pattern:
    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except (regex.error, TypeError) as exc:
        raise RuleError(f"{where}: field `{fieldname}` has a broken regex {pattern!r}: {exc}") from exc


def _finditer(pattern: regex.Pattern, text: str):
    # the timeout makes a catastrophic user pattern raise TimeoutError instead of hanging
    return pattern.finditer(text, timeout=REGEX_TIMEOUT_S)


def alternation_matches(patterns: list[regex.Pattern], text: str, group: int | str = 0) -> list:
    """The matches of several patterns as their alternation would give them: leftmost first
    (by `group`), the earlier pattern where two start together, no overlaps, none empty. A few
    patterns run one by one are faster in `regex` than their alternation, which loses the quick
    scan for a pattern's first characters (measured: half the time for two patterns)."""
    found = [(m.start(group), i, m) for i, p in enumerate(patterns) for m in _finditer(p, text) if m.end(group) > m.start(group)]
    if len(patterns) > 1:
        found.sort(key=lambda x: (x[0], x[1]))
    out = []
    last_end = -1
    for start, _i, m in found:
        if start < last_end:
            continue
        last_end = m.end(group)
        out.append(m)
    return out


def _need(rule: Rule, key: str, kind: type, where: str) -> Any:
    value = rule.params.get(key)
    if not isinstance(value, kind):
        raise RuleError(f"{where}: field `{key}` is required for kind `{rule.kind}` and must be a {kind.__name__}")
    return value


def compile_rule(rule: Rule, where: str) -> Callable[[str, Context], list[Hit]]:
    if rule.kind == "phrase":
        return _compile_phrase(rule, where)
    if rule.kind == "substitution":
        return _compile_substitution(rule, where)
    if rule.kind == "repetition":
        return _compile_repetition(rule, where)
    if rule.kind == "consistency":
        return _compile_consistency(rule, where)
    from cleanup import detectors

    name = _need(rule, "detector", str, where)
    factory = detectors.DETECTORS.get(name)
    if factory is None:
        raise RuleError(f"{where}: field `detector`: unknown detector {name!r} (known: {', '.join(sorted(detectors.DETECTORS))})")
    params = rule.params.get("params") or {}
    if not isinstance(params, dict):
        raise RuleError(f"{where}: field `params` must be a mapping")
    try:
        return factory(**params)
    except (TypeError, ValueError, regex.error) as exc:
        raise RuleError(f"{where}: field `params`: {exc}") from exc


def _compile_phrase(rule: Rule, where: str):
    phrases = _need(rule, "phrases", list, where)
    is_regex = bool(rule.params.get("regex", False))
    flags = regex.IGNORECASE if rule.params.get("ignore_case", True) else 0
    flags |= regex.MULTILINE
    boundary = rule.params.get("word_boundary", True)
    replacement = rule.params.get("replacement")
    parts = []
    for i, p in enumerate(phrases):
        if not isinstance(p, str) or not p:
            raise RuleError(f"{where}: field `phrases[{i}]` must be a non-empty string")
        body = p if is_regex else regex.escape(p)
        _compile(body, flags, where, f"phrases[{i}]")
        parts.append(f"(?:{body})")
    if not boundary:
        wrap = lambda b: b  # noqa: E731
    elif is_regex:
        wrap = lambda b: rf"(?<!\w)(?:{b})(?!\w)"  # noqa: E731
    else:
        wrap = lambda b: _bounded(phrases, b)  # noqa: E731
    if is_regex and len(parts) <= 8:
        patterns = [_compile(wrap(b), flags, where, f"phrases[{i}]") for i, b in enumerate(parts)]
    else:
        # a list of literal phrases is one alternation: one scan whatever its length
        patterns = [_compile(wrap("|".join(parts)), flags, where, "phrases")]

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in alternation_matches(patterns, text):
            rep = m.expand(replacement) if isinstance(replacement, str) else None
            hits.append(Hit(m.start(), m.end(), rep, suggestions=[rep] if rep is not None else []))
        return hits

    return find


def _bounded(literals: list[str], body: str, after: str = r"(?!\w)") -> str:
    """`body` (an alternation of `literals`) as whole words. `\b` where every literal starts
    (or ends) with a word character, which `regex` scans for twice as fast as the general
    lookbehind guard; the guard where a literal starts with punctuation (`...`)."""
    word = regex.compile(r"\w")
    before = r"\b" if all(word.match(x[:1]) for x in literals) else r"(?<!\w)"
    if after == r"(?!\w)" and all(word.match(x[-1:]) for x in literals):
        after = r"\b"
    return rf"{before}(?:{body}){after}"


def _compile_substitution(rule: Rule, where: str):
    mapping = _need(rule, "map", dict, where)
    ignore_case = bool(rule.params.get("ignore_case", False))
    flags = regex.IGNORECASE if ignore_case else 0
    keys = sorted(mapping, key=len, reverse=True)
    for k in keys:
        if not isinstance(k, str) or not isinstance(mapping[k], str):
            raise RuleError(f"{where}: field `map` must map texts to texts ({k!r})")
    pattern = _compile(_bounded(keys, "|".join(regex.escape(k) for k in keys)), flags, where, "map")
    lookup = {k.lower(): v for k, v in mapping.items()} if ignore_case else dict(mapping)

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in _finditer(pattern, text):
            found = m.group()
            target = lookup[found.lower()] if ignore_case else lookup[found]
            hits.append(Hit(m.start(), m.end(), target, f"`{found}` → `{target}`", [target]))
        return hits

    return find


# a whole run (`to to to`) is one hit, so the fix leaves one word and a re-run finds nothing
# (the standard `re` here: twice as fast as `regex` for this fixed pattern)
_DOUBLED = re.compile(r"(?<![\w-])(\w+)(?:[ \t]+(\1))+(?![\w-])", re.IGNORECASE)
_doubled_memo: list = [None, []]


def _doubled_words(text: str) -> list:
    """Doubled-word matches of `text`; every repetition rule shares one scan of a text."""
    if _doubled_memo[0] is not text:
        _doubled_memo[0], _doubled_memo[1] = text, list(_DOUBLED.finditer(text))
    return _doubled_memo[1]


def _compile_repetition(rule: Rule, where: str):
    tokens = rule.params.get("tokens", "any")
    token_set = None if tokens == "any" else {str(t).lower() for t in _need(rule, "tokens", list, where)}
    exclude = {str(t).lower() for t in rule.params.get("exclude", [])}
    allow = [_compile(a, regex.IGNORECASE, where, f"allow[{i}]") for i, a in enumerate(rule.params.get("allow", []))]
    rule.params["_allow_compiled"] = allow  # the grammar stage honours the same allow-list
    ignore_capitalized = bool(rule.params.get("ignore_capitalized", True))

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        for m in _doubled_words(text):
            word, second = m.group(1), m.group(2)
            low = word.lower()
            if word.isdigit():
                continue
            if token_set is not None and low not in token_set:
                continue
            if low in exclude:
                continue
            if ignore_capitalized and word[:1].isupper() and second[:1].isupper():
                continue  # `Fang Fang`, `Bora Bora`: names, not doubling (`athletes Athletes` is)
            window = text[m.start(): m.end() + 40]
            if any(a.match(window) for a in allow):
                continue  # grammatical doubling: `looking for for a long time`, `had had`
            hits.append(Hit(m.start(), m.end(), word, f"`{word}` is doubled", [word]))
        return hits

    return find


def _compile_consistency(rule: Rule, where: str):
    groups = _need(rule, "groups", list, where)
    compiled = []
    for i, g in enumerate(groups):
        if not (isinstance(g, dict) and isinstance(g.get("preferred"), str) and isinstance(g.get("variants"), list)):
            raise RuleError(f"{where}: field `groups[{i}]` needs `preferred` and `variants`")
        forms = [g["preferred"]] + [v for v in g["variants"] if v != g["preferred"]]
        ordered = sorted(forms, key=len, reverse=True)
        pat = _compile(_bounded(ordered, "|".join(regex.escape(f) for f in ordered), r"(?![\w-])"), 0, where, f"groups[{i}]")
        compiled.append((g["preferred"], pat))

    def find(text: str, ctx: Context) -> list[Hit]:
        hits = []
        for preferred, pat in compiled:
            found = list(_finditer(pat, text))
            if len({m.group() for m in found}) < 2:
                continue  # one spelling throughout: consistent
            used = ", ".join(sorted({f"`{m.group()}`" for m in found}))
            for m in found:
                if m.group() != preferred:
                    hits.append(Hit(m.start(), m.end(), preferred, f"this article mixes {used}; preferred: `{preferred}`", [preferred]))
        return hits

    return find
