"""The same ingest and query against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from tests.helpers.index import assert_consistent
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


def test_ingest_and_query_against_chroma_server(chroma_port: int, make_settings,
                                                local_embedder, tmp_path: Path) -> None:
    settings = make_settings(embeddings="local", chroma_host="127.0.0.1",
                             chroma_port=chroma_port)
    index = Index(settings, local_embedder)
    report = Indexer(index).ingest([SEEDS])
    assert (report.added, report.failed) == (5, [])
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    assert index.store.count() == report.chunks
    assert_consistent(index)
    question = "Which district did Azerbaijan take first, without a shot fired?"
    top = Retriever(index).search(question, k=3)
    assert top[0].source.startswith("001_") and "Aghdam" in top[0].text
    again = Indexer(index).ingest([SEEDS])
    assert (again.skipped, again.chunks) == (5, 0)


def test_two_processes_share_one_index_through_the_server(chroma_port: int, make_settings,
                                                          tmp_path: Path) -> None:
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=chroma_port)
    reader = Retriever(Index(settings))  # a long-lived reader, like the app
    Indexer(reader.index).ingest([SEEDS])
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "axolotl.txt").write_text("Axolotls regrow their limbs within weeks.\n")
    env = {"FOOTNOTE_DATA_DIR": str(settings.data_dir), "FOOTNOTE_EMBEDDINGS": "fake",
           "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_port)}
    assert run_cli("ingest", str(docs), env=env).returncode == 0
    for mode in ("dense", "keyword", "hybrid"):
        assert reader.search("axolotls regrow limbs", k=1, mode=mode)[0].source == "axolotl.txt"
    assert run_cli("remove", "axolotl.txt", env=env).returncode == 0
    assert all(p.source != "axolotl.txt" for p in reader.search("axolotls regrow limbs", k=10))
