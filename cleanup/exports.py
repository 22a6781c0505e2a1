"""Output formats beside `cleaned.jsonl` (`cleanup run --export FORMAT`), one registry entry
each: compressed JSONL for large corpora, Parquet (pyarrow, an optional extra) for data tools.
Each writes the run's records (as projected by `--fields`) from the records file to a new file;
the output folder renames it into place with the rest of the run's output."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from cleanup.registry import Registry

# name -> (file name in the output folder, writer(records jsonl, destination, fields))
EXPORTS: Registry[tuple[str, Callable[[Path, Path, list[str] | None], None]]] = Registry("export format")


def _gzip(records: Path, dest: Path, fields: list[str] | None) -> None:
    import gzip

    with open(records, "rb") as src, gzip.open(dest, "wb", compresslevel=6) as out:
        shutil.copyfileobj(src, out, 1 << 20)


def _zstd(records: Path, dest: Path, fields: list[str] | None) -> None:
    import zstandard

    with open(records, "rb") as src, open(dest, "wb") as out:
        zstandard.ZstdCompressor(level=6).copy_stream(src, out)


def _parquet(records: Path, dest: Path, fields: list[str] | None, batch: int = 2000) -> None:
    import pyarrow.parquet as pq

    from cleanup.output import read_records
    from cleanup.record_schema import arrow_schema, to_columns

    schema = arrow_schema(fields)
    with pq.ParquetWriter(dest, schema, compression="zstd") as writer:
        rows: list[dict] = []
        for _n, rec, _err in read_records(records):
            if rec is not None:
                rows.append(rec)
            if len(rows) >= batch:
                writer.write_table(to_columns(rows, fields))
                rows = []
        if rows:
            writer.write_table(to_columns(rows, fields))


EXPORTS.register("jsonl.gz", ("cleaned.jsonl.gz", _gzip))
EXPORTS.register("jsonl.zst", ("cleaned.jsonl.zst", _zstd))
EXPORTS.register("parquet", ("cleaned.parquet", _parquet))
