"""The assistant-leak model on real articles: lines an assistant writes are removed wherever
they are inserted, lines people write are left alone, on text no rule was written against."""

from __future__ import annotations

import pytest
import yaml

from cleanup.model import Article
from cleanup.options import Options
from cleanup.pipeline import Pipeline

import synthetic

LINES = yaml.safe_load(synthetic.data_file("assistant_leaks.yaml").read_text(encoding="utf-8"))
REFERENCES = synthetic.clean_references()
pytestmark = pytest.mark.skipif(not REFERENCES, reason="needs ../shared (the dev corpora)")


@pytest.fixture(scope="module")
def pipeline():
    p = Pipeline(Options(grammar="none", use_cache=False))
    yield p
    p.close()


def test_every_assistant_line_is_removed_bare_and_quoted(pipeline):
    cases = synthetic.standalone_lines(REFERENCES, LINES["leaks"])
    missed = []
    for case in cases:
        rec = pipeline.clean(Article(id=case["id"], source="s", text=case["text"]))
        removed = [e for e in rec.edits if e.rule == "refusal-leak" and case["line"] in e.before]
        missing = [f for f in rec.findings if f.rule == "refusal-leak" and f.severity == "error"]
        twin = pipeline.clean(Article(id=case["id"], source="s", text=case["fixed"]))
        if not (removed and missing and rec.text.rstrip("\n") == twin.text.rstrip("\n")):
            missed.append(case["line"])
    assert not missed, missed


def test_no_line_a_person_writes_is_touched(pipeline):
    cases = synthetic.standalone_lines(REFERENCES, LINES["news"])
    touched = []
    for case in cases:
        rec = pipeline.clean(Article(id=case["id"], source="s", text=case["text"]))
        if any(x.rule == "refusal-leak" for x in [*rec.edits, *rec.findings]):
            touched.append(case["line"])
    assert not touched, touched


def test_no_leak_is_found_in_any_human_or_machine_translation(pipeline):
    texts = dict(REFERENCES)
    texts.update({f"mt/{r['id']}": r["text"] for r in synthetic.bilingual("mt")})
    found = []
    for tid, text in texts.items():
        rec = pipeline.clean(Article(id=tid, source="s", text=text))
        found += [(tid, x.rule) for x in [*rec.edits, *rec.findings] if x.rule in ("refusal-leak", "boilerplate-leak")]
    assert found == []


def test_an_assistant_naming_itself_inside_a_sentence_is_flagged_not_removed(pipeline):
    text = "The council met on Monday. As an AI language model, I cannot say more. The vote was postponed."
    rec = pipeline.clean(Article(id="a", source="s", text=text))
    assert rec.text == text
    (f,) = [f for f in rec.findings if f.rule == "refusal-leak"]
    assert f.match == "As an AI language model" and f.severity == "error"
