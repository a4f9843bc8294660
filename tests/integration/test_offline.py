"""With every socket blocked, a full ingest of the seeds and a query still work: the tokenizer,
the embedding model and Chroma all come from installed packages."""

from __future__ import annotations

import pytest
from pytest_socket import disable_socket, enable_socket

from ingest.sync import Indexer
from tests.conftest import SEEDS
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

pytestmark = pytest.mark.integration


def test_ingest_and_query_with_no_network(make_settings) -> None:
    disable_socket(allow_unix_socket=False)
    try:
        index = Index(make_settings(embeddings="local"), LocalMiniLM())  # a cold model load
        report = Indexer(index).ingest([SEEDS])
        assert (report.added, report.failed) == (5, [])
        question = "How many Russian peacekeepers were deployed to Karabakh?"
        top = Retriever(index).search(question, k=3)
        assert any("2,000" in p.text and "peacekeep" in p.text for p in top)
    finally:
        enable_socket()
