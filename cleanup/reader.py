"""Stage `read`: turn inputs (folders, files, stdin) into a stream of Articles or ReadErrors.

Decoding: a UTF-8 or UTF-16 BOM is honoured; otherwise UTF-8; bytes that are not valid UTF-8
are decoded as cp1252 (the usual culprit in newsroom feeds) and the article carries a note
saying so. NUL bytes mean a binary file: an error record. Nothing here raises for bad input.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleanup.model import Article, ReadError
from cleanup.options import DEFAULT_MAX_BYTES

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIX = ".jsonl"
COMPRESSED_JSONL = (".jsonl.gz", ".jsonl.zst")
PARQUET_SUFFIX = ".parquet"
SUPPORTED = (*TEXT_SUFFIXES, JSONL_SUFFIX, *COMPRESSED_JSONL, PARQUET_SUFFIX)


def input_kind(path: Path) -> str | None:
    """How a file is read: "text" (one article), "jsonl" (plain or compressed), "parquet", or
    None for a file cleanup does not read."""
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith((JSONL_SUFFIX, *COMPRESSED_JSONL)):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIX):
        return "parquet"
    return None


@dataclass(frozen=True)
class Fields:
    """Where the parts of an article come from: the fields of a JSONL record or Parquet row
    that hold the text and the id (the source text and its language are `source_text` and
    `source_lang`), and for text files the folder of their sources (`--source-dir`)."""

    text: str = "text"
    id: str = "id"
    source_dir: str | None = None


DEFAULT_FIELDS = Fields()


UNSUPPORTED = "unsupported file type"  # the start of an unsupported file's error, counted apart

Item = Article | ReadError


class InputError(Exception):
    """A usage error: an input path that does not exist (exit code 2)."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text. Returns (text, note); note says which fallback was used.

    Raises UnicodeError for data that is not text (NUL bytes outside UTF-16).
    """
    text, note, _encoding = decode_with_encoding(data)
    return text, note


# the encodings `decode` can report; `guessed` ones were a fallback, not known
GUESSED_ENCODINGS = ("cp1252", "latin-1")


def decode_with_encoding(data: bytes) -> tuple[str, str | None, str]:
    """(text, note, encoding): `encoding` names how to write the text back byte for byte:
    utf-8, utf-8-sig (a BOM), utf-16-le / utf-16-be (with their BOM), or a guessed fallback."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), None, "utf-8-sig"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec), "decoded as UTF-16 (byte order mark)", codec
    if b"\x00" in data:
        raise UnicodeError("binary data (NUL bytes): not a text file")
    try:
        return data.decode("utf-8"), None, "utf-8"
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return text, f"invalid UTF-8 at byte {where}; decoded as Latin-1", "latin-1"
    return text, f"invalid UTF-8 at byte {where}; decoded as cp1252", "cp1252"


def encode_as(text: str, encoding: str) -> bytes:
    """The inverse of `decode_with_encoding`: the bytes of `text` in the file's own encoding."""
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def article_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return rel.with_suffix("").as_posix()


@dataclass
class InputFile:
    """One input: a file under `root` (None: stdin), or why it cannot be read (`problem`)."""

    root: Path | None
    path: Path | None
    problem: str | None = None


def _walk(root: Path) -> list[Path]:
    """Every entry below `root`, hidden ones skipped, walked with a stack (a folder nested a
    thousand levels deep must not exhaust Python's recursion), symbolic links not descended."""
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            else:
                found.append(path)
    return found


def iter_input_files(inputs: list[str], follow_symlinks: bool = False) -> Iterator[InputFile]:
    """Every input file, in a stable order (by path relative to its folder). Folders are walked
    recursively, skipping hidden files and folders (`.git`); files of any type are yielded, so
    an unsupported one becomes an error record, not a silent skip. A symbolic link is followed
    only to a file inside the input folder, unless `follow_symlinks`."""
    for raw in inputs:
        if raw == "-":
            yield InputFile(None, None)
            continue
        p = Path(raw)
        if p.is_dir():
            real_root = p.resolve()
            for f in sorted(_walk(p), key=lambda f: f.relative_to(p).as_posix()):
                yield InputFile(p, f, _link_problem(f, real_root, follow_symlinks))
        elif p.is_file() or p.is_symlink() or p.exists():
            yield InputFile(p.parent, p)
        else:
            raise InputError(f"{raw}: no such file or folder")


def _link_problem(path: Path, real_root: Path, follow: bool) -> str | None:
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    if not target.exists():
        return f"{path}: a broken symbolic link (to {os.readlink(path)})"
    if not follow and real_root not in target.parents:
        return f"{path}: a symbolic link to a file outside the input folder ({target}); not read (--follow-symlinks reads it)"
    return None


class NotReadable(OSError):
    """An input that is not a regular file (a FIFO, a device) or is too large to read."""


def open_regular(path: Path) -> int:
    """Open `path` for reading without ever blocking or reading without end: a FIFO would block
    an open and /dev/zero never ends, so anything but a regular file is refused (checked on the
    open file, so a file swapped for a FIFO after a check is caught too)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotReadable(f"not a regular file ({_kind(os.fstat(fd).st_mode)})")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a file"


def read_limited(path: Path, limit: int) -> bytes:
    """The whole regular file, refused when it holds more than `limit` bytes."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(f"over the limit of {limit} bytes (--max-bytes)")
    return data


def unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    if suffix in (".html", ".htm", ".xhtml"):
        hint = "HTML is not read as an article (its markup would be checked and fixed as text): extract the text to .txt or .md first"
    else:
        hint = f"cleanup reads {', '.join(SUPPORTED)} files"
    return f"{path}: {UNSUPPORTED} `{suffix}`: {hint}"


def read_inputs(
    inputs: list[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_symlinks: bool = False,
    fields: Fields = DEFAULT_FIELDS,
) -> Iterator[Item]:
    """Every article of the inputs, or the error that replaces an input; an id that an earlier
    input already used (in any file) is an error record too."""
    yield from _read_items(inputs, max_bytes, follow_symlinks, {}, fields)


def _read_items(
    inputs: list[str], max_bytes: int, follow_symlinks: bool, seen: dict[str, str], fields: Fields
) -> Iterator[Item]:
    for entry in iter_input_files(inputs, follow_symlinks):
        if entry.path is None:
            yield from read_stdin(max_bytes, seen, fields)
            continue
        yield from read_file(entry, max_bytes, seen, fields)


def read_stdin(max_bytes: int, seen: dict[str, str], fields: Fields) -> Iterator[Item]:
    """stdin: JSONL when it starts with `{` (streamed: `cleanup run -` sits in a pipe of any
    length), else one plain-text article."""
    stream = sys.stdin.buffer
    head = stream.peek(1)[:1] if hasattr(stream, "peek") else b""
    if head == b"{":
        yield from parse_jsonl_lines(stream, "<stdin>", max_bytes, seen, fields)
        return
    data = stream.read(max_bytes + 1)
    yield from read_bytes(
        data, "<stdin>", "stdin", jsonl=_looks_like_jsonl(data), max_bytes=max_bytes, seen=seen, fields=fields
    )


def read_file(
    entry: InputFile, max_bytes: int, seen: dict[str, str], fields: Fields = DEFAULT_FIELDS
) -> Iterator[Item]:
    """The articles of one input file, or the error that replaces it."""
    path, root = entry.path, entry.root
    assert path is not None
    art_id = article_id(path, root)
    source = str(path)
    if entry.problem:
        yield ReadError(art_id, source, entry.problem)
        return
    kind = input_kind(path)
    if kind is None:
        yield ReadError(art_id, source, unsupported_reason(path))
        return
    try:
        if kind == "jsonl":
            yield from read_jsonl_file(path, max_bytes=max_bytes, seen=seen, fields=fields)
            return
        if kind == "parquet":
            yield from read_parquet_file(path, max_bytes=max_bytes, seen=seen, fields=fields)
            return
        data = read_limited(path, max_bytes)
    except NotReadable as exc:
        yield ReadError(art_id, source, f"{source}: {exc}")
        return
    except OSError as exc:
        yield ReadError(art_id, source, f"{source}: cannot read: {exc.strerror or exc}")
        return
    except ImportError as exc:
        yield ReadError(art_id, source, f"{source}: {exc}: Parquet needs `pip install 'newsroom-cleanup[parquet]'`")
        return
    for item in read_bytes(data, source, art_id, jsonl=False, max_bytes=max_bytes, seen=seen, fields=fields):
        if isinstance(item, Article) and fields.source_dir:
            rel = path.relative_to(root) if root is not None else Path(path.name)
            attach_source(item, rel, Path(fields.source_dir), max_bytes)
        yield item


def attach_source(article: Article, rel: Path, source_dir: Path, max_bytes: int) -> None:
    """The article's source from the parallel folder: `rel` (its path relative to its input
    folder) under `source_dir`. A missing or unreadable source is said in `source_problem`
    (the fidelity stage reports it), never skipped silently."""
    candidate = source_dir / rel
    try:
        data = read_limited(candidate, max_bytes)
        article.source_text, _note = decode(data)
    except FileNotFoundError:
        article.source_problem = f"no source text at {candidate}"
    except NotReadable as exc:
        article.source_problem = f"source {candidate}: {exc}"
    except OSError as exc:
        article.source_problem = f"source {candidate}: cannot read: {exc.strerror or exc}"
    except UnicodeError as exc:
        article.source_problem = f"source {candidate}: cannot decode: {exc}"


def attach_source_by_tail(article: Article, path: Path, source_dir: Path, max_bytes: int) -> None:
    """The source of one named file (check, diff): the longest tail of its path that exists
    under `source_dir` (`articles/2026/a.txt` -> DIR/articles/2026/a.txt, then
    DIR/2026/a.txt, then DIR/a.txt)."""
    parts = path.parts[1:] if path.is_absolute() else path.parts
    for k in range(len(parts)):
        tail = Path(*parts[k:])
        if (source_dir / tail).is_file() or k == len(parts) - 1:
            attach_source(article, tail, source_dir, max_bytes)
            return


def _looks_like_jsonl(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def read_bytes(
    data: bytes,
    source: str,
    art_id: str,
    jsonl: bool,
    max_bytes: int,
    seen: dict[str, str] | None = None,
    fields: Fields = DEFAULT_FIELDS,
) -> Iterator[Item]:
    if jsonl:
        yield from parse_jsonl_lines(data.splitlines(keepends=True), source, max_bytes, seen, fields)
        return
    if len(data) > max_bytes:
        yield ReadError(art_id, source, f"{source}: {len(data)} bytes is over the limit of {max_bytes} (--max-bytes)")
        return
    try:
        text, note = decode(data)
    except UnicodeError as exc:
        yield ReadError(art_id, source, f"{source}: cannot decode: {exc}")
        return
    if seen is not None:
        if art_id in seen:
            yield ReadError(art_id, source, f"{source}: duplicate id {art_id!r} (first in {seen[art_id]})")
            return
        seen[art_id] = source
    fmt = "markdown" if source.lower().endswith(".md") else "text"
    yield Article(id=art_id, source=source, text=text, decode_note=note, format=fmt)


def read_jsonl_file(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, seen: dict[str, str] | None = None, fields: Fields = DEFAULT_FIELDS
) -> Iterator[Item]:
    # stream line by line: a JSONL corpus can be far larger than memory; .gz and .zst are
    # decompressed as they are read
    with os.fdopen(open_regular(path), "rb") as raw:
        name = path.name.lower()
        if name.endswith(".gz"):
            import gzip

            with gzip.open(raw, "rb") as fh:
                yield from parse_jsonl_lines(fh, str(path), max_bytes, seen, fields)
        elif name.endswith(".zst"):
            import zstandard  # an optional extra, like Parquet

            with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
                import io

                yield from parse_jsonl_lines(io.BufferedReader(reader), str(path), max_bytes, seen, fields)
        else:
            yield from parse_jsonl_lines(raw, str(path), max_bytes, seen, fields)


def read_parquet_file(
    path: Path, max_bytes: int, seen: dict[str, str] | None = None, fields: Fields = DEFAULT_FIELDS
) -> Iterator[Item]:
    """The rows of a Parquet file as articles, read in batches (row numbers as `line`)."""
    import pyarrow.parquet as pq

    source = str(path)
    with os.fdopen(open_regular(path), "rb") as fh:
        table = pq.ParquetFile(fh)
        names = table.schema_arrow.names
        if fields.text not in names:
            yield ReadError(
                path.stem,
                source,
                f"{source}: no column `{fields.text}` (columns: {', '.join(names)}; --text-field names another)",
            )
            return
        row = 0
        seen = {} if seen is None else seen
        for batch in table.iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                yield from article_of_record(record, source, row, f"{source}:{row}", seen, fields, max_bytes)


MAX_JSON_DEPTH = 64  # deeper records are refused: no later step has to recurse that far


def _too_deep(value: object) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


class LineProblem(ValueError):
    """Why one JSONL line is not a record; the message is the whole explanation."""


def json_line_loader(max_bytes: int):
    """jsonlines' `loads` for our lines: the size limit, the byte decoding (a BOM, cp1252
    fallback), and JSON nested too deeply to parse, each a problem of that line only."""

    def loads(raw: bytes | str) -> object:
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        if len(data) > max_bytes:
            raise LineProblem(f"line of {len(data)} bytes is over the limit of {max_bytes} (--max-bytes)")
        try:
            text, _note = decode(data)
            value = json.loads(text)
        except RecursionError:
            raise LineProblem(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        except (UnicodeError, ValueError) as exc:
            raise LineProblem(f"malformed JSON: {exc}") from exc
        if _too_deep(value):
            raise LineProblem(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value

    return loads


def json_lines(lines, max_bytes: int) -> Iterator[tuple[int, object | None, str | None]]:
    """(line number, object or None, problem or None) for every non-empty line, read with
    jsonlines; a bad line is reported and reading goes on with the next."""
    import jsonlines

    reader = jsonlines.Reader(lines, loads=json_line_loader(max_bytes))
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


def parse_jsonl_lines(
    lines, source: str, max_bytes: int, seen: dict[str, str] | None = None, fields: Fields = DEFAULT_FIELDS
) -> Iterator[Item]:
    """Articles of JSONL lines; `seen` (id -> where) is shared by every input of a run."""
    seen = {} if seen is None else seen
    for lineno, obj, problem in json_lines(lines, max_bytes):
        where = f"{source}:{lineno}"
        fallback_id = f"{Path(source).stem}:{lineno}"
        if problem is not None:
            yield ReadError(fallback_id, source, f"{where}: {problem}", lineno)
            continue
        if not isinstance(obj, dict):
            yield ReadError(fallback_id, source, f"{where}: expected a JSON object, got {type(obj).__name__}", lineno)
            continue
        yield from article_of_record(obj, source, lineno, where, seen, fields, max_bytes)


def article_of_record(
    obj: dict, source: str, lineno: int, where: str, seen: dict[str, str], fields: Fields, max_bytes: int
) -> Iterator[Item]:
    """One JSONL record or Parquet row as an Article, or the error that replaces it."""
    fallback_id = f"{Path(source).stem}:{lineno}"
    art_id = obj.get(fields.id, fallback_id)
    if art_id is None:
        art_id = fallback_id
    if not isinstance(art_id, (str, int)) or isinstance(art_id, bool):
        yield ReadError(fallback_id, source, f"{where}: `{fields.id}` must be a string", lineno)
        return
    art_id = str(art_id)
    if fields.text not in obj:
        yield ReadError(art_id, source, f"{where}: no `{fields.text}` field", lineno)
        return
    text = obj[fields.text]
    if not isinstance(text, str):
        yield ReadError(art_id, source, f"{where}: `{fields.text}` must be a string, got {type(text).__name__}", lineno)
        return
    if len(text) > max_bytes:
        yield ReadError(
            art_id,
            source,
            f"{where}: a text of {len(text)} characters is over the limit of {max_bytes} (--max-bytes)",
            lineno,
        )
        return
    if art_id in seen:
        yield ReadError(art_id, source, f"{where}: duplicate id {art_id!r} (first in {seen[art_id]})", lineno)
        return
    seen[art_id] = where
    source_text, source_lang = obj.get("source_text"), obj.get("source_lang")
    for name, value in (("source_text", source_text), ("source_lang", source_lang)):
        if value is not None and not isinstance(value, str):
            yield ReadError(art_id, source, f"{where}: `{name}` must be a string, got {type(value).__name__}", lineno)
            return
    if source_text is not None and len(source_text) > max_bytes:
        yield ReadError(
            art_id,
            source,
            f"{where}: a source text of {len(source_text)} characters is over the limit of {max_bytes}",
            lineno,
        )
        return
    title = obj.get("title")
    extra = {k: v for k, v in obj.items() if k not in (fields.id, fields.text, "title", "source_text", "source_lang")}
    fmt = obj.get("format", "text")
    if fmt not in ("text", "markdown"):
        yield ReadError(art_id, source, f'{where}: `format` must be "text" or "markdown", got {fmt!r}', lineno)
        return
    yield Article(
        id=art_id,
        source=source,
        text=text,
        title=title if isinstance(title, str) else None,
        line=lineno,
        extra=extra if title is None or isinstance(title, str) else {**extra, "title": title},
        format=fmt,
        source_text=source_text,
        source_lang=source_lang,
    )


def source_kind(path: str) -> str:
    return "jsonl" if path.endswith(JSONL_SUFFIX) else "text"


def normalise_path(path: str) -> str:
    return os.path.normpath(path)
