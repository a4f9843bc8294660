"""What every answer backend offers: stream an answer from numbered sources, rewrite a
follow-up question. Chat models share `ChatBackend` (the prompts in prompts/, one system and one
user message); the backends themselves live beside this module and are built by `factory`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from app.answering.types import Source, Turn
from common.tokens import count_tokens
from prompts import load_prompt


class Backend(ABC):
    """Writes an answer from numbered sources, streaming text; rewrites follow-up questions."""

    name: str
    small = False  # small models get the sentences that matter, not whole passages
    context_window = 8192

    def count_tokens(self, text: str) -> int:
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
        from app.answering.condense import accept_rewrite, format_history

        prompt = load_prompt("condense").format(history=format_history(history),
                                                question=question)
        text = "".join(self.stream([{"role": "user", "content": prompt}], 64))
        return accept_rewrite(question, history, text)

    @abstractmethod
    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]: ...
