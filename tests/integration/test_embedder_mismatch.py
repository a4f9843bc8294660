"""An index built with one embedder refuses another, says how to re-index, and --reindex works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import EmbedderMismatchError
from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


def test_other_embedder_is_refused_with_a_hint(make_settings, local_embedder) -> None:
    Indexer(Index(make_settings(embeddings="fake"))).ingest([SEEDS])
    index = Index(make_settings(embeddings="local"), local_embedder)
    with pytest.raises(EmbedderMismatchError, match="--reindex"):
        Retriever(index).search("anything")


def test_cli_reports_mismatch_then_reindexes(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert run_cli("ingest", str(SEEDS), env={"FOOTNOTE_DATA_DIR": data,
                                              "FOOTNOTE_EMBEDDINGS": "fake"}).returncode == 0
    local = {"FOOTNOTE_DATA_DIR": data, "FOOTNOTE_EMBEDDINGS": "local"}
    refused = run_cli("ingest", str(SEEDS), env=local)
    assert refused.returncode == 2
    assert "fake-hashing-64" in refused.stderr and "--reindex" in refused.stderr
    assert "Traceback" not in refused.stderr
    rebuilt = run_cli("ingest", "--reindex", str(SEEDS), "--json", env=local)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["added"] == 5
    found = json.loads(run_cli("search", "Shusha", "--json", env=local).stdout)
    assert found and found[0]["source"].startswith("002_")
