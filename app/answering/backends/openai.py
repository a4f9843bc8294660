"""OpenAI, or any OpenAI-compatible server through OPENAI_BASE_URL (LangChain's ChatOpenAI).
Errors become `LLMUnavailable` (try the fallback) or `StreamInterrupted` (keep what arrived)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from app.answering.backends.base import ChatBackend
from common.config import Settings
from common.errors import ConfigError, LLMError, LLMUnavailable, StreamInterrupted

_OPENAI_WINDOWS = {"gpt-4o": 128_000, "gpt-4o-mini": 128_000, "gpt-4.1": 1_000_000,
                   "gpt-4.1-mini": 1_000_000, "gpt-4-turbo": 128_000, "gpt-3.5-turbo": 16_385}


class OpenAIBackend(ChatBackend):
    """OpenAI or an OpenAI-compatible server; errors become LLMUnavailable / StreamInterrupted."""

    can_quote = True  # models behind an API are taken to be capable enough to quote

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
        started = False
        try:
            for chunk in self._client.stream(messages, max_tokens=max_tokens):
                if chunk.content:
                    started = True
                    yield str(chunk.content)
        except ValueError as exc:  # LangChain: the server closed the stream without a chunk
            raise _cut_or_unavailable(started, f"the server sent no answer ({exc})") from None
        except Exception as exc:
            raise _llm_error(exc, started, self.settings.openai_timeout) from None


def list_models(api_key: str | None, base_url: str | None, timeout: float) -> list[str]:
    """The models a server offers, with one request: how the app checks a key or a server
    before using it. Raises LLMUnavailable saying what failed, never echoing the key."""
    import openai

    try:
        client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url or None,
                               timeout=timeout, max_retries=0)
        return sorted(model.id for model in client.models.list())
    except Exception as exc:
        raise _llm_error(exc, False, timeout) from None


def _llm_error(exc: Exception, started: bool, timeout: float) -> LLMError:
    """An OpenAI client error as LLMUnavailable (nothing arrived yet) or StreamInterrupted;
    anything that is not an API error is a bug and goes up unchanged."""
    import openai

    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMUnavailable(f"the server rejected the API key ({_status(exc)})")
    if isinstance(exc, openai.RateLimitError):
        return LLMUnavailable(f"rate limit or quota exceeded ({_status(exc)})")
    if isinstance(exc, openai.APITimeoutError):
        return _cut_or_unavailable(started, f"no answer within {timeout:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return _cut_or_unavailable(started, f"connection failed: {exc}")
    if isinstance(exc, openai.APIStatusError):
        return LLMUnavailable(f"the server failed ({_status(exc)})")
    if isinstance(exc, openai.APIError):
        return _cut_or_unavailable(started, str(exc))
    raise exc


def _cut_or_unavailable(started: bool, reason: str) -> LLMError:
    return StreamInterrupted(reason) if started else LLMUnavailable(reason)


def _status(exc: Exception) -> str:
    code = getattr(exc, "status_code", None)
    return f"HTTP {code}" if code else type(exc).__name__
