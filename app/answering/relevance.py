"""How well a sentence answers a question, and whether a passage supports a claim.

Both combine meaning (cosine similarity of the index's own embeddings) with wording (the share
of content words found, numbers matched exactly). The thresholds were calibrated on the labelled
pairs in tests/data/support_pairs.jsonl with `python -m bench.calibrate_support`; the test
tests/unit/test_support_calibration.py holds them to the accuracy reported there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from app.answering.wording import names_found, novel_terms, numbers, term_recall

# Calibrated thresholds (see module docstring). A claim is supported by a piece of evidence when
# its numbers and names all appear there and either every content word does, or the meaning is
# close and at most one word is new. On the 55 labelled pairs (hard negatives: one name, number or
# relation changed, or an invented clause added) this gives precision 1.00, recall 0.68,
# accuracy 0.84 (the best F0.5): a wrong citation costs more than a dropped paraphrase, which
# strict mode reports as a partial answer. On the 28 gold questions the relevance cut separates
# answerable from unanswerable ones (best unanswerable 0.437, worst answerable 0.472).
SUPPORT_COSINE = 0.75
SUPPORT_NOVEL_WITH_COSINE = 1
RELEVANCE_MIN = 0.455  # below this, no retrieved sentence answers the question: not found
CACHE_SENTENCES = 20_000  # about 30 MB of 384-d vectors


@dataclass(frozen=True)
class Support:
    supported: bool
    score: float  # to choose the best quote among supporting windows
    cosine: float
    novel: int


class Scorer:
    """Sentence embeddings with a cache, so selection and checking embed each sentence once."""

    def __init__(self, embedder: Embeddings) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(self._cache) + len(missing) > CACHE_SENTENCES:  # a long-running server
            self._cache.clear()
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

    def support(self, claim: str, evidence: Sequence[str]) -> list[Support]:
        """For each evidence text: does it support the claim? Wording is checked first; the
        embedding model is asked only about evidence whose wording alone does not settle it."""
        facts_ok = [numbers(claim) <= numbers(text) and names_found(claim, text)
                    for text in evidence]
        novel = [novel_terms(claim, text) for text in evidence]
        cosines = [0.0] * len(evidence)
        if not any(ok and n == 0 for ok, n in zip(facts_ok, novel, strict=True)):
            ask = [i for i, n in enumerate(novel)
                   if facts_ok[i] and n <= SUPPORT_NOVEL_WITH_COSINE]
            for i, c in zip(ask, self.cosines(claim, [evidence[i] for i in ask]), strict=True):
                cosines[i] = float(c)
        result = []
        for ok, n, cosine, text in zip(facts_ok, novel, cosines, evidence, strict=True):
            supported = ok and (n == 0 or (n <= SUPPORT_NOVEL_WITH_COSINE
                                           and cosine >= SUPPORT_COSINE))
            result.append(Support(supported, cosine + term_recall(claim, text) - n, cosine, n))
        return result
