"""The openai embedder through the real `openai` client against an OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import FootnoteError
from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from tests.helpers.openai_server import OpenAICompatibleServer
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


@pytest.fixture
def server():
    with OpenAICompatibleServer() as running:
        yield running


def test_ingest_and_search_through_a_compatible_server(server, make_settings) -> None:
    settings = make_settings(embeddings="openai", openai_base_url=server.base_url,
                             embedding_model="test-embed")
    index = Index(settings)
    report = Indexer(index).ingest([SEEDS])
    assert (report.added, report.failed) == (5, [])
    embed_calls = [r for r in server.requests if r["path"] == "/v1/embeddings"]
    assert all(r["body"]["model"] == "test-embed" for r in embed_calls)
    sent = [t for r in embed_calls for t in r["body"]["input"]]
    assert all(isinstance(t, str) for t in sent)  # text, not token ids
    # The server's vectors are the fake embedder's: the same corpus indexed with that embedder
    # directly must rank identically, which proves the vectors survived the HTTP round trip.
    direct = Index(make_settings(embeddings="fake", data_dir=settings.data_dir / "direct"))
    Indexer(direct).ingest([SEEDS])
    for query in ["Aghdam is ours", "Shusha liberated", "peacekeepers"]:
        via_http = Retriever(index).search(query, k=5, mode="dense")
        in_process = Retriever(direct).search(query, k=5, mode="dense")
        assert [(p.source, p.start) for p in via_http] == [(p.source, p.start) for p in in_process]


def test_server_failure_is_one_readable_error(server, make_settings) -> None:
    server.mode = "500"
    index = Index(make_settings(embeddings="openai", openai_base_url=server.base_url,
                                embedding_model="test-embed"))
    with pytest.raises(FootnoteError, match="embeddings server failed"):
        Indexer(index).ingest([SEEDS])


def test_cli_without_key_or_url_names_the_setting(tmp_path: Path) -> None:
    result = run_cli("ingest", str(SEEDS), env={"FOOTNOTE_DATA_DIR": str(tmp_path / "d"),
                                                "FOOTNOTE_EMBEDDINGS": "openai"})
    assert result.returncode == 2
    assert "OPENAI_API_KEY" in result.stderr and "Traceback" not in result.stderr
