"""A persistent cache of slow results per text (grammar lints per paragraph, language
detection per paragraph and article), in SQLite, keyed by the text and a description of what
produced the result (backend, version, configuration).

SQLite commits are atomic, so an interrupted run leaves a usable cache; several worker
processes can share one file (WAL mode, with a busy timeout).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from typing import Any

SCHEMA_VERSION = "1"


def default_cache_dir() -> Path:
    env = os.environ.get("CLEANUP_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleanup"


class ResultCache:
    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "results.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, lints TEXT NOT NULL)")
        self._pending: list[tuple[str, str]] = []
        self._pending_keys: dict[str, str] = {}

    @staticmethod
    def _key(keybase: str, paragraph: str) -> str:
        h = hashlib.sha256()
        h.update(f"{SCHEMA_VERSION}\0{keybase}\0".encode())
        h.update(paragraph.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, keybase: str, text: str) -> Any | None:
        key = self._key(keybase, text)
        if key in self._pending_keys:
            return json.loads(self._pending_keys[key])
        row = self._db.execute("SELECT lints FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return json.loads(row[0])

    def put(self, keybase: str, text: str, value: Any) -> None:
        key, data = self._key(keybase, text), json.dumps(value)
        self._pending.append((key, data))
        self._pending_keys[key] = data
        if len(self._pending) >= 200:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self._pending)
        self._pending.clear()
        self._pending_keys.clear()

    def close(self) -> None:
        self.flush()
        self._db.close()
