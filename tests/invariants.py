"""The audit trail's contract, checked on every record the tests produce."""

from __future__ import annotations

from cleanup.document import replay
from cleanup.model import Article
from cleanup.verify import check_record

CONTRACT = ("id", "source", "original", "text", "language", "verdict", "edits", "findings")


def assert_contract(record: dict) -> None:
    from conftest import validate_record

    validate_record(record)
    for key in CONTRACT:
        assert key in record, f"{record.get('id')}: missing {key}"
    assert record["verdict"] in ("clean", "review", "reject")
    assert set(record["language"]) == {"code", "confidence"}
    for e in record["edits"]:
        assert set(e) == {"stage", "rule", "start", "end", "before", "after", "message"}, e
    for f in record["findings"]:
        # optional: source_start/source_end (a fidelity finding), dismissed (an editor's decision)
        optional = {"source_start", "source_end", "dismissed"}
        assert set(f) - optional == {"stage", "rule", "severity", "start", "end", "match", "message", "suggestions"}, f
        assert f["severity"] in ("error", "warning", "info")


def assert_audit_trail(record: dict) -> None:
    """Edits replay to `text`; every finding's match is text[start:end]."""
    assert replay(record["original"], record["edits"]) == record["text"], record["id"]
    for f in record["findings"]:
        assert record["text"][f["start"] : f["end"]] == f["match"], (record["id"], f)
    assert check_record(record) is None


def assert_idempotent(pipeline, record: dict) -> None:
    """Cleaning the cleaned text again makes no edits."""
    again = pipeline.clean(Article(id=record["id"], source="again", text=record["text"])).to_dict()
    assert again["edits"] == [], (record["id"], again["edits"])


def assert_all_invariants(pipeline, record: dict) -> None:
    assert_contract(record)
    assert_audit_trail(record)
    assert_idempotent(pipeline, record)
