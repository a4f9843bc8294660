"""Saved chats in the sidebar: new chat, the user's chats (searchable by title), export, rename
and delete the open one."""

from __future__ import annotations

import re

import streamlit as st  # noqa: TID251

from app.safe_text import plain_label
from app.ui import session
from app.ui.export import chat_markdown
from vectorstore.chats import TITLE_CHARS, ChatStore

SHOWN = 50


def chats_panel(store: ChatStore, owner: str) -> None:
    st.button("New chat", icon=":material/add_comment:", key="fn_new_chat",
              on_click=session.open_chat, args=(None,), width="stretch")
    chats = store.chats(owner)  # newest first
    current = session.current_chat()
    if chats:
        st.caption("Your chats")
    wanted = st.text_input("Search chats", key="fn_chat_search", placeholder="Search by title",
                           label_visibility="collapsed", icon=":material/search:") \
        if len(chats) > 1 else ""
    found = [c for c in chats if wanted.strip().lower() in c.title.lower()]
    if chats and not found:
        st.caption("No chat title holds that.")
    for chat in found[:SHOWN]:
        st.button(plain_label(chat.title, 42), key=f"chat-{chat.id}", width="stretch",
                  type="primary" if chat.id == current else "tertiary",
                  on_click=session.open_chat, args=(chat.id,))
    chat = next((c for c in chats if c.id == current), None)  # all the owner's chats are here
    if chat is None:
        return
    turns = store.turns(owner, chat.id)
    slug = re.sub(r"[^a-z0-9]+", "-", chat.title.lower()).strip("-")[:40] or "chat"
    with st.container(horizontal=True):
        st.download_button("Export", data=chat_markdown(chat.title, turns),
                           file_name=f"footnote-{slug}.md", mime="text/markdown",
                           key="fn_export", icon=":material/download:", on_click="ignore",
                           help="This chat as Markdown, with citations and sources")
        with st.popover("Rename", icon=":material/edit:", help="Rename this chat"):
            st.text_input("New title", value=chat.title, key=f"fn_title-{chat.id}",
                          max_chars=TITLE_CHARS)
            st.button("Save", key="fn_rename_chat", on_click=_rename,
                      args=(store, owner, chat.id, f"fn_title-{chat.id}"))
        st.button("Delete", key="fn_delete_chat", icon=":material/delete:",
                  on_click=_delete, args=(store, owner, chat.id), help="Delete this chat")


def _rename(store: ChatStore, owner: str, chat_id: str, title_key: str) -> None:
    """Reads the typed title when the button is pressed (a callback's args are from the
    previous run)."""
    try:
        store.rename_chat(owner, chat_id, st.session_state[title_key])
    except ValueError:
        session.flash("warning", "A chat needs a title; it keeps its old one.")


def _delete(store: ChatStore, owner: str, chat_id: str) -> None:
    store.delete_chat(owner, chat_id)
    session.open_chat(None)
    session.flash("success", "Chat deleted.")
