"""The scale benchmark's replay embedder: one model call per base text, distinct unit vectors near
the real one per copy; and the "Copy N" line never moves a chunk boundary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.evaluation.squad import Paragraph
from bench.scale import MARKER, SPREAD, ReplayEmbedder, group_text
from ingest.parse import parse_document
from ingest.sync import Indexer
from vectorstore.embeddings import HashingEmbedder
from vectorstore.index import Index

pytestmark = pytest.mark.unit


class _Counting(HashingEmbedder):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return super().embed_documents(texts)


def test_copies_reuse_one_model_vector_and_stay_distinct_near_it() -> None:
    model = _Counting()
    replay = ReplayEmbedder(model)
    texts = ["Copy 1\n\nThe river floods.", "Dams hold it.",
             "Copy 2\n\nThe river floods.", "Dams hold it.", "Copy 3\n\nThe river floods."]
    vectors = np.array(replay.embed_documents(texts))

    assert model.texts == ["The river floods.", "Dams hold it."]
    assert replay.hits == 3
    base = np.array(model.embed_query("The river floods."))
    assert np.allclose(vectors[0], base)  # the first occurrence is the model's own vector
    copies = vectors[[0, 2, 4]]
    assert np.allclose(np.linalg.norm(copies, axis=1), 1.0)
    assert len({tuple(v) for v in copies}) == 3
    assert np.allclose(copies[1:] @ base, 1 / np.sqrt(1 + SPREAD**2), atol=0.03)
    again = ReplayEmbedder(HashingEmbedder()).embed_documents(texts)
    assert np.allclose(again, vectors)  # seeded: every run builds the same index


def test_the_copy_line_never_moves_a_chunk_boundary(make_settings) -> None:
    sentence = "The committee met in the spring and agreed on a budget for the new bridge. "
    group = [Paragraph(f"00-{i:03d}.txt", 0, "T", sentence * (3 + 7 * i), [])
             for i in range(6)]
    indexer = Indexer(Index(make_settings(chunk_tokens=40, chunk_overlap=8), HashingEmbedder()))

    def stripped(copy: int) -> list[str]:
        document = parse_document(group_text(copy, group).encode(), Path("g.txt"), "g.txt")
        return [MARKER.sub("", c.text) for c in indexer.chunker.split(document)]

    first = stripped(1)
    assert len(first) > len(group)
    assert all(stripped(copy) == first for copy in (2, 17, 999))
