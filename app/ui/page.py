"""The frame around every page (settings, first-start indexing, the sidebar) and the page menu
(Chat, Evaluate), with one error boundary.

The sidebar's widgets (answer settings, documents) are drawn here, outside the pages, so their
values survive switching pages and both pages answer with the backend and k the reader chose.
A `FootnoteError` (bad setting, unusable backend, index built with another embedder...) is shown
as its one-sentence message with a hint; anything else is logged with its traceback on the
server and shown as one sentence, never as a traceback in the browser.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st  # noqa: TID251
from streamlit.delta_generator import DeltaGenerator  # noqa: TID251
from streamlit.navigation.page import StreamlitPage  # noqa: TID251

from app.accounts import Account
from app.answering.pipeline import Answerer
from app.safe_text import escape_markdown
from app.ui import session
from app.ui.chat import ChatContext, render_chat
from app.ui.chats_panel import chats_panel
from app.ui.documents_panel import documents_panel
from app.ui.login import account_box, signed_in
from app.ui.resources import get_answerer, get_index, get_store, warm_up
from app.ui.seeding import ensure_seeded
from app.ui.settings_panel import AnswerSettings, answer_settings
from common.config import Settings, load_settings
from common.errors import ConfigError, FootnoteError
from vectorstore.chats import ChatStore
from vectorstore.index import Index

log = logging.getLogger("footnote.ui")
FLASH = {"success": st.success, "error": st.error, "info": st.info, "warning": st.warning}
# A page file, not a function: AppTest can open only file pages (`AppTest.switch_page`).
EVALUATE_SCRIPT = Path(__file__).with_name("evaluate_script.py")
_FRAME = "fn_frame"


@dataclass(frozen=True)
class Frame:
    """What the frame built in this run, for the page drawn inside it."""

    settings: Settings
    index: Index
    store: ChatStore
    owner: str
    chosen: AnswerSettings
    answerer: Answerer | None  # None when the chosen backend cannot be built (already shown)
    loading: threading.Thread | None  # the models' background warm-up
    chats_box: DeltaGenerator  # the sidebar slot for the chat list (drawn by the chat page)


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
        _pages(_frame(settings, signed_in(settings))).run()
    except FootnoteError as exc:
        st.error(f"{exc}", icon=":material/error:")
    except Exception as exc:  # a bug: logged in full, one sentence for the reader
        log.exception("unexpected error in the Footnote app")
        st.error(f"Something went wrong ({type(exc).__name__}); the details are in the server "
                 "log. Reload the page to try again.", icon=":material/error:")


def current_frame() -> Frame:
    """The frame of this run, for a page file (which Streamlit runs without arguments)."""
    return st.session_state[_FRAME]


def _pages(frame: Frame) -> StreamlitPage:
    """The page menu; returns the page to run. The frame is kept per session for page files."""
    st.session_state[_FRAME] = frame
    # No page icons: the current page's icon becomes the favicon, fetched from fonts.gstatic.com.
    chat = st.Page(lambda: _chat_page(frame), title="Chat", url_path="chat", default=True)
    evaluate = st.Page(EVALUATE_SCRIPT, title="Evaluate", url_path="evaluate")
    return st.navigation([chat, evaluate], position="top")


def _frame(settings: Settings, account: Account | None) -> Frame:
    owner = account.owner if account else session.LOCAL_OWNER
    with st.sidebar:
        st.markdown("### :material/format_quote: Footnote")
        if account:
            account_box(account)
        chats_box, docs_box, settings_box = st.container(), st.container(), st.container()
    index = get_index(settings)
    store = get_store(settings, index.read_only)
    ensure_seeded(index)
    with settings_box:
        chosen = answer_settings(settings)
    with docs_box:
        st.divider()
        documents_panel(index, settings, manage=account is None or account.is_admin)
    for kind, message in session.take_flashes():
        FLASH.get(kind, st.info)(escape_markdown(message))
    try:
        problem = index.health()
    except FootnoteError as exc:  # the vector store cannot even be opened: say so, go on
        problem = str(exc)
    if problem:
        st.warning(escape_markdown(problem), icon=":material/warning:")
    loading = None
    try:
        answering = settings.model_copy(update=chosen.overrides)  # a connected model
        answerer = get_answerer(answering, index, chosen.backend, chosen.strict)
        loading = warm_up(answering, answerer, chosen.backend)
    except ConfigError as exc:
        st.error(f"{exc} Pick another backend under Answer settings.", icon=":material/error:")
        answerer = None
    return Frame(settings=settings, index=index, store=store, owner=owner, chosen=chosen,
                 answerer=answerer, loading=loading, chats_box=chats_box)


def _chat_page(frame: Frame) -> None:
    render_chat(ChatContext(index=frame.index, store=frame.store, owner=frame.owner,
                            answerer=frame.answerer, k=frame.chosen.k, loading=frame.loading))
    with frame.chats_box:
        chats_panel(frame.store, frame.owner)
