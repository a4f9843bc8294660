"""Per-browser-session state: who owns the chats, which chat is open, one-shot messages.

Without accounts (FOOTNOTE_AUTH=none) there is one local user, and every chat is theirs: listed
after a reload and after a restart, in every tab; with logins, each account owns its chats
(`app.ui.login`). The open chat's id is
kept in the page's address (`?chat=...`), so a reload reopens it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st  # noqa: TID251

LOCAL_OWNER = "local"  # the one user of an app without accounts
CHAT = "fn_chat_id"
FLASH = "fn_flash"
UPLOADER = "fn_uploader_round"
_CHAT_PARAM = "chat"


def current_chat() -> str | None:
    if CHAT not in st.session_state:  # a new session, perhaps a reload: the address says
        st.session_state[CHAT] = st.query_params.get(_CHAT_PARAM)
    return st.session_state[CHAT]


def open_chat(chat_id: str | None) -> None:
    st.session_state[CHAT] = chat_id
    if chat_id:
        st.query_params[_CHAT_PARAM] = chat_id
    else:
        st.query_params.pop(_CHAT_PARAM, None)


def flash(kind: str, message: str) -> None:
    """A message to show once, after the rerun an action triggers."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def take_flashes() -> list[tuple[str, Any]]:
    return st.session_state.pop(FLASH, [])
