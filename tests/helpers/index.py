"""Assertions about an index's inner consistency, shared by the sync and crash tests."""

from __future__ import annotations

from vectorstore.index import Index
from vectorstore.store import chunk_id


def expected_ids(index: Index) -> set[str]:
    return {chunk_id(c.sha256, i) for c in index.contents() for i in range(c.chunks)}


def assert_consistent(index: Index) -> None:
    """Every catalog content has all its chunks in Chroma, and Chroma holds nothing else."""
    assert index.store.all_ids() == expected_ids(index)
    referenced = {f.sha256 for f in index.files()}
    assert {c.sha256 for c in index.contents()} == referenced


def snapshot(index: Index) -> dict:
    """What a user could observe of an index: files, contents, and every stored chunk."""
    got = index.store.collection.get(include=["documents", "metadatas"])
    chunks = {i: (d, tuple(sorted(m.items())))
              for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}
    return {
        "files": sorted((f.source, f.sha256) for f in index.files()),
        "contents": sorted(index.contents(), key=lambda c: c.sha256),
        "chunks": chunks,
    }
