"""The bundled SmolLM2 GGUF run by transformers (FOOTNOTE_LOCAL_RUNTIME=transformers, what
`make run` uses when llama-cpp-python is not installed): real answers over the seeds come out
checked (the model's own, or the sources' sentences when none of its sentences passed: the
rescue), each citation pointing at real text; and the model streams, counts and stops."""

from __future__ import annotations

import pytest

from app.answering.backends.local import TransformersBackend, local_backend
from app.answering.citations import shown_quote
from app.answering.pipeline import Answerer
from common.config import load_settings
from ingest.sync import Indexer
from tests.conftest import SEEDS
from vectorstore.index import Index

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory, local_embedder) -> Index:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("seeds"), embeddings="local")
    index = Index(settings, local_embedder)
    Indexer(index).ingest([SEEDS])
    return index


@pytest.fixture(scope="module")
def answerer(seeds_index: Index) -> Answerer:
    settings = load_settings(data_dir=seeds_index.settings.data_dir, embeddings="local",
                             llm="local", local_runtime="transformers", max_answer_tokens=120)
    answerer = Answerer(settings, seeds_index)
    answerer.backends[0].warm_up()  # the timings below are for a loaded model
    return answerer


@pytest.mark.parametrize(("question", "source"), [
    ("Who attended the Khankendi parade with President Aliyev?",
     "000_aliev-parade-in-khankendi.txt"),
    ("Where did Ilham Aliyev attend a military parade in November?",
     "000_aliev-parade-in-khankendi.txt"),
])
def test_a_real_answer_comes_out_checked(answerer: Answerer, seeds_index: Index, question: str,
                                         source: str) -> None:
    answer = answerer.ask(question)
    model = "local:SmolLM2-135M-Instruct.Q4_1 (transformers)"
    # Its own answer, or (when no sentence of it passed) the rescue, which names the model.
    assert answer.llm == model or (answer.llm == "extractive"
                                   and answer.notice.startswith(f"{model}'s answer")), answer
    assert answer.status in ("answered", "partial"), (answer.status, answer.answer)
    assert source in {c.source for c in answer.citations}
    for citation in answer.citations:
        [record] = seeds_index.files_named(citation.source)
        document = seeds_index.content(record.sha256).text
        assert shown_quote(document[citation.quote_start:citation.quote_end]) == citation.quote
    assert answer.timings["first_token_ms"] < 30_000  # streamed, not written in one piece


def test_a_question_the_seeds_do_not_answer_is_not_found(answerer: Answerer) -> None:
    answer = answerer.ask("What is the boiling point of liquid nitrogen on Mars?")
    assert answer.status == "not_found"
    assert not answer.citations


def test_the_model_streams_counts_and_can_be_left_midway() -> None:
    backend = local_backend(load_settings(local_runtime="transformers"))
    assert isinstance(backend, TransformersBackend)
    assert 3 <= backend.count_tokens("The parade was held in Khankendi.") <= 12
    messages = [{"role": "user", "content": "Name three colours."}]
    pieces = list(backend.stream(messages, 24))
    assert len(pieces) > 1 and "".join(pieces).strip()
    left = backend.stream(messages, 300)
    next(left)
    left.close()  # the generation stops and the model is free for the next answer
    assert not backend._lock.locked()
    assert "".join(backend.stream(messages, 8)).strip()
