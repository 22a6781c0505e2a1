"""The pipeline, top to bottom: read → normalize → language → artifacts → grammar → write.

`Pipeline` holds what is loaded once per worker (rules, grammar backend, cache); `clean`
turns one Article into one output record. Everything an article needs is in the record, so
records can be produced in any process and written in input order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cleanup import __version__, artifacts, language, normalize
from cleanup import grammar as grammar_stage
from cleanup.document import Document
from cleanup.model import Article, Finding, ReadError
from cleanup.rules import RuleSet, load_rules

CONTRACT_KEYS = ("id", "source", "original", "text", "language", "verdict", "edits", "findings")


@dataclass
class Options:
    target_lang: str = "en"
    fix_mode: str = "safe"  # none | safe | unsafe
    grammar: str = "harper"
    languagetool_url: str | None = None
    rule_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    cache_dir: str | None = None
    use_cache: bool = True
    max_bytes: int = 20 * 1024 * 1024

    def fingerprint(self, ruleset: RuleSet | None = None) -> str:
        """Everything that changes the output for the same input: options, the tool's own code
        and every rule file's bytes. Used as part of the key of incremental re-runs."""
        from cleanup.rules import default_rule_dirs

        h = hashlib.sha256()
        data = {k: v for k, v in asdict(self).items() if k not in ("cache_dir", "use_cache", "rule_dirs")}
        h.update(json.dumps([__version__, data], sort_keys=True, default=str).encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.read_bytes())
        for folder in default_rule_dirs() + [Path(d) for d in self.rule_dirs]:
            for path in sorted(Path(folder).glob("*.y*ml")):
                h.update(path.name.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:16]


def load_ruleset(options: Options) -> RuleSet:
    return load_rules(options.rule_dirs).selected(options.select or None, options.ignore or None)


def load_grammar_settings(ruleset: RuleSet) -> grammar_stage.GrammarSettings:
    from cleanup.rules import default_rule_dirs, _load_yaml

    settings = grammar_stage.GrammarSettings()
    for d in default_rule_dirs():
        path = d / "grammar.yaml"
        if path.is_file():
            data = (_load_yaml(path) or {}).get("grammar", {})
            for key in ("harper_disabled", "languagetool_disabled", "spelling_rules", "repetition_rules", "unsafe_fix_allowlist"):
                setattr(settings, key, list(data.get(key, [])))
            settings.severity = dict(data.get("severity", {}))
    return settings


class Pipeline:
    """The stages with what they load once: build one per worker process."""

    def __init__(self, options: Options, ruleset: RuleSet | None = None):
        self.options = options
        self.ruleset = ruleset or load_ruleset(options)
        self.grammar_settings = load_grammar_settings(self.ruleset)
        self.grammar_stats = grammar_stage.GrammarStats()
        self.backend_key = grammar_stage.backend_key(options.grammar, self.grammar_settings, options.languagetool_url)
        self._backend = None
        self._cache = None
        self._doubling_patterns = [
            p for r in self.ruleset.rules if r.kind == "repetition" for p in r.params.get("_allow_compiled", [])
        ]

    def get_backend(self):
        if self._backend is None:
            self._backend = grammar_stage.make_backend(
                self.options.grammar, self.grammar_settings, self.options.languagetool_url
            )
        return self._backend

    @property
    def cache(self):
        if self._cache is None and self.options.use_cache:
            from cleanup.cache import ResultCache, default_cache_dir

            self._cache = ResultCache(self.options.cache_dir or default_cache_dir())
        return self._cache

    def doubling_allowed(self, text: str, start: int) -> bool:
        window = text[start:start + 60]
        return any(p.match(window) for p in self._doubling_patterns)

    def clean(self, article: Article) -> dict[str, Any]:
        opts = self.options
        from cleanup import detectors

        detectors.use_word_cache(self.cache)  # this pipeline's cache, or None
        doc = Document(article.text)
        normalize.run(doc, article.decode_note)
        lang = language.run(doc, opts.target_lang, self.cache)
        artifacts.run(doc, self.ruleset, opts.fix_mode)
        grammar_stage.run(
            doc, self.get_backend, self.backend_key, self.cache, self.grammar_settings, self.ruleset.names,
            self.doubling_allowed, self.grammar_stats, unsafe_fixes=opts.fix_mode == "unsafe",
        )
        verdict = decide_verdict(doc, article.text, lang, opts.target_lang)
        findings = doc.finalize_findings()
        record: dict[str, Any] = {
            "id": article.id,
            "source": article.source,
            "original": article.text,
            "text": doc.text,
            "language": lang.to_dict(),
            "verdict": verdict,
            "edits": [e.to_dict() for e in doc.edits],
            "findings": [f.to_dict() for f in findings],
        }
        if article.line is not None:
            record["line"] = article.line
        if article.title is not None:
            record["title"] = article.title
        collisions = {k: v for k, v in article.extra.items() if k in record}
        record.update({k: v for k, v in article.extra.items() if k not in record})
        if collisions:
            record["extra"] = collisions
        return record

    def process(self, item: Article | ReadError) -> dict[str, Any]:
        """One input item to one record; an unexpected failure is an error record, not a crash."""
        if isinstance(item, ReadError):
            return item.to_record()
        try:
            return self.clean(item)
        except grammar_stage.GrammarBackendError:
            raise  # the backend is unusable for every article: stop with a clear error
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - one bad article must not end the batch (a
            # panic in a compiled library is a BaseException, not an Exception)
            where = f"{item.source}:{item.line}" if item.line else item.source
            return ReadError(item.id, item.source, f"{where}: internal error while cleaning: {type(exc).__name__}: {exc}", item.line).to_record()

    def close(self) -> None:
        from cleanup import detectors

        if detectors.WORD_CACHE is not None and detectors.WORD_CACHE is self._cache:
            detectors.use_word_cache(None)
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def decide_verdict(doc: Document, original: str, lang: language.LanguageResult, target: str) -> str:
    """`reject`: not in the target language, or mostly lost; `review`: an error or warning
    remains; else `clean`. A reject says why in an error finding."""
    letters = language.count_letters(doc.text)
    original_letters = language.count_letters(original)
    reason = None
    if letters == 0:
        reason = ("empty-article", "the article is empty or has no words")
    elif lang.code not in (target, "unknown") and lang.confidence >= 0.7 and lang.foreign_share > 0.5:
        reason = ("wrong-language", f"the article is in `{lang.code}` (p={lang.confidence:.2f}), not `{target}`")
    elif lang.foreign_share > 0.5:
        reason = ("wrong-language", f"{lang.foreign_share:.0%} of the article is not in `{target}`")
    elif original_letters and letters < 0.5 * original_letters:
        reason = ("content-lost", f"cleaning removed {1 - letters / original_letters:.0%} of the article's text")
    if reason:
        rule, message = reason
        doc.add_finding(Finding("language" if rule != "content-lost" else "artifacts", rule, "error", 0, 0, "", message))
        return "reject"
    if any(f.severity in ("error", "warning") for f in doc.findings):
        return "review"
    return "clean"
