"""`cleanup verify`: check the audit trail of any output file, record by record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanup.document import replay
from cleanup.model import Severity, is_error_record
from cleanup.output import read_records


def check_record(rec: dict[str, Any]) -> str | None:
    """The first thing wrong with one record's audit trail, or None."""
    for key in ("id", "original", "text", "edits", "findings", "verdict"):
        if key not in rec:
            hint = (
                " (written with --fields or --no-original: its audit trail cannot be verified)" if key != "id" else ""
            )
            return f"missing field `{key}`{hint}"
    try:
        replayed = replay(rec["original"], rec["edits"])
    except (ValueError, KeyError, TypeError) as exc:
        return f"edits do not replay: {exc}"
    if replayed != rec["text"]:
        return "replaying `edits` on `original` does not give `text`"
    text = rec["text"]
    for i, f in enumerate(rec["findings"]):
        try:
            start, end = f["start"], f["end"]
        except (KeyError, TypeError):
            return f"finding {i} has no start/end"
        if not (0 <= start <= end <= len(text)):
            return f"finding {i} ({f.get('rule')}) span {start}:{end} is outside the text"
        if text[start:end] != f.get("match"):
            return f"finding {i} ({f.get('rule')}): match {f.get('match')!r} is not text[{start}:{end}] = {text[start:end]!r}"
        if f.get("severity") not in set(Severity):
            return f"finding {i} ({f.get('rule')}) has severity {f.get('severity')!r}"
    return None


def verify_file(path: Path) -> tuple[int, str | None]:
    """(records checked, the first failure as 'line N (id X): reason' or None)."""
    n = 0
    for lineno, rec, err in read_records(path):
        if err:
            return n, f"{path}:{lineno}: {err}"
        assert rec is not None
        if is_error_record(rec):
            continue
        n += 1
        problem = check_record(rec)
        if problem:
            return n, f"{path}:{lineno} (id {rec.get('id')!r}): {problem}"
    if n == 0:
        return 0, f"{path}: no cleaned records to verify (an empty file, or only error records)"
    return n, None
