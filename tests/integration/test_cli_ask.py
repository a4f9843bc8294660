"""`footnote ask` end to end in a child process, and answers where sources disagree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.answering.pipeline import Answerer
from ingest.sync import Indexer
from tests.conftest import SEEDS, run_cli
from vectorstore.index import Index

pytestmark = pytest.mark.integration

KEYS = {"question", "standalone_question", "status", "answer", "citations", "passages", "llm",
        "notice", "interrupted", "prompt_tokens", "timings", "answer_span"}


def test_ask_json_conversation(tmp_path: Path) -> None:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "local"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    result = run_cli("ask", "Which Armenian defence minister tendered his resignation?",
                     "When did he take the post?", "--json", "--llm", "extractive", env=env)
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    assert set(first) == KEYS and first["llm"] == "extractive"
    assert first["status"] == "answered" and "Tonoyan" in first["answer"]
    assert set(first["citations"][0]) >= {"n", "source", "title", "page", "start", "end",
                                          "quote"}
    assert set(first["timings"]) == {"retrieve_ms", "first_token_ms", "total_ms"}
    assert "Tonoyan" in second["standalone_question"]
    assert first["passages"] and {"source", "start", "end", "score"} <= set(first["passages"][0])


def test_ask_without_an_index_says_how_to_make_one(tmp_path: Path) -> None:
    result = run_cli("ask", "Anything?", env={"FOOTNOTE_DATA_DIR": str(tmp_path / "empty")})
    assert result.returncode == 2 and "footnote ingest" in result.stderr


def test_disagreeing_sources_are_both_cited(make_settings, local_embedder,
                                            tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.txt").write_text("The Harbour Bridge opened to traffic in 1932.\n")
    (docs / "almanac.txt").write_text("The Harbour Bridge opened to traffic in 1934.\n")
    index = Index(make_settings(embeddings="local"), local_embedder)
    Indexer(index).ingest([docs])
    answer = Answerer(index.settings, index, llm="extractive").ask(
        "When did the Harbour Bridge open to traffic?")
    assert {c.source for c in answer.citations} == {"guide.txt", "almanac.txt"}
    assert "1932" in answer.answer and "1934" in answer.answer
