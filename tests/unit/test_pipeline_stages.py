"""The pipeline's stages driven one by one with a given retriever and scripted backends: no
index, no model. What the reader is shown is what the check passed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.answering.backends.scripted import ScriptedBackend
from app.answering.pipeline import Answerer, Draft
from app.answering.types import Done, Token
from tests.helpers.passages import passage
from vectorstore.embeddings import HashingEmbedder
from vectorstore.index import Index
from vectorstore.retrieval import Passage

pytestmark = pytest.mark.unit

TONOYAN = ("Armenian Defence Minister Davit Tonoyan has tendered his resignation, the Aravot daily "
           "reported on Friday. Tonoyan held the position since May 2018.")
QUESTION = "Which Armenian defence minister tendered his resignation?"


class GivenPassages:
    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.queries: list[str] = []

    def search(self, query: str, k: int = 5, mode: str = "hybrid",
               sources: Sequence[str] | None = None) -> list[Passage]:
        self.queries.append(query)
        return self.passages[:k]


@pytest.fixture
def answerer(make_settings) -> Answerer:
    def make(reply: str) -> Answerer:
        settings = make_settings()
        return Answerer(settings, Index(settings, HashingEmbedder()),
                        backends=[ScriptedBackend(lambda messages: reply)],
                        retriever=GivenPassages([passage(TONOYAN)]))
    return make


def test_retrieve_uses_the_given_retriever(answerer) -> None:
    a = answerer("NOT FOUND")
    assert [p.text for p in a.retrieve(QUESTION, 5, None)] == [TONOYAN]
    assert a.retriever.queries == [QUESTION]


def test_check_shows_only_sentences_that_pass(answerer) -> None:
    a = answerer("")
    draft = Draft(a.backends[0], sources=[])
    passages = a.retrieve(QUESTION, 5, None)
    text = a.generate(QUESTION, passages, draft)
    events = []
    stage = a.check(QUESTION, iter(["Davit Tonoyan has tendered his resignation [1]. ",
                                    "He was born on Mars in 1802 [1]."]), draft, 0.0)
    # `generate` fills draft.sources when it runs: run it for the sources, then check a draft
    list(text)
    try:
        while True:
            events.append(next(stage))
    except StopIteration as done:
        outcome = done.value
    shown = "".join(e.text for e in events if isinstance(e, Token))
    assert "Tonoyan" in shown and "Mars" not in shown
    assert outcome.need_met and outcome.checked.dropped == ["He was born on Mars in 1802."]


def test_a_draft_that_meets_no_need_is_rescued_or_not_found(answerer) -> None:
    events = list(answerer("Tonoyan held the position since May 2018 [1].").ask_stream(
        "Who replaced Tonoyan as defence minister?"))
    answer = events[-1].answer
    assert isinstance(events[-1], Done) and answer.status == "not_found"
    assert not [e for e in events if isinstance(e, Token)]


class SlowSmallModel(ScriptedBackend):
    """A small model given `budget` seconds to show a checked sentence, on a clock that
    advances one second per word it writes."""

    def __init__(self, reply: str, budget: float, clock: list[float]) -> None:
        super().__init__(lambda messages: reply)
        self.first_text_budget_s = budget
        self.clock = clock
        self.written = 0

    def stream(self, messages: list[dict[str, str]], max_tokens: int):
        for word in super().stream(messages, max_tokens):
            self.clock[0] += 1.0
            self.written += 1
            yield word


@pytest.fixture
def slow_answerer(make_settings, monkeypatch: pytest.MonkeyPatch):
    def make(reply: str, budget: float) -> tuple[Answerer, SlowSmallModel]:
        clock = [0.0]
        monkeypatch.setattr("app.answering.pipeline.time.perf_counter", lambda: clock[0])
        model = SlowSmallModel(reply, budget, clock)
        settings = make_settings()
        return Answerer(settings, Index(settings, HashingEmbedder()), backends=[model],
                        retriever=GivenPassages([passage(TONOYAN)])), model
    return make


UNSUPPORTED = ("He was born on Mars in 1802 [1]. He kept three dragons in the ministry [1]. "
               "His dragons were called Ani, Aram and Tigran [1].")


def test_a_small_model_past_its_budget_is_stopped_and_the_sources_answer(slow_answerer) -> None:
    a, model = slow_answerer(UNSUPPORTED, budget=10)
    answer = a.ask(QUESTION)
    assert model.written == 11  # stopped at the first word past the budget, not at the end
    assert answer.llm == "extractive" and "Tonoyan" in answer.answer
    assert "fake's answer gave no checked sentence within 10 s" in answer.notice
    assert answer.timings["first_token_ms"] <= 11_000


def test_a_small_model_that_shows_a_checked_sentence_in_time_writes_on(slow_answerer) -> None:
    draft = ("Davit Tonoyan has tendered his resignation [1]. "
             "Tonoyan held the position since May 2018 [1].")
    a, model = slow_answerer(draft, budget=10)
    answer = a.ask(QUESTION)
    assert model.written == len(draft.split(" "))
    assert answer.llm == "fake" and "May 2018" in answer.answer and not answer.notice


def test_a_stopped_small_model_whose_sources_cannot_answer_says_so(slow_answerer) -> None:
    a, model = slow_answerer(UNSUPPORTED, budget=3)
    answer = a.ask("Who replaced Tonoyan as defence minister?")
    assert model.written == 4
    assert answer.status == "not_found"
    assert "fake gave no checked sentence within 3 s and was stopped." in answer.notice
