"""Which rules a run uses (`--select`, `--ignore`) and at which severity (`severity` in the
configuration), for artifact rules and grammar rules alike.

A selector is an exact rule id (`fused-word`, `harper:SpellCheck`), a category (`spacing`,
`grammar` for every grammar rule), or a prefix ending in `*` (`doubled-*`, `harper:*`).
Nothing is matched loosely: a selector that names no rule is a usage error with the closest
valid name, as ruff does, because a gate that silently selects nothing passes everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleanup.model import Severity
from cleanup.registry import closest
from cleanup.rules import Rule, RuleSet

GRAMMAR_CATEGORY = "grammar"


class SelectionError(ValueError):
    """A selector or severity override that names no rule: a usage error (exit 2)."""


@dataclass
class Selection:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)

    @staticmethod
    def _matches(selector: str, rule_id: str, category: str) -> bool:
        if selector.endswith("*"):
            return rule_id.startswith(selector[:-1])
        return selector in (rule_id, category)

    def allows(self, rule_id: str, category: str) -> bool:
        if self.select and not any(self._matches(s, rule_id, category) for s in self.select):
            return False
        return not any(self._matches(s, rule_id, category) for s in self.ignore)

    def allows_grammar(self, rule_id: str) -> bool:
        """For a grammar finding, `harper:SpellCheck`."""
        return self.allows(rule_id, GRAMMAR_CATEGORY)

    def any_grammar(self) -> bool:
        """Could any grammar rule be selected? (If not, the checker need not run.)"""
        if not self.select:
            return True
        return any(s == GRAMMAR_CATEGORY or ":" in s for s in self.select)

    def rules(self, ruleset: RuleSet) -> RuleSet:
        return RuleSet([r for r in ruleset.rules if self.allows(r.id, r.category)], ruleset.names)

    def validate(self, ruleset: RuleSet, grammar_rules: Callable[[str], Iterable[str] | None]) -> None:
        """Every selector must name something. `grammar_rules(backend)` gives a backend's rule
        names, or None when they cannot be known in advance (a LanguageTool server's)."""
        for option, selectors in (("--select", self.select), ("--ignore", self.ignore)):
            for selector in selectors:
                problem = unknown_selector(selector, ruleset.rules, grammar_rules)
                if problem:
                    raise SelectionError(f"{option} {selector}: {problem}")


def unknown_selector(
    selector: str, rules: list[Rule], grammar_rules: Callable[[str], Iterable[str] | None]
) -> str | None:
    """Why `selector` names nothing, or None when it names at least one rule."""
    ids = [r.id for r in rules]
    categories = sorted({r.category for r in rules} | {GRAMMAR_CATEGORY})
    if ":" in selector:
        backend, name = selector.split(":", 1)
        from cleanup.grammar import GRAMMAR_BACKENDS

        if backend not in GRAMMAR_BACKENDS or backend == "none":
            return f"no grammar backend `{backend}`{closest(backend, [b for b in GRAMMAR_BACKENDS.names() if b != 'none'])}"
        known = grammar_rules(backend)
        if known is None or name == "*":
            return None  # a LanguageTool server's rules cannot be listed before it runs
        known = sorted(known)
        if name.endswith("*"):
            return (
                None if any(k.startswith(name[:-1]) for k in known) else f"no {backend} rule starts with `{name[:-1]}`"
            )
        return None if name in known else f"no {backend} rule `{name}`{closest(name, known)}"
    if selector.endswith("*"):
        prefix = selector[:-1]
        return None if any(i.startswith(prefix) for i in ids) else f"no rule id starts with `{prefix}`"
    if selector in ids or selector in categories:
        return None
    return f"no rule or category `{selector}`{closest(selector, ids + categories)} (`cleanup rules` lists them)"


def apply_severity(ruleset: RuleSet, overrides: dict[str, Severity]) -> RuleSet:
    """The artifact rules with the configured severities (grammar rules take theirs in the
    grammar stage). An override for a rule that does not exist is an error."""
    from dataclasses import replace

    ids = {r.id for r in ruleset.rules}
    for rule_id in overrides:
        if ":" not in rule_id and rule_id not in ids:
            raise SelectionError(f"severity: no rule `{rule_id}`{closest(rule_id, sorted(ids))}")
    rules = [replace(r, severity=overrides[r.id]) if r.id in overrides else r for r in ruleset.rules]
    return RuleSet(rules, ruleset.names)
