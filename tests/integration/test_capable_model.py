"""End to end with a capable model played by a server on 127.0.0.1 (tests/helpers/
capable_model.py): fluent, correct paraphrases must survive the citation check with the right
source, and its wrong sentences must not reach the reader. Scored by bench/capable.py, whose
`python -m bench.capable` prints the same figures with every failure."""

from __future__ import annotations

import pytest

from bench.capable import evaluate
from tests.helpers.corpus import index_corpus

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, local_embedder):
    """The 53 labelled documents, indexed once with the real embedder; and their folder."""
    return index_corpus(tmp_path_factory.mktemp("capable"), local_embedder)


@pytest.fixture(scope="module")
def report(corpus_index) -> dict:
    return evaluate(*corpus_index)


def _failures(report: dict, check: str, ids: set[str] | None = None) -> str:
    return "\n".join(f"{f['id']}: {f['why']}: {f['sentence']}" for f in report["failures"]
                     if f["check"] == check and (ids is None or f["id"] in ids))


# Issue 10 asks for 95 % of the correct sentences kept and every disagreeing version kept; the
# checker does not reach that yet, even with the model quoting its support (bench/capable.py and
# docs/benchmarks.md report the figures). These floors are what it reaches now (39 of 100 kept;
# 30 before the model's quotes, 2 before this work), so that a change that loses ground fails
# here; the hallucination and refusal checks are the real bar.
MIN_KEPT_SHARE = 0.35
MIN_NOT_FOUND = 6


def test_correct_sentences_are_kept_with_their_source(report: dict) -> None:
    reached, right = report["correct_reached"], report["correct_right_source"]
    assert reached >= 90  # retrieval shows the model nearly every anchor (100 of 102 today)
    assert right >= MIN_KEPT_SHARE * reached, (f"{right}/{reached} kept and cited right\n"
                                               + _failures(report, "kept"))


def test_no_wrong_sentence_is_shown(report: dict) -> None:
    assert report["wrong_reached"] >= 20  # the model did write them (25 of 27 today)
    assert report["hallucinated_shown"] == 0, _failures(report, "not shown")


def test_questions_the_documents_do_not_answer_are_mostly_refused(report: dict) -> None:
    refused = report["not_found_right"]
    wrong = [a for a in report["answers"] if a["expect"] == "not_found"
             and a["status"] != "not_found"]
    assert refused >= MIN_NOT_FOUND, "\n".join(
        f"{a['id']}: {a['status']}: {a['answer']}" for a in wrong)
