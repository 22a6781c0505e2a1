"""Every rule's own examples, from its rule file: flag, pass, and from→to fixes."""

from __future__ import annotations

import pytest

from cleanup.document import Document
from cleanup.lexicon import Lexicon
from cleanup.model import FixMode
from cleanup.rules import Context, load_rules
from cleanup.stages.artifacts import run_rule

RULESET = load_rules()
LEXICON = Lexicon()
CASES = []
for rule in RULESET.rules:
    for text in rule.examples.get("flag", []):
        CASES.append(pytest.param(rule, "flag", text, None, id=f"{rule.id}-flag-{len(CASES)}"))
    for text in rule.examples.get("pass", []):
        CASES.append(pytest.param(rule, "pass", text, None, id=f"{rule.id}-pass-{len(CASES)}"))
    for pair in rule.examples.get("fix", []):
        CASES.append(pytest.param(rule, "fix", pair["from"], pair["to"], id=f"{rule.id}-fix-{len(CASES)}"))


def apply_rule(rule, text, fix_mode: str) -> Document:
    if rule.stage == "fidelity":  # the example is a translation with its source
        return apply_fidelity_rule(rule, text)
    doc = Document(text)
    run_rule(doc, rule, Context(RULESET.names, lexicon=LEXICON), FixMode(fix_mode))
    return doc


def apply_fidelity_rule(rule, example: dict) -> Document:
    from cleanup.glossary import parse_glossary
    from cleanup.model import Article
    from cleanup.options import Options
    from cleanup.resources import Resources
    from cleanup.stages.fidelity import FidelityStage

    article = Article(
        "example", "<example>", example["text"], source_text=example["source"], source_lang=example.get("source_lang")
    )
    doc = Document.from_article(article)
    glossary = parse_glossary(example["glossary"]) if "glossary" in example else None
    FidelityStage(Resources(Options(grammar="none", use_cache=False))).check(doc, [rule], glossary)
    return doc


def test_every_rule_has_examples():
    for rule in RULESET.rules:
        assert rule.examples.get("flag"), f"{rule.id} has no flag examples"
        assert rule.examples.get("pass"), f"{rule.id} has no pass examples"
        if rule.fix != "none":
            assert rule.examples.get("fix"), f"{rule.id} has a fix but no fix examples"


@pytest.mark.parametrize("rule,kind,text,expected", CASES)
def test_rule_example(rule, kind, text, expected):
    if kind == "flag":
        doc = apply_rule(rule, text, "none")
        assert doc.findings, f"{rule.id} should flag {text!r}"
    elif kind == "pass":
        doc = apply_rule(rule, text, "unsafe")
        assert not doc.findings and not doc.edits, f"{rule.id} should pass {text!r}: {doc.findings or doc.edits}"
    else:
        doc = apply_rule(rule, text, "unsafe")
        assert doc.text == expected
        assert all(e.rule == rule.id and e.stage == "artifacts" for e in doc.edits)


def test_unsafe_fix_needs_unsafe_mode():
    rule = RULESET.get("doubled-reporting-verb")
    text = "said Matthew Miller, spokesman for the US State Department said."
    assert apply_rule(rule, text, "safe").text == text
    assert apply_rule(rule, text, "unsafe").text != text
