"""`--select` / `--ignore`: which rules a run uses."""

from __future__ import annotations

from cleanup.rules import Rule, RuleSet


def select_rules(ruleset: RuleSet, select: list[str] | None, ignore: list[str] | None) -> RuleSet:
    def matches(rule: Rule, keys: list[str]) -> bool:
        return any(k in (rule.id, rule.category) or rule.id.startswith(k) for k in keys)

    rules = [r for r in ruleset.rules if (not select or matches(r, select)) and not (ignore and matches(r, ignore))]
    return RuleSet(rules, ruleset.names)
