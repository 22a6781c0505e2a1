"""cleanup: make machine-translated news articles publishable.

The Python API (see cleanup/api.py and the README's "Use it from Python"):

- `clean(text, **options) -> Result`: one text or record;
- `Cleaner(**options)`: `.clean(text | dict)`, `.clean_records(iterable, jobs=N)`; picklable,
  thread-safe, a context manager;
- `Result`: `text`, `verdict`, `edits`, `findings`, `language`, `to_dict()` (the JSONL record);
- `schema()`, `features()`, `hf_map(**options)`: the record's JSON Schema, its Hugging Face
  features, and a batched `Dataset.map` function.

The names load on first use, so `import cleanup` (and `cleanup --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Cleaner",
    "Edit",
    "Finding",
    "LanguageGuess",
    "Result",
    "Severity",
    "Verdict",
    "__version__",
    "clean",
    "features",
    "hf_map",
    "schema",
]

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.api import Cleaner, clean, features, hf_map, schema
    from cleanup.model import Edit, Finding, LanguageGuess, Severity, Verdict
    from cleanup.model import Record as Result

_LAZY = {
    "Cleaner": ("cleanup.api", "Cleaner"),
    "clean": ("cleanup.api", "clean"),
    "schema": ("cleanup.api", "schema"),
    "features": ("cleanup.api", "features"),
    "hf_map": ("cleanup.api", "hf_map"),
    "Result": ("cleanup.model", "Record"),
    "Edit": ("cleanup.model", "Edit"),
    "Finding": ("cleanup.model", "Finding"),
    "LanguageGuess": ("cleanup.model", "LanguageGuess"),
    "Severity": ("cleanup.model", "Severity"),
    "Verdict": ("cleanup.model", "Verdict"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'cleanup' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
