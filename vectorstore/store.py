"""Chroma as the chunk store: embedded (`PersistentClient`) by default, a `chroma run` server
(`HttpClient`) when `CHROMA_HOST` is set. Chroma never embeds by itself here: vectors always
come from our embedder, and the collection records which one, so vectors are never mixed.

Chroma's embedded store writes to its own SQLite file every time it opens (a row of its write
lock), so it cannot open a folder this user cannot write (chroma-core/chroma#1438). There the
store opens a private snapshot instead: a consistent copy of that SQLite file (its documents and
metadata) in a temporary folder, beside links to the vector index folders, which are only read.
The answers are the same; the copy costs the SQLite file's size once per process.

The collection also records the id of the catalog that owns it: chunk ids mean something only
to that catalog, so another one (a second data folder pointed at the same server) must neither
write nor reconcile it, or it would delete chunks it does not know.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from common.config import Settings
from common.errors import EmbedderMismatchError, ForeignCollectionError, StoreError
from vectorstore.catalog import ChunkRecord
from vectorstore.embeddings import Embedder
from vectorstore.onnx_model import MIN_COSINE
from vectorstore.sqlite import connect_read_only

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
CHROMA_SQLITE = "chroma.sqlite3"


def chunk_id(sha256: str, index: int) -> str:
    """Chunks are keyed by content: re-running a crashed batch overwrites, never duplicates."""
    return f"{sha256}:{index:05d}"


def content_of(chunk_id_: str) -> str:
    return chunk_id_.split(":", 1)[0]


def chunk_metadata(chunk: ChunkRecord) -> dict[str, Any]:
    """What Chroma keeps beside a chunk's vector (the filters search by)."""
    return {"sha256": chunk.sha256, "index": int(chunk.id.rsplit(":", 1)[1]),
            "start": chunk.start, "end": chunk.end, "page": chunk.page, "heading": chunk.heading}


class ChunkStore(Protocol):
    """Chunk vectors by id; texts and places live in the catalog."""

    location: str

    def count(self) -> int: ...
    def all_ids(self) -> set[str]: ...
    def claim(self) -> None: ...
    def upsert(self, ids: list[str], texts: list[str], vectors: Sequence[Sequence[float]],
               metadatas: list[dict[str, Any]]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def nearest(self, vector: Sequence[float], k: int,
                where: dict[str, Any] | None = None) -> list[tuple[str, float]]: ...
    def drop(self, claim: bool = True) -> None: ...


class ChromaStore:
    """One Chroma collection of chunk vectors, tagged with the embedder that made them and the
    catalog that owns them."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 owner: str, owner_description: str, read_only: bool = False) -> None:
        self.settings = settings
        self.read_only = read_only
        self._scratch: tempfile.TemporaryDirectory | None = None  # the read-only snapshot
        self.embedder = embedder
        self.embedder_name = embedder.name
        self.dim = embedder.dim
        self.owner = owner
        self.owner_description = owner_description

    @cached_property
    def location(self) -> str:
        s = self.settings
        return f"http://{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.chroma_dir)

    @cached_property
    def client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if self.settings.chroma_host:
                return chromadb.HttpClient(
                    host=self.settings.chroma_host, port=self.settings.chroma_port,
                    settings=chroma_settings,
                )
            if self.read_only:
                return chromadb.PersistentClient(path=self._snapshot(), settings=chroma_settings)
            self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.settings.chroma_dir),
                                             settings=chroma_settings)
        except Exception as exc:
            raise StoreError(f"Cannot open the Chroma store at {self.location}: {exc}") from None

    def _snapshot(self) -> str:
        """A temporary folder Chroma may write: a copy of its SQLite file (SQLite's backup, so
        consistent), links to everything else; removed with this store."""
        self._scratch = tempfile.TemporaryDirectory(prefix="footnote-chroma-")
        scratch, source = Path(self._scratch.name), self.settings.chroma_dir
        for entry in source.iterdir() if source.is_dir() else ():
            if entry.name != CHROMA_SQLITE:
                (scratch / entry.name).symlink_to(entry)
        if (source / CHROMA_SQLITE).exists():
            original = connect_read_only(source / CHROMA_SQLITE)
            copy = sqlite3.connect(scratch / CHROMA_SQLITE)
            try:
                original.backup(copy)
            finally:
                copy.close()
                original.close()
        return str(scratch)

    def _open(self):
        """The collection as it is, created (owned by this catalog) when missing. Only a new
        collection asks the embedder for its runtime's bound (which may load the model)."""
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(self.settings.collection, embedding_function=None)
        except NotFoundError:
            return self.client.get_or_create_collection(
                name=self.settings.collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.embedder_name, "dim": self.dim,
                          "catalog": self.owner, **self._runtime()},
            )

    def _runtime(self) -> dict[str, Any]:
        """What ran the model and how close its vectors are to the reference runtime's, so
        another runtime of the same model may search the collection only where both are close."""
        if not self.embedder.runtime:
            return {}
        return {"runtime": self.embedder.runtime, "min_cosine": self.embedder.min_cosine}

    @cached_property
    def collection(self):
        collection = self._open()
        meta = collection.metadata or {}
        if meta.get("embedder") != self.embedder_name or meta.get("dim") != self.dim:
            raise EmbedderMismatchError(
                f"The index at {self.location} (collection {self.settings.collection!r}) was built "
                f"with {meta.get('embedder')!r} ({meta.get('dim')} dimensions), but "
                f"FOOTNOTE_EMBEDDINGS now selects {self.embedder_name!r} ({self.dim}). Switch the "
                "setting back, or rebuild the index with: footnote ingest --reindex PATH..."
            )
        built_by = meta.get("runtime") or "torch"  # collections made before ONNX: PyTorch's
        if self.embedder.runtime and built_by != self.embedder.runtime:
            bound = min(float(meta.get("min_cosine", 1.0)), self.embedder.min_cosine)
            if bound < MIN_COSINE:
                raise EmbedderMismatchError(
                    f"The index at {self.location} was built by {built_by}, whose vectors are "
                    f"only {bound:.4f} close to {self.embedder.runtime}'s (at least {MIN_COSINE} "
                    f"needed). Set FOOTNOTE_EMBEDDING_RUNTIME={built_by}, or rebuild the index "
                    "with: footnote ingest --reindex PATH...")
        return collection

    def claim(self) -> None:
        """Make sure this catalog owns the collection before writing to or reconciling it; a
        collection made before owners were recorded is adopted by the first catalog to write."""
        collection = self._open()
        meta = dict(collection.metadata or {})
        if not meta.get("catalog"):
            collection.modify(metadata={**meta, "catalog": self.owner})
            meta = dict(self.client.get_collection(self.settings.collection).metadata or {})
        self._check_owner(meta)

    def _check_owner(self, meta: dict[str, Any]) -> None:
        if meta.get("catalog") not in (None, "", self.owner):
            raise ForeignCollectionError(
                f"The Chroma collection {self.settings.collection!r} at {self.location} belongs "
                f"to catalog {meta['catalog']}, not to {self.owner_description} (catalog "
                f"{self.owner}); point FOOTNOTE_DATABASE_URL at the database that owns it "
                "(every app server sharing a Chroma server must share one database), or choose "
                "another FOOTNOTE_COLLECTION.")

    def count(self) -> int:
        return self.collection.count()

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        page, offset = 5000, 0
        while True:
            batch = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(batch)
            if len(batch) < page:
                return ids
            offset += page

    def upsert(self, ids: list[str], texts: list[str], vectors: Sequence[Sequence[float]],
               metadatas: list[dict[str, Any]]) -> None:
        step = self.client.get_max_batch_size()
        for i in range(0, len(ids), step):
            self.collection.upsert(
                ids=ids[i:i + step], documents=texts[i:i + step],
                embeddings=[list(v) for v in vectors[i:i + step]],
                metadatas=metadatas[i:i + step],
            )

    def delete(self, ids: list[str]) -> None:
        step = 5000
        for i in range(0, len(ids), step):
            self.collection.delete(ids=ids[i:i + step])

    def nearest(self, vector: Sequence[float], k: int,
                where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, nearest first; their text and
        place come from the catalog."""
        if k <= 0:
            return []
        result = self.collection.query(query_embeddings=[list(vector)], n_results=k,
                                       where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0],
                                                      strict=True)]

    def drop(self, claim: bool = True) -> None:
        """Delete the whole collection (used by --reindex); `claim=False` drops it whoever owns
        it (--rebuild: its catalog was damaged and moved aside)."""
        names = {c.name for c in self.client.list_collections()}
        if self.settings.collection in names:
            if claim:
                self.claim()
            self.client.delete_collection(self.settings.collection)
        self.__dict__.pop("collection", None)
