"""An editor's decisions applied to cleaned records (`cleanup apply`): rejected edits undone,
suggestions applied as `editor` edits, dismissals kept; the audit trail still replays."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import TEXT

from cleanup.cli import main
from cleanup.decisions import (
    DecisionRefused,
    DecisionsError,
    apply_decisions,
    parse_decisions,
    record_hash,
)
from cleanup.model import Article
from cleanup.verify import check_record

from conftest import SEEDS
from invariants import assert_contract

EXAMPLES = max(100, int(os.environ.get("CLEANUP_HYPOTHESIS_EXAMPLES", "2500")) // 5)


def decisions_doc(*records: dict) -> dict:
    return {"format": "cleanup-decisions", "version": 1, "records": list(records)}


def one(rec: dict, edits=(), findings=()) -> dict:
    return {"id": rec["id"], "hash": record_hash(rec), "edits": list(edits), "findings": list(findings)}


def decided(rec: dict, edits=(), findings=()) -> dict:
    [rd] = parse_decisions(decisions_doc(one(rec, edits, findings)), "test")
    new, _ = apply_decisions(rec, rd)
    return new.to_dict()


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    r = CliRunner().invoke(main, ["run", str(SEEDS), "--out", str(out), "--grammar", "none", "-j", "1"])
    assert r.exit_code in (0, 1), r.output
    return out


def records_of(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def find_index(items: list[dict], rule: str) -> int:
    return next(i for i, x in enumerate(items) if x["rule"] == rule)


def test_rejecting_an_edit_restores_its_text_and_later_edits_still_replay(pipeline_none):
    text = "The the talks in Russiawhere he said.\n\n\n\nThey went to to Berlin."
    rec = pipeline_none.process(Article(id="a", source="a.txt", text=text)).to_dict()
    rules = [e["rule"] for e in rec["edits"]]
    assert "fused-word" in rules and "doubled-function-word" in rules, rules
    fused = find_index(rec["edits"], "fused-word")
    new = decided(rec, edits=[{"index": fused, "rule": "fused-word", "decision": "reject", "by": "ed", "at": "t"}])
    assert check_record(new) is None
    assert "Russiawhere" in new["text"] and "to to" not in new["text"]
    assert [e["rule"] for e in new["edits"]] == [r for i, r in enumerate(rules) if i != fused]
    assert new["decisions"][0] == {
        "target": "edit",
        "rule": "fused-word",
        "decision": "reject",
        "by": "ed",
        "at": "t",
        "before": "Russiawhere",
        "after": "Russia where",
    }
    assert_contract(new)


def test_rejecting_every_edit_gives_back_the_original(pipeline_none):
    text = "Kimâ€™s talks in Russiawhere he said.\n\n\n\nThey went to to Berlin. He did not want it not."
    rec = pipeline_none.process(Article(id="a", source="a.txt", text=text)).to_dict()
    assert len(rec["edits"]) >= 4
    rejects = [{"index": i, "rule": e["rule"], "decision": "reject"} for i, e in enumerate(rec["edits"])]
    new = decided(rec, edits=rejects)
    assert new["text"] == text and new["edits"] == []
    assert check_record(new) is None


def test_applied_suggestion_becomes_an_editor_edit_and_dismissal_stops_counting(seeds_out):
    recs = records_of(seeds_out / "cleaned.jsonl")
    rec = next(r for r in recs.values() if any(f["rule"] == "doubled-reporting-verb" for f in r["findings"]))
    i = find_index(rec["findings"], "doubled-reporting-verb")
    suggestion = rec["findings"][i]["suggestions"][0]
    new = decided(
        rec,
        findings=[{"index": i, "rule": "doubled-reporting-verb", "decision": "apply", "suggestion": 0, "by": "Anna"}],
    )
    last = new["edits"][-1]
    assert (last["stage"], last["rule"], last["after"]) == ("editor", "doubled-reporting-verb", suggestion)
    assert "by Anna" in last["message"]
    assert all(f["rule"] != "doubled-reporting-verb" for f in new["findings"])
    assert check_record(new) is None
    assert new["verdict"] == ("review" if any(f["severity"] != "info" for f in new["findings"]) else "clean")

    warn = next(r for r in recs.values() if any(f["severity"] == "warning" for f in r["findings"]))
    dismiss = [
        {"index": k, "rule": f["rule"], "decision": "dismiss"}
        for k, f in enumerate(warn["findings"])
        if f["severity"] != "info"
    ]
    new = decided(warn, findings=dismiss)
    assert new["verdict"] == "clean"
    assert sum(1 for f in new["findings"] if f.get("dismissed")) == len(dismiss)
    assert check_record(new) is None


def test_decisions_are_decoded_strictly_and_refused_on_a_changed_record(seeds_out):
    rec = next(iter(records_of(seeds_out / "cleaned.jsonl").values()))
    bad = [
        ({"format": "other", "records": []}, "format"),
        (decisions_doc({"id": "x", "hash": "y", "edits": [{"index": 0, "rule": "r", "decision": "maybe"}]}), "maybe"),
        (decisions_doc({"id": "x", "hash": "y", "edits": [{"index": 0, "rule": "r", "decison": "reject"}]}), "decison"),
        (
            decisions_doc({"id": "x", "hash": "y", "findings": [{"index": 0, "rule": "r", "decision": "apply"}]}),
            "apply",
        ),
        (decisions_doc({"id": "x", "hash": "y", "edits": [{"index": -1, "rule": "r", "decision": "reject"}]}), "index"),
    ]
    for doc, word in bad:
        with pytest.raises(DecisionsError, match=word):
            parse_decisions(doc, "decisions.json")
    [rd] = parse_decisions(decisions_doc(one(rec)), "d")
    changed = {**rec, "original": rec["original"] + " "}
    with pytest.raises(DecisionRefused, match="changed since the report"):
        apply_decisions(changed, rd)
    if rec["edits"]:
        wrong_rule = one(rec, edits=[{"index": 0, "rule": "not-this-rule", "decision": "reject"}])
        with pytest.raises(DecisionRefused, match="not-this-rule"):
            apply_decisions(rec, parse_decisions(decisions_doc(wrong_rule), "d")[0])


def test_apply_command_refuses_stale_records_and_shares_the_hook_baseline(seeds_out, tmp_path, monkeypatch):
    recs = records_of(seeds_out / "cleaned.jsonl")
    rec = next(r for r in recs.values() if any(f["rule"] == "dangling-fragment" for f in r["findings"]))
    i = find_index(rec["findings"], "dangling-fragment")
    stale = dict(next(r for r in recs.values() if r["id"] != rec["id"]))
    decisions = tmp_path / "decisions.json"
    decisions.write_text(
        json.dumps(
            decisions_doc(
                one(rec, findings=[{"index": i, "rule": "dangling-fragment", "decision": "dismiss"}]),
                {"id": stale["id"], "hash": "0" * 16, "edits": [], "findings": []},
            )
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(SEEDS.parent)  # the records name their files as seeds/NAME.txt
    baseline = tmp_path / "baseline.json"
    r = CliRunner().invoke(
        main,
        [
            "apply",
            str(seeds_out / "cleaned.jsonl"),
            str(decisions),
            "--out",
            str(tmp_path / "o"),
            "--baseline",
            str(baseline),
        ],
    )
    assert r.exit_code == 1, r.output
    assert f"record {stale['id']!r} changed since the report" in r.output
    out = records_of(tmp_path / "o" / "cleaned.jsonl")
    assert out[stale["id"]] == stale  # refused: left exactly as it was
    assert [f.get("dismissed") for f in out[rec["id"]]["findings"]][i] is True
    assert CliRunner().invoke(main, ["verify", str(tmp_path / "o" / "cleaned.jsonl")]).exit_code == 0
    # the hook no longer reports the dismissed finding, and still reports the others
    check = CliRunner().invoke(main, ["check", rec["source"], "--baseline", str(baseline), "--grammar", "none"])
    without = CliRunner().invoke(
        main, ["check", rec["source"], "--baseline", str(tmp_path / "none.json"), "--grammar", "none"]
    )
    assert "dangling-fragment" in without.output
    assert "dangling-fragment" not in check.output, check.output


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(text=TEXT, data=st.data())
def test_any_subset_of_decisions_replays(pipeline_none, text, data):
    rec = pipeline_none.process(Article(id="h", source="h", text=text)).to_dict()
    if "error" in rec:
        return
    edits = [
        {"index": i, "rule": e["rule"], "decision": data.draw(st.sampled_from(["accept", "reject"]))}
        for i, e in enumerate(rec["edits"])
        if data.draw(st.booleans())
    ]
    findings = []
    for i, f in enumerate(rec["findings"]):
        choice = data.draw(st.sampled_from(["open", "dismiss", "apply"]))
        if choice == "dismiss":
            findings.append({"index": i, "rule": f["rule"], "decision": "dismiss"})
        elif choice == "apply" and f["suggestions"]:
            k = data.draw(st.integers(0, len(f["suggestions"]) - 1))
            findings.append({"index": i, "rule": f["rule"], "decision": "apply", "suggestion": k})
    try:
        new = decided(rec, edits, findings)
    except DecisionRefused as exc:
        assert "overlap" in str(exc)  # two applied suggestions on the same words: refused, never half-applied
        return
    assert check_record(new) is None, new
    assert_contract(new)
    if (
        all(d["decision"] == "reject" for d in edits)
        and len(edits) == len(rec["edits"])
        and not any(d["decision"] == "apply" for d in findings)
    ):
        assert new["text"] == rec["original"]
