"""Stage 5, `grammar`: a grammar checker behind one interface, its results as Findings.

Backends: `harper` (offline, the default), `languagetool` (a server through
language-tool-python), `none`. Text is checked paragraph by paragraph (one line each), and
each paragraph's raw result is cached on disk, keyed by text, backend, version and
configuration, so an unchanged paragraph never costs a second call.

Suggestions are findings, never edits, unless --unsafe-fixes is given and the rule is on the
allow-list in `rules/grammar.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from cleanup.document import Change, Document, SpanIndex
from cleanup.model import Finding

STAGE = "grammar"
BACKENDS = ("harper", "languagetool", "none")
_PARAGRAPH = re.compile(r"[^\n]+")


class GrammarBackendError(Exception):
    """The backend cannot run (server unreachable, library missing): a usage error, exit 2."""


class CheckFailed(Exception):
    """The backend failed on one text (a crash inside the checker), not on every text: the
    paragraph goes unchecked and says so; the batch goes on."""


@dataclass
class RawLint:
    """A backend's result for one paragraph; offsets are code points into the paragraph."""

    start: int
    end: int
    rule: str  # without the backend prefix
    category: str  # the backend's category: Spelling, Grammar, Style, TYPOS...
    message: str
    suggestions: list[str]

    def to_list(self) -> list[Any]:
        return [self.start, self.end, self.rule, self.category, self.message, self.suggestions]

    @classmethod
    def from_list(cls, data: list[Any]) -> "RawLint":
        return cls(*data)


class Backend(Protocol):
    """What a grammar backend provides; `backend_key` describes its results for the cache."""

    name: str

    def check(self, paragraph: str) -> list[RawLint]: ...

    def close(self) -> None: ...


class NoneBackend:
    name = "none"

    def check(self, paragraph: str) -> list[RawLint]:
        return []

    def close(self) -> None:
        pass


@dataclass
class GrammarSettings:
    """What rules/grammar.yaml configures."""

    harper_disabled: list[str] = field(default_factory=list)
    languagetool_disabled: list[str] = field(default_factory=list)
    spelling_rules: list[str] = field(default_factory=list)  # rules whose findings are misspellings
    repetition_rules: list[str] = field(default_factory=list)
    unsafe_fix_allowlist: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule -> severity, overriding the category's


@dataclass
class GrammarStats:
    paragraphs: int = 0
    calls: int = 0
    cache_hits: int = 0
    suppressed: int = 0


WARNING_CATEGORIES = {
    # Harper's lint kinds and LanguageTool's category ids that mean "probably wrong";
    # the rest (style, readability, typography...) are info
    "Spelling", "Grammar", "Agreement", "BoundaryError", "Eggcorn", "Malapropism", "Punctuation",
    "Repetition", "Typo", "Usage", "WordChoice", "Capitalization", "Miscellaneous", "Nonstandard",
    "TYPOS", "GRAMMAR", "CONFUSED_WORDS", "PUNCTUATION", "CASING", "COMPOUNDING", "SEMANTICS", "MISC",
    "NONSTANDARD_PHRASES",
}


def default_severity(lint: RawLint) -> str:
    return "warning" if lint.category in WARNING_CATEGORIES else "info"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def backend_key(name: str, settings: GrammarSettings, languagetool_url: str | None = None, language: str = "en-US") -> str:
    """What identifies a backend's results, computed without loading the backend."""
    if name == "none":
        return "none"
    if name == "harper":
        return f"harper {_version('harper-py')} disabled={','.join(sorted(settings.harper_disabled))}"
    return (f"languagetool {_version('language-tool-python')} {languagetool_url or 'local'} {language} "
            f"disabled={','.join(sorted(settings.languagetool_disabled))}")


def make_backend(name: str, settings: GrammarSettings, languagetool_url: str | None = None, language: str = "en-US"):
    if name == "none":
        return NoneBackend()
    if name == "harper":
        from cleanup.grammar.harper_backend import HarperBackend

        return HarperBackend(settings.harper_disabled)
    if name == "languagetool":
        from cleanup.grammar.languagetool_backend import LanguageToolBackend

        return LanguageToolBackend(languagetool_url, settings.languagetool_disabled, language)
    raise GrammarBackendError(f"unknown grammar backend {name!r}: choose one of {', '.join(BACKENDS)}")


_WORD_AT = re.compile(r"[\w’'-]+")


def _not_a_misspelling(text: str, start: int, end: int, names, article_text: str, suggestions: list[str]) -> bool:
    """Is a token a checker calls misspelt really a name, an acronym, a hashtag or a word
    that English text uses? Grammar checkers' dictionaries are small; news is full of names."""
    from cleanup.detectors import zipf

    token = re.sub(r"(?:['’]s|['’])$", "", text[start:end])
    if len(token) <= 1 or token.isupper() or not token.isascii() and token[:1].isupper():
        return True  # a letter, an acronym (`SPD`, `KCNA`), a foreign name (`Kühn`)
    if start > 0 and text[start - 1] in "#@/":
        return True  # a hashtag, a handle, part of a path
    parts = [p for p in re.split(r"[-’']", token) if p]
    if parts and all(names.is_name_token(p) for p in parts):
        return True
    before = text[:start]
    if before.endswith("-") and re.search(r"[A-Z]\w*-$", before):
        return True  # the lower-case half of a hyphenated given name: `Jong-un`, `Sun-nam`
    if token.islower() and re.search(r"[A-Z]\w+ $", before) and re.match(r" [A-Z]", text[end:end + 2]):
        return True  # a name particle: `Lula da Silva`, `Florian von Brunn`
    if token[0].isupper():
        prev = before.rstrip()
        mid_sentence = bool(prev) and prev[-1] not in ".!?:;\"“”‘'(—–-"
        if mid_sentence or article_text.count(token) >= 2 or zipf(token.lower()) >= 1.0:
            return True
        return False
    # attested in English usage (`cancelled`, `timeframe`), unless a suggestion is far more
    # common, which is what a typo looks like (`teh` → `the`, `recieve` → `receive`)
    z = zipf(token.lower())
    if z < 2.5:
        return False
    return not any(zipf(s.lower()) >= z + 1.5 for s in suggestions[:3] if s and " " not in s)


def _names_or_compound(text: str, start: int, end: int, names) -> bool:
    """A lint that starts on a known name (`Un does`, `Un’s`) or on one half of a hyphenated
    compound (`tri-border`, `Indo-Pacific`), or inside a domain name: checkers split these
    wrongly; not worth an editor's time."""
    first = _WORD_AT.match(text, start)
    if first:
        word = re.split(r"[’'-]", first.group())[0]
        if word[:1].isupper() and word.lower() in names.person_tokens:
            return True
    if start >= 2 and text[start - 1] == "." and text[start - 2].isalnum():
        return True  # inside a dotted token, not after a sentence end: `Lenta.ru`, `matchtv.ru`
    return (start > 0 and text[start - 1] == "-") or (end < len(text) and text[end] == "-")


SEPARATOR = "\n\n"


def check_many(backend, paragraphs: list[str]) -> list[list[RawLint] | str]:
    """Check several paragraphs in one backend call, joined by blank lines, and split the
    results back per paragraph. A lint that would straddle two paragraphs is dropped. When the
    checker fails on the batch, each paragraph is checked alone, and one it fails on gets the
    failure's message instead of lints."""
    try:
        if len(paragraphs) == 1:
            return [backend.check(paragraphs[0])]
        joined = backend.check(SEPARATOR.join(paragraphs))
    except CheckFailed as exc:
        if len(paragraphs) == 1:
            return [str(exc)]
        return [check_many(backend, [p])[0] for p in paragraphs]
    starts = []
    pos = 0
    for p in paragraphs:
        starts.append(pos)
        pos += len(p) + len(SEPARATOR)
    out: list[list[RawLint] | str] = [[] for _ in paragraphs]
    import bisect

    for lint in joined:
        i = bisect.bisect_right(starts, lint.start) - 1
        base = starts[i]
        if lint.end > base + len(paragraphs[i]):
            continue
        out[i].append(RawLint(lint.start - base, lint.end - base, lint.rule, lint.category, lint.message, lint.suggestions))  # type: ignore[union-attr]
    return out


def run(
    doc: Document,
    get_backend,
    backend_key: str,
    cache,
    settings: GrammarSettings,
    names,
    doubling_allowed,
    stats: GrammarStats,
    unsafe_fixes: bool = False,
) -> None:
    if backend_key == "none":
        return
    text = doc.text
    taken = SpanIndex((f.start, f.end) for f in doc.findings if f.stage != STAGE)
    prefix = backend_key.split(" ", 1)[0] + ":"
    keybase = backend_key
    changes: list[Change] = []
    paragraphs = [m for m in _PARAGRAPH.finditer(text) if m.group().strip()]
    stats.paragraphs += len(paragraphs)
    results: dict[int, list[RawLint]] = {}
    missing = []
    for i, m in enumerate(paragraphs):
        cached = cache.get(keybase, m.group()) if cache is not None else None
        if cached is None:
            missing.append(i)
        else:
            stats.cache_hits += 1
            results[i] = [RawLint.from_list(x) for x in cached]
    if missing:
        # one call for all the paragraphs the cache lacks: a checker called per paragraph
        # pays its per-call cost many times over
        stats.calls += len(missing)
        backend = get_backend()
        found = check_many(backend, [paragraphs[i].group() for i in missing])
        for i, lints in zip(missing, found):
            if isinstance(lints, str):
                m = paragraphs[i]
                doc.add_finding(Finding(STAGE, prefix + "unchecked", "info", m.start(), m.end(), m.group(),
                                        f"the grammar checker failed on this paragraph, which was not checked: {lints}"))
                results[i] = []  # not cached: a fixed checker version will check it
                continue
            results[i] = lints
            if cache is not None:
                cache.put(keybase, paragraphs[i].group(), [x.to_list() for x in lints])
    for i, m in enumerate(paragraphs):
        lints = results[i]
        for lint in lints:
            start, end = m.start() + lint.start, m.start() + lint.end
            if not (m.start() <= start <= end <= m.end()):
                continue
            if lint.rule in settings.spelling_rules and _not_a_misspelling(text, start, end, names, text, lint.suggestions):
                stats.suppressed += 1
                continue
            if lint.rule not in settings.repetition_rules and _names_or_compound(text, start, end, names):
                stats.suppressed += 1
                continue
            if lint.rule in settings.repetition_rules and doubling_allowed(text, start):
                stats.suppressed += 1
                continue
            if taken.overlaps(start, end):
                stats.suppressed += 1
                continue  # an artifact rule already reports this span
            rule = prefix + lint.rule
            if unsafe_fixes and rule in settings.unsafe_fix_allowlist and len(lint.suggestions) == 1:
                changes.append(Change(start, end, lint.suggestions[0], rule, lint.message))
                continue
            severity = settings.severity.get(lint.rule) or default_severity(lint)
            doc.add_finding(
                Finding(STAGE, rule, severity, start, end, text[start:end], lint.message, list(lint.suggestions[:5]))
            )
    if changes:
        doc.apply(STAGE, changes)
