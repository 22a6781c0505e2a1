"""An editor's decisions on a cleaned record, and how they are applied (`cleanup apply`).

In the report an editor decides, per change, **accept** or **reject**, and per finding,
**apply** one of its suggestions or **dismiss** it. The report exports those decisions as
`decisions.json`; `apply_decisions` turns them into a new record whose audit trail still
replays from `original`:

- a rejected edit is taken out of the chain of edits, and every later edit is re-based onto
  the text without it. A later edit that changed text the rejected one wrote cannot stand
  without it, so it is undone too (and the record says so);
- an applied suggestion becomes an edit of stage `editor` at the end of the chain, with the
  finding's rule; the finding is then resolved and leaves the list;
- a dismissed finding stays, with `dismissed: true`, and no longer counts for the verdict.

Every decision names the record's hash (`record_hash`): a record that changed since the report
was written is refused as a whole, so a decision is never applied to text it was not made on.
What was decided travels with the record in `decisions` (who, when, what it concerned).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanup.model import Article, Edit, Finding, Hit, Record, Severity, Verdict

FORMAT = "cleanup-decisions"
VERSION = 1
EDIT_DECISIONS = ("accept", "reject")
FINDING_DECISIONS = ("apply", "dismiss")
# findings that make the verdict `reject` (the pipeline's verdict step raises them)
REJECT_RULES = frozenset({"empty-article", "wrong-language", "content-lost"})
EDITOR_STAGE = "editor"


class DecisionsError(ValueError):
    """A decisions file that cannot be read as one (names the file and the place)."""


class DecisionRefused(ValueError):
    """Decisions that cannot be applied to the record they name (it changed, or they conflict)."""


def record_hash(rec: dict[str, Any]) -> str:
    """A short hash of what an editor decides on: the id, the original, the edits and the
    findings. Any change to one of them changes the hash."""
    content = {k: rec.get(k) for k in ("id", "original", "edits", "findings")}
    blob = json.dumps(content, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("ascii")).hexdigest()[:16]


@dataclass
class Decision:
    """One decision on one edit or finding of a record (`index` into its list)."""

    target: str  # "edit" or "finding"
    index: int
    rule: str
    decision: str  # accept | reject (edits); apply | dismiss (findings)
    by: str = ""
    at: str = ""
    suggestion: int | None = None  # with `apply`: which suggestion


@dataclass
class RecordDecisions:
    id: str
    hash: str
    decisions: list[Decision] = field(default_factory=list)


# ------------------------------------------------------------------ reading, strictly


def _expect(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise DecisionsError(f"{where}: {what}")


def _only_keys(obj: dict, allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    _expect(not unknown, where, f"unknown key(s) {', '.join(map(repr, unknown))}")
    missing = sorted(required - set(obj))
    _expect(not missing, where, f"missing key(s) {', '.join(map(repr, missing))}")


def parse_decisions(data: Any, where: str) -> list[RecordDecisions]:
    """Strictly decode a decisions document (the report's export); `where` names it in errors."""
    _expect(isinstance(data, dict), where, "expected a JSON object")
    _only_keys(data, {"format", "version", "report", "exported", "by", "records"}, {"format", "records"}, where)
    _expect(data["format"] == FORMAT, where, f"`format` is {data['format']!r}, expected {FORMAT!r}")
    _expect(data.get("version", VERSION) == VERSION, where, f"unsupported version {data.get('version')!r}")
    _expect(isinstance(data["records"], list), where, "`records` must be a list")
    out: list[RecordDecisions] = []
    for i, r in enumerate(data["records"]):
        at = f"{where}: records[{i}]"
        _expect(isinstance(r, dict), at, "expected an object")
        _only_keys(r, {"id", "hash", "edits", "findings"}, {"id", "hash"}, at)
        _expect(isinstance(r["id"], str) and isinstance(r["hash"], str), at, "`id` and `hash` must be strings")
        rd = RecordDecisions(r["id"], r["hash"])
        for target, allowed in (("edit", EDIT_DECISIONS), ("finding", FINDING_DECISIONS)):
            items = r.get(target + "s", [])
            _expect(isinstance(items, list), at, f"`{target}s` must be a list")
            for j, d in enumerate(items):
                dat = f"{at}.{target}s[{j}]"
                _expect(isinstance(d, dict), dat, "expected an object")
                _only_keys(
                    d, {"index", "rule", "decision", "by", "at", "suggestion"}, {"index", "rule", "decision"}, dat
                )
                _expect(type(d["index"]) is int and d["index"] >= 0, dat, "`index` must be a whole number >= 0")
                _expect(d["decision"] in allowed, dat, f"decision {d['decision']!r} is not one of {', '.join(allowed)}")
                suggestion = d.get("suggestion")
                if d["decision"] == "apply":
                    _expect(type(suggestion) is int and suggestion >= 0, dat, "`apply` needs a `suggestion` number")
                else:
                    _expect(suggestion is None, dat, "`suggestion` goes only with `apply`")
                for key in ("rule", "by", "at"):
                    _expect(isinstance(d.get(key, ""), str), dat, f"`{key}` must be a string")
                rd.decisions.append(
                    Decision(target, d["index"], d["rule"], d["decision"], d.get("by", ""), d.get("at", ""), suggestion)
                )
        out.append(rd)
    return out


def load_decisions(path: Path) -> list[RecordDecisions]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: cannot read: {exc}") from exc
    except ValueError as exc:
        raise DecisionsError(f"{path}: not JSON: {exc}") from exc
    return parse_decisions(data, str(path))


# ------------------------------------------------------------------ undoing edits


class _Rebase:
    """Re-bases a chain of edits with some of them left out.

    Walking the chain, `regions` holds the places where the text with every edit (old) and
    the text without the left-out ones (new) differ: [old_start, old_end, new_start, new_end],
    sorted and disjoint. Outside them the two texts agree up to a shift."""

    def __init__(self) -> None:
        self.regions: list[list[int]] = []

    def to_new(self, p: int, side: str = "start") -> int:
        """An old position in the new text. A position inside a region goes to its start (a
        span's start) or its end (a span's end); at a region that is empty in the old text
        (a rejected deletion), a span's end stays before the restored text, its start after."""
        shift = 0
        for a, b, na, nb in self.regions:
            if p < a:
                break
            if p > b:
                shift = nb - b
                continue
            if a == b:
                return na if side == "end" else nb
            if p == a:
                return na
            if p == b:
                return nb
            return na if side == "start" else nb
        return p + shift

    def overlapping(self, s: int, e: int) -> list[list[int]]:
        return [r for r in self.regions if (s < r[1] and e > r[0]) or (s == e and r[0] < s < r[1])]

    def widen(self, s: int, e: int) -> tuple[int, int]:
        """[s, e) grown to take in the regions it overlaps, in old positions."""
        for a, b, _, _ in self.overlapping(s, e):
            s, e = min(s, a), max(e, b)
        return s, e

    def span_to_new(self, s: int, e: int) -> tuple[int, int]:
        s, e = self.widen(s, e)
        if s == e:
            ns = self.to_new(s)
            return ns, ns
        ns = self.to_new(s)
        return ns, max(ns, self.to_new(e, "end"))

    def step(self, s: int, e: int, new_len: int, kept: bool) -> tuple[int, int]:
        """Record an edit of old [s, e) to `new_len` characters; returns its new span."""
        delta = new_len - (e - s)
        if kept:
            ns = self.to_new(s)
            ne = ns if s == e else max(ns, self.to_new(e, "end"))
            for r in self.regions:
                # an insertion where a rejected deletion was restored goes after the restored
                # text (as `to_new` put it): that region stays where it is
                if r[0] >= e and not (s == e == r[0] == r[1]):
                    r[0] += delta
                    r[1] += delta
                    r[2] += delta
                    r[3] += delta
            return ns, ne
        # left out: the old text changes here, the new one does not. The difference joins the
        # regions it overlaps or touches (two restored deletions side by side are one region)
        merged = [r for r in self.regions if r[0] <= e and r[1] >= s]
        self.regions = [r for r in self.regions if r not in merged]
        s2 = min([s] + [r[0] for r in merged])
        e2 = max([e] + [r[1] for r in merged])
        ns = self.to_new(s2)  # every region left ends before s2
        ne = ns + (e2 - s2) + sum((r[3] - r[2]) - (r[1] - r[0]) for r in merged)
        for r in self.regions:
            if r[0] >= e2:
                r[0] += delta
                r[1] += delta
        self.regions.append([s2, e2 + delta, ns, ne])
        self.regions.sort()
        return ns, ne


def undo_edits(edits: list[Edit], rejected: set[int]) -> tuple[list[Edit], set[int], _Rebase]:
    """The chain without the rejected edits, each later edit re-based onto the text without
    them. Returns (the new chain, the edits undone because they built on a rejected one, the
    mapping from the old final text to the new one)."""
    rebase = _Rebase()
    chain: list[Edit] = []
    cascaded: set[int] = set()
    for i, e in enumerate(edits):
        drop = i in rejected
        if not drop and rebase.overlapping(e.start, e.end):
            drop = True
            cascaded.add(i)
        ns, ne = rebase.step(e.start, e.end, len(e.after), kept=not drop)
        if not drop:
            chain.append(Edit(e.stage, e.rule, ns, ne, e.before, e.after, e.message))
    return chain, cascaded, rebase


# ------------------------------------------------------------------ applying


def verdict_of(findings: list[Finding]) -> Verdict:
    """The verdict an editor's decisions leave: as the pipeline gives it, without the
    dismissed findings."""
    if any(f.rule in REJECT_RULES and f.severity is Severity.ERROR and not f.dismissed for f in findings):
        return Verdict.REJECT
    return Verdict.REVIEW if any(f.counts for f in findings) else Verdict.CLEAN


def _history(d: Decision, before: str, after: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"target": d.target, "rule": d.rule, "decision": d.decision, "by": d.by, "at": d.at}
    entry["before"], entry["after"] = before, after
    return entry


def apply_decisions(raw: dict[str, Any], rd: RecordDecisions) -> tuple[Record, list[str]]:
    """The record (as read from cleaned.jsonl) with the editor's decisions applied, and notes
    on what else had to change. Raises DecisionRefused when the decisions were not made on
    this record."""
    from cleanup.document import Document, replay

    record = Record.from_dict(raw)
    if record.is_error or record.original is None or record.text is None:
        raise DecisionRefused(f"record {record.id!r} is an error record: nothing to decide")
    current = record_hash(raw)
    if current != rd.hash:
        raise DecisionRefused(
            f"record {record.id!r} changed since the report was written (hash {current}, decisions made on "
            f"{rd.hash}): run `cleanup report` again and decide on the current text"
        )
    notes: list[str] = []
    seen: set[tuple[str, int]] = set()
    for d in rd.decisions:
        items = record.edits if d.target == "edit" else record.findings
        if d.index >= len(items):
            raise DecisionRefused(f"record {record.id!r}: there is no {d.target} {d.index}")
        if items[d.index].rule != d.rule:
            raise DecisionRefused(
                f"record {record.id!r}: {d.target} {d.index} is rule {items[d.index].rule!r}, the decision names {d.rule!r}"
            )
        if (d.target, d.index) in seen:
            raise DecisionRefused(f"record {record.id!r}: two decisions on {d.target} {d.index}")
        seen.add((d.target, d.index))
        if d.decision == "apply":
            suggestions = record.findings[d.index].suggestions
            if d.suggestion is None or d.suggestion >= len(suggestions):
                raise DecisionRefused(
                    f"record {record.id!r}: finding {d.index} ({d.rule}) has no suggestion {d.suggestion}"
                )
    history = list(record.decisions or [])
    rejected = {d.index for d in rd.decisions if d.target == "edit" and d.decision == "reject"}
    by_edit = {d.index: d for d in rd.decisions if d.target == "edit"}
    chain, cascaded, rebase = undo_edits(record.edits, rejected)
    for i in sorted(rejected | cascaded):
        undone = record.edits[i]
        entry = _history(by_edit.get(i) or Decision("edit", i, undone.rule, "reject"), undone.before, undone.after)
        if i in cascaded:
            entry["decision"] = "undone"
            entry["why"] = "it changed text that a rejected edit wrote"
            notes.append(
                f"record {record.id!r}: edit {i} ({undone.rule}) undone too: it changed text a rejected edit wrote"
            )
        history.append(entry)
    text = replay(record.original, [e.to_dict() for e in chain])
    # the findings and the alignment follow the text back
    findings = []
    for i, f in enumerate(record.findings):
        start, end = rebase.span_to_new(f.start, f.end)
        moved = Finding(
            f.stage,
            f.rule,
            f.severity,
            start,
            end,
            text[start:end],
            f.message,
            list(f.suggestions),
            f.source_start,
            f.source_end,
        )
        moved.dismissed = f.dismissed
        findings.append((i, moved))
    alignment = [[*rebase.span_to_new(s, e), ss, se] for s, e, ss, se in (record.alignment or [])] or None
    doc = Document(text, Article(record.id, record.source, record.original))
    doc.edits = chain
    doc.alignment = alignment
    doc.findings = [f for _, f in findings]
    index_of = {id(f): i for i, f in findings}
    by_finding = {d.index: d for d in rd.decisions if d.target == "finding"}
    for i, f in findings:
        dismissal = by_finding.get(i)
        if dismissal is not None and dismissal.decision == "dismiss":
            f.dismissed = True
            history.append(_history(dismissal, f.match, f.match))
    applied = [(i, f, by_finding[i]) for i, f in findings if i in by_finding and by_finding[i].decision == "apply"]
    resolved: set[int] = set()
    if applied:
        hits = []
        for _, f, d in applied:
            who = f" by {d.by}" if d.by else ""
            when = f" at {d.at}" if d.at else ""
            assert d.suggestion is not None
            message = f"suggestion {d.suggestion + 1} applied{who}{when}" + (f": {f.message}" if f.message else "")
            hits.append(Hit(f.start, f.end, f.suggestions[d.suggestion], message, rule=f.rule))
        skipped = doc.apply(EDITOR_STAGE, hits)
        if skipped:
            raise DecisionRefused(
                f"record {record.id!r}: applied suggestions overlap ({', '.join(h.rule for h in skipped)}): "
                "apply one, run the report again, then the other"
            )
        for i, f, d in applied:
            resolved.add(i)
            assert d.suggestion is not None
            history.append(_history(d, f.match, f.suggestions[d.suggestion]))
    doc.findings = [f for f in doc.findings if index_of.get(id(f)) not in resolved]
    new = Record(**{**record.__dict__})
    new.text = doc.text
    new.edits = doc.edits
    new.findings = doc.finalize_findings()
    new.alignment = doc.alignment if record.alignment is not None else None
    new.verdict = verdict_of(new.findings)
    new.decisions = history
    return new, notes
