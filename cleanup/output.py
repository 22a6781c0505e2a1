"""Stage 6, `write`: records to `cleaned.jsonl`, atomically, with what a re-run may reuse.

While a run is going, records are appended to `.cleaned.jsonl.partial` (flushed per record)
and a line per record to `.state.jsonl.partial` (the record's input key and byte range). At the
end both are renamed over the final files, so an interrupted run never leaves a truncated
`cleaned.jsonl`: the previous one stays intact. A later run reuses a record whose input key
(text, id, source, fields and the configuration fingerprint) is unchanged, copying its bytes
instead of cleaning again; `--resume` also reuses what an interrupted run's partial files hold.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from cleanup.model import Article, ReadError

CLEANED = "cleaned.jsonl"
STATE = ".state.jsonl"
PARTIAL = ".partial"
RESUME = ".resume"


def input_key(item: Article | ReadError, fingerprint: str) -> str | None:
    if isinstance(item, ReadError):
        return None  # errors are cheap to recompute and may be fixed by now
    h = hashlib.sha256()
    h.update(fingerprint.encode())
    h.update(json.dumps([item.id, item.source, item.line, item.title, item.extra, item.decode_note], sort_keys=True, default=str).encode())
    h.update(b"\0")
    h.update(item.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


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
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:  # mkstemp makes 0600; a new output file gets the usual umask permissions
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class Reusable:
    """Records of earlier runs in an output folder, found by input key, read lazily from disk."""

    def __init__(self) -> None:
        self._index: dict[str, tuple[Path, int, int]] = {}
        self._handles: dict[Path, Any] = {}

    def add(self, records: Path, state: Path) -> None:
        if not (records.is_file() and state.is_file()):
            return
        size = records.stat().st_size
        fh = open(records, "rb")
        self._handles[records] = fh
        with open(state, "rb") as sf:
            for raw in sf:
                try:
                    entry = json.loads(raw)
                    key, offset, length = entry["key"], int(entry["offset"]), int(entry["length"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a kill: ignore it
                if key and offset + length <= size:
                    self._index[key] = (records, offset, length)

    def get(self, key: str | None) -> bytes | None:
        if key is None or key not in self._index:
            return None
        path, offset, length = self._index[key]
        fh = self._handles[path]
        fh.seek(offset)
        data = fh.read(length)
        if len(data) != length or not data.endswith(b"\n"):
            return None
        return data

    def __len__(self) -> int:
        return len(self._index)

    def close(self) -> None:
        for fh in self._handles.values():
            fh.close()
        self._handles.clear()


class RecordWriter:
    """Appends records to the partial files; `commit` renames them into place."""

    def __init__(self, out_dir: Path, resume: bool):
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.final = out_dir / CLEANED
        self.state_final = out_dir / STATE
        self.partial = out_dir / (CLEANED + PARTIAL)
        self.state_partial = out_dir / (STATE + PARTIAL)
        self.reusable = Reusable()
        self.reusable.add(self.final, self.state_final)
        resume_records = out_dir / (CLEANED + RESUME)
        resume_state = out_dir / (STATE + RESUME)
        for p in (resume_records, resume_state):
            if p.exists():
                p.unlink()
        if resume and self.partial.exists():
            os.replace(self.partial, resume_records)
            if self.state_partial.exists():
                os.replace(self.state_partial, resume_state)
            self.reusable.add(resume_records, resume_state)
        self._cleanup_after = [resume_records, resume_state]
        self._fh = open(self.partial, "wb")
        self._sfh = open(self.state_partial, "wb")
        self._offset = 0

    def write(self, line: bytes, key: str | None) -> None:
        self._fh.write(line)
        self._fh.flush()
        if key is not None:
            entry = json.dumps({"key": key, "offset": self._offset, "length": len(line)}) + "\n"
            self._sfh.write(entry.encode())
            self._sfh.flush()
        self._offset += len(line)

    def commit(self) -> Path:
        for fh in (self._fh, self._sfh):
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        self.reusable.close()
        os.replace(self.partial, self.final)
        os.replace(self.state_partial, self.state_final)
        for p in self._cleanup_after:
            if p.exists():
                p.unlink()
        return self.final

    def abort(self) -> None:
        """Keep the partial files (for --resume); close everything."""
        for fh in (self._fh, self._sfh):
            if not fh.closed:
                fh.flush()
                fh.close()
        self.reusable.close()


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, record or None, parse error or None) for each non-empty line."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except ValueError as exc:
                yield n, None, f"not valid JSON: {exc}"
                continue
            if not isinstance(rec, dict):
                yield n, None, "not a JSON object"
                continue
            yield n, rec, None
