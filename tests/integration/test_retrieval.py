"""Hybrid retrieval over real Chroma and FTS5: merging, filtering, and a keyword index that stays
consistent with the store after ingest and removal, also when another process wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_overlapping_chunks_of_one_document_are_merged(make_settings, tmp_path: Path) -> None:
    text = " ".join(f"Sentence {i} mentions the zebra crossing by the port." for i in range(60))
    _write(tmp_path / "docs", "zebra.txt", text)
    index = Index(make_settings(chunk_tokens=60, chunk_overlap=20))
    Indexer(index).ingest([tmp_path / "docs"])
    passages = Retriever(index).search("zebra crossing port", k=3)
    spans = sorted((p.start, p.end) for p in passages)
    assert all(a_end + 2 < b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:],
                                                                     strict=False))
    for p in passages:
        assert text[p.start:p.end] == p.text


def test_source_filter(make_settings) -> None:
    index = Index(make_settings())
    Indexer(index).ingest([SEEDS])
    name = next(SEEDS.glob("002_*.txt")).name
    passages = Retriever(index).search("Aghdam handed over", k=5, sources=[name])
    assert passages and {p.source for p in passages} == {name}


def test_keyword_index_follows_ingest_and_removal(make_settings, fresh_database,
                                                  tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, "a.txt", "The quokka colony on Rottnest Island grew this spring.")
    _write(docs, "b.txt", "Marinas on Lake Tahoe reopened in June.")
    index = Index(make_settings(database_url=fresh_database()))
    retriever = Retriever(index)
    Indexer(index).ingest([docs])
    assert [p.source for p in retriever.search("quokka", mode="keyword")] == ["a.txt"]
    _write(docs, "a.txt", "The wombat burrows near Canberra were counted again.")
    Indexer(index).ingest([docs])
    assert retriever.search("quokka", mode="keyword") == []
    assert [p.source for p in retriever.search("wombat", mode="keyword")] == ["a.txt"]
    Indexer(index).remove("a.txt")
    assert retriever.search("wombat", mode="keyword") == []


def test_keyword_index_sees_another_process_writes(make_settings, tmp_path: Path) -> None:
    """Embedded Chroma does not promise to show another process's writes (that needs the
    server, see test_chroma_server.py); the keyword index, in SQLite, always does."""
    settings = make_settings()
    index = Index(settings)
    retriever = Retriever(index)  # a long-lived reader, like the app
    Indexer(index).ingest([SEEDS])
    docs = tmp_path / "docs"
    _write(docs, "axolotl.txt", "Axolotls regrow their limbs within weeks.")
    env = {"FOOTNOTE_DATA_DIR": str(settings.data_dir), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(docs), env=env).returncode == 0
    found = retriever.search("axolotls regrow", k=1, mode="keyword")
    assert [p.source for p in found] == ["axolotl.txt"]
    assert run_cli("remove", "axolotl.txt", env=env).returncode == 0
    assert retriever.search("axolotls", mode="keyword") == []
    assert all(p.source != "axolotl.txt" for p in retriever.search("axolotls regrow limbs"))


def test_search_cli_json(make_settings, tmp_path: Path) -> None:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "d"), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    result = run_cli("search", "Shusha Shushi", "--json", "--mode", "keyword", env=env)
    found = json.loads(result.stdout)
    assert found[0]["source"].startswith("002_") and "Shushi" in found[0]["text"]
