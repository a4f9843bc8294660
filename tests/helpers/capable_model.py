"""A capable (GPT-4-class) model played by a script, as the reply function of
`OpenAICompatibleServer`: it answers with the hand-written sentences of
tests/data/capable_answers.jsonl, citing by number the source block that holds each sentence's
anchor. The answers so go through the real OpenAI client, stream and citation check, and the
check is judged on fluent paraphrases rather than on a small model's copies.

Like a real model, it cannot cite what it was not shown: a sentence whose anchor is in no block
is left out, and `written` records, per question, which sentences reached the answer.

Asked to quote the words that state its sentences (prompts/quote.md), it stands by every one it
wrote, wrong ones included, as a model sure of itself would: it quotes the sentence's hand-written
`quotes` (the true support of a correct sentence, the nearest real words of a wrong one), else
its anchor, or, for a sentence with no anchor (an invented source), the sentence itself. The code
must tell them apart.
"""

from __future__ import annotations

import json
import re

from tests.helpers.prompt import cite, claims_of, follow_up_of, question_of, source_blocks

NOT_FOUND = "NOT FOUND"
_BRACKETS = str.maketrans("[]", "()")


def normalise(text: str) -> str:
    """Text as it compares with a source block: white space collapsed, square brackets as round
    ones (the pipeline turns a `[3]` inside a document into `(3)`)."""
    return " ".join(text.translate(_BRACKETS).split())


class CapableModel:
    """Replies to the pipeline's chat requests; `written[question id]` lists the indices of the
    sentences it wrote (cited to the block holding the anchor, or to its invented number)."""

    def __init__(self, entries: list[dict]) -> None:
        self.entries = {entry["question"]: entry for entry in entries}
        self.quotes = {_words(s["text"]): s.get("quotes") or [s["anchor"] or s["text"]]
                       for entry in entries for s in entry["sentences"]}
        self.written: dict[str, list[int]] = {}
        self.replies: dict[str, str] = {}

    def __call__(self, messages: list[dict]) -> str:
        prompt = messages[-1]["content"]
        claims = claims_of(prompt)
        if claims:
            return json.dumps({str(n): self.quotes.get(_words(text), "NONE")
                               for n, text in claims})
        follow_up = follow_up_of(prompt)
        if follow_up is not None:  # the questions stand alone: the rewrite changes nothing
            return follow_up
        question = question_of(prompt)
        entry = self.entries.get(question) if question else None
        if entry is None:
            return NOT_FOUND
        blocks = {n: normalise(body) for n, body in source_blocks(prompt)}
        written, parts = [], []
        for i, sentence in enumerate(entry["sentences"]):
            n = sentence.get("cite") or _block_with(sentence["anchor"], blocks)
            if n is not None:
                written.append(i)
                parts.append(cite(sentence["text"], n))
        reply = entry.get("refusal") or " ".join(parts) or NOT_FOUND
        self.written[entry["id"]], self.replies[entry["id"]] = written, reply
        return reply


def _block_with(anchor: str, blocks: dict[int, str]) -> int | None:
    """The first source number whose block holds the anchor, if any."""
    wanted = normalise(anchor)
    return next((n for n, text in sorted(blocks.items()) if wanted in text), None)


def _words(text: str) -> str:
    """A sentence as it compares with the claim the pipeline sends back (markers gone)."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
