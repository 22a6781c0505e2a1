"""A persistent cache of grammar results per paragraph, in SQLite.

SQLite commits are atomic, so an interrupted run leaves a usable cache; several worker
processes can share one file (WAL mode, with a busy timeout).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from cleanup.grammar import RawLint

SCHEMA_VERSION = "1"


def default_cache_dir() -> Path:
    env = os.environ.get("CLEANUP_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleanup"


class GrammarCache:
    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "grammar.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, lints TEXT NOT NULL)")
        self._pending: list[tuple[str, str]] = []

    @staticmethod
    def _key(keybase: str, paragraph: str) -> str:
        h = hashlib.sha256()
        h.update(f"{SCHEMA_VERSION}\0{keybase}\0".encode())
        h.update(paragraph.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, keybase: str, paragraph: str) -> list[RawLint] | None:
        row = self._db.execute("SELECT lints FROM results WHERE key = ?", (self._key(keybase, paragraph),)).fetchone()
        if row is None:
            return None
        return [RawLint.from_list(x) for x in json.loads(row[0])]

    def put(self, keybase: str, paragraph: str, lints: list[RawLint]) -> None:
        self._pending.append((self._key(keybase, paragraph), json.dumps([x.to_list() for x in lints])))
        if len(self._pending) >= 200:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self._pending)
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._db.close()
