"""The test double: a real, registered backend whose replies come from a function."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from app.answering.backends.base import ChatBackend


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
