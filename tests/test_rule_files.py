"""Rule files as a user writes them: errors name the file and field; folders override; select."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from cleanup.cli import main
from cleanup.model import Article
from cleanup.options import Options
from cleanup.pipeline import Pipeline
from cleanup.rules import Context, RuleError, load_rules

GOOD = """
rules:
  - id: {id}
    name: Test rule
    category: test
    severity: warning
    fix: safe
    kind: phrase
    regex: true
    phrases: ["{pattern}"]
    replacement: "X"
    message: test message
"""


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text))
    return folder


def test_broken_regex_names_file_and_field(tmp_path):
    d = write(tmp_path / "r", "mine.yaml", GOOD.format(id="broken", pattern="(unclosed"))
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    assert "mine.yaml" in str(exc.value) and "phrases[0]" in str(exc.value) and "broken regex" in str(exc.value)


def test_missing_field_names_file_and_field(tmp_path):
    d = write(
        tmp_path / "r", "mine.yaml", GOOD.format(id="nomsg", pattern="x").replace("    message: test message\n", "")
    )
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    assert "mine.yaml" in str(exc.value) and "`message`" in str(exc.value)


def test_bad_enum_and_unknown_detector(tmp_path):
    d = write(
        tmp_path / "r", "a.yaml", GOOD.format(id="sev", pattern="x").replace("severity: warning", "severity: fatal")
    )
    with pytest.raises(RuleError, match="a.yaml.*severity"):
        load_rules([d])
    d2 = write(
        tmp_path / "r2",
        "b.yaml",
        """
        rules:
          - {id: det, name: n, category: c, severity: info, fix: none, kind: detector, detector: nope, message: m}
    """,
    )
    with pytest.raises(RuleError, match="b.yaml.*detector.*nope"):
        load_rules([d2])


def test_yaml_is_loaded_safely(tmp_path):
    d = write(tmp_path / "r", "evil.yaml", "rules: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(RuleError, match="evil.yaml"):
        load_rules([d])


def test_user_rule_with_same_id_overrides_builtin(tmp_path):
    d = write(
        tmp_path / "r",
        "override.yaml",
        """
        rules:
          - id: byline-single-name
            name: My byline rule
            category: byline
            severity: warning
            fix: none
            kind: phrase
            regex: true
            ignore_case: false
            phrases: ["^By [A-Z][a-z]+$"]
            message: mine
    """,
    )
    rs = load_rules([d])
    rule = rs.get("byline-single-name")
    assert rule.name == "My byline rule" and rule.severity == "warning"
    assert [r.id for r in rs.rules].count("byline-single-name") == 1


def test_select_and_ignore_by_id_and_category():
    text = "He flew to to Paris.\nBy John"
    all_rules = Pipeline(Options(grammar="none")).clean(Article(id="a", source="a", text=text)).to_dict()
    assert {"doubled-function-word", "byline-single-name"} <= {
        x["rule"] for x in all_rules["edits"] + all_rules["findings"]
    }
    only = (
        Pipeline(Options(grammar="none", select=["repetition"])).clean(Article(id="a", source="a", text=text)).to_dict()
    )
    assert {x["rule"] for x in only["edits"] + only["findings"] if x["stage"] == "artifacts"} == {
        "doubled-function-word"
    }
    ignored = (
        Pipeline(Options(grammar="none", ignore=["byline-single-name"]))
        .clean(Article(id="a", source="a", text=text))
        .to_dict()
    )
    assert "byline-single-name" not in {x["rule"] for x in ignored["findings"]}


def test_catastrophic_user_regex_is_reported_and_skipped(tmp_path):
    d = write(tmp_path / "r", "slow.yaml", GOOD.format(id="catastrophic", pattern="(?:a|aa)+$"))
    p = Pipeline(Options(grammar="none", rule_dirs=[str(d)], select=["catastrophic", "doubled-function-word"]))
    rec = p.clean(Article(id="a", source="a", text="to to " + "a" * 40 + "!")).to_dict()
    assert any(f["rule"] == "catastrophic" and "timed out" in f["message"] for f in rec["findings"])
    assert rec["text"].startswith("to a")  # the other rules still ran


def test_rules_command_lists_and_documents():
    r = CliRunner().invoke(main, ["rules"])
    assert r.exit_code == 0 and "fused-word" in r.output and "refusal-leak" in r.output
    r = CliRunner().invoke(main, ["rules", "fused-word"])
    assert r.exit_code == 0 and "Russiawhere" in r.output and "Fixes:" in r.output
    r = CliRunner().invoke(main, ["rules", "no-such-rule"])
    assert r.exit_code == 2


def test_broken_user_rule_folder_is_a_usage_error(tmp_path):
    d = write(tmp_path / "r", "mine.yaml", GOOD.format(id="broken", pattern="(unclosed"))
    art = tmp_path / "a.txt"
    art.write_text("Text.")
    r = CliRunner().invoke(
        main, ["run", str(art), "--rules", str(d), "--out", str(tmp_path / "o"), "--grammar", "none"]
    )
    assert r.exit_code == 2 and "mine.yaml" in r.output


def test_several_regex_phrases_match_as_one_alternation(tmp_path):
    # the engine runs a rule's regexes one by one (faster in `regex`); the hits must be what
    # their alternation would give: leftmost first, the earlier phrase where two start
    # together, never two overlapping hits
    d = write(
        tmp_path / "r",
        "alt.yaml",
        """
        rules:
          - id: alt
            name: Alternation
            category: test
            severity: warning
            fix: none
            kind: phrase
            regex: true
            ignore_case: false
            phrases: ["big red", "red ball", "big"]
            message: test
    """,
    )
    rule_set = load_rules([d])
    rule = rule_set.get("alt")
    hits = rule.find("a big red ball and a red ball and a big dog", Context(rule_set.names))
    assert [(h.start, h.end) for h in hits] == [(2, 9), (21, 29), (36, 39)]
