"""A persistent cache of slow results per text (grammar lints per paragraph, language
detection, word frequencies), in SQLite, keyed by the text and a description of what produced
the result (backend, version, configuration).

SQLite commits are atomic, so an interrupted run leaves a usable cache; several worker
processes can share one file (WAL mode, with a busy timeout). Each thread gets its own
connection (SQLite connections may not cross threads).

The cache is an optimisation, never a reason to fail: a cache that cannot be created, opened,
read or written (read-only home, corrupt file, full disk) is reported once on stderr and the
run goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import threading
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
        self._local = threading.local()
        self._lock = threading.Lock()
        self.broken: str | None = None  # why the cache was given up, once it was
        self._connections: list[sqlite3.Connection] = []
        # written in batches: one commit per 200 results, not per result (shared by threads)
        self._pending: dict[str, str] = {}

    # -- connections, one per thread -----------------------------------------------------

    def _db(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, lints TEXT NOT NULL)")
            except (sqlite3.Error, OSError) as exc:
                self._give_up(exc)
                return None
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _give_up(self, exc: BaseException) -> None:
        if self.broken is None:
            self.broken = f"{type(exc).__name__}: {exc}"
            print(f"warning: results cache {self.path} unusable ({self.broken}); going on without it", file=sys.stderr)

    @staticmethod
    def _key(keybase: str, paragraph: str) -> str:
        h = hashlib.sha256()
        h.update(f"{SCHEMA_VERSION}\0{keybase}\0".encode())
        h.update(paragraph.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    # -- the interface ---------------------------------------------------------------------

    def get(self, keybase: str, text: str) -> Any | None:
        db = self._db()
        if db is None:
            return None
        key = self._key(keybase, text)
        with self._lock:
            data = self._pending.get(key)
        if data is not None:
            return json.loads(data)
        try:
            row = db.execute("SELECT lints FROM results WHERE key = ?", (key,)).fetchone()
            return None if row is None else json.loads(row[0])
        except (sqlite3.Error, ValueError) as exc:
            self._give_up(exc)
            return None

    def put(self, keybase: str, text: str, value: Any) -> None:
        if self._db() is None:
            return
        key, data = self._key(keybase, text), json.dumps(value)
        with self._lock:
            self._pending[key] = data
            full = len(self._pending) >= 200
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = list(self._pending.items()), {}
        if not batch:
            return
        db = self._db()
        if db is None:
            return
        try:
            with db:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", batch)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        self.flush()
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            try:
                db.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        # connections do not travel to another process: the copy opens its own
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"].parent)  # type: ignore[misc]
