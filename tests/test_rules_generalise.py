"""The catalogue's classes on new instances nobody wrote a rule for by name, and on clean text."""

from __future__ import annotations

import pytest

from cleanup.model import Article

from invariants import assert_all_invariants


def clean(p, text):
    return p.clean(Article(id="t", source="t", text=text)).to_dict()


def rules_of(rec):
    return {f["rule"] for f in rec["findings"]} | {e["rule"] for e in rec["edits"]}


@pytest.mark.parametrize(
    "text,fixed",
    [
        ("Officials in Moscowthat spoke to reporters declined to comment.", "Moscow that"),
        ("The delegation travelled to Berlinwhere talks were held on Monday.", "Berlin where"),
        ("Exports to Japanwhich rose sharply were discussed.", "Japan which"),
    ],
)
def test_fused_words_in_new_forms(pipeline_none, text, fixed):
    rec = clean(pipeline_none, text)
    assert fixed in rec["text"], rec["edits"]
    assert_all_invariants(pipeline_none, rec)


@pytest.mark.parametrize(
    "text",
    [
        "The talks went nowhere; elsewhere, markets rose and the submarine fleet sailed.",
        "The oversaturated market and the undercover officers were discussed in Wasungen.",
        "Theodor Herwig and Hisham Forster met Shoigu, Peskov and Yonhap editors in Pyongyang.",
    ],
)
def test_real_compounds_and_names_pass(pipeline_none, text):
    rec = clean(pipeline_none, text)
    assert rec["text"] == text and not rec["findings"], rec["findings"]


@pytest.mark.parametrize(
    "leak",
    [
        "As an AI language model, I cannot translate this paragraph.",
        "I'm sorry, but I can't rephrase this text.",
        "I can’t paraphrase this content.",
    ],
)
def test_refusals_in_new_forms_are_removed_and_block(pipeline_none, leak):
    text = f"The minister arrived in Seoul on Monday.\n\n{leak}\n\nThe talks lasted two hours."
    rec = clean(pipeline_none, text)
    assert leak not in rec["text"]
    assert rec["text"] == "The minister arrived in Seoul on Monday.\n\nThe talks lasted two hours."
    assert rec["verdict"] == "review"
    assert any(f["severity"] == "error" for f in rec["findings"])
    assert_all_invariants(pipeline_none, rec)


def test_boilerplate_preamble_removed(pipeline_none):
    rec = clean(pipeline_none, "Here is the translated text:\n\nThe minister arrived in Seoul on Monday for talks.")
    assert rec["text"] == "The minister arrived in Seoul on Monday for talks."


def test_refusal_inside_a_sentence_is_only_flagged(pipeline_none):
    text = "The figures for March are final. As an AI language model, I cannot verify them for you."
    rec = clean(pipeline_none, text)
    assert rec["text"] == text
    assert any(f["rule"] == "refusal-leak" for f in rec["findings"])
    # a sentence *about* a chatbot is news
    news = "The chatbot answered that as an AI language model it had no opinion on the vote."
    rec = clean(pipeline_none, news)
    assert rec["text"] == news and not any(f["rule"] == "refusal-leak" for f in rec["findings"])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He flew to to Paris on Monday.", "He flew to Paris on Monday."),
        ("The report of of the commission was published.", "The report of the commission was published."),
        ("The army said it it would withdraw.", "The army said it would withdraw."),
    ],
)
def test_doubled_function_words_in_new_forms(pipeline_none, text, expected):
    assert clean(pipeline_none, text)["text"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "The government did not want Germany to deliver tanks to Ukraine nicht.",
            "The government did not want Germany to deliver tanks to Ukraine.",
        ),
        (
            "Paris never intended to sign the agreement with Berlin not.",
            "Paris never intended to sign the agreement with Berlin.",
        ),
    ],
)
def test_doubled_negation_in_new_forms(pipeline_none, text, expected):
    assert clean(pipeline_none, text)["text"] == expected


def test_other_sentence_final_not_is_only_flagged(pipeline_none):
    text = "The ministers wanted to meet the delegation in Berlin not."
    rec = clean(pipeline_none, text)
    assert rec["text"] == text
    assert "doubled-negation" in rules_of(rec)


def test_doubled_reporting_verb_new_form(pipeline_none):
    rec = clean(
        pipeline_none, "“We will win,” said Maria Zakharova, spokeswoman for the Russian Foreign Ministry said."
    )
    assert "doubled-reporting-verb" in rules_of(rec)


def test_split_name_new_form(pipeline_none):
    rec = clean(pipeline_none, "Kim Yo-jong arrived. Later Kim Yo-said. a statement was issued.")
    (f,) = [f for f in rec["findings"] if f["rule"] == "split-name"]
    assert f["suggestions"] == ["Kim Yo-jong said"]


@pytest.mark.parametrize(
    "text",
    [
        "The minister said the plan was очень хорошо and would go ahead.",
        "Officials in 東京 said the summit would take place.",
        "The statement, שלום לכולם, was read aloud.",
    ],
)
def test_source_script_leftovers(pipeline_none, text):
    assert "foreign-script" in rules_of(clean(pipeline_none, text))


def test_latin_script_clause_leftover(pipeline_none):
    rec = clean(pipeline_none, "The chancellor said that wir werden das nicht akzeptieren and left the room.")
    assert "foreign-clause" in rules_of(rec)


def test_style_rules_do_not_fire_inside_quotations(pipeline_none):
    text = "“We went from… nothing to… everything in the Ukraine,” the general said."
    rec = clean(pipeline_none, text)
    assert not {"ellipsis-emphasis", "house-style"} & rules_of(rec)


def test_clean_human_news_is_untouched(pipeline_none):
    text = (
        "BERLIN (Reuters) - German Chancellor Olaf Scholz said on Tuesday that Germany would not "
        "send fighter jets to Ukraine, but that it would keep supplying air defence systems.\n\n"
        "“We have been clear from the start,” Scholz told reporters in Berlin. “It is not on the table.”\n\n"
        "The opposition Christian Democrats criticised the decision, which they said had been taken "
        "too late, and called for a debate in the Bundestag."
    )
    rec = clean(pipeline_none, text)
    assert rec["text"] == text and rec["edits"] == []
    assert not [f for f in rec["findings"] if f["severity"] != "info"], rec["findings"]
    assert rec["verdict"] == "clean"
