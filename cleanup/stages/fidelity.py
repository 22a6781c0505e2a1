"""Stage `fidelity`: the translation checked against its source, when the source is known.

After `artifacts` (the text is as clean as rules make it) and before `grammar`. The stage
aligns the text with the article's source (cleanup/align.py), then runs the rules whose kind
belongs to this stage (`rules/80-fidelity.yaml`): numbers, omissions, additions, untranslated
sentences, tokens that must survive, the glossary. It reports and never edits. An article
without a source is untouched, unless a glossary forbids a term everywhere; an article whose
source was asked for (`--source-dir`) but is missing gets a warning that says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanup.document import Document
from cleanup.model import Finding, Severity
from cleanup.rules import Context
from cleanup.stages.artifacts import finding_for

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.bilingual import Bilingual
    from cleanup.glossary import Glossary
    from cleanup.resources import Resources

STAGE = "fidelity"

# words before a full stop that do not end a sentence, per language (the aligner's sentence
# splitter already keeps initials and short numbers: `J. Smith`, `am 1. Mai`)
ABBREVIATIONS = {
    "en": frozenset(
        "mr mrs ms dr prof st gen col lt sgt sen rep gov jr sr inc ltd co corp no vs etc approx est dept univ".split()
    ),
    "de": frozenset("dr prof nr str bzw ca vgl usw evtl ggf sog inkl abs mio mrd tsd jh".split()),
    "ru": frozenset("г гг ул д им т тыс млн млрд руб коп стр см др пр проф".split()),
}


# characters of English per character of the source, for a text too short to measure its own
# ratio (fewer than three sentences that align one to one): de and ru measured on the WMT23
# references (medians 0.96 and 1.09); the others typical of news translation into English
CHARS_PER_SOURCE_CHAR_EN = {
    "de": 0.96, "ru": 1.09, "uk": 1.08, "cs": 1.08, "pl": 1.02, "fr": 0.88, "es": 0.9, "it": 0.92,
    "nl": 0.95, "pt": 0.92, "tr": 1.0, "he": 1.3, "ar": 1.2, "zh": 3.3, "ja": 2.6, "ko": 2.4,
}  # fmt: skip


class FidelityStage:
    name = STAGE

    def __init__(self, resources: Resources):
        self.resources = resources
        self.target_lang = resources.options.target_lang

    def run(self, doc: Document) -> None:
        article = doc.article
        if article is not None and article.source_problem:
            doc.add_finding(
                Finding(
                    STAGE,
                    "source-missing",
                    Severity.WARNING,
                    0,
                    0,
                    "",
                    f"{article.source_problem}: the translation was not checked against its source",
                )
            )
        rules = [r for r in self.resources.ruleset.rules if r.stage == STAGE]
        self.check(doc, rules, self.resources.glossary)

    def check(self, doc: Document, rules: list, glossary: Glossary | None) -> None:
        """Run fidelity `rules` on `doc` against its article's source (and `glossary`)."""
        article = doc.article
        source = article.source_text if article is not None else None
        if source is None and glossary is None:
            return
        bilingual = self.bilingual(doc, source) if source is not None else None
        ctx = Context(
            self.resources.ruleset.names,
            [],
            self.resources.lexicon,
            source=bilingual,
            glossary=glossary,
            target_lang=self.target_lang,
            language=self.resources.language_detector,
        )
        for rule in rules:
            for hit in rule.find(doc.text, ctx):
                doc.add_finding(finding_for(rule, hit, stage=STAGE))
        untranslated = [(f.start, f.end) for f in doc.findings if f.stage == STAGE and f.rule == "untranslated-segment"]
        if untranslated:
            # the language stage saw a foreign paragraph; this stage knows it is the source
            # itself and says so with the source beside it: one finding, not two
            doc.findings = [
                f
                for f in doc.findings
                if not (f.rule == "foreign-paragraph" and any(s <= f.start and f.end <= e for s, e in untranslated))
            ]

    def bilingual(self, doc: Document, source: str) -> Bilingual:
        from cleanup.align import align
        from cleanup.bilingual import Bilingual

        article = doc.article
        lang = article.source_lang if article is not None and article.source_lang else None
        if lang is None:
            code, _confidence = self.resources.language_detector.detect(source)
            lang = code
        doc.source_lang = lang
        expected = CHARS_PER_SOURCE_CHAR_EN.get(lang) if self.target_lang == "en" else None
        alignment = align(
            source,
            doc.text,
            ABBREVIATIONS.get(lang, frozenset()),
            ABBREVIATIONS.get(self.target_lang, frozenset()),
            expected,
        )
        doc.alignment = [[b.target.start, b.target.end, b.source.start, b.source.end] for b in alignment.paragraphs]
        return Bilingual(source, lang, doc.text, alignment)
