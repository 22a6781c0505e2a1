"""The fused-word model on text it was not written against: fusions injected into human
references at random are found and split; nothing in a human reference is split."""

from __future__ import annotations

import pytest

from cleanup.lexicon import Lexicon
from cleanup.rules import Context, load_rules

import synthetic

RULES = load_rules()
RULE = RULES.get("fused-word")
LEXICON = Lexicon()
REFERENCES = synthetic.clean_references()
pytestmark = pytest.mark.skipif(not REFERENCES, reason="needs ../shared (the dev corpora)")


def hits(text: str):
    return RULE.find(text, Context(RULES.names, lexicon=LEXICON))


def test_fusions_injected_into_human_references_are_found_and_split():
    cases = synthetic.fused_words(REFERENCES, per_text=2)
    assert len(cases) > 400
    found = split = 0
    for case in cases:
        on_it = [h for h in hits(case["text"]) if h.start < case["end"] and case["start"] < h.end]
        found += bool(on_it)
        split += bool(on_it) and on_it[0].replacement == case["fixed"][case["start"] : case["end"] + 1]
    # measured when written: 95% found, 94% split (the rest: rare names ending like names, `Chigrakovin`)
    assert found / len(cases) >= 0.93, found / len(cases)
    assert split / len(cases) >= 0.92, split / len(cases)


def test_nothing_in_a_human_reference_is_split():
    splits = [
        (tid, text[h.start : h.end])
        for tid, text in REFERENCES.items()
        for h in hits(text)
        if h.replacement is not None
    ]
    assert splits == []
    weak = [(tid, text[h.start : h.end]) for tid, text in REFERENCES.items() for h in hits(text)]
    assert len(weak) <= 2, weak  # reported as `info` only, e.g. `Pushkinskaya Ploshad`


@pytest.mark.parametrize(
    "text",
    [
        "Flights from Toronto and Kyoto resumed; Herwig said elsewhere that the walkthrough was oversaturated.",
        "Prime Minister Kyriakos Mitsotakis said the vote would go ahead.",
        "Visit https://example.org/Berlinof or write to press@Chinain.org; #Polandto trends.",
        "The term “Odesaas” appears in the leaked draft.",
        "The court ruled on the matter thereof, whereby the parties agreed herein.",
        "Andor is a series; the Thuringian forest is near Oberhof.",
    ],
)
def test_real_words_names_urls_handles_and_quoted_terms_pass(text):
    assert hits(text) == []


@pytest.mark.parametrize(
    "text,fixed",
    [
        ("The mayor of Berlinof all people opened the fair.", "Berlin of"),
        ("Trade with Chinain the first quarter grew.", "China in"),
        ("Exports from Polandto the east fell.", "Poland to"),
        ("Ships left Odesaas the storm came.", "Odesa as"),
        ("Minister Anton Kobyakov arrived. Kobyakovand his team left.", "Kobyakov and"),
        ("In the end wehave no choice.", "we have"),
        ("Itwas cold.", "It was"),
    ],
)
def test_the_issue_s_shapes_of_fusion_are_split(text, fixed):
    (h,) = hits(text)
    assert h.replacement == fixed
