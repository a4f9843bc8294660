"""Saved chats: each chat holds turns (a question and its checked answer, stored as the JSON of
`Answer.to_dict()`, plus the reader's feedback). One interface, one implementation per database:
SQLite under FOOTNOTE_DATA_DIR by default, PostgreSQL when FOOTNOTE_DATABASE_URL is set, so every
app server sharing that database lists the same chats.

Every query is scoped by `owner`, an opaque id the caller chooses (the web app uses one random id
per browser session), so one owner can never read, change or delete another owner's chats, even
with a guessed chat id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from common.config import Settings

TITLE_CHARS = 60


@dataclass(frozen=True)
class Chat:
    id: str
    title: str
    created: float
    updated: float


@dataclass(frozen=True)
class Turn:
    """One question and its answer (the `Answer.to_dict()` form, possibly with extra keys)."""

    id: int
    chat_id: str
    question: str
    answer: dict[str, Any]
    feedback: int | None  # 1 thumbs up, 0 thumbs down, None not given
    created: float


def chat_title(question: str) -> str:
    """A chat is named after its first question, shortened on a word boundary."""
    text = " ".join(question.split())
    if len(text) <= TITLE_CHARS:
        return text or "New chat"
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def clean_title(title: str) -> str:
    """A title the reader typed: one line, at most TITLE_CHARS; a blank one is refused."""
    text = " ".join(title.split())[:TITLE_CHARS]
    if not text:
        raise ValueError("a chat title cannot be empty")
    return text


def check_feedback(value: int | None) -> None:
    if value not in (None, 0, 1):
        raise ValueError("feedback is 1 (up), 0 (down) or None")


class ChatStore(Protocol):
    """Chats and their turns, per owner."""

    def close(self) -> None: ...
    def create_chat(self, owner: str, title: str) -> Chat: ...
    def chats(self, owner: str) -> list[Chat]: ...
    def chat(self, owner: str, chat_id: str) -> Chat | None: ...
    def delete_chat(self, owner: str, chat_id: str) -> bool: ...
    def rename_chat(self, owner: str, chat_id: str, title: str) -> bool: ...
    def add_turn(self, owner: str, chat_id: str, question: str,
                 answer: dict[str, Any]) -> Turn: ...
    def turns(self, owner: str, chat_id: str) -> list[Turn]: ...
    def set_feedback(self, owner: str, turn_id: int, value: int | None) -> bool: ...


def make_chat_store(settings: Settings, read_only: bool = False) -> ChatStore:
    """PostgreSQL when FOOTNOTE_DATABASE_URL is set, else chats.sqlite3 in the data folder; in
    a read-only data folder, a temporary file kept while this process runs."""
    if settings.database_url:
        from vectorstore.chats.postgres import PostgresChatStore
        from vectorstore.postgres import engine_for

        return PostgresChatStore(engine_for(settings.database_url.get_secret_value()))
    from vectorstore.chats.sqlite import SQLiteChatStore

    if read_only:
        return SQLiteChatStore.temporary()
    return SQLiteChatStore((settings.data_dir / "chats.sqlite3").resolve())
