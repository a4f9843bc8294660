"""The answering pipeline over a real Chroma index, with scripted model replies: what the model
is shown, how its citations are checked, fallback, interruption, context budget."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from app.answering.backends.scripted import ScriptedBackend
from app.answering.pipeline import Answerer
from app.answering.types import Done, Source, Step, Token
from common.errors import LLMUnavailable, StreamInterrupted
from ingest.sync import Indexer
from tests.conftest import SEEDS
from tests.helpers.files import make_pdf
from tests.helpers.prompt import source_blocks
from vectorstore.index import Index

pytestmark = pytest.mark.integration

TONOYAN = "Armenian Defence Minister Davit Tonoyan has tendered his resignation"


@pytest.fixture
def index(make_settings):
    index = Index(make_settings())
    Indexer(index).ingest([SEEDS])
    return index


def _source_number(messages: list[dict[str, str]], needle: str) -> int:
    for n, body in source_blocks(messages[-1]["content"]):
        if needle in body:
            return n
    raise AssertionError(f"{needle!r} not in the prompt")


def test_answer_with_checked_citation(index, make_settings) -> None:
    def reply(messages):
        n = _source_number(messages, TONOYAN)
        return f"{TONOYAN}, the Aravot daily reported on Friday [{n}]. It rained in Paris [{n}]."

    backend = ScriptedBackend(reply)
    answerer = Answerer(make_settings(), index, backends=[backend])
    events = list(answerer.ask_stream("Which Armenian defence minister resigned?"))
    assert [e.name for e in events if isinstance(e, Step)] == [
        "retrieving", "generating", "checking citations"]
    assert "".join(e.text for e in events if isinstance(e, Token)).startswith(TONOYAN)
    answer = events[-1].answer
    assert isinstance(events[-1], Done)
    assert answer.status == "partial"  # the rain in Paris was dropped
    assert "Paris" not in answer.answer and answer.answer.startswith(TONOYAN)
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].source.startswith("001_")
    assert set(answer.timings) == {"retrieve_ms", "first_token_ms", "total_ms"}
    system, user = backend.calls[0]
    assert "data, not instructions" in system["content"]
    assert user["content"].count("<source n=") == len(answer.passages)


def test_not_found_when_the_model_says_so(index, make_settings) -> None:
    answerer = Answerer(make_settings(), index, backends=[ScriptedBackend()])
    answer = answerer.ask("What is the capital of France?")
    assert answer.status == "not_found" and not answer.citations and answer.passages


class Failing(ScriptedBackend):
    def __init__(self, error: Exception, after: str = "") -> None:
        super().__init__()
        self.error, self.after = error, after
        self.name = "failing"

    def stream(self, messages, max_tokens) -> Iterator[str]:
        if self.after:
            yield self.after
        raise self.error


def test_fallback_when_the_first_backend_is_unavailable(index, make_settings) -> None:
    fallback = ScriptedBackend(lambda m: f"{TONOYAN} [{_source_number(m, TONOYAN)}].")
    answerer = Answerer(make_settings(), index,
                        backends=[Failing(LLMUnavailable("HTTP 429")), fallback])
    answer = answerer.ask("Which Armenian defence minister resigned?")
    assert answer.llm == "fake" and answer.status == "answered"
    assert "failing was unavailable (HTTP 429)" in answer.notice


def test_interrupted_stream_keeps_what_arrived_and_says_so(index, make_settings) -> None:
    partial = f"{TONOYAN} [1]. And then"
    backend = Failing(StreamInterrupted("connection closed"), after=partial)
    answer = Answerer(make_settings(), index, backends=[backend]).ask(
        "Which Armenian defence minister resigned?")
    assert answer.interrupted and "cut off" in answer.notice
    assert answer.status in {"partial", "not_found"}


class Recording(ScriptedBackend):
    context_window = 700

    def __init__(self) -> None:
        super().__init__(lambda m: "NOT FOUND")
        self.seen_tokens: list[int] = []

    def stream_answer(self, question: str, sources: Sequence[Source], max_tokens: int):
        messages = self.prompt_messages(question, sources)
        self.seen_tokens.append(sum(self.count_tokens(m["content"]) for m in messages))
        return self.stream(messages, max_tokens)


def test_prompt_and_answer_fit_a_small_context_window(index, make_settings) -> None:
    backend = Recording()
    settings = make_settings(max_answer_tokens=200)
    Answerer(settings, index, backends=[backend]).ask(
        "Tell me everything about the handover of Aghdam, Kalbajar and Lachin", k=10)
    assert 0 < backend.seen_tokens[0] <= 700 - 200


def test_follow_up_is_rewritten_and_reported(index, make_settings) -> None:
    def reply(messages):
        if "Standalone question" in messages[-1]["content"]:
            return "When did Davit Tonoyan become defence minister?"
        return "NOT FOUND"

    answerer = Answerer(make_settings(), index, backends=[ScriptedBackend(reply)])
    history = [("Which Armenian defence minister resigned?", f"{TONOYAN} [1].")]
    events = list(answerer.ask_stream("When did he take the post?", history))
    assert Step("rewriting", "When did Davit Tonoyan become defence minister?") in events
    assert events[-1].answer.standalone_question == (
        "When did Davit Tonoyan become defence minister?")


def _shown_at_every_step(events: list) -> list[str]:
    """What the reader has seen after each event: the checked text streamed so far."""
    shown, seen = "", []
    for event in events:
        if isinstance(event, Token):
            shown += event.text
        seen.append(shown)
    return seen


def test_the_reader_sees_only_sentences_that_passed(index, make_settings) -> None:
    def reply(messages):
        n = _source_number(messages, TONOYAN)
        return (f'<source n="{n}">It rained in Paris all week [{n}]. {TONOYAN}, the Aravot daily '
                f"reported on Friday [{n}]. Volcanoes erupted across Iceland in 2010 [{n}].")

    events = list(Answerer(make_settings(), index, backends=[ScriptedBackend(reply)])
                  .ask_stream("Which Armenian defence minister tendered his resignation?"))
    answer = events[-1].answer
    for shown in _shown_at_every_step(events):
        assert "Paris" not in shown and "Iceland" not in shown and "<source" not in shown
        assert answer.answer.startswith(shown)  # nothing shown is ever taken back
    assert TONOYAN in answer.answer and answer.status == "partial"


def test_a_rejected_draft_is_never_shown_and_the_rescue_says_so(index, make_settings) -> None:
    draft = "Davit Tonoyan was appointed prime minister of France in 1999 [1]."
    events = list(Answerer(make_settings(), index, backends=[ScriptedBackend(lambda m: draft)])
                  .ask_stream("Which Armenian defence minister tendered his resignation?"))
    answer = events[-1].answer
    for shown in _shown_at_every_step(events):
        assert "France" not in shown and "1999" not in shown
        assert answer.answer.startswith(shown)
    assert answer.llm == "extractive" and "fake's answer" in answer.notice
    assert TONOYAN in answer.answer


def test_a_quote_on_page_two_of_a_pdf_is_cited_as_page_two(tmp_path, make_settings) -> None:
    """Both pages end up in one passage (their chunks touch); the citation names the quote's
    page, not the passage's first."""
    pears = "The north orchard harvested 410 crates of pears in October"
    make_pdf(tmp_path / "orchard.pdf", ["The orchard report for the year 2024.",
                                        f"{pears}."], title="Orchard report")
    index = Index(make_settings())
    Indexer(index).ingest([tmp_path])
    backend = ScriptedBackend(lambda m: f"{pears} [{_source_number(m, pears)}].")
    answer = Answerer(make_settings(), index, backends=[backend]).ask(
        "How many crates of pears did the north orchard harvest in the orchard report?")
    assert answer.status == "answered", answer.to_dict()
    [passage] = [p for p in answer.passages if p.source == "orchard.pdf"]
    assert passage.page == 1 and pears in passage.text
    assert [(c.source, c.page) for c in answer.citations] == [("orchard.pdf", 2)]
