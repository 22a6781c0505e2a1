"""The editors' report: one self-contained HTML file (inline CSS and JS, nothing from the
network).

The records are embedded as JSON in a `<script type="application/json">` element, escaped so
no article text can close it; the page builds every element with `textContent`, never by
parsing article text as HTML. Articles are rendered only when opened, so a report of thousands
of articles opens in seconds. The data is streamed record by record: memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any

from cleanup.decisions import record_hash
from cleanup.output import keep_mode, printable, read_records

REPORT_FIELDS = ("id", "source", "verdict", "language", "original", "edits", "findings", "error", "line")
# an article checked against its source also brings what the side-by-side view needs
BILINGUAL_FIELDS = ("text", "source_text", "source_lang", "alignment")


def _asset(name: str) -> str:
    return resources.files("cleanup.report").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def _json_text(obj: Any) -> str:
    """JSON that encodes as UTF-8: a lone surrogate is kept as its escape."""
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True)


def _safe_json(obj: Any) -> str:
    # inside <script>, `</script>` or `<!--` in an article must not end or change the element
    return (
        _json_text(obj)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def iter_report_records(path: Path) -> Iterator[dict[str, Any]]:
    for lineno, rec, err in read_records(path):
        if err:
            yield {"id": f"{path.name}:{lineno}", "source": str(path), "error": f"{path}:{lineno}: {err}"}
            continue
        assert rec is not None
        fields = REPORT_FIELDS + BILINGUAL_FIELDS if "source_text" in rec else REPORT_FIELDS
        out = {k: rec[k] for k in fields if k in rec}
        if isinstance(rec.get("text"), str):
            # what an editor's decisions are checked against (`cleanup apply`), and the
            # headline the index shows
            out["hash"] = record_hash(rec)
            out["headline"] = headline(rec["text"])
        yield out


def headline(text: str, limit: int = 100) -> str:
    """The article's first non-empty line, shortened."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def render_report(records_path: Path, fh: IO[str], title: str | None = None) -> int:
    """Stream the HTML report of `records_path` into `fh`; returns how many records it holds."""
    head = _asset("report.html")
    before, after = head.split("/*RECORDS*/", 1)
    title = printable(title or f"cleanup report: {records_path}")
    fh.write(before.replace("{{TITLE}}", _escape_html(title)).replace("{{CSS}}", _asset("report.css")))
    fh.write("[")
    count = 0
    # the report's own key: the browser keeps an editor's decisions under it
    content = hashlib.sha256()
    for rec in iter_report_records(records_path):
        if count:
            fh.write(",\n")
        fh.write(_safe_json(rec))
        content.update(str(rec.get("hash") or rec.get("id", "")).encode("utf-8", "surrogatepass"))
        count += 1
    fh.write("]")
    after = after.replace("/*REPORT_KEY*/", json.dumps(content.hexdigest()[:16]))
    fh.write(after.replace("{{JS}}", _asset("report.js")))
    return count


def write_report(records_path: Path, out_path: Path, title: str | None = None) -> int:
    """Write the HTML report atomically (streamed into a temporary file, then renamed);
    returns how many records it holds."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    try:
        keep_mode(Path(tmp), out_path)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            count = render_report(records_path, fh, title)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count


def _escape_html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
