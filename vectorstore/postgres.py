"""PostgreSQL as Footnote uses it: one SQLAlchemy Core engine (psycopg 3) per database URL and
process, a versioned schema per store, and session advisory locks for writers on any machine.

The URL may hold a password: it is never put in a message or a log line; errors name the
setting instead.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from common.errors import StoreError

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """The process's engine for `url` (catalog and chats share its pool)."""
    with _engines_lock:
        if url not in _engines:
            parsed = make_url(url).set(drivername="postgresql+psycopg")
            _engines[url] = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
        return _engines[url]


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for a name (the same on every machine)."""
    return zlib.crc32(f"footnote:{name}".encode())


@contextmanager
def advisory_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold a session advisory lock on its own connection until the block ends; a writer that
    dies releases it with its connection, so a crash never leaves the lock taken."""
    with connect(engine) as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
            conn.commit()


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection, with a failure to reach the server turned into one sentence."""
    try:
        conn = engine.connect()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreError("Cannot reach the PostgreSQL database of FOOTNOTE_DATABASE_URL "
                         f"({reason}); check that the server runs and the URL.") from None
    with conn:
        yield conn


def migrate(engine: Engine, component: str, steps: Sequence[str]) -> None:
    """Bring `component`'s tables to version len(steps): step n (1-based) is the SQL script that
    upgrades version n-1 to n. Concurrent first starts wait for each other."""
    with connect(engine) as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("schema")})
        conn.execute(text("CREATE TABLE IF NOT EXISTS footnote_schema "
                          "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"))
        row = conn.execute(text("SELECT version FROM footnote_schema WHERE component=:c"),
                           {"c": component}).first()
        current = row[0] if row else 0
        if current > len(steps):
            raise StoreError(f"The PostgreSQL database holds Footnote's {component} at schema "
                             f"version {current}, newer than this Footnote knows "
                             f"({len(steps)}); upgrade Footnote.")
        for script in steps[current:]:
            for statement in filter(str.strip, script.split(";")):
                conn.execute(text(statement))
        conn.execute(text("INSERT INTO footnote_schema VALUES (:c, :v) ON CONFLICT (component) "
                          "DO UPDATE SET version = excluded.version"),
                     {"c": component, "v": len(steps)})


class Connections:
    """Thread-local transactions over one engine: inside `transaction()` every statement of the
    thread joins it; outside, each statement commits on its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with connect(self.engine) as conn, conn.begin():
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
        with self.transaction() as conn:
            return list(conn.execute(text(sql), params or {}))

    def run(self, sql: str, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None
            ) -> int:
        """Execute a write (many rows when `params` is a list); returns the rows touched."""
        if isinstance(params, Sequence) and not params:
            return 0
        with self.transaction() as conn:
            return conn.execute(text(sql), params or {}).rowcount
