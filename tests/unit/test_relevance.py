"""The sentence-vector cache of the relevance scorer."""

from __future__ import annotations

import numpy as np
import pytest

from app.answering import relevance
from app.answering.relevance import Scorer
from vectorstore.embeddings import HashingEmbedder

pytestmark = pytest.mark.unit


def test_a_full_cache_is_emptied_without_losing_the_texts_asked_for(monkeypatch) -> None:
    scorer = Scorer(HashingEmbedder())
    first = scorer.vectors(["one sentence", "another sentence"])
    monkeypatch.setattr(relevance, "CACHE_SENTENCES", 3)
    # one cached text and two new ones: the cache overflows and is cleared mid-call
    again = scorer.vectors(["one sentence", "a third", "a fourth"])
    assert np.allclose(again[0], first[0])
    assert again.shape[0] == 3
