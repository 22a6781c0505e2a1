"""The data types every stage shares: what goes in (Article), what changes (Edit), what is
reported (Finding), and the output record. Defined once here, imported everywhere."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
VERDICTS = ("clean", "review", "reject")


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


@dataclass
class ReadError:
    """An input that could not become an article: it becomes an error record, the batch goes on."""

    id: str
    source: str
    error: str
    line: int | None = None

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": self.id, "source": self.source, "error": self.error}
        if self.line is not None:
            rec["line"] = self.line
        return rec


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
        return asdict(self)


@dataclass
class Finding:
    """Something not (or not safely) fixed; `start`/`end` index the cleaned text."""

    stage: str
    rule: str
    severity: str
    start: int
    end: int
    match: str
    message: str
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_error_record(record: dict[str, Any]) -> bool:
    return "error" in record and "text" not in record
