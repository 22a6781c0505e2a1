"""Every row of the artifact catalogue in DESIGN.md, checked on the seed files themselves."""

from __future__ import annotations

import pytest

from cleanup.model import Article

from conftest import SEEDS
from invariants import assert_all_invariants


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(pipeline_none):
    return {
        p.stem[:3]: pipeline_none.clean(Article(id=p.stem, source=str(p), text=p.read_text(encoding="utf-8"))).to_dict()
        for p in sorted(SEEDS.glob("*.txt"))
    }


def findings(rec, rule):
    return [f for f in rec["findings"] if f["rule"] == rule]


def edits(rec, rule):
    return [e for e in rec["edits"] if e["rule"] == rule]


def test_all_seed_records_keep_the_invariants(records, pipeline_none):
    for rec in records.values():
        assert_all_invariants(pipeline_none, rec)


def test_000_split_name_is_flagged_with_the_full_name_suggested(records):
    (f,) = findings(records["000"], "split-name")
    assert f["match"] == "Kim Jong-wrote. a"
    assert f["suggestions"] == ["Kim Jong-un wrote"]
    # applying the suggestion gives the sentence the catalogue asks for
    text = records["000"]["text"]
    fixed = text[: f["start"]] + f["suggestions"][0] + text[f["end"] :]
    assert "Kim Jong-un wrote to Putin" in fixed
    assert "Kim Jong-wrote" in text  # unsafe: not applied by default


def test_000_grammatical_doubling_is_left_alone(records):
    rec = records["000"]
    assert "looking for for a long time" in rec["text"]
    assert not any("for for" in (e["before"]) for e in rec["edits"])
    assert not any(f["match"] == "for for" for f in rec["findings"])


def test_001_refusals_removed_with_content_missing_errors(records):
    rec = records["001"]
    assert "I cannot reword" in rec["original"] and "I cannot reword" not in rec["text"]
    assert len(edits(rec, "refusal-leak")) == 2
    errors = [f for f in findings(rec, "refusal-leak") if f["severity"] == "error"]
    assert len(errors) == 2 and all("content missing" in f["message"] for f in errors)
    assert rec["verdict"] == "review"
    assert "\n\n\n" not in rec["text"]  # runs of blank lines normalised
    assert edits(rec, "blank-lines")[0]["stage"] == "normalize"


def test_002_fused_word_fixed_by_inserting_a_space(records):
    rec = records["002"]
    (e,) = edits(rec, "fused-word")
    assert (e["before"], e["after"]) == ("Russiawhere", "Russia where")
    assert "approaching Russia where he" in rec["text"]


def test_002_dangling_fragment_and_byline_flagged(records):
    rec = records["002"]
    (frag,) = findings(rec, "dangling-fragment")
    assert frag["match"] == "-east" and frag["severity"] == "warning"
    (byline,) = findings(rec, "byline-single-name")
    assert byline["match"] == "By John" and byline["severity"] == "info"


def test_002_mixed_name_spellings_flagged_with_preferred_form(records):
    rec = records["002"]
    found = findings(rec, "name-consistency")
    assert {f["match"] for f in found} == {"Kim Jong-Un", "Kim Jong-un"}
    assert all(f["suggestions"] == ["Kim Jong Un"] for f in found)


def test_003_doubled_to_fixed_and_ellipsis_info(records):
    rec = records["003"]
    (e,) = edits(rec, "doubled-function-word")
    assert e["before"] == "to to" and e["after"] == "to"
    assert "North Korea to supply Russia" in rec["text"]
    ell = findings(rec, "ellipsis-emphasis")
    assert len(ell) == 2 and all(f["severity"] == "info" for f in ell)


def test_004_trailing_not_removed(records):
    rec = records["004"]
    (e,) = edits(rec, "doubled-negation")
    assert e["before"] == " not"
    assert "to supply arms to Kiev." in rec["text"]


def test_004_doubled_reporting_verb_flagged_with_unsafe_fix(records, pipeline_none):
    rec = records["004"]
    (f,) = findings(rec, "doubled-reporting-verb")
    assert f["suggestions"] == ["said Matthew Miller, spokesman for the US State Department"]
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    unsafe = Pipeline(Options(grammar="none", fix_mode="unsafe"))
    text = seed("004_03cc3ad2c2cfddc3.txt")
    out = unsafe.clean(Article(id="004", source="s", text=text)).to_dict()
    assert (
        "said Matthew Miller, spokesman for the US State Department.”" in out["text"]
        or "spokesman for the US State Department." in out["text"]
    )
    assert "State Department said." not in out["text"]


def test_no_fix_mode_only_flags(records):
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    p = Pipeline(Options(grammar="none", fix_mode="none"))
    text = seed("002_d12d6a00d81152c4.txt")
    rec = p.clean(Article(id="002", source="s", text=text)).to_dict()
    assert not [e for e in rec["edits"] if e["stage"] == "artifacts"]
    assert findings(rec, "fused-word")
