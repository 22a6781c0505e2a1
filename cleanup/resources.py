"""Everything a worker loads once, in one object: the rules, the grammar settings and
backend, the results cache and the word-frequency lexicon. Stages are built from it.

Each part loads on first use, so `cleanup --help`, a run with `--grammar none`, or a warm
pre-commit run pay only for what they touch. The object pickles as its options alone: a copy
sent to another process loads its own parts there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanup.options import Options

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.cache import ResultCache
    from cleanup.glossary import Glossary
    from cleanup.grammar import Backend, BackendSpec, GrammarConfig
    from cleanup.lexicon import Lexicon
    from cleanup.model import Severity
    from cleanup.rules import RuleFiles, RuleSet
    from cleanup.selection import Selection
    from cleanup.stages.language import LanguageDetector


@dataclass
class GrammarStats:
    paragraphs: int = 0
    calls: int = 0
    cache_hits: int = 0
    suppressed: int = 0


class Resources:
    def __init__(self, options: Options, rule_files: RuleFiles | None = None):
        self.options = options
        self._rule_files = rule_files
        self._ruleset: RuleSet | None = None
        self._grammar_config: GrammarConfig | None = None
        self._cache: ResultCache | None = None
        self._cache_opened = False
        self._lexicon: Lexicon | None = None
        self._backend: Backend | None = None
        self._glossary: Glossary | None = None
        self._language_detector: LanguageDetector | None = None
        self._lock = threading.RLock()
        self.grammar_stats = GrammarStats()

    # -- rules -------------------------------------------------------------------------------

    @property
    def rule_files(self) -> RuleFiles:
        with self._lock:
            if self._rule_files is None:
                from cleanup.rules import load_rule_files

                self._rule_files = load_rule_files(self.options.rule_dirs)
            return self._rule_files

    @property
    def selection(self) -> Selection:
        from cleanup.selection import Selection

        return Selection(list(self.options.select), list(self.options.ignore))

    @property
    def severity_overrides(self) -> dict[str, Severity]:
        from cleanup.model import Severity

        try:
            return {rule: Severity(value) for rule, value in self.options.severity.items()}
        except ValueError as exc:
            from cleanup.selection import SelectionError

            raise SelectionError(f"severity: {exc}; use error, warning or info") from None

    @property
    def ruleset(self) -> RuleSet:
        with self._lock:
            if self._ruleset is None:
                from cleanup.selection import apply_severity

                selected = self.selection.rules(self.rule_files.ruleset)
                self._ruleset = apply_severity(selected, self.severity_overrides)
            return self._ruleset

    def validate(self) -> None:
        """Load the rules and the grammar settings now: a broken rule file, a selector or a
        severity override that names no rule, an unknown backend, all fail before any article
        is read."""
        from cleanup.selection import SelectionError, unknown_selector

        _ = self.grammar_spec, self.grammar_config
        self.selection.validate(self.rule_files.ruleset, self.grammar_rule_names)
        for rule_id in self.severity_overrides:
            problem = unknown_selector(rule_id, self.rule_files.ruleset.rules, self.grammar_rule_names)
            if problem or rule_id.endswith("*"):
                raise SelectionError(f"severity: {rule_id}: {problem or 'name one rule, not a pattern'}")
        _ = self.ruleset
        _ = self.glossary

    def grammar_rule_names(self, backend: str) -> list[str] | None:
        """A grammar backend's rule names, for checking selectors (None: cannot be known)."""
        from cleanup.grammar import GRAMMAR_BACKENDS

        spec = GRAMMAR_BACKENDS.get(backend)
        if spec.rule_names is None:
            return None
        key = f"{backend} rule names {spec.cache_key(self.grammar_config, self.options)}"
        cached = self.cache.get(key, "") if self.cache is not None else None
        if cached is not None:
            return list(cached)
        names = spec.rule_names()
        if self.cache is not None:
            self.cache.put(key, "", names)
            self.cache.flush()
        return names

    def fingerprint(self) -> str:
        return self.options.fingerprint(self.rule_files.files)

    # -- grammar -----------------------------------------------------------------------------

    @property
    def grammar_config(self) -> GrammarConfig:
        with self._lock:
            if self._grammar_config is None:
                from cleanup.grammar import GrammarConfig

                config = GrammarConfig.from_sections(self.rule_files.grammar_sections)
                config.severity.update({k: v for k, v in self.severity_overrides.items() if ":" in k})
                self._grammar_config = config
            return self._grammar_config

    @property
    def grammar_spec(self) -> BackendSpec:
        from cleanup.grammar import GRAMMAR_BACKENDS

        return GRAMMAR_BACKENDS.get(self.options.grammar)

    @property
    def grammar_key(self) -> str:
        """What identifies the backend's results in the cache, computed without building it."""
        return self.grammar_spec.cache_key(self.grammar_config, self.options)

    def backend(self) -> Backend:
        with self._lock:
            if self._backend is None:
                self._backend = self.grammar_spec.build(self.grammar_config, self.options)
            return self._backend

    # -- caches ------------------------------------------------------------------------------

    @property
    def cache(self) -> ResultCache | None:
        with self._lock:
            if not self._cache_opened:
                self._cache_opened = True
                if self.options.use_cache:
                    from cleanup.cache import ResultCache, default_cache_dir

                    self._cache = ResultCache(self.options.cache_dir or default_cache_dir())
            return self._cache

    @property
    def lexicon(self) -> Lexicon:
        with self._lock:
            if self._lexicon is None:
                from cleanup.cache import default_cache_dir
                from cleanup.lexicon import Lexicon

                # the word tables are data derived from wordfreq, not results: kept in the
                # cache folder even with --no-cache
                tables = Path(self.options.cache_dir or default_cache_dir()) / "tables"
                self._lexicon = Lexicon(self.cache, tables)
            return self._lexicon

    @property
    def language_detector(self) -> LanguageDetector:
        """langdetect, loaded on first need (the language and fidelity stages share it)."""
        with self._lock:
            if self._language_detector is None:
                from cleanup.stages.language import LanguageDetector

                self._language_detector = LanguageDetector(self.cache)
            return self._language_detector

    # -- the glossary --------------------------------------------------------------------------

    @property
    def glossary(self) -> Glossary | None:
        """--glossary, read once (a file that cannot be read fails the run before any article)."""
        with self._lock:
            if self._glossary is None and self.options.glossary:
                from cleanup.glossary import load_glossary

                self._glossary = load_glossary(self.options.glossary)
            return self._glossary

    def flush(self) -> None:
        if self._cache is not None:
            self._cache.flush()

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
                self._cache_opened = False
                self._lexicon = None
                self._language_detector = None
            if self._backend is not None:
                self._backend.close()
                self._backend = None

    def __getstate__(self) -> dict[str, Any]:
        return {"options": self.options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["options"])  # type: ignore[misc]
