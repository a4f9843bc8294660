"""The page: settings, first-start indexing, the sidebar and the chat, with one error boundary.

A `FootnoteError` (bad setting, unusable backend, index built with another embedder...) is shown
as its one-sentence message with a hint; anything else is logged with its traceback on the
server and shown as one sentence, never as a traceback in the browser.
"""

from __future__ import annotations

import logging

import streamlit as st  # noqa: TID251

from app.config import Settings, load_settings
from app.errors import ConfigError, FootnoteError
from app.ui import session
from app.ui.chat import ChatContext, render_chat
from app.ui.chats_panel import chats_panel
from app.ui.documents_panel import documents_panel
from app.ui.resources import get_answerer, get_index, get_store, warm_up
from app.ui.safe_text import escape_markdown
from app.ui.seeding import ensure_seeded
from app.ui.settings_panel import answer_settings

log = logging.getLogger("footnote.ui")
FLASH = {"success": st.success, "error": st.error, "info": st.info, "warning": st.warning}


def run() -> None:
    # No custom page_icon: a Material icon favicon is fetched from fonts.gstatic.com, and the
    # app is offline by design (the e2e test fails on any request leaving 127.0.0.1).
    st.set_page_config(page_title="Footnote")
    try:
        settings = load_settings()
    except ConfigError as exc:
        st.error(f"{exc} Fix it in the environment or in .env, then restart the app.")
        return
    try:
        _page(settings)
    except FootnoteError as exc:
        st.error(f"{exc}", icon=":material/error:")
    except Exception as exc:  # a bug: logged in full, one sentence for the reader
        log.exception("unexpected error in the Footnote app")
        st.error(f"Something went wrong ({type(exc).__name__}); the details are in the server "
                 "log. Reload the page to try again.", icon=":material/error:")


def _page(settings: Settings) -> None:
    owner = session.owner()
    with st.sidebar:
        st.markdown("### :material/format_quote: Footnote")
        chats_box, docs_box, settings_box = st.container(), st.container(), st.container()
    index = get_index(settings)
    store = get_store(settings)
    ensure_seeded(index)
    with settings_box:
        chosen = answer_settings(settings)
    with docs_box:
        st.divider()
        documents_panel(index, settings)
    for kind, message in session.take_flashes():
        FLASH.get(kind, st.info)(escape_markdown(message))
    loading = None
    try:
        answerer = get_answerer(settings, index, chosen.backend, chosen.strict)
        loading = warm_up(settings, answerer, chosen.backend)
    except ConfigError as exc:
        st.error(f"{exc} Pick another backend under Answer settings.", icon=":material/error:")
        answerer = None
    render_chat(ChatContext(index=index, store=store, owner=owner, answerer=answerer,
                            k=chosen.k, loading=loading))
    with chats_box:
        chats_panel(store, owner)
