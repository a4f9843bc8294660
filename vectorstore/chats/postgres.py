"""Saved chats in PostgreSQL: the same two tables as on SQLite, so every app server sharing the
database lists a user's chats wherever they were saved."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlalchemy import Engine

from vectorstore.chats import Chat, Turn, chat_title, check_feedback, clean_title
from vectorstore.postgres import Connections, migrate

# One script per schema version; append, never edit.
MIGRATIONS = ["""
CREATE TABLE chats (
    seq BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL
);
CREATE INDEX chats_owner ON chats(owner, updated);
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    question TEXT NOT NULL, answer TEXT NOT NULL,
    feedback SMALLINT CHECK (feedback IN (0, 1)), created DOUBLE PRECISION NOT NULL
);
CREATE INDEX messages_chat ON messages(chat_id, id)
"""]


class PostgresChatStore:
    """Chats and their turns, per owner, in the shared database."""

    def __init__(self, engine: Engine) -> None:
        migrate(engine, "chats", MIGRATIONS)
        self._db = Connections(engine)

    def close(self) -> None:
        """The engine's pool is shared by the process; nothing to release here."""

    def create_chat(self, owner: str, title: str) -> Chat:
        now = time.time()
        chat = Chat(id=uuid.uuid4().hex, title=chat_title(title), created=now, updated=now)
        self._db.run("INSERT INTO chats(id, owner, title, created, updated) "
                     "VALUES (:id, :owner, :title, :created, :updated)",
                     {"owner": owner, **vars(chat)})
        return chat

    def chats(self, owner: str) -> list[Chat]:
        """The owner's chats, most recently used first."""
        rows = self._db.rows("SELECT id, title, created, updated FROM chats WHERE owner=:o "
                             "ORDER BY updated DESC, seq DESC", {"o": owner})
        return [Chat(*row) for row in rows]

    def chat(self, owner: str, chat_id: str) -> Chat | None:
        rows = self._db.rows("SELECT id, title, created, updated FROM chats "
                             "WHERE owner=:o AND id=:i", {"o": owner, "i": chat_id})
        return Chat(*rows[0]) if rows else None

    def delete_chat(self, owner: str, chat_id: str) -> bool:
        return self._db.run("DELETE FROM chats WHERE owner=:o AND id=:i",
                            {"o": owner, "i": chat_id}) > 0

    def rename_chat(self, owner: str, chat_id: str, title: str) -> bool:
        return self._db.run("UPDATE chats SET title=:t WHERE owner=:o AND id=:i",
                            {"t": clean_title(title), "o": owner, "i": chat_id}) > 0

    def add_turn(self, owner: str, chat_id: str, question: str, answer: dict[str, Any]) -> Turn:
        """Append a question and its answer; refuses a chat the owner does not have."""
        now = time.time()
        with self._db.transaction():
            touched = self._db.run("UPDATE chats SET updated=:t WHERE owner=:o AND id=:i",
                                   {"t": now, "o": owner, "i": chat_id})
            if not touched:
                raise KeyError(f"no chat {chat_id!r} for this owner")
            [(turn_id,)] = self._db.rows(
                "INSERT INTO messages(chat_id, question, answer, feedback, created) "
                "VALUES (:c, :q, :a, NULL, :t) RETURNING id",
                {"c": chat_id, "q": question, "a": json.dumps(answer, ensure_ascii=False),
                 "t": now})
        return Turn(id=int(turn_id), chat_id=chat_id, question=question, answer=answer,
                    feedback=None, created=now)

    def turns(self, owner: str, chat_id: str) -> list[Turn]:
        rows = self._db.rows(
            "SELECT m.id, m.chat_id, m.question, m.answer, m.feedback, m.created "
            "FROM messages m JOIN chats c ON c.id = m.chat_id "
            "WHERE c.owner=:o AND c.id=:i ORDER BY m.id", {"o": owner, "i": chat_id})
        return [Turn(id=r[0], chat_id=r[1], question=r[2], answer=json.loads(r[3]),
                     feedback=r[4], created=r[5]) for r in rows]

    def set_feedback(self, owner: str, turn_id: int, value: int | None) -> bool:
        check_feedback(value)
        return self._db.run(
            "UPDATE messages SET feedback=:v WHERE id=:t AND chat_id IN "
            "(SELECT id FROM chats WHERE owner=:o)", {"v": value, "t": turn_id, "o": owner}) > 0
