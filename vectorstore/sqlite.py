"""SQLite as Footnote uses it: one connection per thread (the Streamlit server runs each session
in its own thread, and a connection must stay in the thread that made it), WAL so readers never
wait for the writer, autocommit except inside `transaction()`.

In a folder this user cannot write, a database is opened read-only. A reader of a WAL database
needs its -shm file, which it cannot create there: when no writer has the database open (no
-shm, no unfinished -wal) the main file holds every write, and is opened `immutable`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote


def connect_read_only(path: Path, timeout: float = 60) -> sqlite3.Connection:
    """A connection that never writes, not even a journal file; raises sqlite3.OperationalError
    when the database cannot be read that way."""
    uri = "file:" + quote(str(path.resolve()))
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
        db.execute("PRAGMA user_version").fetchone()  # a WAL database without -shm fails here
        return db
    except sqlite3.OperationalError:
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size:  # writes not yet in the main file
            raise
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout,
                           isolation_level=None)


class PerThreadSQLite:
    # Switching a new file to WAL takes an exclusive lock, and SQLite reports "database is locked"
    # at once (no busy wait) when another thread's connection is being set up at that moment:
    # connections are opened one at a time.
    _opening = threading.Lock()

    def __init__(self, path: Path, pragmas: Sequence[str] = (), timeout: float = 60,
                 read_only: bool = False) -> None:
        self.path = path
        self.pragmas = tuple(pragmas)
        self.timeout = timeout
        self.read_only = read_only
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None and self.read_only:
            db = self._local.db = connect_read_only(self.path, self.timeout)
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
