"""Stage `write`: the one writer of an output folder's records and of its resume state.

Records go to a records file and, for each, a line to its state file: the record's input key
(text, id, source, fields and the configuration fingerprint) and byte range. A finished state
file ends with a trailer naming the size and SHA-256 of the records file it describes, so a
state file that no longer matches its records (a crash between two renames, another
executor's run, a hand edit) is recognised and ignored, never used to copy wrong records.

The output folder `OUT/` holds `cleaned.jsonl` + `.state.jsonl` (the last committed run) and,
for the Dask executor, `shards/NAME.jsonl` + `shards/NAME.state.jsonl` (a finished shard).
Every such pair is one kind of thing, read by one index (`Reusable`): a run reuses a record
whose input key is unchanged, whichever executor wrote it. While a run goes, records are
appended to `.cleaned.jsonl.partial` (flushed per record); `commit` renames them into place,
so an interrupted run leaves the previous output intact, and `--resume` reuses what the
partial files hold.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, BinaryIO

from cleanup.model import Article, ReadError

CLEANED = "cleaned.jsonl"
STATE = ".state.jsonl"
PARTIAL = ".partial"
RESUME = ".resume"
LOCK = ".lock"
SHARDS = "shards"


class OutputLocked(Exception):
    """Another run is writing to the same output folder."""


class OutputWriteError(Exception):
    """The output folder could not be written (disk full, no permission): nothing was
    replaced, the previous output is intact."""


def input_key(item: Article | ReadError, fingerprint: str) -> str | None:
    if isinstance(item, ReadError):
        return None  # errors are cheap to recompute and may be fixed by now
    h = hashlib.sha256()
    h.update(fingerprint.encode())
    h.update(
        json.dumps(
            [
                item.id,
                item.source,
                item.line,
                item.title,
                item.extra,
                item.decode_note,
                item.source_lang,
                item.source_problem,
            ],
            sort_keys=True,
            default=str,
        ).encode()
    )
    h.update(b"\0")
    h.update(item.text.encode("utf-8", "surrogatepass"))
    if item.source_text is not None:
        h.update(b"\0source\0" + item.source_text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def read_state(records: Path, state: Path, finished: bool = True) -> list[tuple[str, int, int]] | None:
    """The (key, offset, length) entries of a state file, or None when it does not describe
    `records` (missing, or its trailer names another size or hash). An unfinished state (the
    partial files of an interrupted run) has no trailer; its entries are kept where they fit."""
    if not (records.is_file() and state.is_file()):
        return None
    entries: list[tuple[str, int, int]] = []
    trailer = None
    size = records.stat().st_size
    with open(state, "rb") as fh:
        for raw in fh:
            try:
                entry = json.loads(raw)
                if "trailer" in entry:
                    trailer = entry["trailer"]
                    continue
                key, offset, length = entry["key"], int(entry["offset"]), int(entry["length"])
            except (ValueError, KeyError, TypeError, RecursionError):
                continue  # a line cut short by a kill: ignore it
            if key and offset + length <= size:
                entries.append((key, offset, length))
    if finished:
        if not isinstance(trailer, dict) or trailer.get("size") != size:
            return None
        if file_digest(records)[1] != trailer.get("sha256"):
            return None
    return entries


class RecordFile:
    """Appends records to a records file and their entries to its state file; `finish` writes
    the trailer and makes both durable."""

    def __init__(self, records: Path, state: Path):
        self.records, self.state = records, state
        records.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = open(records, "wb")
        self._sfh: BinaryIO = open(state, "wb")
        self._offset = 0
        self._hash = hashlib.sha256()

    def write(self, line: bytes, key: str | None) -> None:
        self._fh.write(line)
        self._fh.flush()
        self._hash.update(line)
        if key is not None:
            entry = json.dumps({"key": key, "offset": self._offset, "length": len(line)}) + "\n"
            self._sfh.write(entry.encode())
            self._sfh.flush()
        self._offset += len(line)

    def finish(self) -> None:
        self._sfh.write(
            (json.dumps({"trailer": {"size": self._offset, "sha256": self._hash.hexdigest()}}) + "\n").encode()
        )
        for fh in (self._fh, self._sfh):
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()

    def close(self) -> None:
        for fh in (self._fh, self._sfh):
            if not fh.closed:
                fh.flush()
                fh.close()


class Reusable:
    """Records of earlier runs, found by input key, read lazily from disk."""

    def __init__(self) -> None:
        self._index: dict[str, tuple[Path, int, int]] = {}
        self._handles: dict[Path, Any] = {}

    def add(self, records: Path, state: Path, finished: bool = True) -> bool:
        entries = read_state(records, state, finished)
        if entries is None:
            return False
        self._handles[records] = open(records, "rb")
        for key, offset, length in entries:
            self._index[key] = (records, offset, length)
        return True

    def add_folder(self, out_dir: Path) -> None:
        """The committed output and every finished shard of an output folder."""
        self.add(out_dir / CLEANED, out_dir / STATE)
        shard_dir = out_dir / SHARDS
        if shard_dir.is_dir():
            for state in sorted(shard_dir.glob("*" + STATE)):
                self.add(state.with_name(state.name[: -len(STATE)] + ".jsonl"), state)

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


class OutputFolder:
    """An output folder while a run writes to it: locked against a second run, with the
    records of earlier runs to reuse and the partial files of this one."""

    def __init__(self, out_dir: Path, resume: bool = False, reuse: bool = True):
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self._lock_fh = self._lock(out_dir)
        self.final = out_dir / CLEANED
        self.state_final = out_dir / STATE
        self.partial = out_dir / (CLEANED + PARTIAL)
        self.state_partial = out_dir / (STATE + PARTIAL)
        self.reusable = Reusable()
        if reuse or resume:
            self.reusable.add_folder(out_dir)
        resume_records = out_dir / (CLEANED + RESUME)
        resume_state = out_dir / (STATE + RESUME)
        for p in (resume_records, resume_state):
            if p.exists():
                p.unlink()
        if resume and self.partial.exists():
            os.replace(self.partial, resume_records)
            if self.state_partial.exists():
                os.replace(self.state_partial, resume_state)
            self.reusable.add(resume_records, resume_state, finished=False)
        self._cleanup_after = [resume_records, resume_state]
        self.file: RecordFile | None = None

    @staticmethod
    def _lock(out_dir: Path):
        import fcntl

        fh = open(out_dir / LOCK, "a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise OutputLocked(
                f"{out_dir}: another cleanup run is writing to this output folder; wait for it or use another --out"
            ) from None
        return fh

    def start(self) -> RecordFile:
        self.file = RecordFile(self.partial, self.state_partial)
        return self.file

    def write(self, line: bytes, key: str | None) -> None:
        assert self.file is not None
        try:
            self.file.write(line, key)
        except OSError as exc:
            raise self._failed(exc) from exc

    def commit(
        self,
        summary: str,
        render_report: Callable[[Path, IO[str]], object] | None,
        exports: list[tuple[str, Callable]] | None = None,
        fields: list[str] | None = None,
    ) -> Path:
        """Make this run's output the folder's, all of it or none of it: the records, their
        state, the summary and the report are written in full first (the report from the new
        records), then renamed into place one after the other. A failure before the renames
        (a full disk) leaves the previous output as it was; a crash between renames leaves a
        state whose trailer no longer matches, which the next run ignores. Without a report,
        an old report (of another run) is removed rather than left beside new records."""
        from cleanup.output import keep_mode

        assert self.file is not None
        summary_tmp = self.out_dir / ".summary.json.tmp"
        report_tmp = self.out_dir / ".report.html.tmp"
        export_tmps = [(self.out_dir / f".{name}.tmp", self.out_dir / name, write) for name, write in exports or []]
        try:
            self.file.finish()
            summary_tmp.write_text(summary, encoding="utf-8")
            if render_report is not None:
                with open(report_tmp, "w", encoding="utf-8") as fh:
                    render_report(self.partial, fh)
                    fh.flush()
                    os.fsync(fh.fileno())
            for tmp, _final, write in export_tmps:
                write(self.partial, tmp, fields)
        except OSError as exc:
            for p in (summary_tmp, report_tmp, *(t for t, _f, _w in export_tmps)):
                p.unlink(missing_ok=True)
            raise self._failed(exc) from exc
        self.reusable.close()
        for tmp, final in ((summary_tmp, self.out_dir / "summary.json"), (report_tmp, self.out_dir / "report.html")):
            if tmp.exists():
                keep_mode(tmp, final)
        for tmp, final, _write in export_tmps:
            keep_mode(tmp, final)
            os.replace(tmp, final)
        os.replace(self.partial, self.final)
        os.replace(self.state_partial, self.state_final)
        os.replace(summary_tmp, self.out_dir / "summary.json")
        if render_report is not None:
            os.replace(report_tmp, self.out_dir / "report.html")
        else:
            (self.out_dir / "report.html").unlink(missing_ok=True)
        for p in self._cleanup_after:
            if p.exists():
                p.unlink()
        self._unlock()
        return self.final

    def _failed(self, exc: OSError) -> OutputWriteError:
        """Give up writing: remove this run's partial files (a full disk must not be left
        fuller), keep the previous output, unlock."""
        if self.file is not None:
            self.file.close()
        for p in (self.partial, self.state_partial):
            p.unlink(missing_ok=True)
        self.reusable.close()
        self._unlock()
        reason = exc.strerror or str(exc)
        return OutputWriteError(f"{self.out_dir}: cannot write the output ({reason}); the previous output is unchanged")

    def abort(self) -> None:
        """Keep the partial files (for --resume); close everything."""
        if self.file is not None:
            self.file.close()
        self.reusable.close()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()  # closing the file releases the lock
            self._lock_fh = None
