"""The normalize and language stages on their own, through the pipeline."""

from __future__ import annotations

from cleanup.model import Article

from conftest import SEEDS
from invariants import assert_all_invariants


def clean(pipeline, text: str) -> dict:
    return pipeline.clean(Article(id="t", source="t.txt", text=text)).to_dict()


def test_blank_line_runs_of_seed_002_are_normalize_edits(pipeline_none):
    text = (SEEDS / "002_d12d6a00d81152c4.txt").read_text(encoding="utf-8")
    rec = clean(pipeline_none, text)
    blank = [e for e in rec["edits"] if e["rule"] == "blank-lines"]
    assert blank and all(e["stage"] == "normalize" for e in blank)
    assert "\n\n\n" not in rec["text"]
    assert_all_invariants(pipeline_none, rec)


def test_mojibake_is_repaired_with_ftfy_steps_in_the_message(pipeline_none):
    rec = clean(pipeline_none, "North Korea’s leader Kimâ€™s train left Pyongyang on Sunday for Russia.")
    assert "Kim’s train" in rec["text"]
    (edit,) = [e for e in rec["edits"] if e["rule"] == "ftfy"]
    assert edit["stage"] == "normalize" and edit["before"] == "â€™" and edit["after"] == "’"
    assert "ftfy" in edit["message"] and "decode" in edit["message"]
    assert_all_invariants(pipeline_none, rec)


def test_house_style_keeps_curly_quotes_and_dashes(pipeline_none):
    text = "“We will go,” he said – and left. ‘Maybe’ — she said.\n"
    rec = clean(pipeline_none, text)
    assert rec["text"] == text and rec["edits"] == []


def test_whitespace_normalisation(pipeline_none):
    rec = clean(pipeline_none, "\n\nThe\u00a0talks  went on.  \r\nThey ended.\u200b\n\n\n")
    assert rec["text"] == "The talks went on.\nThey ended.\n"
    assert {e["rule"] for e in rec["edits"]} >= {
        "nbsp",
        "repeated-spaces",
        "trailing-space",
        "line-endings",
        "invisible-chars",
    }
    assert_all_invariants(pipeline_none, rec)


def test_html_entities_are_unescaped(pipeline_none):
    rec = clean(pipeline_none, "Shares of AT&amp;T fell on Monday after the company reported results.")
    assert "AT&T" in rec["text"]


ITALIAN = "Il governo ha deciso di rinviare la riunione alla prossima settimana, secondo quanto riferito dai ministri."
GERMAN = "Die Regierung hat beschlossen, das Treffen auf die nächste Woche zu verschieben, wie die Minister mitteilten."
ENGLISH = [
    "The president arrived in the capital on Monday for talks with the government about the economy.",
    "Officials said the meeting would go on for several days and that no decision was expected soon.",
    "The opposition criticised the plan, saying it would raise taxes for families across the country.",
]


def test_pasted_italian_and_german_paragraphs_are_flagged(pipeline_none):
    for foreign, code in ((ITALIAN, "it"), (GERMAN, "de")):
        text = "\n\n".join([ENGLISH[0], foreign, ENGLISH[1], ENGLISH[2]])
        rec = clean(pipeline_none, text)
        flagged = [f for f in rec["findings"] if f["rule"] == "foreign-paragraph"]
        assert len(flagged) == 1, rec["findings"]
        assert flagged[0]["stage"] == "language" and flagged[0]["match"] == foreign
        assert f"`{code}`" in flagged[0]["message"]
        assert rec["verdict"] == "review" and rec["language"]["code"] == "en"
        assert_all_invariants(pipeline_none, rec)


def test_wrong_language_article_is_rejected(pipeline_none):
    rec = clean(
        pipeline_none,
        "\n".join(
            [
                GERMAN,
                "Der Kanzler sagte am Montag, dass die Gespräche weitergehen würden.",
                "Die Opposition kritisierte den Plan scharf und forderte Neuwahlen.",
            ]
        ),
    )
    assert rec["verdict"] == "reject"
    assert rec["language"]["code"] == "de"
    assert any(f["rule"] == "wrong-language" and f["severity"] == "error" for f in rec["findings"])


def test_target_lang_changes_the_expectation(tmp_path):
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    p = Pipeline(Options(grammar="none", target_lang="de"))
    rec = p.clean(Article(id="t", source="t", text=GERMAN + "\n" + ENGLISH[0])).to_dict()
    flagged = [f for f in rec["findings"] if f["rule"] == "foreign-paragraph"]
    assert [f["match"] for f in flagged] == [ENGLISH[0]]


def test_empty_article_is_rejected_with_a_reason(pipeline_none):
    rec = clean(pipeline_none, "   \n\n  ")
    assert rec["verdict"] == "reject"
    assert any(f["rule"] == "empty-article" for f in rec["findings"])
    assert_all_invariants(pipeline_none, rec)


def test_language_detection_is_deterministic(pipeline_none):
    text = "Short text about Pyongyang and Moscow talks today."
    assert clean(pipeline_none, text)["language"] == clean(pipeline_none, text)["language"]
