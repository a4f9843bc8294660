"""Saved chats: scoped by owner, consistent under concurrent sessions (threads); on SQLite and on
a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from vectorstore.chats import ChatStore, chat_title, make_chat_store

pytestmark = pytest.mark.integration

ANSWER = {"question": "q", "standalone_question": "q", "status": "answered", "answer": "A [1].",
          "citations": [], "passages": [], "llm": "extractive"}


@pytest.fixture
def open_store(make_settings, fresh_database) -> Callable[[], ChatStore]:
    """Opens the chat store of one installation (each call: a new store, as another process
    would open it)."""
    settings = make_settings(database_url=fresh_database())
    return lambda: make_chat_store(settings)


def test_chats_turns_feedback_and_delete(open_store: Callable[[], ChatStore]) -> None:
    store = open_store()
    chat = store.create_chat("alice", "What happened in Aghdam?")
    turn = store.add_turn("alice", chat.id, "What happened in Aghdam?", ANSWER)
    store.add_turn("alice", chat.id, "And then?", {**ANSWER, "answer": "B [1]."})
    assert [t.question for t in store.turns("alice", chat.id)] == ["What happened in Aghdam?",
                                                                   "And then?"]
    assert store.turns("alice", chat.id)[0].answer == ANSWER
    assert store.set_feedback("alice", turn.id, 1)
    assert store.turns("alice", chat.id)[0].feedback == 1
    assert store.set_feedback("alice", turn.id, None)
    assert store.turns("alice", chat.id)[0].feedback is None
    assert store.delete_chat("alice", chat.id)
    assert store.chats("alice") == [] and store.turns("alice", chat.id) == []


def test_owners_never_see_or_touch_each_others_chats(open_store: Callable[[], ChatStore]) -> None:
    store = open_store()
    mine = store.create_chat("alice", "mine")
    turn = store.add_turn("alice", mine.id, "q", ANSWER)
    assert store.chats("bob") == [] and store.chat("bob", mine.id) is None
    assert store.turns("bob", mine.id) == []
    assert not store.set_feedback("bob", turn.id, 0)
    assert not store.delete_chat("bob", mine.id)
    with pytest.raises(KeyError):
        store.add_turn("bob", mine.id, "q", ANSWER)
    assert store.turns("alice", mine.id)[0].feedback is None


def test_most_recent_chat_first(open_store: Callable[[], ChatStore]) -> None:
    store = open_store()
    old = store.create_chat("a", "old")
    new = store.create_chat("a", "new")
    assert [c.id for c in store.chats("a")] == [new.id, old.id]
    store.add_turn("a", old.id, "q", ANSWER)
    assert [c.id for c in store.chats("a")] == [old.id, new.id]


def test_concurrent_sessions_stay_consistent(open_store: Callable[[], ChatStore]) -> None:
    store = open_store()
    errors: list[BaseException] = []

    def session(owner: str) -> None:
        try:
            for i in range(5):
                chat = store.create_chat(owner, f"chat {i}")
                for j in range(4):
                    turn = store.add_turn(owner, chat.id, f"q{j}", ANSWER)
                    store.set_feedback(owner, turn.id, j % 2)
                if i % 2:
                    store.delete_chat(owner, chat.id)
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(f"owner{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for n in range(6):
        chats = store.chats(f"owner{n}")
        assert sorted(c.title for c in chats) == ["chat 0", "chat 2", "chat 4"]
        for chat in chats:
            assert [t.feedback for t in store.turns(f"owner{n}", chat.id)] == [0, 1, 0, 1]
    reopened = open_store()  # what another process would read
    assert len(reopened.chats("owner0")) == 3


def test_chat_title_is_short() -> None:
    assert chat_title("  What   happened? ") == "What happened?"
    long = chat_title("word " * 40)
    assert long.endswith("…") and len(long) <= 61


def test_rename_a_chat_of_ones_own_only(open_store: Callable[[], ChatStore]) -> None:
    store = open_store()
    chat = store.create_chat("alice", "What happened in Aghdam?")
    assert store.rename_chat("alice", chat.id, "  Aghdam\n handover  ")
    assert store.chat("alice", chat.id).title == "Aghdam handover"
    assert not store.rename_chat("bob", chat.id, "mine now")
    assert store.chat("alice", chat.id).title == "Aghdam handover"
    with pytest.raises(ValueError):
        store.rename_chat("alice", chat.id, "   ")
