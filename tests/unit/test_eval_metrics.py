"""The evaluation's metrics on small cases worked out by hand."""

from __future__ import annotations

import dataclasses

import pytest

from app.answering.pipeline import DROPPED_NOTE
from app.answering.types import Answer, Citation
from app.evaluation.metrics import (
    contains_answer,
    exact_match,
    mean_reciprocal_rank,
    normalise,
    percentile,
    ratio,
    recall_at,
    token_f1,
)
from app.evaluation.runner import (
    Scored,
    cites_gold,
    gold_rank,
    judge_citations,
    prediction,
    summarise,
)
from tests.helpers.passages import passage

pytestmark = pytest.mark.unit


def test_normalise_like_squad_and_without_citation_markers() -> None:
    assert normalise("The  Eiffel Tower, in Paris! [1]") == "eiffel tower in paris"
    assert normalise("An apple [2, 3]; a pear.") == "apple pear"


def test_exact_match_and_f1_by_hand() -> None:
    assert exact_match("The Eiffel Tower [1].", ["Eiffel Tower"]) == 1.0
    assert exact_match("Eiffel", ["Eiffel Tower"]) == 0.0
    # prediction "eiffel tower paris" (3 tokens) vs gold "eiffel tower" (2): 2 common,
    # precision 2/3, recall 1 -> F1 = 2 * (2/3) / (5/3) = 0.8
    assert token_f1("the Eiffel Tower, Paris", ["Eiffel Tower"]) == pytest.approx(0.8)
    # the best gold counts: "paris" vs ["london", "paris"] -> 1.0
    assert token_f1("Paris", ["London", "Paris"]) == 1.0
    assert token_f1("", ["Paris"]) == 0.0
    assert token_f1("Rome", ["Paris"]) == 0.0


def test_contains_respects_word_boundaries() -> None:
    assert contains_answer("It opened in 1932 [1].", ["1932"]) == 1.0
    assert contains_answer("It opened in 19321.", ["1932"]) == 0.0
    assert contains_answer("Tonoyan resigned.", ["Davit Tonoyan", "Tonoyan"]) == 1.0
    assert contains_answer("anything", [""]) == 0.0


def test_recall_and_mrr_of_a_known_ranking() -> None:
    ranks = [1, 3, 0, 2]  # first gold at 1, at 3, never, at 2
    assert recall_at(ranks, 1) == 0.25
    assert recall_at(ranks, 2) == 0.5
    assert recall_at(ranks, 5) == 0.75
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert recall_at([], 5) == 0.0 and mean_reciprocal_rank([]) == 0.0


def test_percentile_interpolates() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 0.5) == 30.0
    assert percentile(values, 0.95) == pytest.approx(48.0)  # 40 + 0.8 * 10
    assert percentile([7.0], 0.95) == 7.0 and percentile([], 0.5) == 0.0


def test_ratio_is_none_when_nothing_was_counted() -> None:
    assert ratio(1, 4) == 0.25 and ratio(0, 0) is None


def test_gold_rank_counts_distinct_files_and_identical_copies_once() -> None:
    passages = [passage("x", source="a.txt"), passage("y", source="a.txt", offset=50),
                passage("z", source="b.txt"),
                dataclasses.replace(passage("w", source="c.txt"), also_in=("c-copy.txt",))]
    assert gold_rank(passages, {"a.txt"}) == 1
    assert gold_rank(passages, {"b.txt"}) == 2  # a.txt's second passage does not count
    assert gold_rank(passages, {"c-copy.txt"}) == 3
    assert gold_rank(passages, {"missing.txt"}) == 0


def _answer(text: str, status: str = "answered", cited: dict[int, str] | None = None) -> Answer:
    passages = [passage(t, source=f"s{n}.txt") for n, t in (cited or {}).items()]
    citations = [Citation(n=n, source=p.source, title="", page=None, start=p.start, end=p.end,
                          quote=p.text, quote_start=p.start, quote_end=p.end)
                 for n, p in zip(cited or {}, passages, strict=True)]
    return Answer(question="q", standalone_question="q", status=status, answer=text,
                  citations=citations, passages=passages, llm="extractive")


def test_citation_judging_counts_sentences_by_hand() -> None:
    answer = _answer("The bridge opened in 1932 [1]. It cost nine million pounds [2]. "
                     "It is painted grey. The sources do not say who designed it.",
                     cited={1: "The bridge opened in 1932.", 2: "The bridge is long."})

    def judge(claim: str, p) -> bool:  # supported when the claim's year is in the passage
        return "1932" in claim and "1932" in p.text

    # claims: 3 (the "do not say" note is not one); cited: 2; supported: only the first
    assert judge_citations(answer, judge) == (3, 1, 2, 1)
    assert judge_citations(_answer("x", status="not_found"), judge) == (0, 0, 0, 0)


def test_cites_gold_only_judged_for_given_answers_with_known_gold() -> None:
    answer = _answer("It opened in 1932 [1].", cited={1: "It opened in 1932."})  # s1.txt
    assert cites_gold(answer, {"s1.txt"}) is True
    assert cites_gold(answer, {"other.txt"}) is False
    assert cites_gold(answer, set()) is None
    assert cites_gold(_answer("x", status="not_found"), {"s1.txt"}) is None


def test_prediction_leaves_out_refusals_and_notes() -> None:
    assert prediction(_answer("I could not find it.", status="not_found")) == ""
    assert prediction(_answer(f"It opened in 1932 [1]. {DROPPED_NOTE}", status="partial")) == \
        "It opened in 1932 [1]."


def _scored(**changes) -> Scored:
    base = dict(question="q", answerable=True, status="answered", answer="a", rank=1,
                exact_match=0.0, f1=0.0, contains=0.0, claims=0, claims_supported=0, cited=0,
                cited_supported=0, cites_gold=None, latency_ms=100.0, llm="extractive")
    return Scored(**(base | changes))


def test_summary_by_hand() -> None:
    scored = [
        _scored(rank=1, exact_match=1.0, f1=1.0, contains=1.0, claims=2, claims_supported=2,
                cited=2, cited_supported=2, cites_gold=True, latency_ms=100.0),
        _scored(rank=4, f1=0.5, contains=1.0, claims=2, claims_supported=1, cited=2,
                cited_supported=1, cites_gold=False, latency_ms=300.0),
        _scored(answerable=False, rank=None, status="not_found", latency_ms=200.0),
        _scored(answerable=False, rank=None, status="answered", claims=1, cited=1,
                latency_ms=400.0, llm="local"),
    ]
    summary = summarise(scored)
    assert summary["n"] == 4
    assert summary["retrieval"] == {"recall@1": 0.5, "recall@5": 1.0, "recall@20": 1.0,
                                    "mrr": pytest.approx((1 + 0.25) / 2)}
    assert summary["answers"] == {"exact_match": 0.5, "f1": 0.75, "contains": 1.0}
    assert summary["citations"] == {"precision": 3 / 5, "recall": 3 / 5,
                                    "cites_gold_source": 0.5}
    assert summary["refusal_accuracy"] == 0.5
    assert summary["latency"]["p50_ms"] == 250.0
    assert summary["counts"]["answered_by"] == {"extractive": 2, "local": 1}


def test_summary_without_unanswerable_questions_has_no_refusal_figure() -> None:
    summary = summarise([_scored()])
    assert summary["refusal_accuracy"] is None
    assert summary["citations"] == {"precision": None, "recall": None,
                                    "cites_gold_source": None}
