"""Answer settings in the sidebar: backend, passages per question (k), strict mode, and a model
connected from the app (an OpenAI key or an OpenAI-compatible server) for this browser session.

A connected key is held in this session's memory only: never written to disk, never shown
again (the field is emptied once it is checked), gone when the session ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st  # noqa: TID251

from app.answering.backends.factory import resolve_choice
from app.answering.backends.openai import list_models
from app.ui import session
from common.config import Settings
from common.errors import LLMError

_CONNECTION = "fn_connection"  # {"api_key", "base_url", "models"} of this session
_KEY, _URL = "fn_connect_key", "fn_connect_url"

BACKENDS = ["auto", "openai", "local", "extractive"]
HELP = {"auto": "OpenAI when a key or server is set, else the local model, else extractive",
        "openai": "OpenAI, or an OpenAI-compatible server (OPENAI_BASE_URL)",
        "local": "a small GGUF model run on this machine (llama-cpp-python)",
        "extractive": "no model: the retrieved sentences that answer best, each cited"}


@dataclass(frozen=True)
class AnswerSettings:
    backend: str
    k: int
    strict: bool
    # settings for this session's answers only (a connected model)
    overrides: dict[str, Any] = field(default_factory=dict)


def answer_settings(settings: Settings) -> AnswerSettings:
    with st.expander("Answer settings", icon=":material/tune:"):
        overrides = _connected_model(settings)
        if overrides:
            settings = settings.model_copy(update=overrides)
        # set through the session state only, so Connect can switch it to openai
        st.session_state.setdefault("fn_backend",
                                    settings.llm if settings.llm in BACKENDS else "auto")
        backend = st.selectbox("Backend", BACKENDS, key="fn_backend",
                               help="; ".join(f"{k}: {v}" for k, v in HELP.items()))
        if backend == "auto":
            st.caption(f"auto → {resolve_choice(settings, backend)}")
        k = st.slider("Passages per question (k)", 1, max(20, settings.top_k),
                      value=settings.top_k, key="fn_k")
        strict = st.toggle("Strict: leave out claims no source supports", value=settings.strict,
                           key="fn_strict",
                           help="Off: such claims stay in the answer, marked (unsupported).")
    return AnswerSettings(backend=backend, k=int(k), strict=bool(strict), overrides=overrides)


def _connected_model(settings: Settings) -> dict[str, Any]:
    """The connect form, or the connected server with its models to choose from."""
    connection = st.session_state.get(_CONNECTION)
    if connection is None:
        with st.popover("Connect a model", icon=":material/key:", width="stretch"):
            st.text_input("OpenAI API key", type="password", key=_KEY,
                          help="Held in this browser session's memory only; never saved.")
            st.text_input("Or an OpenAI-compatible server", key=_URL,
                          placeholder="http://localhost:8080/v1",
                          help="Its base URL (llama.cpp server, vLLM, Ollama, LM Studio...); "
                               "a key above if it needs one.")
            st.button("Connect", key="fn_connect", on_click=_connect,
                      args=(settings.openai_timeout,))
        return {}
    where = connection["base_url"] or "OpenAI"
    model = st.selectbox(f"Model at {where}", connection["models"], key="fn_connected_model")
    st.button("Disconnect", key="fn_disconnect", icon=":material/link_off:", type="tertiary",
              on_click=st.session_state.pop, args=(_CONNECTION, None))
    return {"openai_api_key": connection["api_key"], "openai_base_url": connection["base_url"],
            "openai_model": model}


def _connect(timeout: float) -> None:
    """Check the key or server with one request (its list of models); keep it if it works."""
    api_key = st.session_state.get(_KEY, "").strip() or None
    base_url = st.session_state.get(_URL, "").strip() or None
    st.session_state[_KEY] = ""  # the key is never shown again
    if not api_key and not base_url:
        session.flash("warning", "Enter an OpenAI API key or a server's URL.")
        return
    try:
        models = list_models(api_key, base_url, timeout)
    except LLMError as exc:
        session.flash("error", f"Could not connect: {exc}.")
        return
    if not models:
        session.flash("error", "Could not connect: the server lists no models.")
        return
    st.session_state[_CONNECTION] = {"api_key": api_key, "base_url": base_url, "models": models}
    st.session_state["fn_backend"] = "openai"
    session.flash("success", f"Connected: {len(models)} model"
                  f"{'s' if len(models) > 1 else ''} to choose from.")

