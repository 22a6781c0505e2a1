"""The output record's schema, defined once and rendered three ways: JSON Schema (shipped in
the package, printed by `cleanup schema`, checked against every record the tests produce),
an Arrow schema (Parquet output, `Dataset.map`) and Hugging Face `datasets.Features`.

A record is either a cleaned article or an input that failed (`error`, no text). Besides the
fields below, a record carries the other fields of its JSONL input (their names never clash:
a clashing input field is kept under `extra`).
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = "1"

# (name, type, required in a cleaned record); types: str, int, float, bool, [type], {struct}
EDIT = {"stage": "str", "rule": "str", "start": "int", "end": "int", "before": "str", "after": "str", "message": "str"}
FINDING = {
    "stage": "str",
    "rule": "str",
    "severity": "str",
    "start": "int",
    "end": "int",
    "match": "str",
    "message": "str",
    "suggestions": ["str"],
    "source_start": "int?",
    "source_end": "int?",
    "dismissed": "bool?",
}
DECISION = {
    "target": "str",
    "rule": "str",
    "decision": "str",
    "by": "str",
    "at": "str",
    "before": "str",
    "after": "str",
    "why": "str?",
}
RECORD: dict[str, Any] = {
    "id": "str",
    "source": "str",
    "original": "str",
    "text": "str",
    "language": {"code": "str", "confidence": "float"},
    "verdict": "str",
    "edits": [EDIT],
    "findings": [FINDING],
    "line": "int?",
    "title": "str?",
    "source_text": "str?",
    "source_lang": "str?",
    "alignment": [["int"]],
    "decisions": [DECISION],
}
# written only with a source text (alignment), after `cleanup apply` (decisions)
OPTIONAL = {"alignment", "decisions"}
ENUMS = {
    "verdict": ["clean", "review", "reject"],
    "severity": ["error", "warning", "info"],
    "target": ["edit", "finding"],
    "decision": ["reject", "undone", "apply", "dismiss"],
}
DESCRIPTIONS = {
    "id": "the article id: the input path relative to its folder (no suffix), or the JSONL `id`",
    "source": "the input file",
    "original": "the text exactly as read (after decoding)",
    "text": "the cleaned text: replaying `edits` on `original` gives it",
    "language": "the article's language: a code and langdetect's probability",
    "verdict": "clean, review (an error or warning finding remains) or reject",
    "edits": "the changes in application order; each indexes the text as it stood after the earlier ones",
    "findings": "what was not (safely) fixed; `start`/`end` index `text`, `match == text[start:end]`",
    "line": "the line of a JSONL input",
    "title": "the JSONL input's title",
    "source_text": "the article in its source language (JSONL `source_text` or --source-dir), when given",
    "source_lang": "the source's language: as given, else detected",
    "alignment": "with a source: the paragraphs aligned, [start, end, source_start, source_end] each (an empty span where one side has none)",
    "decisions": "after `cleanup apply`: what editors decided (target edit|finding, rule, decision accept|reject|undone|apply|dismiss, by, at, the text before and after)",
    "error": "why the input could not be cleaned (an error record has no text)",
}


def _json_type(spec: Any, name: str = "") -> dict[str, Any]:
    if isinstance(spec, dict):
        props = {k: _json_type(v, k) for k, v in spec.items()}
        required = [k for k, v in spec.items() if not (isinstance(v, str) and v.endswith("?")) and k not in OPTIONAL]
        return {"type": "object", "properties": props, "required": required}
    if isinstance(spec, list):
        return {"type": "array", "items": _json_type(spec[0], name)}
    base = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}[spec.rstrip("?")]
    out: dict[str, Any] = {"type": base}
    if name in ENUMS:
        out["enum"] = ENUMS[name]
    if name in ("start", "end", "source_start", "source_end", "alignment"):
        out["minimum"] = 0
    if name == "line":
        out["minimum"] = 1
    return out


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of `cleaned.jsonl`."""
    from cleanup import __version__

    cleaned = _json_type(RECORD)
    for name, text in DESCRIPTIONS.items():
        if name in cleaned["properties"]:
            cleaned["properties"][name]["description"] = text
    cleaned["properties"]["findings"]["items"]["additionalProperties"] = False
    cleaned["properties"]["edits"]["items"]["additionalProperties"] = False
    cleaned["properties"]["extra"] = {
        "type": "object",
        "description": "input fields whose names clash with the record's",
    }
    error = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "source": {"type": "string"},
            "error": {"type": "string", "description": DESCRIPTIONS["error"]},
            "line": {"type": "integer", "minimum": 1},
        },
        "required": ["id", "source", "error"],
        "not": {"required": ["text"]},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://example.org/newsroom/cleanup/record-{SCHEMA_VERSION}.schema.json",
        "title": "cleanup output record",
        "description": f"One line of cleaned.jsonl (cleanup {__version__}, schema version {SCHEMA_VERSION}).",
        "oneOf": [cleaned, error],
    }


def _arrow_type(spec: Any):
    import pyarrow as pa

    if isinstance(spec, dict):
        return pa.struct([pa.field(k, _arrow_type(v), nullable=True) for k, v in spec.items()])
    if isinstance(spec, list):
        return pa.list_(_arrow_type(spec[0]))
    return {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}[spec.rstrip("?")]


def arrow_schema(fields: list[str] | None = None):
    """The Arrow schema of records as columns (an error record: `error` set, the rest null)."""
    import pyarrow as pa

    columns = {**RECORD, "error": "str?"}
    names = fields or list(columns)
    return pa.schema([pa.field(n, _arrow_type(columns[n]), nullable=True) for n in names if n in columns])


def hf_features(fields: list[str] | None = None):
    """`datasets.Features` of records as columns."""
    from datasets import Features

    return Features.from_arrow_schema(arrow_schema(fields))


def to_columns(records: list[dict[str, Any]], fields: list[str] | None = None):
    """Records (as `Record.to_dict()` gives them) as an Arrow table of `arrow_schema`."""
    import pyarrow as pa

    schema = arrow_schema(fields)
    columns = {name: [r.get(name) for r in records] for name in schema.names}
    return pa.table(columns, schema=schema)
