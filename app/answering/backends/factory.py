"""Backends are chosen here and nowhere else:

- `openai`: OpenAI, or any OpenAI-compatible server through OPENAI_BASE_URL.
- `local`: a GGUF model in-process, run by llama-cpp-python when installed, else by
  transformers (FOOTNOTE_LOCAL_RUNTIME); SmolLM2-135M-Instruct by default.
- `extractive`: no language model; the sentences that answer the question, each cited.
- `fake`: scripted replies, registered like the others, for unit tests of the pipeline's logic.
"""

from __future__ import annotations

from collections.abc import Callable

from app.answering.backends.base import Backend
from app.answering.backends.extractive import ExtractiveBackend
from app.answering.backends.local import local_available, local_backend
from app.answering.backends.openai import OpenAIBackend
from app.answering.backends.scripted import ScriptedBackend
from app.answering.relevance import Scorer
from common.config import Settings
from common.errors import ConfigError


def resolve_choice(settings: Settings, choice: str) -> str:
    """What `auto` stands for here: openai when a key or server is set, else the local model
    when installed, else extractive. Other choices stand for themselves."""
    if choice != "auto":
        return choice
    if settings.openai_api_key or settings.openai_base_url:
        return "openai"
    return "local" if local_available(settings) else "extractive"


def make_backends(settings: Settings, scorer: Scorer, choice: str | None = None) -> list[Backend]:
    """The backend to ask first, then the one to fall back to when it is unavailable: for
    `openai`, the local model when installed, else the extractive backend."""
    choice = resolve_choice(settings, choice or settings.llm)
    factories: dict[str, Callable[[], Backend]] = {
        "openai": lambda: OpenAIBackend(settings),
        "local": lambda: local_backend(settings),
        "extractive": lambda: ExtractiveBackend(scorer),
        "fake": ScriptedBackend,
    }
    if choice not in factories:
        raise ConfigError(f"Unknown backend {choice!r}; choose one of {', '.join(factories)}.")
    backends = [factories[choice]()]
    if choice == "openai":
        backends.append(local_backend(settings) if local_available(settings)
                        else ExtractiveBackend(scorer))
    return backends
