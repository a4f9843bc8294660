"""Per-browser-session state: who owns the chats, which chat is open, one-shot messages.

The owner id is random per session and lives only in `st.session_state`: a second browser (or
tab) is a second session and sees only its own chats. The consequence, on purpose: reloading the
page starts a new session with an empty chat list (there are no user accounts to tie chats to).
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st  # noqa: TID251

OWNER = "fn_owner"
CHAT = "fn_chat_id"
FLASH = "fn_flash"
UPLOADER = "fn_uploader_round"


def owner() -> str:
    if OWNER not in st.session_state:
        st.session_state[OWNER] = secrets.token_hex(16)
    return st.session_state[OWNER]


def current_chat() -> str | None:
    return st.session_state.get(CHAT)


def open_chat(chat_id: str | None) -> None:
    st.session_state[CHAT] = chat_id


def flash(kind: str, message: str) -> None:
    """A message to show once, after the rerun an action triggers."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def take_flashes() -> list[tuple[str, Any]]:
    return st.session_state.pop(FLASH, [])
