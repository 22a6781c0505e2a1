"""Regex helpers the rule kinds and detectors share.

User regexes run through the `regex` module with a timeout, so a catastrophic pattern raises
TimeoutError (the artifact stage reports it and skips the rule for that article) instead of
hanging a batch.
"""

from __future__ import annotations

import bisect
import re

import regex

from cleanup.rules.model import RuleError

REGEX_TIMEOUT_S = 1.0
_SENTENCE_END = re.compile(r"[.!?…](?=[\s”’\"')\]]|$)")
_QUOTED = re.compile(r"“[^”\n]*(?:”|$)|\"[^\"\n]*\"|«[^»\n]*»|„[^“”\n]*[“”]", re.MULTILINE)


def compile_pattern(pattern: str, flags: int, where: str, fieldname: str) -> regex.Pattern:
    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except (regex.error, TypeError) as exc:
        raise RuleError(f"{where}: field `{fieldname}` has a broken regex {pattern!r}: {exc}") from exc


def finditer(pattern: regex.Pattern, text: str):
    # the timeout makes a catastrophic user pattern raise TimeoutError instead of hanging
    return pattern.finditer(text, timeout=REGEX_TIMEOUT_S)


def alternation_matches(patterns: list[regex.Pattern], text: str, group: int | str = 0) -> list:
    """The matches of several patterns as their alternation would give them: leftmost first
    (by `group`), the earlier pattern where two start together, no overlaps, none empty. A few
    patterns run one by one are faster in `regex` than their alternation, which loses the quick
    scan for a pattern's first characters (measured: half the time for two patterns)."""
    found = [
        (m.start(group), i, m)
        for i, p in enumerate(patterns)
        for m in finditer(p, text)
        if m.end(group) > m.start(group)
    ]
    if len(patterns) > 1:
        found.sort(key=lambda x: (x[0], x[1]))
    out = []
    last_end = -1
    for start, _i, m in found:
        if start < last_end:
            continue
        last_end = m.end(group)
        out.append(m)
    return out


def bounded(literals: list[str], body: str, after: str = r"(?!\w)") -> str:
    """`body` (an alternation of `literals`) as whole words. `\\b` where every literal starts
    (or ends) with a word character, which `regex` scans for twice as fast as the general
    lookbehind guard; the guard where a literal starts with punctuation (`...`)."""
    word = regex.compile(r"\w")
    before = r"\b" if all(word.match(x[:1]) for x in literals) else r"(?<!\w)"
    if after == r"(?!\w)" and all(word.match(x[-1:]) for x in literals):
        after = r"\b"
    return rf"{before}(?:{body}){after}"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quotations (“…”, "…", «…», „…“) on one line."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


class SentenceStarts:
    """Where sentences start (after a sentence end or a line break), found once per text, so
    each lookup is a binary search: no rescanning a long line for every match."""

    def __init__(self, text: str):
        starts = {0}
        starts.update(m.end() for m in _SENTENCE_END.finditer(text))
        starts.update(m.end() for m in re.finditer("\n", text))
        self.starts = sorted(starts)

    def before(self, pos: int) -> int:
        """Start of the sentence containing `pos`."""
        return self.starts[bisect.bisect_right(self.starts, pos) - 1]
