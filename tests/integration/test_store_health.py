"""The catalog and the vector store check each other: a lost Chroma folder or a dropped
collection is reported by every reading command with the way to repair it, `footnote ingest`
makes the missing vectors again from the catalog's own texts (no file read, no catalog data
dropped), and a vector store whose catalog is gone is refused, not adopted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import chromadb
import pytest

from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from tests.helpers.index import assert_consistent
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration

QUESTION = "Who attended the parade in Khankendi?"


def _chunks_per_source(env: dict[str, str]) -> dict[str, int]:
    listed = json.loads(run_cli("sources", "--json", env=env).stdout)
    return {s["source"]: s["chunks"] for s in listed}


def test_a_deleted_chroma_folder_is_reported_then_repaired_from_the_catalog(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    before = _chunks_per_source(env)
    shutil.rmtree(data / "chroma")  # a disk cleanup, a partial restore

    for command in (["sources"], ["search", "parade"], ["ask", "--llm", "extractive", QUESTION]):
        done = run_cli(*command, env=env)
        assert done.returncode == 0, done.stderr
        assert f"holds 0 of the {sum(before.values())} passages" in done.stderr, command
        assert "footnote ingest" in done.stderr and "Traceback" not in done.stderr

    other = tmp_path / "other"
    other.mkdir()
    (other / "note.txt").write_text("The Zorblat festival is held in Quillon every April.")
    unrelated = run_cli("ingest", str(other), "--json", env=env)  # once, this wiped the rest
    assert unrelated.returncode == 0, unrelated.stderr
    report = json.loads(unrelated.stdout)
    assert (report["added"], report["removed"], report["restored"]) == (1, 0, sum(before.values()))
    after = _chunks_per_source(env)
    assert {k: after[k] for k in before} == before  # no document lost its passages

    repaired = run_cli("ask", "--llm", "extractive", QUESTION, env=env)
    assert "warning" not in repaired.stderr and "Aliev" in repaired.stdout
    assert json.loads(run_cli("ingest", "--json", env=env).stdout)["restored"] == 0


def test_a_dropped_collection_on_a_chroma_server_is_made_again(chroma_port: int,
                                                               make_settings) -> None:
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=chroma_port)
    report = Indexer(Index(settings)).ingest([SEEDS])
    chromadb.HttpClient(host="127.0.0.1", port=chroma_port).delete_collection(
        settings.collection)

    index = Index(settings)
    problem = index.health()
    assert problem and f"holds 0 of the {report.chunks} passages" in problem
    assert Retriever(index).dense("parade", 5) == []  # what the warning is about

    repaired = Indexer(Index(settings)).ingest([])
    assert repaired.restored == report.chunks and repaired.chunks == 0  # no file re-read
    index = Index(settings)
    assert index.health() is None
    assert_consistent(index)
    assert index.store.count() == report.chunks
    assert len(Retriever(index).dense("parade", 5)) == 5


def test_a_vector_store_whose_catalog_is_gone_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    for catalog in data.glob("manifest-*.sqlite3*"):
        catalog.unlink()
    refused = run_cli("ingest", str(SEEDS), env=env)
    assert refused.returncode == 2 and "belongs to catalog" in refused.stderr
    assert "Traceback" not in refused.stderr
