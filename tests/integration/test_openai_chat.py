"""The openai backend through the real `openai` client against real HTTP servers on 127.0.0.1:
llama-cpp-python's own OpenAI-compatible server with the bundled GGUF (streaming included), and
a small server of ours that answers 429, 500, 401, stalls and cuts a stream midway."""

from __future__ import annotations

import sys
import time

import pytest

from app.answering.backends.local import default_gguf
from app.answering.citations import shown_quote
from app.answering.pipeline import Answerer
from app.answering.types import Token
from ingest.sync import Indexer
from tests.conftest import SEEDS
from tests.helpers.openai_server import OpenAICompatibleServer
from tests.helpers.prompt import citing
from tests.helpers.servers import free_port, running
from vectorstore.index import Index

pytestmark = pytest.mark.integration

TONOYAN = "Armenian Defence Minister Davit Tonoyan has tendered his resignation"
QUESTION = "Which Armenian defence minister resigned?"


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory, local_embedder):
    data = tmp_path_factory.mktemp("index")
    from common.config import load_settings

    index = Index(load_settings(data_dir=data, embeddings="local"), local_embedder)
    Indexer(index).ingest([SEEDS])
    return index


@pytest.fixture
def server():
    reply = citing(TONOYAN, f"{TONOYAN}, the Aravot daily reported on Friday.")
    with OpenAICompatibleServer(reply) as running:
        yield running


def _answerer(make_settings, index: Index, base_url: str, **overrides) -> Answerer:
    options = {"embeddings": "local", "llm": "openai", "openai_base_url": base_url,
               "openai_model": "test-model", "openai_timeout": 1.0, "openai_max_retries": 1,
               "max_answer_tokens": 80, **overrides}
    settings = make_settings(**options)
    return Answerer(settings, index)


def test_streams_and_cites_through_a_compatible_server(server, make_settings,
                                                       seeds_index) -> None:
    events = list(_answerer(make_settings, seeds_index, server.base_url).ask_stream(QUESTION))
    tokens = [e.text for e in events if isinstance(e, Token)]
    answer = events[-1].answer
    # The server streamed word by word; the reader is shown each sentence once it is checked.
    assert tokens == [answer.answer] and TONOYAN in tokens[0]
    assert answer.llm == "openai:test-model" and answer.status == "answered"
    assert answer.citations[0].source.startswith("001_") and not answer.notice
    assert server.requests[-1]["body"]["stream"] is True


@pytest.mark.parametrize("mode,reason", [("429", "rate limit"), ("500", "HTTP 500"),
                                         ("stall", "no answer within 1 s")])
def test_failures_are_retried_then_the_local_model_answers(server, make_settings, seeds_index,
                                                           mode: str, reason: str) -> None:
    server.mode = mode
    server.stall_seconds = 3
    started = time.perf_counter()
    answer = _answerer(make_settings, seeds_index, server.base_url).ask(QUESTION)
    assert server.count("/chat/completions") == 2  # the first try and one retry
    assert reason in answer.notice and "; local:" in answer.notice  # the local model took over
    if mode == "stall":
        assert time.perf_counter() - started >= 2.0  # two attempts of one second each


def test_rejected_key_is_not_retried(server, make_settings, seeds_index) -> None:
    server.mode = "401"
    answer = _answerer(make_settings, seeds_index, server.base_url).ask(QUESTION)
    assert server.count("/chat/completions") == 1
    assert "rejected the API key" in answer.notice and "; local:" in answer.notice


@pytest.mark.parametrize("mode", ["cut", "stall-midway"])
def test_a_stream_cut_midway_is_kept_and_marked(server, make_settings, seeds_index,
                                                mode: str) -> None:
    server.mode = mode
    server.stall_seconds = 3
    answer = _answerer(make_settings, seeds_index, server.base_url).ask(QUESTION)
    assert answer.interrupted and "cut off" in answer.notice
    assert answer.llm == "openai:test-model" and answer.status != "answered"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf()),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with running(command, f"http://127.0.0.1:{port}/v1/models", log):
        yield f"http://127.0.0.1:{port}/v1"


def test_llama_cpp_server_streams_an_answer(llama_server: str, make_settings,
                                            seeds_index) -> None:
    answerer = _answerer(make_settings, seeds_index, llama_server, openai_timeout=60.0,
                         openai_model="smollm2", openai_context=2048)
    events = list(answerer.ask_stream(QUESTION))
    tokens = [e.text for e in events if isinstance(e, Token)]
    answer = events[-1].answer
    assert answer.answer.startswith("".join(tokens))  # nothing shown was taken back
    assert "unavailable" not in answer.notice
    # The 135M model's own answer is kept only when the sources support it; otherwise the
    # answer says so and shows the supporting sentences instead.
    rescued = "openai:smollm2's answer" in answer.notice
    assert answer.llm == "openai:smollm2" or (answer.llm == "extractive" and rescued)
    for citation in answer.citations:  # whatever the small model wrote, citations are checked
        [record] = seeds_index.files_named(citation.source)
        document = seeds_index.content(record.sha256).text
        assert shown_quote(document[citation.quote_start:citation.quote_end]) == citation.quote
