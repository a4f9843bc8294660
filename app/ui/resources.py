"""Heavy shared objects, built once per server process behind `st.cache_resource`.

The index (embedding model, Chroma client, catalog) and the answer backends (the local model)
are shared by every session. Backends are cached apart from the `Answerer`, so switching strict
mode builds a new, cheap `Answerer` around the same loaded model instead of loading it again.
Cache keys are plain strings derived from the settings that matter to each object.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st  # noqa: TID251

from app.accounts import Accounts
from app.answering.backends.base import Backend
from app.answering.pipeline import Answerer
from common.config import Settings
from vectorstore.chats import ChatStore, make_chat_store
from vectorstore.index import Index
from vectorstore.users import make_user_store

log = logging.getLogger("footnote.ui")
_ANSWER_ONLY = {"llm", "top_k", "strict", "max_answer_tokens", "openai_model", "openai_timeout",
                "openai_max_retries", "openai_context", "local_model_path", "local_context"}


def index_key(settings: Settings) -> str:
    return settings.model_dump_json(exclude=_ANSWER_ONLY)


@st.cache_resource(show_spinner=False)
def _index(key: str, _settings: Settings) -> Index:
    return Index(_settings)


def get_index(settings: Settings) -> Index:
    return _index(index_key(settings), settings)


@st.cache_resource(show_spinner=False)
def _backends(key: str, choice: str, _settings: Settings, _index: Index) -> list[Backend]:
    return Answerer(_settings, _index, llm=choice).backends


@st.cache_resource(show_spinner=False)
def _answerer(key: str, choice: str, strict: bool, _settings: Settings,
              _index: Index) -> Answerer:
    settings = _settings.model_copy(update={"strict": strict})
    return Answerer(settings, _index, backends=_backends(key, choice, _settings, _index))


def get_answerer(settings: Settings, index: Index, choice: str, strict: bool) -> Answerer:
    """One answerer per backend choice and strictness; raises ConfigError for a backend that
    cannot be built (e.g. `openai` without a key)."""
    return _answerer(settings.model_dump_json(exclude={"strict"}), choice, strict, settings,
                     index)


@st.cache_resource(show_spinner=False)
def _warm_up(key: str, choice: str, _answerer: Answerer) -> threading.Thread:
    thread = threading.Thread(target=_load_models, args=(_answerer,), daemon=True,
                              name=f"footnote-warm-up-{choice}")
    thread.start()
    return thread


def _load_models(answerer: Answerer) -> None:
    try:
        answerer.index.embedder.warm_up()
        answerer.backends[0].warm_up()
    except Exception:  # the first question loads them again and reports what fails
        log.warning("model warm-up failed", exc_info=True)


def warm_up(settings: Settings, answerer: Answerer, choice: str) -> threading.Thread:
    """Load the embedding model and the answer model in the background, once per process and
    backend, as soon as a page is shown: the first question then waits for what is left
    (`join`) instead of loading both from scratch, and never loads them twice."""
    return _warm_up(settings.model_dump_json(exclude={"strict"}), choice, answerer)


@st.cache_resource(show_spinner=False)
def _store(key: str, read_only: bool, _settings: Settings) -> ChatStore:
    return make_chat_store(_settings, read_only)


def _database(settings: Settings) -> str:
    """Which database the settings name, as a cache key (it holds the URL, which stays in this
    process's memory)."""
    url = settings.database_url
    return url.get_secret_value() if url else str(settings.data_dir.resolve())


def get_store(settings: Settings, read_only: bool) -> ChatStore:
    """One chat store per database (chats in a temporary file when the data folder is
    `read_only`)."""
    return _store(_database(settings), read_only, settings)


@st.cache_resource(show_spinner=False)
def _accounts(key: str, _settings: Settings) -> Accounts:
    return Accounts(make_user_store(_settings), _settings)


def get_accounts(settings: Settings) -> Accounts:
    """One account manager per database and signing settings."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return _accounts(f"{_database(settings)}|{key}|{settings.session_hours}", settings)
