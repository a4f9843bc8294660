"""What every answer backend offers: stream an answer from numbered sources, rewrite a
follow-up question. Chat models share `ChatBackend` (the prompts in prompts/, one system and one
user message); the backends themselves live beside this module and are built by `factory`."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from app.answering.safety import neutralise
from app.answering.types import Source, Turn
from common.tokens import count_tokens
from prompts import load_prompt


class Backend(ABC):
    """Writes an answer from numbered sources, streaming text; rewrites follow-up questions."""

    name: str
    small = False  # small models get the sentences that matter, not whole passages
    can_quote = False  # can name the words of a source that state a claim (quote)
    # Seconds a draft may take, from the request (model loaded) until a checked sentence is shown;
    # past it the sources' own sentences are shown instead. None: no limit. For small models,
    # whose drafts mostly fail the check: the reader would otherwise wait for the whole draft.
    first_text_budget_s: float | None = None
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

    def quote(self, claims: Sequence[tuple[str, Sequence[Source]]]) -> list[list[str]]:
        """For each claim, the words of its sources that state it ([] for none). Only
        backends with `can_quote` are asked; code verifies every word they return."""
        return [[] for _ in claims]


QUOTE_TOKENS_PER_CLAIM = 120


def parse_quotes(reply: str, count: int) -> list[list[str]]:
    """The excerpts per claim of a reply like {"1": ["...", "..."], "2": "NONE"}; a claim the
    reply leaves out, or a reply that is no such JSON, has none."""
    start, end = reply.find("{"), reply.rfind("}")
    try:
        said = json.loads(reply[start:end + 1]) if 0 <= start < end else {}
    except json.JSONDecodeError:
        said = {}
    out: list[list[str]] = []
    for i in range(1, count + 1):
        value = said.get(str(i)) if isinstance(said, dict) else None
        value = [value] if isinstance(value, str) else value
        out.append([v for v in value if isinstance(v, str) and v.strip().upper() != "NONE"]
                   if isinstance(value, list) else [])
    return out


def format_sources(sources: Sequence[Source]) -> str:
    """The numbered sources for a prompt; a title cannot close its attribute or the block."""
    return "\n\n".join(
        f'<source n="{s.n}" title="{_attribute(s.passage.title)}">\n{s.text}\n</source>'
        for s in sources)


def _attribute(title: str) -> str:
    return neutralise(title).replace('"', "'").replace("\n", " ")


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

    def quote(self, claims: Sequence[tuple[str, Sequence[Source]]]) -> list[list[str]]:
        """One request for all claims; a reply that is not the JSON asked for quotes nothing."""
        sources = {s.n: s for _, cited in claims for s in cited}
        listed = "\n".join(
            f'<claim n="{i}" cites="{", ".join(str(s.n) for s in cited)}">{claim}</claim>'
            for i, (claim, cited) in enumerate(claims, 1))
        prompt = load_prompt("quote").format(
            sources=format_sources([sources[n] for n in sorted(sources)]), claims=listed)
        reply = "".join(self.stream([{"role": "user", "content": prompt}],
                                    QUOTE_TOKENS_PER_CLAIM * len(claims)))
        return parse_quotes(reply, len(claims))

    @abstractmethod
    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]: ...
