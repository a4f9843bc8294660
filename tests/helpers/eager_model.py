"""An EAGER chat model for `OpenAICompatibleServer`: it never refuses. Whatever the question, it
answers with the two source sentences sharing the most content words with it, copied verbatim
and cited. The worst case for refusals: only the pipeline's own checks can make it not_found.
"""

from __future__ import annotations

from common.text import content_terms, sentence_spans
from tests.helpers.prompt import cite, follow_up_of, question_of, source_blocks

SENTENCES = 2


def eager_reply(messages: list[dict]) -> str:
    """The reply to a chat request: a condense (follow-up rewrite) request gets its question back
    unchanged; an answer request gets the two source sentences sharing the most content
    words with the question, each cited."""
    prompt = messages[-1]["content"]
    follow_up = follow_up_of(prompt)
    if follow_up is not None:
        return follow_up
    terms = content_terms(question_of(prompt) or prompt)
    sentences = [(n, text[a:b]) for n, text in source_blocks(prompt)
                 for a, b in sentence_spans(text)]
    # sorted() is stable: among equally good sentences the better-ranked source comes first
    best = sorted(sentences, key=lambda s: -len(terms & content_terms(s[1])))[:SENTENCES]
    return " ".join(cite(text, n) for n, text in best)
