"""Score fusion and query terms, on hand-computed cases."""

from __future__ import annotations

import pytest

from vectorstore.retrieval import fuse_scores, keyword_terms

pytestmark = pytest.mark.unit


def test_fused_score_weighs_cosine_and_bm25_relative_to_the_best_match() -> None:
    scores = fuse_scores([("a", 0.8), ("b", 0.5)], [("b", 20.0), ("c", 5.0)], dense_weight=0.6)
    assert scores["a"] == pytest.approx(0.6 * 0.8)  # no keyword match
    assert scores["b"] == pytest.approx(0.6 * 0.5 + 0.4 * 1.0)  # the best keyword match
    assert scores["c"] == pytest.approx(0.6 * 0.5 + 0.4 * 0.25)  # the dense floor: 0.5
    assert sorted(scores, key=scores.get, reverse=True) == ["b", "a", "c"]


def test_one_method_alone_ranks_by_its_own_score() -> None:
    assert fuse_scores([("a", 0.3), ("b", 0.7)], [], dense_weight=1.0) == {
        "a": pytest.approx(0.3), "b": pytest.approx(0.7)}
    assert fuse_scores([], [("a", 2.0), ("b", 8.0)], dense_weight=0.0) == {
        "a": pytest.approx(0.25), "b": pytest.approx(1.0)}
    assert fuse_scores([], [("a", 0.0)]) == {"a": 0.0}  # a zero score divides nothing


def test_keyword_terms_drop_stopwords_and_repeats() -> None:
    assert keyword_terms("What is the role of the Minsk Group in the Minsk talks?") == [
        "role", "minsk", "group", "talks"]
