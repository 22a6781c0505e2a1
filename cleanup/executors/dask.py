"""The Dask executor (`cleanup run --executor dask`): the corpus in shards on a Dask cluster.

A shard is a group of text files or a byte range of lines of a large JSONL file. Each shard
is cleaned on a worker into `OUT/shards/NAME.jsonl` with its state file, written the same way
as the main output (cleanup/executors/writer.py): the state file, renamed into place last and
ending with a trailer that names its records' hash, is the shard's completion marker. A re-run
skips every finished shard (the shard's name covers its inputs, their size and mtime, and the
configuration fingerprint), and a worker reuses any record the folder already holds for the
same input key, whichever executor wrote it. At the end the main process writes the shards'
records, in input order, through the one writer, so `cleaned.jsonl` and its state are the
local executor's. Without --scheduler a LocalCluster of -j worker processes is started.

Not covered across shards: duplicate ids in one JSONL file are found within a shard only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cleanup.executors.worker import Worker, encode_record
from cleanup.executors.writer import SHARDS, STATE, OutputFolder, RecordFile, Reusable, input_key, read_state
from cleanup.model import ReadError
from cleanup.options import Options
from cleanup.reader import (
    DEFAULT_FIELDS,
    JSONL_SUFFIX,
    Fields,
    InputError,
    InputFile,
    iter_input_files,
    parse_jsonl_lines,
    read_file,
)
from cleanup.summary import Summary, compact

FILES_PER_SHARD = 64
BYTES_PER_SHARD = 4 * 1024 * 1024
# a corpus smaller than 16 shards per worker is cut finer, so every worker has work to the end (one
# 4 MB shard for a 2 MB file ran on one worker of two: Dask took 1.8x the local -j 2's time)
SHARDS_PER_WORKER = 16
MIN_SHARD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Shard:
    index: int
    files: tuple[tuple[str, str, str | None], ...] = ()  # (root, path, why it cannot be read) of other files
    jsonl: str | None = None  # or a byte range of one JSONL file
    start: int = 0
    end: int = 0
    first_line: int = 1
    key: str = ""

    @property
    def name(self) -> str:
        return f"shard-{self.index:06d}-{self.key[:16]}"

    def paths(self, out_dir: Path) -> tuple[Path, Path]:
        shard_dir = out_dir / SHARDS
        return shard_dir / f"{self.name}.jsonl", shard_dir / f"{self.name}{STATE}"


def _size_and_time(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def plan_shards(
    inputs: list[str],
    fingerprint: str,
    shard_bytes: int = BYTES_PER_SHARD,
    follow_symlinks: bool = False,
    workers: int = 1,
) -> list[Shard]:
    """The shards of the inputs: text files in groups, JSONL files in byte ranges, at most
    `shard_bytes` / FILES_PER_SHARD each, and small enough that `workers` get about
    SHARDS_PER_WORKER shards each."""
    shards: list[Shard] = []
    pending: list[tuple[str, str, str | None]] = []
    entries = list(iter_input_files(inputs, follow_symlinks))  # paths only: small beside the corpus
    wanted = max(1, workers * SHARDS_PER_WORKER)
    texts = sum(1 for e in entries if e.path is not None and not _is_plain_jsonl(e))
    files_per_shard = max(1, min(FILES_PER_SHARD, -(-texts // wanted)))

    def key_of(*parts) -> str:
        return hashlib.sha256(json.dumps([fingerprint, *parts], default=str).encode()).hexdigest()

    def flush_files() -> None:
        if pending:
            # the root is part of the key: it decides the articles' ids
            stats = [(root, p, problem, *_size_and_time(p)) for root, p, problem in pending]
            shards.append(Shard(len(shards), files=tuple(pending), key=key_of("files", stats)))
            pending.clear()

    for entry in entries:
        root, path = entry.root, entry.path
        if path is None:
            raise InputError("the dask executor reads files, not stdin")
        if _is_plain_jsonl(entry):  # plain JSONL: byte ranges
            flush_files()
            st = path.stat()
            size = max(MIN_SHARD_BYTES, min(shard_bytes, -(-st.st_size // wanted)))
            for start, end, first_line in _line_ranges(path, size):
                shards.append(
                    Shard(
                        len(shards),
                        jsonl=str(path),
                        start=start,
                        end=end,
                        first_line=first_line,
                        key=key_of("jsonl", str(path), st.st_size, st.st_mtime_ns, start, end),
                    )
                )
        else:
            pending.append((str(root), str(path), entry.problem))
            if len(pending) >= files_per_shard:
                flush_files()
    flush_files()
    return shards


def _is_plain_jsonl(entry: InputFile) -> bool:
    return entry.path is not None and entry.path.suffix.lower() == JSONL_SUFFIX and entry.problem is None


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


def _worker_state(options: Options, out_dir: str, fingerprint: str, timeout: float | None) -> tuple[Worker, Reusable]:
    """This Dask worker's pipeline and index of reusable records, built once per worker
    process and kept on the Dask worker object itself."""
    from distributed import get_worker

    host = get_worker()
    slots = host.__dict__.setdefault("_cleanup_slots", {})
    slot_key = (repr(options), out_dir, fingerprint)
    if slot_key not in slots:
        reusable = Reusable()
        reusable.add_folder(Path(out_dir))
        slots[slot_key] = (Worker(options, timeout), reusable)
    return slots[slot_key]


def clean_shard(
    shard: Shard,
    options: Options,
    out_dir: str,
    fingerprint: str,
    timeout: float | None = None,
    fields: Fields = DEFAULT_FIELDS,
) -> int:
    """Runs on a worker: clean one shard into its records and state files, the state last."""
    worker, reusable = _worker_state(options, out_dir, fingerprint, timeout)
    records, state = shard.paths(Path(out_dir))
    tmp_records, tmp_state = records.with_name(records.name + ".tmp"), state.with_name(state.name + ".tmp")
    out = RecordFile(tmp_records, tmp_state)
    n = 0
    try:
        for item in _shard_items(shard, options, fields):
            key = input_key(item, fingerprint)
            line = reusable.get(key)
            if line is None:
                line = encode_record(worker.pipeline.process(item, timeout).to_dict())
            out.write(line, key)
            n += 1
        out.finish()
    except BaseException:
        out.close()
        raise
    worker.pipeline.resources.flush()
    os.replace(tmp_records, records)
    os.replace(tmp_state, state)  # last: the shard is done once its state is in place
    return n


def _shard_items(shard: Shard, options: Options, fields: Fields = DEFAULT_FIELDS):
    if shard.jsonl:
        with open(shard.jsonl, "rb") as fh:
            fh.seek(shard.start)
            data = fh.read(shard.end - shard.start)
        lines = data.splitlines(keepends=True)
        # number the lines as in the whole file
        yield from parse_jsonl_lines(
            [b"\n"] * (shard.first_line - 1) + lines, shard.jsonl, options.max_bytes, None, fields
        )
        return

    for root, path, problem in shard.files:
        yield from read_file(InputFile(Path(root), Path(path), problem), options.max_bytes, {}, fields)


def run_dask(req, folder: OutputFolder, fingerprint: str, summary: Summary) -> dict:
    """Clean the shards on the cluster, then write their records through `folder`."""
    from dask.distributed import Client, LocalCluster

    out_dir = folder.out_dir
    (out_dir / SHARDS).mkdir(exist_ok=True)
    options, scheduler, jobs = req.options, req.scheduler, req.jobs
    shards = plan_shards(req.inputs, fingerprint, req.shard_bytes, req.follow_symlinks, workers=max(1, jobs))
    done = {s.name for s in shards if read_state(*s.paths(out_dir)) is not None}
    todo = [s for s in shards if s.name not in done]
    cluster = None
    if todo:
        if scheduler:
            client = Client(scheduler)
        else:
            import dask

            # workers forked from this process start with cleanup already imported, as the
            # local executor's do (spawned ones import everything again: ~1 s per worker)
            with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            futures = client.map(
                clean_shard,
                todo,
                options=options,
                out_dir=str(out_dir),
                fingerprint=fingerprint,
                timeout=req.timeout,
                fields=req.fields,
                pure=False,
            )
            client.gather(futures)  # raises the first worker error, e.g. an unusable grammar backend
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    # assemble in input order through the one writer; an id an earlier shard already used
    # (shards are read apart, so only here can a duplicate across them be seen) becomes an
    # error record, as the local executor makes it
    folder.start()
    seen: dict[str, str] = {}
    for s in shards:
        records, state = s.paths(out_dir)
        keys = {offset: key for key, offset, _length in read_state(records, state) or []}
        offset = 0
        with open(records, "rb") as fh:
            for line in fh:
                key = keys.get(offset)
                offset += len(line)
                record = json.loads(line)
                rid = record.get("id")
                where = str(record.get("source", "")) + (f":{record['line']}" if record.get("line") else "")
                if rid in seen and "error" not in record:
                    duplicate = ReadError(
                        rid,
                        record.get("source", ""),
                        f"{where}: duplicate id {rid!r} (first in {seen[rid]})",
                        record.get("line"),
                    )
                    record = duplicate.to_record().to_dict()
                    line, key = encode_record(record), None
                elif isinstance(rid, str):
                    seen.setdefault(rid, where)
                folder.write(line, key)
                summary.add(compact(record), reused=s.name in done)
    keep = {p.name for s in shards for p in s.paths(out_dir)}
    for p in (out_dir / SHARDS).iterdir():
        if p.name not in keep:
            p.unlink()  # shards of older configurations or inputs
    return {"shards": len(shards), "shards_skipped": len(done)}
