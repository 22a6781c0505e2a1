"""The pipeline, top to bottom: read → markup → normalize → language → artifacts → fidelity →
grammar → write.

`Pipeline` holds the stages, built once per worker from its `Resources`; `clean` turns one
Article into one `Record` by running every stage over a `Document`, then deciding the verdict.
Everything an article needs is in its record, so records can be produced in any process and
written in input order.
"""

from __future__ import annotations

from cleanup.deadline import ArticleTimeout, article_deadline
from cleanup.document import Document
from cleanup.grammar import GrammarBackendError
from cleanup.model import Article, Finding, LanguageGuess, ReadError, Record, Severity, Verdict
from cleanup.options import Options
from cleanup.resources import Resources
from cleanup.stages import build_stages
from cleanup.stages.language import count_letters


class Pipeline:
    """The stages with what they load once: build one per worker process."""

    def __init__(self, options: Options | None = None, resources: Resources | None = None):
        self.resources = resources or Resources(options or Options())
        self.options = self.resources.options
        self.stages = build_stages(self.resources)

    @property
    def ruleset(self):
        return self.resources.ruleset

    def clean(self, article: Article) -> Record:
        doc = Document.from_article(article)
        for stage in self.stages:
            stage.run(doc)
        verdict = decide_verdict(doc, self.options.target_lang)
        assert doc.language is not None
        return Record(
            id=article.id,
            source=article.source,
            original=article.text,
            text=doc.text,
            language=doc.language.guess,
            verdict=verdict,
            edits=doc.edits,
            findings=doc.finalize_findings(),
            line=article.line,
            title=article.title,
            fields=article.extra,
            source_text=article.source_text,
            source_lang=doc.source_lang if article.source_text is not None else None,
            alignment=doc.alignment,
        )

    def process(self, item: Article | ReadError, timeout: float | None = None) -> Record:
        """One input item to one record; an unexpected failure, or an article that takes more
        than `timeout` seconds, is an error record, not a crash or a hung batch."""
        if isinstance(item, ReadError):
            return item.to_record()
        where = f"{item.source}:{item.line}" if item.line else item.source
        try:
            with article_deadline(timeout):
                return self.clean(item)
        except ArticleTimeout as exc:
            return ReadError(
                item.id, item.source, f"{where}: {exc}: the article was not cleaned", item.line
            ).to_record()
        except GrammarBackendError:
            raise  # the backend is unusable for every article: stop with a clear error
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            # panic in a compiled library is a BaseException, not an Exception)
            return ReadError(
                item.id, item.source, f"{where}: internal error while cleaning: {type(exc).__name__}: {exc}", item.line
            ).to_record()

    def close(self) -> None:
        self.resources.close()


def decide_verdict(doc: Document, target: str) -> Verdict:
    """`reject`: not in the target language, or mostly lost; `review`: an error or warning
    remains; else `clean`. A reject says why in an error finding."""
    lang = doc.language
    if lang is None:  # a pipeline without the language stage
        from cleanup.document import LanguageFacts

        lang = doc.language = LanguageFacts(LanguageGuess("unknown", 0.0), 0.0)
    letters = count_letters(doc.text)
    original_letters = count_letters(doc.original)
    reason = None
    code, confidence = lang.guess.code, lang.guess.confidence
    if letters == 0:
        reason = ("empty-article", "the article is empty or has no words")
    elif code not in (target, "unknown") and confidence >= 0.7 and lang.foreign_share > 0.5:
        reason = ("wrong-language", f"the article is in `{code}` (p={confidence:.2f}), not `{target}`")
    elif lang.foreign_share > 0.5:
        reason = ("wrong-language", f"{lang.foreign_share:.0%} of the article is not in `{target}`")
    elif original_letters and letters < 0.5 * original_letters:
        reason = ("content-lost", f"cleaning removed {1 - letters / original_letters:.0%} of the article's text")
    if reason:
        rule, message = reason
        doc.add_finding(
            Finding("language" if rule != "content-lost" else "artifacts", rule, Severity.ERROR, 0, 0, "", message)
        )
        return Verdict.REJECT
    if any(f.counts for f in doc.findings):
        return Verdict.REVIEW
    return Verdict.CLEAN
