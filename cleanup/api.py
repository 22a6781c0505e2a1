"""The Python API: clean a string, a record, or a stream of records in your own program.

    import cleanup

    result = cleanup.clean("Trade with Chinawhich grew.", grammar="none")
    result.text, result.verdict, result.edits, result.findings

    with cleanup.Cleaner(grammar="harper", unsafe_fixes=True) as cleaner:
        for result in cleaner.clean_records(records, jobs=2):   # records: dicts with `text`
            ...

Options are the command line's long option names as keyword arguments (`grammar="none"`,
`target_lang="de"`, `unsafe_fixes=True`, `select=["fused-word"]`, `rules=["my-rules"]`…). A
`Cleaner` loads its rules and grammar checker on first use, in the process that uses it: it
pickles as its options (for `multiprocessing`, Dask, `datasets.map(num_proc=N)`), and one
instance may be shared by threads (each thread gets its own cache connection; the grammar
checker is used by one thread at a time).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from cleanup.model import Article, ReadError, Record
from cleanup.options import Options, options_from_names


def make_options(**kwargs: Any) -> tuple[Options, float | None]:
    """(Options, per-article timeout) from the CLI's long option names; an unknown name or a
    contradiction is a TypeError/ValueError, never ignored."""
    timeout = kwargs.pop("timeout", None)
    return options_from_names(kwargs), timeout


def article_of(
    item: str | dict[str, Any] | Article,
    index: int = 0,
    text_field: str = "text",
    id_field: str = "id",
    seen: dict[str, str] | None = None,
    max_bytes: int = Options.max_bytes,
) -> Article | ReadError:
    """An Article from a string, a record or an Article. A record is read by the same rules as a
    line of a JSONL input (`text_field`, optional `id_field`, `title`, `format`; other keys are
    carried into the result's `extra`), so a record the CLI would refuse becomes the same error
    result here: the stream goes on and nothing is coerced silently."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article(id=str(index), source="<python>", text=item)
    if isinstance(item, dict):
        from cleanup.reader import Fields, article_of_record

        if id_field not in item:
            item = {id_field: str(index), **item}
        fields = Fields(text=text_field, id=id_field)
        seen = {} if seen is None else seen
        made = next(article_of_record(item, "<python>", index, f"record {index}", seen, fields, max_bytes))
        return dataclasses.replace(made, line=None)  # a position in a stream, not a line of a file
    raise TypeError(f"cannot clean a {type(item).__name__}: give a string, a dict with `{text_field}`, or an Article")


class Cleaner:
    """The pipeline with its options, loaded on first use in each process."""

    def __init__(self, **options: Any):
        self._kwargs = dict(options)
        self.options, self.timeout = make_options(**options)
        self._lock = threading.Lock()
        self._pipeline: Any = None

    @property
    def pipeline(self):
        with self._lock:
            if self._pipeline is None:
                from cleanup.pipeline import Pipeline

                pipeline = Pipeline(self.options)
                pipeline.resources.validate()
                self._pipeline = pipeline
            return self._pipeline

    def clean(self, item: str | dict[str, Any] | Article) -> Record:
        """One text or record to one Result (an input that cannot be cleaned: `result.error`)."""
        return self.pipeline.process(article_of(item, max_bytes=self.options.max_bytes), self.timeout)

    def clean_records(
        self,
        records: Iterable[str | dict[str, Any] | Article],
        jobs: int = 1,
        text_field: str = "text",
        id_field: str = "id",
    ) -> Iterator[Record]:
        """Results in input order, streamed; with `jobs` > 1, in that many worker processes."""
        seen: dict[str, str] = {}  # ids repeated within one stream are errors, as in the CLI
        items = (article_of(r, i, text_field, id_field, seen, self.options.max_bytes) for i, r in enumerate(records))
        if jobs <= 1:
            for item in items:
                yield self.pipeline.process(item, self.timeout)
            return
        import json

        from cleanup.executors.local import process_stream

        for done in process_stream(items, self.options, jobs, lambda key: None, "", timeout=self.timeout):
            yield Record.from_dict(json.loads(done.line))

    def close(self) -> None:
        with self._lock:
            if self._pipeline is not None:
                self._pipeline.close()
                self._pipeline = None

    def __enter__(self) -> Cleaner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"kwargs": self._kwargs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state["kwargs"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Cleaner({', '.join(f'{k}={v!r}' for k, v in self._kwargs.items())})"


def clean(text: str | dict[str, Any], **options: Any) -> Record:
    """Clean one text (or record) and return its Result. For many texts, use a `Cleaner`: it
    loads the rules and the grammar checker once."""
    with Cleaner(**options) as cleaner:
        return cleaner.clean(text)


def schema() -> dict[str, Any]:
    """The JSON Schema of a result's `to_dict()`, i.e. of one line of `cleaned.jsonl` (also
    shipped as `cleanup/record.schema.json` for tools that do not run Python)."""
    from cleanup.record_schema import json_schema

    return json_schema()


def features():
    """The Hugging Face `datasets.Features` of the columns `hf_map` adds."""
    from cleanup.record_schema import hf_features

    return hf_features()


def hf_map(text_field: str = "text", id_field: str = "id", **options: Any):
    """A function for `Dataset.map(fn, batched=True)`: each batch comes back as the record's
    columns (`text` cleaned, `original`, `verdict`, `language`, `edits`, `findings`, `error`…)
    with their Arrow types, so the map needs no hand-written features; it pickles (for
    `num_proc`) and loads the pipeline once per process."""
    return _HFMap(Cleaner(**options), text_field, id_field)


class _HFMap:
    def __init__(self, cleaner: Cleaner, text_field: str, id_field: str):
        self.cleaner, self.text_field, self.id_field = cleaner, text_field, id_field

    def __call__(self, batch: dict[str, list[Any]]):
        from cleanup.record_schema import to_columns

        n = len(batch[self.text_field])
        rows = [{k: batch[k][i] for k in batch} for i in range(n)]
        results = [
            self.cleaner.pipeline.process(
                article_of(row, i, self.text_field, self.id_field, None, self.cleaner.options.max_bytes),
                self.cleaner.timeout,
            ).to_dict()
            for i, row in enumerate(rows)
        ]
        return to_columns(results)
