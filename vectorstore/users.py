"""Accounts of a Footnote with logins (FOOTNOTE_AUTH=password): users with their password hashes
and roles, failed logins per name, and the key that signs sessions when none is set.

They live in the database that FOOTNOTE_DATABASE_URL names (users.sqlite3 under the data folder
by default), so every app server on one database knows the same users, counts the same failed
attempts and accepts the same sessions. One implementation for both databases: every statement
here is plain SQL that SQLite and PostgreSQL read alike.

In a read-only data folder users.sqlite3 is only read: logins work, failed ones are counted in
this process's memory, and the signing key must already be there (or set).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, create_engine, text

from common.config import Settings
from common.errors import ConfigError, StoreError
from vectorstore.access import read_only_path
from vectorstore.postgres import connect, engine_for, migrate
from vectorstore.sqlite import connect_read_only

Role = Literal["admin", "user"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
"""


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    role: Role
    created: float


class UserStore:
    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self._failures: dict[str, tuple[int, float]] = {}  # read-only: kept here instead
        if read_only:
            return
        if engine.dialect.name == "postgresql":
            migrate(engine, "users", [SCHEMA])
        else:
            with engine.begin() as conn:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    conn.execute(text(statement))

    def _rows(self, sql: str, params: dict | None = None) -> list:
        opened = connect(self.engine) if self.engine.dialect.name == "postgresql" \
            else self.engine.connect()
        with opened as conn, conn.begin():
            result = conn.execute(text(sql), params or {})
            return list(result) if result.returns_rows else [result.rowcount]

    def user(self, name: str) -> User | None:
        rows = self._rows("SELECT name, password_hash, role, created FROM users WHERE name=:n",
                          {"n": name})
        return User(*rows[0]) if rows else None

    def users(self) -> list[User]:
        return [User(*r) for r in self._rows(
            "SELECT name, password_hash, role, created FROM users ORDER BY name")]

    def add(self, name: str, password_hash: str, role: Role) -> bool:
        """False when the name is taken."""
        return self._rows("INSERT INTO users VALUES (:n, :h, :r, :c) ON CONFLICT (name) "
                          "DO NOTHING", {"n": name, "h": password_hash, "r": role,
                                         "c": time.time()})[0] == 1

    def set_password_hash(self, name: str, password_hash: str) -> bool:
        return self._rows("UPDATE users SET password_hash=:h WHERE name=:n",
                          {"n": name, "h": password_hash})[0] == 1

    def remove(self, name: str) -> bool:
        return self._rows("DELETE FROM users WHERE name=:n", {"n": name})[0] == 1

    def failures(self, name: str) -> tuple[int, float]:
        """Failed logins in a row under this name, and when the last was."""
        if self.read_only:
            return self._failures.get(name, (0, 0.0))
        rows = self._rows("SELECT count, last_at FROM login_failures WHERE name=:n", {"n": name})
        return (rows[0][0], rows[0][1]) if rows else (0, 0.0)

    def record_failure(self, name: str, at: float) -> None:
        if self.read_only:
            self._failures[name] = (self.failures(name)[0] + 1, at)
            return
        self._rows("INSERT INTO login_failures VALUES (:n, 1, :t) ON CONFLICT (name) DO UPDATE "
                   "SET count = login_failures.count + 1, last_at = excluded.last_at",
                   {"n": name, "t": at})

    def clear_failures(self, name: str) -> None:
        if self.read_only:
            self._failures.pop(name, None)
            return
        self._rows("DELETE FROM login_failures WHERE name=:n", {"n": name})

    def signing_key(self) -> str:
        """A random key made once and shared through the database by every app server."""
        if self.read_only:
            rows = self._rows("SELECT value FROM auth_meta WHERE key='signing_key'")
            if not rows:
                raise ConfigError("The read-only data folder holds no key to sign logins with: "
                                  "set FOOTNOTE_SECRET_KEY.")
            return rows[0][0]
        self._rows("INSERT INTO auth_meta VALUES ('signing_key', :k) ON CONFLICT (key) "
                   "DO NOTHING", {"k": secrets.token_urlsafe(32)})
        return self._rows("SELECT value FROM auth_meta WHERE key='signing_key'")[0][0]


def make_user_store(settings: Settings) -> UserStore:
    if settings.database_url:
        return UserStore(engine_for(settings.database_url.get_secret_value()))
    path = (settings.data_dir / "users.sqlite3").resolve()
    if read_only_path(settings) is not None:
        if not path.exists():
            raise StoreError(f"No accounts are kept in the read-only folder {settings.data_dir} "
                             "(no users.sqlite3); add them as a user who can write it.")
        return UserStore(create_engine("sqlite://", creator=lambda: connect_read_only(path)),
                         read_only=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return UserStore(create_engine(f"sqlite:///{path}"))
