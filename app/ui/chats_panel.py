"""Saved chats in the sidebar: new chat, the session's chats, export and delete the open one."""

from __future__ import annotations

import re

import streamlit as st  # noqa: TID251

from app.safe_text import plain_label
from app.ui import session
from app.ui.export import chat_markdown
from vectorstore.chats import ChatStore

SHOWN = 50


def chats_panel(store: ChatStore, owner: str) -> None:
    st.button("New chat", icon=":material/add_comment:", key="fn_new_chat",
              on_click=session.open_chat, args=(None,), width="stretch")
    chats = store.chats(owner)
    current = session.current_chat()
    if chats:
        st.caption("Your chats (this browser session)")
    for chat in chats[:SHOWN]:
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
        st.button("Delete", key="fn_delete_chat", icon=":material/delete:",
                  on_click=_delete, args=(store, owner, chat.id), help="Delete this chat")


def _delete(store: ChatStore, owner: str, chat_id: str) -> None:
    store.delete_chat(owner, chat_id)
    session.open_chat(None)
    session.flash("success", "Chat deleted.")
