"""Property tests over arbitrary Unicode: the pipeline never raises, the audit trail replays
exactly, findings point at their match, and cleaning is idempotent."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
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
        # hostile pieces (issue 14): bidi controls, tags, joiners in a word, a long letter run,
        # assistant lines, Markdown and URLs
        "\u202eyad noM\u202c ",
        "\u2066x\u2069",
        "pay\u200dpal ",
        "\U000e0041\U000e0042",
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "ab" * 300,
        "\nAs an AI language model, I cannot help.\n",
        "\nI am here to assist\n",
        "Berlinof ",
        "itwas ",
        "https://example.org/Berlinof ",
        "the\nprice ",
        "```\nthe the\n```\n",
    ]
)
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=12).map("".join)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=TEXT)
# found at 5,000 examples: an e-mail address recognised only once a control character between
# its parts was removed dropped the paragraph's foreign-language finding on the second pass
@example(text="B0B0B0B0B0\x830²0¹@B.\x1fB:Russiawhere Kim Jong-wrote. a to " + "ab" * 300)
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
