"""How well a sentence answers a question: meaning (cosine similarity of the index's own
embeddings) and wording (the share of the question's content words the sentence holds).
Sentence vectors are cached, so selection and checking embed each sentence once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from common.text import content_terms

# On the 28 gold questions the relevance cut separates answerable from unanswerable ones (best
# unanswerable 0.437, worst answerable 0.472); whether a relevant sentence also gives what the
# question asks for is need.py's test.
RELEVANCE_MIN = 0.455
WORD_MATCH = 0.62  # cosine of two single words' embeddings above which one stands for the other
CACHE_SENTENCES = 20_000  # about 30 MB of 384-d vectors


def term_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content terms that the evidence contains."""
    terms = content_terms(claim)
    if not terms:
        return 0.0
    return len(terms & content_terms(evidence)) / len(terms)


class Scorer:
    """Sentence embeddings with a cache, so selection and checking embed each sentence once."""

    def __init__(self, embedder: Embeddings) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(self._cache) + len(missing) > CACHE_SENTENCES:  # a long-running server
            self._cache.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                v = np.asarray(vector, dtype=np.float32)
                self._cache[text] = v / (np.linalg.norm(v) or 1.0)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def cosines(self, text: str, others: Sequence[str]) -> np.ndarray:
        if not others:
            return np.zeros(0, dtype=np.float32)
        vectors = self.vectors([text, *others])
        return vectors[1:] @ vectors[0]

    def relevance(self, question: str, sentences: Sequence[str]) -> list[float]:
        """How well each sentence answers the question (0..1)."""
        cosines = self.cosines(question, sentences)
        return [0.7 * float(c) + 0.3 * term_recall(question, s)
                for c, s in zip(cosines, sentences, strict=True)]

    def close_words(self, words: Sequence[str], others: Sequence[str],
                    opposite: Mapping[str, str] | None = None) -> list[bool]:
        """For each of `words`: is some word of `others` close to it in meaning? A word's
        `opposite` never counts, however close its vector (north/south are 0.68 apart)."""
        others = [w for w in dict.fromkeys(others) if w]
        if not words or not others:
            return [False] * len(words)
        vectors = self.vectors([*words, *others])
        similarity = vectors[: len(words)] @ vectors[len(words):].T
        opposite = opposite or {}
        return [any(s >= WORD_MATCH and opposite.get(word) != other
                    for s, other in zip(row, others, strict=True))
                for word, row in zip(words, similarity, strict=True)]
