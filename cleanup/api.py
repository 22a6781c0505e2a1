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

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from cleanup.model import Article, FixMode, Record
from cleanup.options import Options
from cleanup.registry import closest

# the keyword arguments: the CLI's long option names (with `_`), and how they become Options
OPTION_NAMES = (
    "target_lang",
    "grammar",
    "languagetool_url",
    "languagetool_timeout",
    "rules",
    "select",
    "ignore",
    "unsafe_fixes",
    "no_fix",
    "cache_dir",
    "no_cache",
    "max_bytes",
    "severity",
    "timeout",
)


def make_options(**kwargs: Any) -> tuple[Options, float | None]:
    """(Options, per-article timeout) from the CLI's long option names; an unknown name or a
    contradiction is a TypeError/ValueError, never ignored."""
    for name in kwargs:
        if name not in OPTION_NAMES:
            raise TypeError(f"unknown option {name!r}{closest(name, list(OPTION_NAMES))} (known: {', '.join(OPTION_NAMES)})")
    if kwargs.get("unsafe_fixes") and kwargs.get("no_fix"):
        raise ValueError("unsafe_fixes and no_fix contradict each other")

    def listed(name: str) -> list[str]:
        value = kwargs.get(name) or []
        return [value] if isinstance(value, str) else list(value)

    options = Options(
        target_lang=kwargs.get("target_lang", "en"),
        fix_mode=FixMode.NONE if kwargs.get("no_fix") else FixMode.UNSAFE if kwargs.get("unsafe_fixes") else FixMode.SAFE,
        grammar=kwargs.get("grammar", "harper"),
        languagetool_url=kwargs.get("languagetool_url"),
        languagetool_timeout=float(kwargs.get("languagetool_timeout", 60.0)),
        rule_dirs=listed("rules"),
        select=listed("select"),
        ignore=listed("ignore"),
        cache_dir=kwargs.get("cache_dir"),
        use_cache=not kwargs.get("no_cache", False),
        max_bytes=int(kwargs.get("max_bytes", Options.max_bytes)),
        severity=dict(kwargs.get("severity") or {}),
    )
    return options, kwargs.get("timeout")


def article_of(item: str | dict[str, Any] | Article, index: int = 0, text_field: str = "text", id_field: str = "id") -> Article:
    """An Article from a string, a record (a dict with `text_field`, optional `id_field`,
    `title`, `format`; other keys are carried into the result) or an Article."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article(id=str(index), source="<python>", text=item)
    if isinstance(item, dict):
        if not isinstance(item.get(text_field), str):
            raise TypeError(f"record {index}: `{text_field}` must be a string, got {type(item.get(text_field)).__name__}")
        title = item.get("title")
        extra = {k: v for k, v in item.items() if k not in (text_field, id_field, "title")}
        fmt = item.get("format", "text")
        return Article(
            id=str(item.get(id_field, index)),
            source=str(item.get("source", "<python>")),
            text=item[text_field],
            title=title if isinstance(title, str) else None,
            extra=extra,
            format=fmt if fmt in ("text", "markdown") else "text",
        )
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
        return self.pipeline.process(article_of(item), self.timeout)

    def clean_records(self, records: Iterable[str | dict[str, Any] | Article], jobs: int = 1, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
        """Results in input order, streamed; with `jobs` > 1, in that many worker processes."""
        items = (article_of(r, i, text_field, id_field) for i, r in enumerate(records))
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
    """The JSON Schema of a result's `to_dict()`, i.e. of one line of `cleaned.jsonl`."""
    import json
    from importlib import resources

    return json.loads(resources.files("cleanup").joinpath("record.schema.json").read_text(encoding="utf-8"))


def features():
    """The Hugging Face `datasets.Features` of the columns `hf_map` adds."""
    from cleanup.schema import hf_features

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
        from cleanup.schema import to_columns

        n = len(batch[self.text_field])
        rows = [{k: batch[k][i] for k in batch} for i in range(n)]
        results = [self.cleaner.clean(article_of(row, i, self.text_field, self.id_field)).to_dict() for i, row in enumerate(rows)]
        return to_columns(results)
