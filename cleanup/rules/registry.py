"""The one registry of rule kinds: the built-in kinds (`phrase`, `substitution`, `repetition`,
`consistency`) and the named detectors (`kind: detector`, `detector: NAME`) are entries of one
registry, each with its documentation and the schema of its parameters.

The loader decodes a rule strictly against its entry's schema, as Vale does: a key the kind
does not know, or a value of the wrong type, is an error naming the file, the rule and the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cleanup.registry import Registry
from cleanup.rules.model import Matcher

REQUIRED = object()


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind: accepted types, default (REQUIRED: must be given), doc."""

    types: tuple[type, ...]
    default: Any = REQUIRED
    doc: str = ""
    items: type | None = None  # for a list: the type of every item (YAML reads `on`/`no` as booleans)

    def type_names(self) -> str:
        return " or ".join(
            {
                "str": "text",
                "bool": "true/false",
                "int": "number",
                "float": "number",
                "list": "list",
                "dict": "mapping",
            }.get(t.__name__, t.__name__)
            for t in self.types
        )


@dataclass
class RuleKind:
    """A registry entry. `build(**params)` returns the rule's matcher; `params_at_top` says
    where a rule file puts the parameters: beside `kind:` (built-in kinds) or under `params:`
    (detectors)."""

    name: str
    doc: str
    params: dict[str, Param]
    build: Callable[..., Matcher]
    params_at_top: bool = True
    examples_doc: list[str] = field(default_factory=list)
    # the stage that runs the kind's rules: `artifacts` (the text alone) or `fidelity` (the
    # text against its source; examples then give both: `{source: ..., text: ...}`)
    stage: str = "artifacts"


RULE_KINDS: Registry[RuleKind] = Registry("rule kind")


def _doc(obj: Any) -> str:
    import inspect

    return inspect.cleandoc(obj.__doc__ or "").strip()


def rule_kind(name: str, params: dict[str, Param]):
    """Register a built-in kind: the decorated class is built with the rule's parameters."""

    def register(cls):
        RULE_KINDS.register(name, RuleKind(name, _doc(cls), params, cls, params_at_top=True))
        return cls

    return register


def detector(name: str, params: dict[str, Param], stage: str = "artifacts"):
    """Register a detector (`kind: detector`, `detector: NAME`, `params: {...}` in a rule file)."""

    def register(cls):
        RULE_KINDS.register(
            f"detector:{name}", RuleKind(name, _doc(cls), params, cls, params_at_top=False, stage=stage)
        )
        return cls

    return register


def load_builtin_kinds() -> Registry[RuleKind]:
    """The registry with every built-in kind and detector registered (importing their modules
    registers them)."""
    from cleanup.rules import detectors, kinds  # noqa: F401  (registration)

    return RULE_KINDS
