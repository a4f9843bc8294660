"""Saved chats in SQLite: one file under FOOTNOTE_DATA_DIR with a `chats` table and a `messages`
table. Like the catalog, the store keeps one SQLite connection per thread: the Streamlit server
runs each session's script in its own thread.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vectorstore.chats import Chat, Turn, chat_title, check_feedback, clean_title
from vectorstore.sqlite import PerThreadSQLite

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS chats_owner ON chats(owner, updated);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    question TEXT NOT NULL, answer TEXT NOT NULL,
    feedback INTEGER CHECK (feedback IN (0, 1)), created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_chat ON messages(chat_id, id);
"""
class SQLiteChatStore:
    """Chats and their turns, per owner. Cheap to build; the file is created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sql = PerThreadSQLite(path, pragmas=["PRAGMA foreign_keys=ON"], timeout=30)
        self._ready = False
        self._init_lock = threading.Lock()
        self._scratch: tempfile.TemporaryDirectory | None = None

    @classmethod
    def temporary(cls) -> SQLiteChatStore:
        """Chats for this process only (its data folder is read-only): a file in a temporary
        folder, removed with the store."""
        scratch = tempfile.TemporaryDirectory(prefix="footnote-chats-")
        store = cls(Path(scratch.name) / "chats.sqlite3")
        store._scratch = scratch
        return store

    @property
    def _db(self) -> sqlite3.Connection:
        db = self._sql.db
        with self._init_lock:
            if not self._ready:
                with self._sql.transaction():  # idempotent, so concurrent first uses agree
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self._ready = True
        return db

    def close(self) -> None:
        self._sql.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        _ = self._db  # the tables exist before the first write
        with self._sql.transaction() as db:
            yield db

    def create_chat(self, owner: str, title: str) -> Chat:
        now = time.time()
        chat = Chat(id=uuid.uuid4().hex, title=chat_title(title), created=now, updated=now)
        with self._transaction() as db:
            db.execute("INSERT INTO chats VALUES (?, ?, ?, ?, ?)",
                       (chat.id, owner, chat.title, chat.created, chat.updated))
        return chat

    def chats(self, owner: str) -> list[Chat]:
        """The owner's chats, most recently used first."""
        rows = self._db.execute(
            "SELECT id, title, created, updated FROM chats WHERE owner=? "
            "ORDER BY updated DESC, rowid DESC", (owner,))
        return [Chat(*row) for row in rows]

    def chat(self, owner: str, chat_id: str) -> Chat | None:
        row = self._db.execute("SELECT id, title, created, updated FROM chats "
                               "WHERE owner=? AND id=?", (owner, chat_id)).fetchone()
        return Chat(*row) if row else None

    def delete_chat(self, owner: str, chat_id: str) -> bool:
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM chats WHERE owner=? AND id=?", (owner, chat_id))
        return cursor.rowcount > 0

    def rename_chat(self, owner: str, chat_id: str, title: str) -> bool:
        with self._transaction() as db:
            cursor = db.execute("UPDATE chats SET title=? WHERE owner=? AND id=?",
                                (clean_title(title), owner, chat_id))
        return cursor.rowcount > 0

    def add_turn(self, owner: str, chat_id: str, question: str, answer: dict[str, Any]) -> Turn:
        """Append a question and its answer; refuses a chat the owner does not have."""
        now = time.time()
        payload = json.dumps(answer, ensure_ascii=False)
        with self._transaction() as db:
            touched = db.execute("UPDATE chats SET updated=? WHERE owner=? AND id=?",
                                 (now, owner, chat_id)).rowcount
            if not touched:
                raise KeyError(f"no chat {chat_id!r} for this owner")
            cursor = db.execute(
                "INSERT INTO messages(chat_id, question, answer, feedback, created) "
                "VALUES (?, ?, ?, NULL, ?)", (chat_id, question, payload, now))
        return Turn(id=int(cursor.lastrowid or 0), chat_id=chat_id, question=question,
                    answer=answer, feedback=None, created=now)

    def turns(self, owner: str, chat_id: str) -> list[Turn]:
        rows = self._db.execute(
            "SELECT m.id, m.chat_id, m.question, m.answer, m.feedback, m.created "
            "FROM messages m JOIN chats c ON c.id = m.chat_id "
            "WHERE c.owner=? AND c.id=? ORDER BY m.id", (owner, chat_id))
        return [Turn(id=r[0], chat_id=r[1], question=r[2], answer=json.loads(r[3]),
                     feedback=r[4], created=r[5]) for r in rows]

    def set_feedback(self, owner: str, turn_id: int, value: int | None) -> bool:
        check_feedback(value)
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET feedback=? WHERE id=? AND chat_id IN "
                "(SELECT id FROM chats WHERE owner=?)", (value, turn_id, owner))
        return cursor.rowcount > 0
