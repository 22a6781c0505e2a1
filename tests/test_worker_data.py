"""A lighter, faster worker that gives the same answers: wordfreq's English list from
memory-mapped tables, langdetect's profiles compact, Harper's lint set chosen up front, and
grammar checks skipped where no kept finding can come from."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cleanup.model import Article

from conftest import ROOT, SEEDS

BILINGUAL = ROOT.parent / "shared" / "dev-eval" / "bilingual.jsonl"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from cleanup.wordtable import WordTables

    found = WordTables.open(tmp_path_factory.mktemp("tables"))
    assert found is not None
    return found


def test_word_tables_answer_exactly_as_wordfreq(tables):
    import wordfreq

    from cleanup.lexicon import Lexicon

    words = list(wordfreq.get_frequency_dict("en", "large"))
    sample = random.Random(7).sample(words, 5000)
    sample += ["Berlinof", "itwas", "Kyiv’s", "co-operate", "don't", "1,500", "3rd", "Zürich", "U.S.", "", "a b"]
    wrong = [(w, tables.zipf(w)) for w in sample if tables.zipf(w) != wordfreq.zipf_frequency(w, "en", "large")]
    assert wrong == []
    plain = Lexicon(None)  # no tables: wordfreq itself
    for ending in ["in", "of", "ing", "from", "tion", "where", "zzzzz"]:
        count, total = tables.ending_count(ending)
        assert count / total == plain.ending_share(ending), ending


def test_a_worker_never_loads_the_english_list(tmp_path, monkeypatch):
    """The pipeline's word questions go to the tables: wordfreq's 45 MB dict is not loaded."""
    import wordfreq

    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    real = wordfreq.get_frequency_dict

    def guarded(lang, wordlist="best"):
        assert (lang, wordlist) != ("en", "large"), "the English list was loaded into the worker"
        return real(lang, wordlist)

    monkeypatch.setattr(wordfreq, "get_frequency_dict", guarded)
    pipeline = Pipeline(Options(grammar="harper", use_cache=False, cache_dir=str(tmp_path)))
    try:
        records = [pipeline.clean(Article(id=p.stem, source=str(p), text=p.read_text())) for p in SEEDS.glob("*.txt")]
    finally:
        pipeline.close()
    edits = {e.rule for r in records for e in r.edits}
    assert "fused-word" in edits  # the rule that asks wordfreq most did run, and found its seed


def test_compact_langdetect_profiles_give_langdetect_s_answers():
    from langdetect import DetectorFactory, detector_factory

    from cleanup.stages.language import compact_factory

    compact = compact_factory()
    DetectorFactory.seed = 0
    detector_factory.init_factory()
    original = detector_factory._factory
    assert compact.langlist == original.langlist
    texts = [p.read_text(encoding="utf-8")[:800] for p in sorted(SEEDS.glob("*.txt"))]
    if BILINGUAL.is_file():
        for line in BILINGUAL.read_text(encoding="utf-8").splitlines()[:60]:
            rec = json.loads(line)
            texts += [rec["source_text"][:800], rec["text"].split("\n")[0]]
    texts += ["Der Verdächtige ist etwa 1,80 Meter groß.", "Путин и Ким встретились.", "ok"]

    def answer(factory, text):
        d = factory.create()
        d.append(text)
        try:
            return [(p.lang, p.prob) for p in d.get_probabilities()]
        except Exception as exc:  # langdetect raises on text without features
            return type(exc).__name__

    assert [answer(compact, t) for t in texts] == [answer(original, t) for t in texts]


def test_harper_runs_only_the_configured_lint_set(tmp_path):
    from cleanup.grammar import GrammarBackendError, GrammarConfig
    from cleanup.grammar.harper import HarperBackend

    sections = [
        (Path("rules/grammar.yaml"), {"harper_enabled": ["SpellCheck"], "harper_core": ["AnA"]}),
        (tmp_path / "cleanup.toml", {"harper_also_enabled": ["RepeatedWords"], "harper_disabled": ["AnA"]}),
    ]
    config = GrammarConfig.from_sections(sections)
    assert config.enabled["harper"] == ["AnA", "RepeatedWords", "SpellCheck"]
    backend = HarperBackend(config.disabled["harper"], config.enabled["harper"])
    on = {k for k, v in backend.linter.get_lint_config().items() if v}
    assert on == {"SpellCheck", "RepeatedWords"}  # AnA: enabled, then disabled by the project
    rules = {h.rule for h in backend.check("This is an test of of the the linter, wich works.")}
    assert rules <= on and rules, rules
    with pytest.raises(GrammarBackendError, match="NoSuchLint"):
        HarperBackend([], ["SpellCheck", "NoSuchLint"])
    with pytest.raises(Exception, match="harper_enabld"):
        GrammarConfig.from_sections([(Path("x.yaml"), {"harper_enabld": ["SpellCheck"]})])


def test_grammar_skips_paragraphs_reported_as_another_language(tmp_path, monkeypatch):
    """A foreign paragraph, and a paragraph repeated in the article, never reach the checker
    (before, the checker linted them and their findings were dropped afterwards)."""
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    pipeline = Pipeline(Options(grammar="harper", use_cache=False, cache_dir=str(tmp_path)))
    backend = pipeline.resources.backend()
    sent: list[str] = []
    real = backend.check
    monkeypatch.setattr(backend, "check", lambda text: sent.append(text) or real(text))
    german = (
        "Die Regierung hat am Dienstag neue Maßnahmen beschlossen, die ab dem kommenden Monat "
        "gelten sollen und die Wirtschaft des Landes stärken werden."
    )
    repeated = "Officials declined to comment on the report."
    text = (
        f"The minister spoke on Tuesday.\n\n{german}\n\n{repeated}\n\nShe said the the plan would work.\n\n{repeated}"
    )
    rec = pipeline.clean(Article(id="g", source="g", text=text)).to_dict()
    pipeline.close()
    assert not any("Regierung" in t for t in sent)
    assert sum(t.count(repeated) for t in sent) == 1
    foreign = [f for f in rec["findings"] if f["rule"] == "foreign-paragraph"]
    assert foreign, rec["findings"]
    start, end = foreign[0]["start"], foreign[0]["end"]
    inside = [f for f in rec["findings"] if f["rule"].startswith("harper:") and start <= f["start"] < end]
    assert inside == []  # every German word would be a misspelling to Harper
    assert any(e["rule"] == "doubled-function-word" for e in rec["edits"])
