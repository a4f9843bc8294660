"""Refusals on the labelled corpus, with the questions and code of bench/refusals.py, for the
extractive backend, the local model and an EAGER model that never refuses (behind an
OpenAI-compatible server on 127.0.0.1: only the pipeline's own checks can refuse for it).

Issue 10 asks for 95% of the questions the documents do not answer (their words are there, their
answers are not) to get not_found and 95% of the answerable ones to get an answer. Measured now:
0.46 and 0.92-0.93 for every backend (before the need gate: 0.03 and 0.97-0.98). The floors below
hold what is reached, so that a change losing ground fails here; `make bench-trust` reports the
figures against the target.

The local model answers a fixed seeded subset (30 unanswerable + 30 answerable questions) so that
the whole module stays within about 4 minutes on 2 cores; the other backends answer all 190."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bench import refusals
from tests.helpers.corpus import index_corpus
from vectorstore.index import Index

pytestmark = pytest.mark.integration

# (unanswerable refused, answerable answered): a few questions below today's figures.
FLOORS = {"extractive": (0.42, 0.88), "openai": (0.42, 0.88), "local": (0.33, 0.83)}
LOCAL_SUBSET = 30


def _questions(backend: str) -> list[refusals.Item]:
    unanswerable, answerable = refusals.unanswerable(), refusals.answerable()
    if backend == "local":
        rng = random.Random(refusals.SEED)
        unanswerable = rng.sample(unanswerable, LOCAL_SUBSET)
        answerable = rng.sample(answerable, LOCAL_SUBSET)
    return unanswerable + answerable


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, local_embedder) -> Index:
    return index_corpus(tmp_path_factory.mktemp("refusals"), local_embedder)[0]


@pytest.fixture(scope="module")
def eager_url() -> Iterator[str]:
    with refusals.eager_server() as server:
        yield server.base_url


@pytest.fixture(scope="module", params=["extractive", "local", "openai"])
def results(request, corpus_index: Index, eager_url: str) -> tuple[str, list[dict]]:
    """Every question of the backend's set, asked once for both tests."""
    answerer = refusals.make_answerer(request.param, corpus_index, eager_url)
    return request.param, refusals.ask_all(answerer, _questions(request.param))


def _assert_share(results: tuple[str, list[dict]], answerable: bool) -> None:
    backend, rows = results
    group = [r for r in rows if r["answerable"] == answerable]
    failures = [r for r in group if not refusals.succeeded(r)]
    assert refusals.share(group) >= FLOORS[backend][answerable], (
        f"{len(failures)} of {len(group)} failed:\n"
        + "\n".join(refusals.describe(f) for f in failures))


def test_unanswerable_questions_get_not_found(results: tuple[str, list[dict]]) -> None:
    _assert_share(results, answerable=False)


def test_answerable_questions_get_an_answer(results: tuple[str, list[dict]]) -> None:
    _assert_share(results, answerable=True)
