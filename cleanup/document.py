"""The one document type every stage works on: an article's text while it is being cleaned,
its audit trail, and what the stages learn about the article.

Every change goes through `Document.apply`, which records an `Edit` whose offsets index the
text as it stood just before that edit, and moves the findings already raised so they keep
pointing at the same words. That one mechanism is what makes the audit trail replay exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from cleanup.model import Article, Edit, Finding, Hit, LanguageGuess, Severity

# line endings are normalised everywhere, code included: `check --fix` writes the file's own back
UNPROTECTED_RULES = frozenset({"line-endings"})


class SpanIndex:
    """Spans sorted once, so that 'is this inside / overlapping a known span?' costs a binary
    search, not a scan: a 5 MB article with thousands of findings stays linear."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.max_end: list[int] = []
        best = -1
        for _, e in spans:
            best = max(best, e)
            self.max_end.append(best)

    def contains(self, start: int, end: int) -> bool:
        """Some span has s <= start and end <= e."""
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.max_end[i - 1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a character with [start, end) (or sits at an empty `start`)."""
        i = bisect.bisect_left(self.starts, end) if end > start else bisect.bisect_right(self.starts, start)
        return i > 0 and self.max_end[i - 1] > start


@dataclass
class LanguageFacts:
    """What the language stage learnt: the article's language and how much of it is foreign."""

    guess: LanguageGuess
    foreign_share: float  # share of the letters in paragraphs flagged as another language


class Document:
    """`text` as the stages have left it so far, with `edits` (the trail that replays it from
    `original`) and `findings` (indexing `text`, moved along with every edit)."""

    def __init__(self, text: str, article: Article | None = None):
        self.original = text
        self.text = text
        self.article = article
        self.edits: list[Edit] = []
        self.findings: list[Finding] = []
        self.language: LanguageFacts | None = None
        self.notes: dict[str, Any] = {}  # what one stage tells a later one (e.g. unchecked paragraphs)
        # spans that are not prose (code, URLs, markup): no edit may touch them, no finding
        # may point into them; they move with the edits like findings do
        self.protected: list[list[int]] = []
        self._protected_index: SpanIndex | None = None
        # the fidelity stage's paragraph alignment: [start, end, source_start, source_end]; the
        # target side moves with later edits like findings do
        self.alignment: list[list[int]] | None = None
        self.source_lang: str | None = None

    def protect(self, spans: list[tuple[int, int]]) -> None:
        self.protected = [[s, e] for s, e in spans if e > s]
        self._protected_index = None

    def touches_protected(self, start: int, end: int) -> bool:
        if not self.protected:
            return False
        if self._protected_index is None:
            self._protected_index = SpanIndex((s, e) for s, e in self.protected)
        if end == start:
            return any(s < start < e for s, e in self.protected)
        return self._protected_index.overlaps(start, end)

    @classmethod
    def from_article(cls, article: Article) -> Document:
        return cls(article.text, article)

    def apply(self, stage: str, changes: list[Hit]) -> list[Hit]:
        """Apply the `replacement` of non-overlapping hits (all indexing the current text) in
        text order; each becomes an Edit with the hit's rule and message.

        Overlapping changes after the first are skipped and returned, so the caller can report
        them as findings instead. Returns the skipped changes.
        """
        changes = sorted(changes, key=lambda c: (c.start, c.end))
        accepted: list[Hit] = []
        skipped: list[Hit] = []
        last_end = -1
        for c in changes:
            assert c.replacement is not None, c
            if self.text[c.start : c.end] == c.replacement:
                continue  # a no-op is not an edit
            if c.rule not in UNPROTECTED_RULES and self.touches_protected(c.start, c.end):
                continue  # code, a URL, markup: never edited
            if c.start < last_end:
                skipped.append(c)
                continue
            accepted.append(c)
            last_end = c.end
        if not accepted:
            return skipped
        pieces: list[str] = []
        pos = 0
        shift = 0
        for c in accepted:
            before = self.text[c.start : c.end]
            after = c.replacement or ""
            self.edits.append(Edit(stage, c.rule, c.start + shift, c.end + shift, before, after, c.message))
            pieces.append(self.text[pos : c.start])
            pieces.append(after)
            pos = c.end
            shift += len(after) - (c.end - c.start)
        pieces.append(self.text[pos:])
        self._move_findings(accepted)
        self.text = "".join(pieces)
        return skipped

    def _move_findings(self, accepted: list[Hit]) -> None:
        """Map every finding's (and protected span's) span from the old text to the new one."""
        if not self.findings and not self.protected and not self.alignment:
            return
        starts = [c.start for c in accepted]
        # cumulative shift before change i
        cum = [0]
        for c in accepted:
            cum.append(cum[-1] + len(c.replacement or "") - (c.end - c.start))

        def map_pos(p: int, side: str) -> int:
            # changes entirely before p shift it; a change containing p snaps it to its edge
            i = bisect.bisect_right(starts, p) - 1
            if i < 0:
                return p
            c = accepted[i]
            if p >= c.end and not (p == c.end == c.start and side == "start"):
                return p + cum[i + 1]
            new_start = c.start + cum[i]
            if p == c.start and side == "end":
                return new_start  # a span that ends where a change begins does not take it in
            # inside change i: start snaps to the change's start, end to its new end
            return new_start if side == "start" else new_start + len(c.replacement or "")

        for span in [*self.protected, *(self.alignment or [])]:
            span[0] = map_pos(span[0], "start")
            span[1] = max(span[0], map_pos(span[1], "end"))
        self._protected_index = None
        kept = []
        for f in self.findings:
            had_text = f.end > f.start
            f.start = map_pos(f.start, "start")
            f.end = max(f.start, map_pos(f.end, "end"))
            if had_text and f.end == f.start:
                continue  # everything it pointed at was removed: it no longer applies
            kept.append(f)
        self.findings = kept

    def add_finding(self, finding: Finding) -> None:
        if self.flags_protected(finding.start, finding.end):
            return  # code, a URL, markup: not prose, never flagged
        self.findings.append(finding)

    def flags_protected(self, start: int, end: int) -> bool:
        """Would a finding on [start, end) point at code, a URL or markup? It does when it lies
        inside a protected span or cuts one; a finding around a whole URL (a paragraph in
        another language that cites a web address) is about the prose, and stands — else a
        paragraph's verdict would depend on whether its URL was recognised."""
        if start == end or not self.protected:
            return self.touches_protected(start, end)
        if self._protected_index is None:
            self._protected_index = SpanIndex((s, e) for s, e in self.protected)
        index = self._protected_index
        # inside one, or one crossing either boundary (strictly inside it at that point)
        return index.contains(start, end) or index.contains(start - 1, start + 1) or index.contains(end - 1, end + 1)

    def not_converged(self, stage: str, rounds: int, what: str) -> None:
        """A fix loop reached its limit with the text still changing: say so (as ruff reports
        non-convergence), since cleaning the cleaned text again may then change it."""
        message = f"{what} did not settle after {rounds} rounds; cleaning this text again may change it"
        self.add_finding(Finding(stage, "not-converged", Severity.INFO, 0, 0, "", message))

    def finalize_findings(self) -> list[Finding]:
        """Refresh each finding's `match` from the final text and sort them by position."""
        for f in self.findings:
            f.match = self.text[f.start : f.end]
        self.findings.sort(key=lambda f: (f.start, f.end, f.rule))
        return self.findings


def replay(original: str, edits: list[dict]) -> str:
    """Apply recorded edits in order to `original` (the audit trail's contract).

    Runs of edits that move forward through the text are applied in one linear pass, so a
    long article with thousands of edits replays in linear time, not quadratic.
    """
    text = original
    pieces: list[str] = []
    pos = 0  # how far `text` has been consumed into `pieces`
    built = 0  # length of the pieces so far
    for i, e in enumerate(edits):
        start, end, before = e["start"], e["end"], e["before"]
        if start < built:  # the edit goes back: settle the text built so far first
            text = "".join(pieces) + text[pos:]
            pieces, pos, built = [], 0, 0
        old_start = pos + (start - built)
        old_end = old_start + (end - start)
        if not (0 <= start <= end and old_end <= len(text)):
            raise ValueError(f"edit {i} ({e.get('rule')}) has span {start}:{end} outside the text")
        if text[old_start:old_end] != before:
            raise ValueError(
                f"edit {i} ({e.get('rule')}) expects {before!r} at {start}:{end}, text has {text[old_start:old_end]!r}"
            )
        pieces.append(text[pos:old_start])
        pieces.append(e["after"])
        built += (old_start - pos) + len(e["after"])
        pos = old_end
    return "".join(pieces) + text[pos:]


def map_positions(positions: list[int], edits: list[dict]) -> list[int | None]:
    """Carry offsets of `original` through the recorded edits to the final text: each offset
    is shifted by the edits before it, or None when an edit replaced the character there.

    The edits of one `Document.apply` call move forward through the text, so they are taken
    run by run, each run in one merge pass over the sorted offsets: linear in the offsets and
    the edits, however many of each."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    current: list[int | None] = list(positions)
    i = 0
    while i < len(edits):
        # a run: edits whose starts move forward through the text as it stands after them
        run = [edits[i]]
        i += 1
        while i < len(edits) and edits[i]["start"] >= run[-1]["start"] + len(run[-1]["after"]):
            run.append(edits[i])
            i += 1
        # the run's edits in the coordinates of the text before the run
        spans = []
        shift = 0
        for e in run:
            old_start = e["start"] - shift
            old_end = old_start + (e["end"] - e["start"])
            spans.append((old_start, old_end, len(e["after"]) - (e["end"] - e["start"])))
            shift += len(e["after"]) - (e["end"] - e["start"])
        k = 0
        delta = 0
        for idx in order:
            p = current[idx]
            if p is None:
                continue
            while k < len(spans) and spans[k][1] <= p:
                delta += spans[k][2]
                k += 1
            if k < len(spans) and spans[k][0] <= p < spans[k][1]:
                current[idx] = None
            else:
                current[idx] = p + delta
    return current
