"""`cleanup run --executor dask`: the corpus in shards on a Dask cluster.

A shard is a group of text files or a byte range of lines of a large JSONL file. Each shard
is cleaned on a worker and written to its own file under OUT/shards/ atomically, then marked
done with a `.done` file holding its counts; a re-run skips every shard whose marker exists
(the shard key covers the files' size and mtime and the configuration fingerprint). At the
end the shard files are concatenated in input order into OUT/cleaned.jsonl, so the records
are the local executor's. Without --scheduler a LocalCluster of -j worker processes is started.

Not covered across shards: duplicate ids in one JSONL file are found within a shard only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from cleanup.output import CLEANED, atomic_write_bytes, atomic_write_text
from cleanup.pipeline import Options
from cleanup.reader import JSONL_SUFFIX, InputError, _article_id, _parse_jsonl_lines, iter_input_files, read_bytes
from cleanup.summary import Summary, compact

FILES_PER_SHARD = 64
BYTES_PER_SHARD = 4 * 1024 * 1024


@dataclass(frozen=True)
class Shard:
    index: int
    files: tuple[tuple[str, str], ...] = ()  # (root, path) of .txt/.md files
    jsonl: str | None = None  # or a byte range of one JSONL file
    start: int = 0
    end: int = 0
    first_line: int = 1
    key: str = ""

    @property
    def name(self) -> str:
        return f"shard-{self.index:06d}-{self.key[:16]}"


def plan_shards(inputs: list[str], fingerprint: str, shard_bytes: int = BYTES_PER_SHARD) -> list[Shard]:
    shards: list[Shard] = []
    pending: list[tuple[str, str]] = []

    def key_of(*parts) -> str:
        return hashlib.sha256(json.dumps([fingerprint, *parts], default=str).encode()).hexdigest()

    def flush_files() -> None:
        if pending:
            stats = [(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for _root, p in pending]
            shards.append(Shard(len(shards), files=tuple(pending), key=key_of("files", stats)))
            pending.clear()

    for root, path in iter_input_files(inputs):
        if path is None:
            raise InputError("the dask executor reads files, not stdin")
        if path.suffix.lower() == JSONL_SUFFIX:
            flush_files()
            st = path.stat()
            for start, end, first_line in _line_ranges(path, shard_bytes):
                shards.append(Shard(len(shards), jsonl=str(path), start=start, end=end, first_line=first_line,
                                    key=key_of("jsonl", str(path), st.st_size, st.st_mtime_ns, start, end)))
        else:
            pending.append((str(root), str(path)))
            if len(pending) >= FILES_PER_SHARD:
                flush_files()
    flush_files()
    return shards


def _line_ranges(path: Path, shard_bytes: int):
    """(start byte, end byte, first line number) ranges of about `shard_bytes`, on line ends."""
    size = path.stat().st_size
    start, line = 0, 1
    with open(path, "rb") as fh:
        while start < size:
            fh.seek(min(start + shard_bytes, size))
            if fh.tell() < size:
                fh.readline()  # finish the line
            end = fh.tell()
            fh.seek(start)
            lines = fh.read(end - start).count(b"\n")
            yield start, end, line
            line += lines
            start = end


_pipelines: dict[str, object] = {}


def clean_shard(shard: Shard, options: Options, out_dir: str) -> list:
    """Runs on a worker: clean one shard, write it atomically, then its marker."""
    from cleanup.pipeline import Pipeline
    from cleanup.runner import encode_record

    key = repr(options)
    if key not in _pipelines:  # one pipeline (and grammar backend) per worker process
        _pipelines[key] = Pipeline(options)
    pipeline = _pipelines[key]
    shard_dir = Path(out_dir) / "shards"
    lines, counts = [], []
    for item in _shard_items(shard, options):
        record = pipeline.process(item)
        lines.append(encode_record(record))
        counts.append(compact(record))
    if pipeline._cache is not None:
        pipeline._cache.flush()
    atomic_write_bytes(shard_dir / f"{shard.name}.jsonl", b"".join(lines))
    atomic_write_text(shard_dir / f"{shard.name}.done", json.dumps(counts))
    return counts


def _shard_items(shard: Shard, options: Options):
    if shard.jsonl:
        with open(shard.jsonl, "rb") as fh:
            fh.seek(shard.start)
            data = fh.read(shard.end - shard.start)
        lines = data.splitlines(keepends=True)
        # number the lines as in the whole file
        yield from _parse_jsonl_lines([b"\n"] * (shard.first_line - 1) + lines, shard.jsonl, options.max_bytes)
        return
    from cleanup.model import ReadError

    for root, path in shard.files:
        p = Path(path)
        art_id = _article_id(p, Path(root))
        try:
            if p.stat().st_size > options.max_bytes:
                yield ReadError(art_id, path, f"{path}: {p.stat().st_size} bytes is over the limit of {options.max_bytes} (--max-bytes)")
                continue
            data = p.read_bytes()
        except OSError as exc:
            yield ReadError(art_id, path, f"{path}: cannot read: {exc.strerror or exc}")
            continue
        yield from read_bytes(data, path, art_id, jsonl=False, max_bytes=options.max_bytes)


def run_dask(inputs, out_dir: Path, options: Options, fingerprint: str, scheduler: str | None, summary: Summary,
             started: float, jobs: int = 2, shard_bytes: int = BYTES_PER_SHARD) -> Summary:
    from dask.distributed import Client, LocalCluster

    out_dir.mkdir(parents=True, exist_ok=True)
    shard_dir = out_dir / "shards"
    shard_dir.mkdir(exist_ok=True)
    shards = plan_shards(inputs, fingerprint, shard_bytes)
    done = {s.name for s in shards if (shard_dir / f"{s.name}.done").exists() and (shard_dir / f"{s.name}.jsonl").exists()}
    todo = [s for s in shards if s.name not in done]
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(clean_shard, todo, options=options, out_dir=str(out_dir), pure=False)
        client.gather(futures)  # raises the first worker error, e.g. an unusable grammar backend
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    # assemble in input order, atomically; count from the markers
    tmp = out_dir / (CLEANED + ".partial")
    with open(tmp, "wb") as out:
        for s in shards:
            with open(shard_dir / f"{s.name}.jsonl", "rb") as fh:
                shutil.copyfileobj(fh, out)
            for counts in json.loads((shard_dir / f"{s.name}.done").read_text()):
                summary.add(counts, reused=s.name in done)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, out_dir / CLEANED)
    keep = {f"{s.name}.jsonl" for s in shards} | {f"{s.name}.done" for s in shards}
    for p in shard_dir.iterdir():
        if p.name not in keep:
            p.unlink()  # shards of older configurations
    summary.seconds = time.monotonic() - started
    atomic_write_text(out_dir / "summary.json", json.dumps({**summary.to_dict(), "shards": len(shards), "shards_skipped": len(done)}, indent=2) + "\n")
    return summary
