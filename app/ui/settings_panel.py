"""Answer settings in the sidebar: backend, passages per question (k), strict mode."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st  # noqa: TID251

from app.answering.backends.factory import resolve_choice
from common.config import Settings

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


def answer_settings(settings: Settings) -> AnswerSettings:
    with st.expander("Answer settings", icon=":material/tune:"):
        default = settings.llm if settings.llm in BACKENDS else "auto"
        backend = st.selectbox("Backend", BACKENDS, index=BACKENDS.index(default),
                               key="fn_backend",
                               help="; ".join(f"{k}: {v}" for k, v in HELP.items()))
        if backend == "auto":
            st.caption(f"auto → {resolve_choice(settings, backend)}")
        k = st.slider("Passages per question (k)", 1, max(20, settings.top_k),
                      value=settings.top_k, key="fn_k")
        strict = st.toggle("Strict: leave out claims no source supports", value=settings.strict,
                           key="fn_strict",
                           help="Off: such claims stay in the answer, marked (unsupported).")
    return AnswerSettings(backend=backend, k=int(k), strict=bool(strict))
