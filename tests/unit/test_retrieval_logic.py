"""Reciprocal rank fusion and query terms, on hand-computed cases."""

from __future__ import annotations

import pytest

from vectorstore.retrieval import RRF_K, keyword_terms, reciprocal_rank_fusion

pytestmark = pytest.mark.unit


def test_rrf_scores_are_the_sum_of_reciprocal_ranks() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]])
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 2))
    assert scores["c"] == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1))
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2))
    assert sorted(scores, key=scores.get, reverse=True) == ["a", "c", "b"]


def test_keyword_terms_drop_stopwords_and_repeats() -> None:
    assert keyword_terms("What is the role of the Minsk Group in the Minsk talks?") == [
        "role", "minsk", "group", "talks"]
