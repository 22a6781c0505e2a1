"""The types every part of `cleanup` shares, defined once here.

What goes in (`Article`, or `ReadError` for an input that cannot become one), what a rule or a
checker finds (`Hit`), what the audit trail records (`Edit`) and reports (`Finding`), and the
output record (`Record`, one JSON object per article in `cleaned.jsonl`). The enums are `str`
subclasses, so they compare equal to, and serialise as, the strings of the output contract.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class _Text(str, enum.Enum):
    """An enum whose members are their strings (as `enum.StrEnum`, which needs Python 3.11)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Severity(_Text):
    """How much a finding matters: `error` and `warning` send an article to `review`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def blocks(self) -> bool:
        """Does a finding of this severity make the verdict `review`?"""
        return self is not Severity.INFO


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class FixSafety(_Text):
    """A rule's fix, as ruff classifies them: `safe` fixes are applied by default, `unsafe`
    ones only with --unsafe-fixes (they could change meaning), `none`: the rule only reports."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


class FixMode(_Text):
    """Which fixes a run applies: none (--no-fix), safe (default), unsafe (--unsafe-fixes)."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"

    def allows(self, safety: FixSafety) -> bool:
        if self is FixMode.NONE or safety is FixSafety.NONE:
            return False
        return safety is FixSafety.SAFE or self is FixMode.UNSAFE


class Verdict(_Text):
    CLEAN = "clean"
    REVIEW = "review"
    REJECT = "reject"


@dataclass
class Article:
    """One article as read: `text` is exactly what was decoded, before any cleaning."""

    id: str
    source: str
    text: str
    title: str | None = None
    line: int | None = None  # 1-based line number for JSONL input
    extra: dict[str, Any] = field(default_factory=dict)  # other JSONL fields, carried through
    decode_note: str | None = None  # set when the bytes needed a fallback decoding
    format: str = "text"  # "text" or "markdown" (a .md file, or a JSONL `format` field)
    # the article in its original language, when known (JSONL `source_text`, or --source-dir):
    # the fidelity stage checks the translation against it
    source_text: str | None = None
    source_lang: str | None = None  # as given; else the fidelity stage detects it
    source_problem: str | None = None  # why a source that was asked for is missing


@dataclass
class ReadError:
    """An input that could not become an article: it becomes an error record, the batch goes on."""

    id: str
    source: str
    error: str
    line: int | None = None

    def to_record(self) -> Record:
        return Record(id=self.id, source=self.source, error=self.error, line=self.line)


@dataclass
class Hit:
    """What a rule, a detector or a grammar checker found in the current text: a span, and the
    fix when there is one (`replacement` None: nothing to apply automatically).

    `rule` is the finder's own id (a grammar backend's rule name, without its prefix);
    `message` is extra detail for the finding or edit; `category` is a grammar backend's
    category (`Spelling`, `TYPOS`…), empty for artifact rules; `severity`, when set, lowers a
    finding below its rule's severity because the finder's own evidence is weak."""

    start: int
    end: int
    replacement: str | None = None
    message: str = ""
    suggestions: list[str] = field(default_factory=list)
    rule: str = ""
    category: str = ""
    severity: Severity | None = None
    source_span: tuple[int, int] | None = None  # a fidelity hit: the source text it concerns

    def to_list(self) -> list[Any]:
        """Compact form for the results cache."""
        return [self.start, self.end, self.rule, self.category, self.message, self.suggestions]

    @classmethod
    def from_list(cls, data: list[Any]) -> Hit:
        start, end, rule, category, message, suggestions = data
        return cls(start, end, None, message, list(suggestions), rule, category)


@dataclass
class Edit:
    """One change; `start`/`end` index the text as it stood after all earlier edits."""

    stage: str
    rule: str
    start: int
    end: int
    before: str
    after: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(d["stage"], d["rule"], d["start"], d["end"], d["before"], d["after"], d.get("message", ""))


@dataclass
class Finding:
    """Something not (or not safely) fixed; `start`/`end` index the cleaned text.

    `source_start`/`source_end` (fidelity findings) index the article's source text;
    `dismissed` is set when an editor dismissed the finding (it no longer counts)."""

    stage: str
    rule: str
    severity: Severity
    start: int
    end: int
    match: str
    message: str
    suggestions: list[str] = field(default_factory=list)
    source_start: int | None = None
    source_end: int | None = None
    dismissed: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "severity": str(self.severity),
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }
        if self.source_start is not None:
            d["source_start"], d["source_end"] = self.source_start, self.source_end
        if self.dismissed:
            d["dismissed"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            d["stage"],
            d["rule"],
            Severity(d["severity"]),
            d["start"],
            d["end"],
            d["match"],
            d.get("message", ""),
            list(d.get("suggestions", [])),
            d.get("source_start"),
            d.get("source_end"),
            bool(d.get("dismissed", False)),
        )

    @property
    def counts(self) -> bool:
        """Does this finding count for the verdict?"""
        return self.severity.blocks and not self.dismissed


@dataclass
class LanguageGuess:
    code: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": round(self.confidence, 4)}


# the contract's keys, in the order they are written; a record may add `line`, `title`, the
# input's other JSONL fields, and `extra` (input fields whose names collide with these)
CONTRACT_KEYS = ("id", "source", "original", "text", "language", "verdict", "edits", "findings")
# written only for an article with a source text (the fidelity stage's input and alignment)
SOURCE_KEYS = ("source_text", "source_lang", "alignment")


@dataclass
class Record:
    """One output record: a cleaned article with its audit trail, or an input that failed
    (`error` set, no text). `to_dict()` is the JSON object written to `cleaned.jsonl`."""

    id: str
    source: str
    original: str | None = None
    text: str | None = None
    language: LanguageGuess | None = None
    verdict: Verdict | None = None
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    line: int | None = None
    title: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the input's other JSONL fields
    error: str | None = None
    source_text: str | None = None  # the article's source, when one was given
    source_lang: str | None = None
    # the translation aligned with its source, paragraph by paragraph: [start, end,
    # source_start, source_end] (an empty span where one side has no counterpart)
    alignment: list[list[int]] | None = None
    # what editors decided on this record's edits and findings (`cleanup apply`), oldest first
    decisions: list[dict[str, Any]] | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None and self.text is None

    def to_dict(self) -> dict[str, Any]:
        if self.is_error:
            rec: dict[str, Any] = {"id": self.id, "source": self.source, "error": self.error}
            if self.line is not None:
                rec["line"] = self.line
            return rec
        assert self.language is not None and self.verdict is not None
        rec = {
            "id": self.id,
            "source": self.source,
            "original": self.original,
            "text": self.text,
            "language": self.language.to_dict(),
            "verdict": str(self.verdict),
            "edits": [e.to_dict() for e in self.edits],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.line is not None:
            rec["line"] = self.line
        if self.title is not None:
            rec["title"] = self.title
        if self.source_text is not None:
            rec["source_text"] = self.source_text
            rec["source_lang"] = self.source_lang
            rec["alignment"] = self.alignment or []
        if self.decisions is not None:
            rec["decisions"] = self.decisions
        collisions = {k: v for k, v in self.fields.items() if k in rec}
        rec.update({k: v for k, v in self.fields.items() if k not in rec})
        if collisions:
            rec["extra"] = collisions
        return rec

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        """The inverse of `to_dict` (raises KeyError/TypeError/ValueError on a malformed record)."""
        if "error" in d and "text" not in d:
            return cls(id=d["id"], source=d.get("source", ""), error=d["error"], line=d.get("line"))
        known = set(CONTRACT_KEYS) | set(SOURCE_KEYS) | {"line", "title", "extra", "decisions"}
        fields = {k: v for k, v in d.items() if k not in known}
        fields.update(d.get("extra") or {})
        lang = d["language"]
        return cls(
            id=d["id"],
            source=d.get("source", ""),
            original=d["original"],
            text=d["text"],
            language=LanguageGuess(lang["code"], lang["confidence"]),
            verdict=Verdict(d["verdict"]),
            edits=[Edit.from_dict(e) for e in d["edits"]],
            findings=[Finding.from_dict(f) for f in d["findings"]],
            line=d.get("line"),
            title=d.get("title"),
            fields=fields,
            source_text=d.get("source_text"),
            source_lang=d.get("source_lang"),
            alignment=d.get("alignment"),
            decisions=d.get("decisions"),
        )


def is_error_record(record: dict[str, Any]) -> bool:
    """For records read back as JSON objects."""
    return "error" in record and "text" not in record
