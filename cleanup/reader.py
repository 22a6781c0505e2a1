"""Stage `read`: turn inputs (folders, files, stdin) into a stream of Articles or ReadErrors.

Decoding: a UTF-8 or UTF-16 BOM is honoured; otherwise UTF-8; bytes that are not valid UTF-8
are decoded as cp1252 (the usual culprit in newsroom feeds) and the article carries a note
saying so. NUL bytes mean a binary file: an error record. Nothing here raises for bad input.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from cleanup.model import Article, ReadError
from cleanup.options import DEFAULT_MAX_BYTES

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIX = ".jsonl"
SUPPORTED = (*TEXT_SUFFIXES, JSONL_SUFFIX)
UNSUPPORTED = "unsupported file type"  # the start of an unsupported file's error, counted apart

Item = Article | ReadError


class InputError(Exception):
    """A usage error: an input path that does not exist (exit code 2)."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text. Returns (text, note); note says which fallback was used.

    Raises UnicodeError for data that is not text (NUL bytes outside UTF-16).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "decoded as UTF-16 (byte order mark)"
    if b"\x00" in data:
        raise UnicodeError("binary data (NUL bytes): not a text file")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return text, f"invalid UTF-8 at byte {where}; decoded as Latin-1"
    return text, f"invalid UTF-8 at byte {where}; decoded as cp1252"


def article_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return rel.with_suffix("").as_posix()


def iter_input_files(inputs: list[str]) -> Iterator[tuple[Path | None, Path | None]]:
    """Yield (root, file) for every input file, in a stable order; (None, None) for stdin.
    Folders are walked recursively, skipping hidden files and folders (`.git`); files of any
    type are yielded, so that an unsupported one becomes an error record, not a silent skip."""
    for raw in inputs:
        if raw == "-":
            yield None, None
            continue
        p = Path(raw)
        if p.is_dir():
            files = [
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
            for f in sorted(files, key=lambda f: f.relative_to(p).as_posix()):
                yield p, f
        elif p.is_file():
            yield p.parent, p
        else:
            raise InputError(f"{raw}: no such file or folder")


def unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    if suffix in (".html", ".htm", ".xhtml"):
        hint = "HTML is not read as an article (its markup would be checked and fixed as text): extract the text to .txt or .md first"
    else:
        hint = f"cleanup reads {', '.join(SUPPORTED)} files"
    return f"{path}: {UNSUPPORTED} `{suffix}`: {hint}"


def read_inputs(inputs: list[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    for root, path in iter_input_files(inputs):
        if path is None:
            data = sys.stdin.buffer.read()
            yield from read_bytes(data, "<stdin>", "stdin", jsonl=_looks_like_jsonl(data), max_bytes=max_bytes)
            continue
        art_id = article_id(path, root)
        source = str(path)
        if path.suffix.lower() not in SUPPORTED:
            yield ReadError(art_id, source, unsupported_reason(path))
            continue
        try:
            size = path.stat().st_size
            if path.suffix.lower() != JSONL_SUFFIX and size > max_bytes:
                yield ReadError(
                    art_id, source, f"{source}: {size} bytes is over the limit of {max_bytes} (--max-bytes)"
                )
                continue
            if path.suffix.lower() == JSONL_SUFFIX:
                yield from read_jsonl_file(path, max_bytes=max_bytes)
                continue
            data = path.read_bytes()
        except OSError as exc:
            yield ReadError(art_id, source, f"{source}: cannot read: {exc.strerror or exc}")
            continue
        yield from read_bytes(data, source, art_id, jsonl=False, max_bytes=max_bytes)


def _looks_like_jsonl(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def read_bytes(data: bytes, source: str, art_id: str, jsonl: bool, max_bytes: int) -> Iterator[Item]:
    if jsonl:
        yield from parse_jsonl_lines(data.splitlines(keepends=True), source, max_bytes)
        return
    if len(data) > max_bytes:
        yield ReadError(art_id, source, f"{source}: {len(data)} bytes is over the limit of {max_bytes} (--max-bytes)")
        return
    try:
        text, note = decode(data)
    except UnicodeError as exc:
        yield ReadError(art_id, source, f"{source}: cannot decode: {exc}")
        return
    fmt = "markdown" if source.lower().endswith(".md") else "text"
    yield Article(id=art_id, source=source, text=text, decode_note=note, format=fmt)


def read_jsonl_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    # stream line by line: a JSONL corpus can be far larger than memory
    with open(path, "rb") as fh:
        yield from parse_jsonl_lines(fh, str(path), max_bytes)


class LineProblem(ValueError):
    """Why one JSONL line is not a record; the message is the whole explanation."""


def _json_line_loader(max_bytes: int):
    """jsonlines' `loads` for our lines: the size limit, the byte decoding (a BOM, cp1252
    fallback), and JSON nested too deeply to parse, each a problem of that line only."""

    def loads(raw: bytes | str) -> object:
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        if len(data) > max_bytes:
            raise LineProblem(f"line of {len(data)} bytes is over the limit of {max_bytes} (--max-bytes)")
        try:
            text, _note = decode(data)
            return json.loads(text)
        except RecursionError:
            raise LineProblem("malformed JSON: nested too deeply to read") from None
        except (UnicodeError, ValueError) as exc:
            raise LineProblem(f"malformed JSON: {exc}") from exc

    return loads


def json_lines(lines, max_bytes: int) -> Iterator[tuple[int, object | None, str | None]]:
    """(line number, object or None, problem or None) for every non-empty line, read with
    jsonlines; a bad line is reported and reading goes on with the next."""
    import jsonlines

    reader = jsonlines.Reader(lines, loads=_json_line_loader(max_bytes))
    lineno = 0
    while True:
        lineno += 1
        try:
            obj = reader.read(allow_none=True)
        except EOFError:
            return
        except jsonlines.InvalidLineError as exc:
            raw = exc.line if isinstance(exc.line, (str, bytes)) else b""
            if not raw.strip():
                continue  # a blank line is not a record
            cause = exc.__cause__
            if isinstance(cause, LineProblem):
                yield lineno, None, str(cause)
            elif isinstance(cause, UnicodeDecodeError):
                yield lineno, None, f"not UTF-8 (JSON Lines are UTF-8): {cause}"
            else:
                yield lineno, None, f"malformed JSON: {cause or exc}"
            continue
        yield lineno, obj, None


def parse_jsonl_lines(lines, source: str, max_bytes: int) -> Iterator[Item]:
    seen: set[str] = set()
    for lineno, obj, problem in json_lines(lines, max_bytes):
        where = f"{source}:{lineno}"
        fallback_id = f"{Path(source).stem}:{lineno}"
        if problem is not None:
            yield ReadError(fallback_id, source, f"{where}: {problem}", lineno)
            continue
        if not isinstance(obj, dict):
            yield ReadError(fallback_id, source, f"{where}: expected a JSON object, got {type(obj).__name__}", lineno)
            continue
        art_id = obj.get("id", fallback_id)
        if not isinstance(art_id, (str, int)) or isinstance(art_id, bool):
            yield ReadError(fallback_id, source, f"{where}: `id` must be a string", lineno)
            continue
        art_id = str(art_id)
        if "text" not in obj:
            yield ReadError(art_id, source, f"{where}: no `text` field", lineno)
            continue
        if not isinstance(obj["text"], str):
            yield ReadError(
                art_id, source, f"{where}: `text` must be a string, got {type(obj['text']).__name__}", lineno
            )
            continue
        if art_id in seen:
            yield ReadError(art_id, source, f"{where}: duplicate id {art_id!r}", lineno)
            continue
        seen.add(art_id)
        title = obj.get("title")
        extra = {k: v for k, v in obj.items() if k not in ("id", "text", "title")}
        fmt = obj.get("format", "text")
        if fmt not in ("text", "markdown"):
            yield ReadError(art_id, source, f'{where}: `format` must be "text" or "markdown", got {fmt!r}', lineno)
            continue
        yield Article(
            id=art_id,
            source=source,
            text=obj["text"],
            title=title if isinstance(title, str) else None,
            line=lineno,
            extra=extra if title is None or isinstance(title, str) else {**extra, "title": title},
            format=fmt,
        )


def source_kind(path: str) -> str:
    return "jsonl" if path.endswith(JSONL_SUFFIX) else "text"


def normalise_path(path: str) -> str:
    return os.path.normpath(path)
