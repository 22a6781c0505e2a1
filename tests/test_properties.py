"""Property tests over arbitrary Unicode: the pipeline never raises, the audit trail replays
exactly, findings point at their match, and cleaning is idempotent."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanup.model import Article

from invariants import assert_audit_trail, assert_contract

EXAMPLES = int(os.environ.get("CLEANUP_HYPOTHESIS_EXAMPLES", "2500"))

# pieces that exercise the rules, mixed with arbitrary text
FRAGMENTS = st.sampled_from(
    [
        "to to ",
        "the the ",
        "Russiawhere ",
        "Kim Jong-wrote. a to ",
        "“I cannot reword”",
        "\n\n\n",
        "\r\n",
        "\r",
        " not.",
        "said Matthew Miller, spokesman for the US State Department said.",
        "By John\n",
        "from… cold ",
        "Kimâ€™s ",
        "&amp; ",
        "\u00a0",
        "\u200b",
        "  ",
        "Kiev ",
        "Kyiv ",
        "Kim Jong-Un ",
        "Kim Jong-un ",
        "хорошо ",
        "平壤 ",
        "e\u0301",
        "👩‍👩‍👧 ",
        "🇰🇵",
        "\x00",
        "\x1b[31m",
        "\ufeff",
        "yesterday. -east, ",
        "I'm sorry, but I can't.",
        "Here is the translated text:\n",
        "wir werden das nicht akzeptieren ",
        "\ud800",
    ]
)
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=12).map("".join)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=TEXT)
def test_pipeline_invariants_on_arbitrary_text(pipeline_none, text):
    rec = pipeline_none.process(Article(id="h", source="h", text=text)).to_dict()
    assert "error" not in rec, rec.get("error")
    assert_contract(rec)
    assert_audit_trail(rec)
    again = pipeline_none.process(Article(id="h", source="h", text=rec["text"])).to_dict()
    assert again["edits"] == [], (rec["text"], again["edits"])
    assert again["text"] == rec["text"]


@settings(
    max_examples=max(50, EXAMPLES // 25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=TEXT)
def test_harper_stage_invariants(pipeline_harper, text):
    rec = pipeline_harper.process(Article(id="h", source="h", text=text)).to_dict()
    assert "error" not in rec, rec.get("error")
    assert_audit_trail(rec)
