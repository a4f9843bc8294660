"""An index built with one embedder refuses another, says how to re-index, and --reindex works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import EmbedderMismatchError
from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from vectorstore.embeddings import HashingEmbedder, LocalMiniLM
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


class _Runtime(HashingEmbedder):
    """The same model run another way, its vectors `min_cosine` close to the reference's."""

    def __init__(self, runtime: str, min_cosine: float) -> None:
        self.runtime, self._min_cosine = runtime, min_cosine

    @property
    def min_cosine(self) -> float:
        return self._min_cosine


def test_an_index_built_by_torch_is_searched_by_onnx_and_the_reverse(make_settings,
                                                                       local_embedder) -> None:
    settings = make_settings(embeddings="local")
    Indexer(Index(settings, LocalMiniLM("torch"))).ingest([SEEDS])
    top = Retriever(Index(settings, local_embedder)).search("Who attended the parade?", k=1)
    assert local_embedder.runtime == "onnx" and top[0].source.startswith("000_")


@pytest.mark.parametrize(("built", "now", "refused"), [
    (_Runtime("int8", 0.95), _Runtime("torch", 1.0), True),  # recorded as far apart
    (_Runtime("torch", 1.0), _Runtime("int8", 0.95), True),  # the new one is far
    (_Runtime("onnx", 0.9995), _Runtime("torch", 1.0), False),
])
def test_another_runtime_may_search_only_within_the_cosine_bound(make_settings, built, now,
                                                                 refused) -> None:
    settings = make_settings(embeddings="fake")
    Indexer(Index(settings, built)).ingest([SEEDS])
    search = Retriever(Index(settings, now)).search
    if refused:
        with pytest.raises(EmbedderMismatchError, match="FOOTNOTE_EMBEDDING_RUNTIME"):
            search("parade")
    else:
        assert search("parade")
