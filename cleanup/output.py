"""Writing files so that an interruption never leaves half of one, and reading records back."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def printable(text: str) -> str:
    """`text` safe to print or write as UTF-8: a lone surrogate (a byte of a file name that is
    not UTF-8, or a JSON escape) becomes U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, printable(text).encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file atomically: a temporary file in the same folder, then rename. An
    existing file keeps its permission bits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        keep_mode(Path(tmp), path)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def keep_mode(tmp: Path, path: Path) -> None:
    """Give a temporary file the permissions of the file it replaces (mkstemp makes 0600; a
    new output file gets the usual umask permissions)."""
    if path.exists():
        os.chmod(tmp, path.stat().st_mode & 0o7777)
    else:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, record or None, problem or None) for each non-empty line of a JSONL file."""
    from cleanup.reader import json_lines

    with open(path, "rb") as fh:
        for n, rec, problem in json_lines(fh, max_bytes=1 << 62):
            if problem is not None:
                yield n, None, problem
            elif not isinstance(rec, dict):
                yield n, None, "not a JSON object"
            else:
                yield n, rec, None
