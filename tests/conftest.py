"""Shared fixtures and the audit-trail invariants every record a test produces must keep."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEV_CORPUS = SHARED / "dev-corpus"

sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # tests never share the user's grammar cache, and never each other's unless they ask
    monkeypatch.setenv("CLEANUP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def options_none():
    from cleanup.options import Options

    return Options(grammar="none")


@pytest.fixture(scope="session")
def pipeline_none(options_none):
    from cleanup.pipeline import Pipeline

    p = Pipeline(options_none)
    yield p
    p.close()


@pytest.fixture(scope="session")
def pipeline_harper(tmp_path_factory):
    from cleanup.options import Options
    from cleanup.pipeline import Pipeline

    p = Pipeline(Options(grammar="harper", cache_dir=str(tmp_path_factory.mktemp("harper-cache"))))
    yield p
    p.close()


def read_jsonl(path: Path, validate: bool = True) -> list[dict]:
    """The records of an output file, each checked against the shipped JSON Schema (every
    record a test reads this way is validated)."""
    records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if validate:
        for rec in records:
            validate_record(rec)
    return records


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    from cleanup.api import schema

    return jsonschema.Draft202012Validator(schema())


def validate_record(record: dict) -> None:
    _validator().validate(record)
