"""Stage `grammar`: a grammar checker (cleanup/grammar/) over the text, its lints as findings.

Text is checked paragraph by paragraph (one line each), all of an article's uncached
paragraphs in one backend call, and each paragraph's raw result is cached on disk, keyed by
text, backend, version and configuration, so an unchanged paragraph never costs a second
call. A checker's lints are findings, never edits, unless --unsafe-fixes is given and the rule
is on the allow-list in `rules/grammar.yaml`. Lints a news editor should not see are dropped:
misspellings that are names, acronyms or words English uses; lints on names and on halves of
hyphenated compounds; grammatical doublings; anything an artifact rule already reports.
"""

from __future__ import annotations

import bisect
import re
import threading
from typing import TYPE_CHECKING

from cleanup.document import Document, SpanIndex
from cleanup.grammar import Backend, CheckFailed
from cleanup.lexicon import Lexicon
from cleanup.model import Finding, FixMode, Hit, Severity
from cleanup.rules import Names

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.resources import Resources

STAGE = "grammar"
# findings that say a span is not English prose (the language and fidelity stages'): a
# paragraph they cover whole is not grammar-checked
NOT_PROSE_RULES = frozenset({"foreign-paragraph", "untranslated-segment"})
_PARAGRAPH = re.compile(r"[^\n]+")

_WORD_AT = re.compile(r"[\w’'-]+")


def not_a_misspelling(text: str, start: int, end: int, names: Names, lexicon: Lexicon, suggestions: list[str]) -> bool:
    """Is a token a checker calls misspelt really a name, an acronym, a hashtag or a word
    that English text uses? Grammar checkers' dictionaries are small; news is full of names."""
    zipf = lexicon.zipf
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
    if token.islower() and re.search(r"[A-Z]\w+ $", before) and re.match(r" [A-Z]", text[end : end + 2]):
        return True  # a name particle: `Lula da Silva`, `Florian von Brunn`
    if token[0].isupper():
        prev = before.rstrip()
        mid_sentence = bool(prev) and prev[-1] not in ".!?:;\"“”‘'(—–-"
        if mid_sentence or text.count(token) >= 2 or zipf(token.lower()) >= 1.0:
            return True
        return False
    # attested in English usage (`cancelled`, `timeframe`), unless a suggestion is far more
    # common, which is what a typo looks like (`teh` → `the`, `recieve` → `receive`)
    z = zipf(token.lower())
    if z < 2.5:
        return False
    return not any(zipf(s.lower()) >= z + 1.5 for s in suggestions[:3] if s and " " not in s)


def names_or_compound(text: str, start: int, end: int, names: Names) -> bool:
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


def check_many(backend: Backend, paragraphs: list[str]) -> list[list[Hit] | str]:
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
    found: list[list[Hit]] = [[] for _ in paragraphs]

    for lint in joined:
        i = bisect.bisect_right(starts, lint.start) - 1
        base = starts[i]
        if lint.end > base + len(paragraphs[i]):
            continue
        found[i].append(
            Hit(lint.start - base, lint.end - base, None, lint.message, lint.suggestions, lint.rule, lint.category)
        )
    return list(found)


class GrammarStage:
    name = STAGE

    def __init__(self, resources: Resources):
        self.resources = resources
        self.unsafe_fixes = resources.options.fix_mode is FixMode.UNSAFE
        self._lock = threading.Lock()  # one backend per worker; checkers are not thread-safe

    def run(self, doc: Document) -> None:
        res = self.resources
        selection = res.selection
        if res.options.grammar == "none" or not selection.any_grammar():
            return
        settings = res.grammar_config
        names = res.ruleset.names
        cache = res.cache
        stats = res.grammar_stats
        backend_key = res.grammar_key
        text = doc.text
        taken = SpanIndex((f.start, f.end) for f in doc.findings if f.stage != STAGE)
        prefix = res.options.grammar + ":"
        changes: list[Hit] = []
        # a paragraph already reported as another language (or passed through untranslated)
        # is not English prose: the checker would only report its every word
        foreign = SpanIndex((f.start, f.end) for f in doc.findings if f.rule in NOT_PROSE_RULES)
        paragraphs = [
            m for m in _PARAGRAPH.finditer(text) if m.group().strip() and not foreign.contains(m.start(), m.end())
        ]
        stats.paragraphs += len(paragraphs)
        results: dict[int, list[Hit]] = {}
        missing = []
        first_of: dict[str, int] = {}  # a paragraph repeated in the article is checked once
        repeats: list[tuple[int, int]] = []
        for i, m in enumerate(paragraphs):
            if m.group() in first_of:
                repeats.append((i, first_of[m.group()]))
                continue
            first_of[m.group()] = i
            cached = cache.get(backend_key, m.group()) if cache is not None else None
            if cached is None:
                missing.append(i)
            else:
                stats.cache_hits += 1
                results[i] = [Hit.from_list(x) for x in cached]
        if missing:
            # one call for all the paragraphs the cache lacks: a checker called per paragraph
            # pays its per-call cost many times over
            stats.calls += len(missing)
            with self._lock:
                found = check_many(res.backend(), [paragraphs[i].group() for i in missing])
            for i, lints in zip(missing, found):
                if isinstance(lints, str):
                    m = paragraphs[i]
                    doc.add_finding(
                        Finding(
                            STAGE,
                            prefix + "unchecked",
                            Severity.INFO,
                            m.start(),
                            m.end(),
                            m.group(),
                            f"the grammar checker failed on this paragraph, which was not checked: {lints}",
                        )
                    )
                    results[i] = []  # not cached: a fixed checker version will check it
                    continue
                results[i] = lints
                if cache is not None:
                    cache.put(backend_key, paragraphs[i].group(), [x.to_list() for x in lints])
        for i, first in repeats:
            results[i] = results.get(first, [])
        for i, m in enumerate(paragraphs):
            for lint in results[i]:
                start, end = m.start() + lint.start, m.start() + lint.end
                if not (m.start() <= start <= end <= m.end()):
                    continue
                if lint.rule in settings.spelling_rules and not_a_misspelling(
                    text, start, end, names, res.lexicon, lint.suggestions
                ):
                    stats.suppressed += 1
                    continue
                if lint.rule not in settings.repetition_rules and names_or_compound(text, start, end, names):
                    stats.suppressed += 1
                    continue
                if lint.rule in settings.repetition_rules and res.ruleset.doubling_allowed(text, start):
                    stats.suppressed += 1
                    continue
                if taken.overlaps(start, end):
                    stats.suppressed += 1
                    continue  # an artifact rule already reports this span
                rule = prefix + lint.rule
                if not selection.allows_grammar(rule):
                    continue
                if self.unsafe_fixes and rule in settings.unsafe_fix_allowlist and len(lint.suggestions) == 1:
                    changes.append(Hit(start, end, lint.suggestions[0], lint.message, rule=rule))
                    continue
                severity = settings.severity_of(rule)
                doc.add_finding(
                    Finding(
                        STAGE, rule, severity, start, end, text[start:end], lint.message, list(lint.suggestions[:5])
                    )
                )
        if changes:
            doc.apply(STAGE, changes)
