"""The rule engine's own types: a Rule (one documented unit, as in ruff), the RuleSet a run
uses, the names vocabulary, and the Context a matcher may consult besides the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cleanup.model import FixSafety, Hit, Severity

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.bilingual import Bilingual
    from cleanup.glossary import Glossary
    from cleanup.lexicon import Lexicon
    from cleanup.stages.language import LanguageDetector


class RuleError(Exception):
    """A broken rule file; the message names the file, the rule and the field."""


class Matcher(Protocol):
    """What a rule kind or a detector builds from a rule's parameters: a picklable object that
    finds the rule's hits in a text."""

    def find(self, text: str, ctx: Context) -> list[Hit]: ...


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
    """One rule: its documentation, its severity and fix safety, and its matcher."""

    id: str
    name: str
    category: str
    severity: Severity
    message: str
    fix: FixSafety
    kind: str  # the registry entry: `phrase`, …, or `detector` (then `detector` names it)
    params: dict[str, Any]
    examples: dict[str, Any]
    rationale: str
    source: str  # "file: rules[i] (id X)", for messages
    fix_safety: str = ""  # why the fix is safe or unsafe, shown by `cleanup rules ID`
    detector: str | None = None
    skip_quotes: bool = False
    keep_finding: bool = False  # a finding stays after the fix (e.g. content is missing)
    matcher: Matcher | None = None
    stage: str = "artifacts"  # the stage that runs it (its kind's): `artifacts` or `fidelity`

    def find(self, text: str, ctx: Context) -> list[Hit]:
        return self.matcher.find(text, ctx) if self.matcher is not None else []

    @property
    def entry(self) -> str:
        """The name of this rule's registry entry."""
        return f"detector:{self.detector}" if self.detector else self.kind

    def summary(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "severity": str(self.severity),
            "fix": str(self.fix),
        }


@dataclass
class RuleSet:
    rules: list[Rule]
    names: Names

    def get(self, rule_id: str) -> Rule | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None

    def doubling_allowed(self, text: str, start: int) -> bool:
        """Does a repetition rule's allow-list accept the doubling at `start`? The grammar stage
        asks, so a checker's repeated-word lint honours `looking for for a long time` too."""
        window = text[start : start + 60]
        try:
            return any(
                getattr(r.matcher, "allows", lambda w: False)(window) for r in self.rules if r.kind == "repetition"
            )
        except TimeoutError:
            return False  # a catastrophic allow pattern: the artifact stage reports the rule


@dataclass
class Context:
    """What a matcher may know about the article besides its text; one per artifact round."""

    names: Names
    skip_spans: list[tuple[int, int]] = field(default_factory=list)  # e.g. paragraphs already flagged
    lexicon: Lexicon | None = None
    memo: dict[Any, Any] = field(default_factory=dict)  # scans several rules share, per text
    source: Bilingual | None = None  # the fidelity stage's: the source text aligned with this one
    glossary: Glossary | None = None  # --glossary
    target_lang: str = "en"
    language: LanguageDetector | None = None  # langdetect, for rules that must ask

    def in_skip_span(self, start: int, end: int) -> bool:
        if not self.skip_spans:
            return False
        from cleanup.document import SpanIndex

        index = self.memo.get(("skip", id(self.skip_spans)))
        if index is None or index[0] is not self.skip_spans:
            index = (self.skip_spans, SpanIndex(self.skip_spans))
            self.memo[("skip", id(self.skip_spans))] = index
        return index[1].contains(start, end)

    def shared(self, key: str, text: str, compute):
        """`compute(text)`, computed once per text for every rule that asks with `key`."""
        entry = self.memo.get(key)
        if entry is None or entry[0] is not text:
            entry = (text, compute(text))
            self.memo[key] = entry
        return entry[1]

    def zipf(self, word: str, lang: str = "en") -> float:
        return self._lexicon().zipf(word, lang)

    def ending_share(self, ending: str) -> float:
        return self._lexicon().ending_share(ending)

    def _lexicon(self) -> Lexicon:
        if self.lexicon is None:
            from cleanup.lexicon import Lexicon

            self.lexicon = Lexicon()
        return self.lexicon
