"""`cleanup check`: the pre-commit view of the pipeline. Findings are reported at their line
and column in the file as it is on disk; `--fix` writes the safe fixes back, preserving
everything else byte for byte (BOM, line endings, final newline, JSONL fields other than
`text`); `--diff` shows what `--fix` would write.

What `--fix` would change is reported too (marked `[*]`), as ruff does: a check without `--fix`
fails on a fixable artifact.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleanup.document import map_positions
from cleanup.model import Article, Severity
from cleanup.reader import GUESSED_ENCODINGS, decode_with_encoding, encode_as

IGNORE_COMMENT = re.compile(r"<!--\s*cleanup:\s*ignore(?:\s+([\w:,\s*-]+?))?\s*-->")
# a plain-text file's last line `cleanup: ignore RULE, RULE` (or all rules, without a list)
IGNORE_MARKER_LINE = re.compile(r"^[ \t]*cleanup:[ \t]*ignore(?:[ \t]+([\w:,\t *-]+?))?[ \t]*$")
JSONL_IGNORE_FIELD = "cleanup_ignore"  # a JSONL record's list of rule ids to ignore ("*": all)
CONTEXT = 20
CHECKABLE = (".txt", ".md", ".jsonl")  # what a hook checks in place (and --fix writes back)
NOT_REPORTED_EDITS = {"line-endings"}  # --fix keeps the file's own line endings


@dataclass
class Diagnostic:
    """An edit or a finding located in a file as it is on disk (line and column), as a
    pre-commit hook reports it."""

    path: str
    line: int
    col: int
    rule: str
    severity: str
    message: str
    fixable: bool
    match: str
    context: str

    def baseline_entry(self) -> dict[str, str]:
        return {"file": self.path, "rule": self.rule, "match": self.match, "context": self.context}

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("path", "line", "col", "rule", "severity", "match", "message", "fixable")}


@dataclass
class FileResult:
    path: str
    reported: list[Diagnostic] = field(default_factory=list)
    new_content: bytes | None = None  # what --fix would write, when it differs
    old_content: bytes | None = None
    error: str | None = None
    unfixable: str | None = None  # why --fix leaves this file alone although it has fixes


def map_back(pos: int, edits: list[dict[str, Any]]) -> int:
    """Map an offset in the text after `edits` to the text before them."""
    for e in reversed(edits):
        new_end = e["start"] + len(e["after"])
        if pos >= new_end:
            pos = pos - len(e["after"]) + (e["end"] - e["start"])
        elif pos > e["start"]:
            pos = e["start"]
    return pos


_LINE_ENDING = re.compile(r"\r\n|\r|\n")


def split_line_endings(text: str) -> tuple[str, list[str]]:
    """(the text with every line ending as LF, each original line ending in order)."""
    endings = _LINE_ENDING.findall(text)
    return _LINE_ENDING.sub("\n", text), endings


def restore_line_endings(lf_text: str, endings: list[str], edits: list[dict], fixed: str) -> str:
    """The fixed text with each line's own ending back (mixed endings stay mixed): every LF
    that came through the edits from the original gets that line's ending; one an edit
    inserted gets the file's most common ending."""
    if all(e == "\n" for e in endings):
        return fixed
    newlines = [m.start() for m in re.finditer("\n", lf_text)]
    mapped = map_positions(newlines, edits)
    ending_at = {p: endings[i] for i, p in enumerate(mapped) if p is not None}
    common = max(set(endings), key=endings.count) if endings else "\n"
    return "".join((ending_at.get(i, common) if ch == "\n" else ch) for i, ch in enumerate(fixed))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ------------------------------------------------------------------ JSONL positions


def _skip_ws(raw: str, i: int) -> int:
    while i < len(raw) and raw[i] in " \t\r\n":
        i += 1
    return i


def locate_value(raw: str, key: str) -> tuple[int, int] | None:
    """Span of a top-level value in one raw JSON object line (for byte-preserving splices)."""
    decoder = json.JSONDecoder()
    i = _skip_ws(raw, 0)
    if raw[i : i + 1] != "{":
        return None
    i += 1
    while True:
        i = _skip_ws(raw, i)
        if raw[i : i + 1] != '"':
            return None
        k, i = json.decoder.scanstring(raw, i + 1)  # type: ignore[attr-defined]
        i = _skip_ws(raw, i)
        if raw[i : i + 1] != ":":
            return None
        i = _skip_ws(raw, i + 1)
        start = i
        _value, i = decoder.raw_decode(raw, i)
        if k == key:
            return start, i
        i = _skip_ws(raw, i)
        if raw[i : i + 1] != ",":
            return None
        i += 1


def string_columns(raw: str, start: int, end: int) -> list[int]:
    """For a JSON string literal raw[start:end], the raw index of each decoded character (and
    one past the last), so a text offset maps to a column in the line on disk."""
    cols = []
    j = start + 1
    while j < end - 1:
        cols.append(j)
        if raw[j] == "\\":
            if raw[j + 1] == "u":
                code = int(raw[j + 2 : j + 6], 16)
                j += 6
                if 0xD800 <= code < 0xDC00 and raw[j : j + 2] == "\\u":
                    j += 6  # a surrogate pair is one character
            else:
                j += 2
        else:
            j += 1
    cols.append(end - 1)
    return cols


def finding_context(record: dict[str, Any], finding: dict[str, Any]) -> tuple[int, str]:
    """Where a finding is in the text as read, and the text around it that keys it in the
    baseline (so an entry survives edits elsewhere in the file)."""
    original, edits = record["original"], record["edits"]
    pos = map_back(finding["start"], edits)
    end = max(pos, map_back(finding["end"], edits))
    return pos, original[max(0, pos - CONTEXT) : end + CONTEXT]


def baseline_entry(path: str, record: dict[str, Any], finding: dict[str, Any]) -> dict[str, str]:
    """The baseline entry `cleanup check --accept` writes for this finding of the file `path`."""
    return {
        "file": path,
        "rule": finding["rule"],
        "match": finding["match"],
        "context": finding_context(record, finding)[1],
    }


# ------------------------------------------------------------------ checking


class Checker:
    def __init__(
        self,
        pipeline,
        rules_severity: dict[str, str],
        timeout: float | None = 120.0,
        source_dir: str | None = None,
    ):
        self.pipeline = pipeline
        self.rules_severity = rules_severity
        self.timeout = timeout  # seconds per article: a hook must never hang a commit
        self.source_dir = Path(source_dir) if source_dir else None

    def attach_source(self, article: Article, display: str) -> None:
        from cleanup.reader import attach_source_by_tail

        if self.source_dir is not None and display != "-":
            attach_source_by_tail(article, Path(display), self.source_dir, self.pipeline.options.max_bytes)

    def _report(self, path: str, record: dict, locate) -> list[Diagnostic]:
        """Everything the record says, at positions in the original text (via `locate`)."""
        original, edits = record["original"], record["edits"]
        out = []
        for i, e in enumerate(edits):
            if e["rule"] in NOT_REPORTED_EDITS:
                continue
            pos = map_back(e["start"], edits[:i])
            severity = "info" if e["stage"] == "normalize" else str(self.rules_severity.get(e["rule"], "warning"))
            line, col = locate(pos)
            out.append(
                Diagnostic(
                    path,
                    line,
                    col,
                    e["rule"],
                    severity,
                    e["message"],
                    True,
                    e["before"],
                    original[max(0, pos - CONTEXT) : pos + len(e["before"]) + CONTEXT],
                )
            )
        for f in record["findings"]:
            if f.get("dismissed"):
                continue  # an editor dismissed it (`cleanup apply`): it no longer blocks
            pos, context = finding_context(record, f)
            line, col = locate(pos)
            out.append(Diagnostic(path, line, col, f["rule"], f["severity"], f["message"], False, f["match"], context))
        return out

    def check_file(self, path: Path, display: str) -> FileResult:
        from cleanup.reader import unsupported_reason

        if path.suffix.lower() not in CHECKABLE:
            return FileResult(display, error=unsupported_reason(Path(display)))
        from cleanup.reader import NotReadable, read_limited

        try:
            data = read_limited(path, self.pipeline.options.max_bytes)
        except NotReadable as exc:
            return FileResult(display, error=f"{display}: {exc}")
        except OSError as exc:
            return FileResult(display, error=f"{display}: cannot read: {exc.strerror or exc}")
        return self.check_bytes(data, display, path.suffix.lower())

    def check_bytes(self, data: bytes, display: str, suffix: str) -> FileResult:
        """Check the content of one file (`suffix` says how to read it: .txt, .md, .jsonl)."""
        result = FileResult(display)
        result.old_content = data
        if suffix == ".jsonl":
            self._check_jsonl(data, display, result)
        else:
            self._check_text(data, display, result, markdown=suffix == ".md")
        return result

    def _check_text(self, data: bytes, display: str, result: FileResult, markdown: bool) -> None:
        try:
            text, note, encoding = decode_with_encoding(data)
        except UnicodeError as exc:
            result.error = f"{display}: cannot decode: {exc}"
            return
        # the pipeline sees LF; each line keeps its own ending when the fix is written
        lf_text, endings = split_line_endings(text)
        fmt = "markdown" if markdown else "text"
        article = Article(id=display, source=display, text=lf_text, decode_note=note, format=fmt)
        self.attach_source(article, display)
        record = self.pipeline.process(article, self.timeout).to_dict()
        if "error" in record:
            result.error = record["error"]
            return
        reported = self._report(display, record, lambda pos: _line_col(lf_text, pos))
        reported = apply_inline_ignores(lf_text, reported) if markdown else ignore_by_marker_line(lf_text, reported)
        result.reported = reported
        if record["text"] == lf_text:
            return
        if encoding in GUESSED_ENCODINGS:
            # the bytes are not UTF-8 and their encoding is a guess: a fix written back could
            # corrupt every character the guess got wrong (Latin-2 `Łódź` read as cp1252)
            result.reported = [x for x in reported if not x.fixable] + [
                replace(x, fixable=False) for x in reported if x.fixable
            ]
            result.unfixable = f"{display} is not UTF-8 (read as {encoding} to check it): --fix leaves it alone; convert it to UTF-8 first"
            return
        fixed = restore_line_endings(lf_text, endings, record["edits"], record["text"])
        try:
            new = encode_as(fixed, encoding)
        except UnicodeEncodeError as exc:
            result.unfixable = (
                f"{display}: the fixed text cannot be written as {encoding} ({exc.reason}): --fix leaves it alone"
            )
            return
        if new != data:
            result.new_content = new

    def _check_jsonl(self, data: bytes, display: str, result: FileResult) -> None:
        from cleanup.reader import LineProblem, json_line_loader

        loads = json_line_loader(self.pipeline.options.max_bytes)
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        out_lines: list[bytes] = []
        changed = False
        for lineno, raw_bytes in enumerate(data[len(bom) :].splitlines(keepends=True), start=1):
            out_lines.append(raw_bytes)
            body = raw_bytes.rstrip(b"\r\n")
            if not body.strip():
                continue
            try:
                raw = body.decode("utf-8")
                obj = loads(body)
                span = locate_value(raw, "text")
            except UnicodeError as exc:
                result.reported.append(
                    Diagnostic(display, lineno, 1, "jsonl", "error", f"not UTF-8: {exc}", False, "", "")
                )
                continue
            except (LineProblem, ValueError, RecursionError) as exc:
                result.reported.append(Diagnostic(display, lineno, 1, "jsonl", "error", str(exc), False, "", ""))
                continue
            if not isinstance(obj, dict) or span is None or not isinstance(obj.get("text"), str):
                result.reported.append(
                    Diagnostic(
                        display, lineno, 1, "jsonl", "error", "expected an object with a string `text`", False, "", ""
                    )
                )
                continue
            cols = string_columns(raw, *span)
            fmt = "markdown" if obj.get("format") == "markdown" else "text"
            source_text, source_lang = obj.get("source_text"), obj.get("source_lang")
            if not isinstance(source_text, (str, type(None))) or not isinstance(source_lang, (str, type(None))):
                result.reported.append(
                    Diagnostic(
                        display,
                        lineno,
                        1,
                        "jsonl",
                        "error",
                        "`source_text` and `source_lang` must be strings",
                        False,
                        "",
                        "",
                    )
                )
                continue
            article = Article(
                id=str(obj.get("id", lineno)),
                source=display,
                text=obj["text"],
                line=lineno,
                format=fmt,
                source_text=source_text,
                source_lang=source_lang,
            )
            record = self.pipeline.process(article, self.timeout).to_dict()
            if "error" in record:
                result.reported.append(
                    Diagnostic(display, lineno, 1, "internal", "error", record["error"], False, "", "")
                )
                continue
            located = self._report(display, record, lambda pos, ln=lineno, c=cols: (ln, c[min(pos, len(c) - 1)] + 1))
            ignored = obj.get(JSONL_IGNORE_FIELD)
            if isinstance(ignored, str):
                ignored = [ignored]
            if isinstance(ignored, list):
                located = [d for d in located if not ("*" in ignored or d.rule in ignored)]
            result.reported.extend(located)
            if record["text"] != obj["text"]:
                new_value = json.dumps(record["text"], ensure_ascii=raw.isascii())
                ending = raw_bytes[len(body) :]
                out_lines[-1] = (raw[: span[0]] + new_value + raw[span[1] :]).encode("utf-8") + ending
                changed = True
        if changed:
            result.new_content = bom + b"".join(out_lines)


def _rule_list(raw: str | None) -> set[str] | None:
    return {r.strip() for r in (raw or "").replace(",", " ").split()} - {"*"} or None


def ignore_by_marker_line(text: str, reported: list[Diagnostic]) -> list[Diagnostic]:
    """A plain-text file whose last line is `cleanup: ignore RULE, RULE` ignores those rules
    (every rule without a list) in the whole file."""
    lines = text.rstrip("\r\n").rsplit("\n", 1)
    m = IGNORE_MARKER_LINE.match(lines[-1].rstrip("\r"))
    if not m:
        return reported
    rules = _rule_list(m.group(1))
    return [d for d in reported if not (rules is None or d.rule in rules)]


def apply_inline_ignores(text: str, reported: list[Diagnostic]) -> list[Diagnostic]:
    """`<!-- cleanup: ignore RULE -->` at the end of a line covers that line; on a line of its
    own, the next line. Without a rule it covers every rule."""
    ignored: dict[int, set[str] | None] = {}
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        m = IGNORE_COMMENT.search(line)
        if not m:
            continue
        rules = _rule_list(m.group(1))
        target = n + 1 if not line[: m.start()].strip() else n
        ignored[target] = rules
    keep = []
    for r in reported:
        if r.line in ignored:
            rules_ignored = ignored[r.line]
            if rules_ignored is None or r.rule in rules_ignored:
                continue
        keep.append(r)
    return keep


# ------------------------------------------------------------------ baseline


class Baseline:
    """Accepted findings: keyed by file, rule and the matched text with a little context, so an
    entry survives edits elsewhere in the file."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[dict[str, str]] = []
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.entries = list(data.get("entries", []))
            except (ValueError, OSError) as exc:
                raise ValueError(f"{path}: not a cleanup baseline: {exc}") from exc

    @staticmethod
    def _key(entry: dict[str, str]) -> tuple:
        return entry["file"], entry["rule"], entry["match"], entry["context"]

    def filter(self, reported: list[Diagnostic], files: set[str]) -> tuple[list[Diagnostic], list[dict[str, str]]]:
        """(findings not accepted, baseline entries of the checked files that matched nothing)."""
        pool: dict[tuple, int] = {}
        for e in self.entries:
            if e["file"] in files:
                pool[self._key(e)] = pool.get(self._key(e), 0) + 1
        kept = []
        for r in reported:
            k = self._key(r.baseline_entry())
            if pool.get(k, 0) > 0:
                pool[k] -= 1
            else:
                kept.append(r)
        stale = [dict(zip(("file", "rule", "match", "context"), k)) for k, n in pool.items() for _ in range(n)]
        return kept, stale

    def accept(self, reported: list[Diagnostic], files: set[str]) -> int:
        self.entries = [e for e in self.entries if e["file"] not in files] + [r.baseline_entry() for r in reported]
        self.save()
        return len(reported)

    def add(self, entries: list[dict[str, str]]) -> int:
        """Add entries not already there (an editor's dismissals); returns how many were new."""
        have = {self._key(e) for e in self.entries}
        new = [e for e in entries if self._key(e) not in have]
        self.entries += new
        self.save()
        return len(new)

    def save(self) -> None:
        self.entries.sort(key=lambda e: (e["file"], e["rule"], e["match"], e["context"]))
        from cleanup.output import atomic_write_text

        atomic_write_text(
            self.path, json.dumps({"version": 1, "entries": self.entries}, indent=2, ensure_ascii=False) + "\n"
        )


# ------------------------------------------------------------------ output


def at_least(severity: str, minimum: str) -> bool:
    return Severity(severity).rank >= Severity(minimum).rank


def quoted(match: str, limit: int = 40) -> str:
    """The matched text as a reader sees it: one line, shortened, in backticks."""
    shown = match.replace("\n", "⏎")
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"`{shown}` " if shown.strip() else ""


def format_text(r: Diagnostic) -> str:
    return f"{r.path}:{r.line}:{r.col}: {r.rule} {'[*] ' if r.fixable else ''}{quoted(r.match)}{r.message}"


def format_github(r: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[r.severity]
    message = (quoted(r.match) + r.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={r.path},line={r.line},col={r.col},title=cleanup {r.rule}::{message}"


def unified_diff(result: FileResult) -> str:
    old = (result.old_content or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = (result.new_content or b"").decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(old, new, fromfile=f"a/{result.path.lstrip('/')}", tofile=f"b/{result.path.lstrip('/')}")
    )
