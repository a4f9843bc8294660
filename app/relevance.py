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

from app.sentences import names_found, numbers, term_recall

# Calibrated thresholds (see module docstring). On the 41 labelled pairs these give 0.878
# accuracy (hard negatives: one name, number or relation changed); on the 28 gold questions the
# relevance cut separates answerable from unanswerable ones (best unanswerable 0.437, worst
# answerable 0.472).
SUPPORT_COSINE = 0.65  # meaning: a paraphrase of the evidence...
SUPPORT_TERMS_WITH_COSINE = 0.10  # ...sharing at least some of its words
SUPPORT_TERMS_ALONE = 0.95  # wording alone: (nearly) every content word found
RELEVANCE_MIN = 0.455  # below this, no retrieved sentence answers the question: not found


@dataclass(frozen=True)
class Support:
    supported: bool
    score: float
    cosine: float
    terms: float


class Scorer:
    """Sentence embeddings with a cache, so selection and checking embed each sentence once."""

    def __init__(self, embedder: Embeddings) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
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
        claim_numbers = numbers(claim)
        terms = [term_recall(claim, text) for text in evidence]
        numbers_ok = [claim_numbers <= numbers(text) and names_found(claim, text)
                      for text in evidence]
        cosines = [0.0] * len(evidence)
        if not any(ok and t >= SUPPORT_TERMS_ALONE
                   for ok, t in zip(numbers_ok, terms, strict=True)):
            ask = [i for i, t in enumerate(terms)
                   if numbers_ok[i] and t >= SUPPORT_TERMS_WITH_COSINE]
            for i, c in zip(ask, self.cosines(claim, [evidence[i] for i in ask]), strict=True):
                cosines[i] = float(c)
        result = []
        for cosine, t, ok in zip(cosines, terms, numbers_ok, strict=True):
            supported = ok and (t >= SUPPORT_TERMS_ALONE
                                or (cosine >= SUPPORT_COSINE and t >= SUPPORT_TERMS_WITH_COSINE))
            result.append(Support(supported, cosine + t, cosine, t))
        return result
