"""SQLite as Footnote uses it: one connection per thread (the Streamlit server runs each session
in its own thread, and a connection must stay in the thread that made it), WAL so readers never
wait for the writer, autocommit except inside `transaction()`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class PerThreadSQLite:
    # Switching a new file to WAL takes an exclusive lock, and SQLite reports "database is locked"
    # at once (no busy wait) when another thread's connection is being set up at that moment:
    # connections are opened one at a time.
    _opening = threading.Lock()

    def __init__(self, path: Path, pragmas: Sequence[str] = (), timeout: float = 60) -> None:
        self.path = path
        self.pragmas = tuple(pragmas)
        self.timeout = timeout
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._opening:
                db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
                for pragma in ("PRAGMA journal_mode=WAL", *self.pragmas):
                    db.execute(pragma)
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: one writer at a time; all or nothing."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
