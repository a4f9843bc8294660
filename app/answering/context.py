"""What the model is shown: numbered, neutralised sources that fit its context window.

Prompt and answer always fit: sources are added in rank order while the budget (tiktoken or the
model's own tokenizer) allows, and a source that does not fit whole is cut to its best sentences.
Small local models get only the sentences that matter from the best few passages, which keeps
their prompt, and so their time to first token, short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.answering.backends.base import Backend, format_sources
from app.answering.relevance import Scorer
from app.answering.safety import is_instruction, neutralise
from app.answering.types import Source
from common.text import sentence_spans
from prompts import load_prompt
from vectorstore.retrieval import Passage

SMALL_MODEL_SOURCES = 3
SMALL_MODEL_SENTENCES = 2
SAFETY_MARGIN = 64  # tokens: chat templates add a few per message


def build_sources(question: str, passages: Sequence[Passage], backend: Backend,
                  scorer: Scorer, max_answer_tokens: int) -> list[Source]:
    fixed = backend.count_tokens(load_prompt("system") + load_prompt("answer") + question)
    budget = backend.context_window - max_answer_tokens - fixed - SAFETY_MARGIN
    if backend.small:
        passages = passages[:SMALL_MODEL_SOURCES]
    sources: list[Source] = []
    for passage in map(_titled, passages):
        sentences = [passage.text[a:b] for a, b in sentence_spans(passage.text)
                     if not is_instruction(passage.text[a:b])]
        if not sentences:
            continue
        if backend.small:
            sentences = _best(question, sentences, SMALL_MODEL_SENTENCES, scorer)
        source = _fit(len(sources) + 1, passage, sentences, question, backend, scorer, budget)
        if source is None:
            break
        sources.append(source)
        budget -= backend.count_tokens(format_sources([source]))
    return sources


def _titled(passage: Passage) -> Passage:
    """The passage under its file's name when its title speaks to the model: a document without
    a title of its own is titled by its first sentence, and titles go into the prompt and the
    citations."""
    return replace(passage, title=passage.source) if is_instruction(passage.title) else passage


def _fit(n: int, passage: Passage, sentences: list[str], question: str, backend: Backend,
         scorer: Scorer, budget: int) -> Source | None:
    """The passage as a source within `budget` tokens, cut to its best sentences if needed."""
    while sentences:
        source = Source(n=n, passage=passage, text=neutralise("\n".join(sentences)))
        if backend.count_tokens(format_sources([source])) <= budget:
            return source
        sentences = _best(question, sentences, len(sentences) - 1, scorer)
    return None


def _best(question: str, sentences: list[str], keep: int, scorer: Scorer) -> list[str]:
    """The `keep` most relevant sentences, in their original order."""
    if len(sentences) <= keep:
        return sentences
    scores = scorer.relevance(question, sentences)
    top = sorted(range(len(sentences)), key=lambda i: -scores[i])[:keep]
    return [sentences[i] for i in sorted(top)]
