"""The artifact rule engine: rules as data (`rules/*.yaml`), one registry of rule kinds and
detectors, strict decoding of rule files. See `loader` (reading), `registry` (the kinds),
`kinds` (the built-in kinds) and `detectors/` (artifact classes written in code)."""

from cleanup.rules.loader import RuleFiles, builtin_rules_dir, load_rule_files, load_rules, load_yaml, parse_rule
from cleanup.rules.model import Context, Matcher, Names, Rule, RuleError, RuleSet

__all__ = [
    "Context",
    "Matcher",
    "Names",
    "Rule",
    "RuleError",
    "RuleFiles",
    "RuleSet",
    "builtin_rules_dir",
    "load_rule_files",
    "load_rules",
    "load_yaml",
    "parse_rule",
]
