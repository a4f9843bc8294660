"""Two installations (two data folders, as on two machines) sharing one real PostgreSQL and one
real `chroma run` server: they ingest at the same time and then see one and the same index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.ui.uploads import ingest_uploads
from common.config import Settings
from common.errors import ForeignCollectionError
from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli, start_cli
from tests.helpers.index import assert_consistent, snapshot
from tests.helpers.servers import free_port
from vectorstore.chats import make_chat_store
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration

# One question per seed, worded so that both keyword and dense search put that seed first.
QUESTIONS = {
    "001_": "Which district did Azerbaijan take first, without a shot fired?",
    "003_": "mulberry tree in front of our home",
}


def _split_seeds(root: Path) -> tuple[Path, Path]:
    """Seeds 000-002 in one folder, 003-004 in another."""
    first, second = root / "a" / "docs", root / "b" / "docs"
    for folder in (first, second):
        folder.mkdir(parents=True)
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, first if path.name < "003" else second)
    return first, second


def _env(data: Path, database: str, chroma_port: int) -> dict[str, str]:
    return {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "local",
            "FOOTNOTE_DATABASE_URL": database, "CHROMA_HOST": "127.0.0.1",
            "CHROMA_PORT": str(chroma_port)}


def _source(index: Index, prefix: str) -> str:
    return next(s.source for s in index.sources() if s.source.startswith(prefix))


def test_two_installations_share_one_index(tmp_path: Path, database_url: str, chroma_port: int,
                                           make_settings, local_embedder) -> None:
    docs_a, docs_b = _split_seeds(tmp_path)
    runs = [start_cli("ingest", str(docs), "--json",
                      env=_env(tmp_path / name / "data", database_url, chroma_port))
            for name, docs in (("a", docs_a), ("b", docs_b))]
    for run in runs:  # both at once: the advisory lock lets one write after the other
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err

    def settings(name: str) -> Settings:
        return make_settings(data_dir=tmp_path / name / "data", embeddings="local",
                             database_url=database_url, chroma_host="127.0.0.1",
                             chroma_port=chroma_port)

    a, b = Index(settings("a"), local_embedder), Index(settings("b"), local_embedder)
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [s.source for s in a.sources()] == [s.source for s in b.sources()] == seeds

    clean = Index(make_settings(data_dir=tmp_path / "clean", embeddings="local"), local_embedder)
    Indexer(clean).ingest([docs_a, docs_b])
    assert a.store.count() == clean.store.count()
    assert snapshot(a) == snapshot(clean)
    assert_consistent(b)

    for reader, prefix in ((a, "003_"), (b, "001_")):  # each finds what the other ingested
        for mode in ("keyword", "dense"):
            top = Retriever(reader).search(QUESTIONS[prefix], k=1, mode=mode)[0]
            assert top.source.startswith(prefix), (mode, top.source)
        # The citation's document text opens from the other installation too.
        other = b if reader is a else a
        content = other.content(top.sha256)
        assert content is not None and content.text[top.start:top.end] == top.text

    removed = _source(a, "003_")
    assert Indexer(a).remove(removed) == 1
    assert removed not in {s.source for s in b.sources()}
    assert all(p.source != removed for p in Retriever(b).search(QUESTIONS["003_"], k=10))
    assert_consistent(b)

    # An upload on one installation: its text and its original file are the other's too.
    upload = b"The Quillon lantern fair opens every April beside the old mill."
    [added] = ingest_uploads(a, [("fair.txt", upload)], tmp_path / "a" / "data" / "uploads")
    sha = next(s.sha256 for s in b.sources() if s.source == added.source)
    assert b.original(sha) == upload
    assert Indexer(b).remove(added.source) == 1
    assert a.original(sha) is None and added.source not in {s.source for s in a.sources()}

    saved = make_chat_store(settings("a"))
    chat = saved.create_chat("alice", "Which district came first?")
    turn = saved.add_turn("alice", chat.id, "Which district came first?", {"answer": "Aghdam"})
    seen = make_chat_store(settings("b"))
    assert [c.id for c in seen.chats("alice")] == [chat.id]
    assert seen.turns("alice", chat.id) == [turn]
    assert seen.chats("bob") == []


def test_a_catalog_never_writes_a_collection_it_does_not_own(
        tmp_path: Path, database_url: str, chroma_port: int, make_settings) -> None:
    shared = make_settings(data_dir=tmp_path / "a", database_url=database_url,
                           chroma_host="127.0.0.1", chroma_port=chroma_port)
    report = Indexer(Index(shared)).ingest([SEEDS])
    chunks = Index(shared).store.count()
    assert report.chunks == chunks > 0

    local = make_settings(data_dir=tmp_path / "b", chroma_host="127.0.0.1",
                          chroma_port=chroma_port)  # its own SQLite catalog, same collection
    with pytest.raises(ForeignCollectionError, match="FOOTNOTE_DATABASE_URL"):
        Indexer(Index(local)).ingest([SEEDS])
    refused = run_cli("ingest", str(SEEDS), env={
        "FOOTNOTE_DATA_DIR": str(tmp_path / "b"), "FOOTNOTE_EMBEDDINGS": "fake",
        "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_port)})
    assert refused.returncode == 2
    assert "belongs to catalog" in refused.stderr and "Traceback" not in refused.stderr
    assert Index(shared).store.count() == chunks  # nothing it did not know was deleted


def test_an_unreachable_database_is_one_sentence_without_the_password(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    done = run_cli("sources", env={
        "FOOTNOTE_DATA_DIR": str(tmp_path), "FOOTNOTE_EMBEDDINGS": "fake",
        "FOOTNOTE_DATABASE_URL": f"postgresql://ann:hunter2@127.0.0.1:{closed}/footnote"})
    assert done.returncode == 2
    assert "FOOTNOTE_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
