"""Sync against a real embedded Chroma: skip, update, remove, deduplicate, re-chunk."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ingest.sync import Indexer
from tests.conftest import SEEDS
from tests.helpers.index import assert_consistent
from vectorstore.embeddings import HashingEmbedder
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


class CountingEmbedder(HashingEmbedder):
    """The fake embedder, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_documents(texts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def index(make_settings, fresh_database):
    index = Index(make_settings(database_url=fresh_database()), CountingEmbedder())
    yield index
    index.close()


def test_first_run_then_unchanged_run(index: Index, corpus: Path) -> None:
    first = Indexer(index).ingest([corpus])
    assert (first.added, first.updated, first.skipped, first.removed) == (5, 0, 0, 0)
    assert first.chunks == index.store.count() > 5
    assert_consistent(index)
    embedded = len(index.embedder.embedded)
    second = Indexer(index).ingest([corpus])
    assert (second.added, second.updated, second.skipped, second.chunks) == (0, 0, 5, 0)
    assert len(index.embedder.embedded) == embedded


def test_changed_file_replaces_its_chunks(index: Index, corpus: Path) -> None:
    Indexer(index).ingest([corpus])
    target = next(corpus.glob("002_*.txt"))
    target.write_text("Completely new text about orchards and apple harvests in Normandy.\n")
    report = Indexer(index).ingest([corpus])
    assert (report.updated, report.skipped) == (1, 4)
    assert_consistent(index)
    hits = Retriever(index).search("apple harvests in Normandy", k=1)
    assert hits[0].source == target.name and "orchards" in hits[0].text
    old = [p for p in Retriever(index).search("Shusha liberated", k=50) if p.source == target.name]
    assert [p.text for p in old] == [hits[0].text]


def test_deleted_file_loses_its_chunks(index: Index, corpus: Path) -> None:
    Indexer(index).ingest([corpus])
    before = index.store.count()
    gone = next(corpus.glob("001_*.txt"))
    gone.unlink()
    report = Indexer(index).ingest([corpus])
    assert report.removed == 1
    assert gone.name not in {s.source for s in index.sources()}
    assert index.store.count() < before
    assert_consistent(index)


def test_single_file_ingest_does_not_remove_siblings(index: Index, corpus: Path) -> None:
    Indexer(index).ingest([corpus])
    report = Indexer(index).ingest([next(corpus.glob("000_*.txt"))])
    assert (report.skipped, report.removed) == (1, 0)
    assert len(index.sources()) == 5


def test_identical_content_is_embedded_once_and_both_names_kept(index: Index,
                                                                corpus: Path) -> None:
    original = next(corpus.glob("003_*.txt"))
    (corpus / "copy-of-003.txt").write_bytes(original.read_bytes())
    report = Indexer(index).ingest([corpus])
    assert report.added == 6
    names = {s.source for s in index.sources()}
    assert {original.name, "copy-of-003.txt"} <= names
    texts = index.embedder.embedded
    assert len(texts) == len(set(texts)) == index.store.count()
    hit = Retriever(index).search("mulberry tree in front of our home", k=1)[0]
    assert {hit.source, *hit.also_in} == {original.name, "copy-of-003.txt"}
    assert_consistent(index)


def test_remove_by_source(index: Index, corpus: Path) -> None:
    Indexer(index).ingest([corpus])
    name = next(corpus.glob("004_*.txt")).name
    assert Indexer(index).remove(name) == 1
    assert name not in {s.source for s in index.sources()}
    assert_consistent(index)


def test_changed_chunk_settings_rechunk_everything(make_settings, corpus: Path) -> None:
    Indexer(Index(make_settings(), CountingEmbedder())).ingest([corpus])
    index = Index(make_settings(chunk_tokens=60, chunk_overlap=10), CountingEmbedder())
    report = Indexer(index).ingest([corpus])
    assert report.updated == 5
    assert all(len(t) < 600 for t in index.embedder.embedded)
    assert_consistent(index)


def test_an_index_from_before_the_catalog_opens_without_re_embedding(make_settings,
                                                                      corpus: Path) -> None:
    """The manifest of schema version 3 had no catalog id and its collection no owner: both
    are added in place, and nothing is embedded again."""
    settings = make_settings()
    old = Index(settings, CountingEmbedder())
    Indexer(old).ingest([corpus])
    old.close()
    [manifest] = settings.data_dir.glob("manifest-*.sqlite3")
    with sqlite3.connect(manifest) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 3
        db.execute("DELETE FROM meta WHERE key='catalog_id'")
    collection = old.store.collection
    collection.modify(metadata={k: v for k, v in collection.metadata.items() if k != "catalog"})

    index = Index(settings, CountingEmbedder())
    report = Indexer(index).ingest([corpus])
    assert (report.skipped, report.chunks, index.embedder.embedded) == (5, 0, [])
    with sqlite3.connect(manifest) as db:
        [(catalog_id,)] = db.execute("SELECT value FROM meta WHERE key='catalog_id'")
    assert index.store.collection.metadata["catalog"] == catalog_id
    assert_consistent(index)


def test_a_file_that_fails_is_never_counted_as_added(index: Index, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    report = Indexer(index).ingest([folder])
    assert (report.added, report.updated, len(report.failed)) == (0, 0, 1)
    assert report.to_dict()["added"] == 0


class RemovesOnStart:
    """A progress listener that deletes a file once discovery has listed it: the same fault as
    a user deleting it while ingest runs, made deterministic."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def start(self, total_files: int) -> None:
        self.path.unlink()

    def advance(self, files: int, chunks: int) -> None:
        pass


def test_a_file_removed_while_ingest_runs_is_reported_and_the_rest_goes_on(
        index: Index, corpus: Path) -> None:
    victim = sorted(corpus.glob("*.txt"))[1]
    report = Indexer(index).ingest([corpus], progress=RemovesOnStart(victim))
    assert report.added == 4
    [failure] = report.failed
    assert failure.path == str(victim) and "removed while ingest ran" in failure.reason
    assert_consistent(index)
