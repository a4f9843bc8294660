"""Reading the pipeline's prompts as a scripted model does: the numbered source blocks, the
question (prompts/answer.md) or the follow-up to rewrite (prompts/condense.md), and writing a
cited sentence back."""

from __future__ import annotations

import re
from collections.abc import Callable

SOURCE_BLOCK = re.compile(r'<source n="(\d+)"[^>]*>\n(.*?)\n</source>', re.S)
_QUESTION = re.compile(r"\nQuestion: (.+)\Z", re.S)  # the end of prompts/answer.md
_CONDENSE = re.compile(r"\nLast question: (.+?)\n+Standalone question:\s*\Z", re.S)
_CLAIM = re.compile(r'<claim n="(\d+)"[^>]*>(.*?)</claim>', re.S)  # prompts/quote.md
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def source_blocks(prompt: str) -> list[tuple[int, str]]:
    return [(int(n), body) for n, body in SOURCE_BLOCK.findall(prompt)]


def question_of(prompt: str) -> str | None:
    found = _QUESTION.search(prompt)
    return found.group(1).strip() if found else None


def follow_up_of(prompt: str) -> str | None:
    """The question a condense (follow-up rewrite) request asks to rewrite, if it is one."""
    found = _CONDENSE.search(prompt)
    return found.group(1).strip() if found else None


def claims_of(prompt: str) -> list[tuple[int, str]]:
    """The numbered claims of a quote request (prompts/quote.md); none for other prompts."""
    return [(int(n), text) for n, text in _CLAIM.findall(prompt)]


def cite(sentence: str, n: int) -> str:
    """'It rained.' -> 'It rained [2].'; without end punctuation the marker goes last."""
    end = _SENTENCE_END.search(sentence)
    if end is None:
        return f"{sentence} [{n}]"
    return f"{sentence[:end.start()]} [{n}]{sentence[end.start():]}"


def citing(needle: str, claim: str) -> Callable[[list[dict]], str]:
    """A scripted model that writes `claim` citing the source holding `needle`, else
    NOT FOUND."""
    def reply(messages: list[dict]) -> str:
        for n, body in source_blocks(messages[-1]["content"]):
            if needle in body:
                return cite(claim, n)
        return "NOT FOUND"

    return reply
