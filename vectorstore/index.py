"""The index: the chunk store (Chroma) and the catalog (SQLite or PostgreSQL), opened together
from settings. The rest of Footnote goes through `Index` only, and never learns which database
holds the catalog.

Order of writes makes every crash recoverable: chunks go into Chroma first (ids derived from the
content hash, so a retry overwrites), then one catalog transaction records the contents and the
files. `reconcile()` at the start of every run deletes Chroma chunks no catalog row accounts for
and forgets contents whose chunks are missing, so a run after a SIGKILL ends exactly where a clean
run would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from common.config import Settings
from vectorstore.access import read_only_error, read_only_path
from vectorstore.catalog import (
    Catalog,
    ChunkRecord,
    ContentRecord,
    Excerpt,
    FileRecord,
    Span,
    make_catalog,
)
from vectorstore.embeddings import Embedder, make_embeddings
from vectorstore.store import ChromaStore, ChunkStore, chunk_id, chunk_metadata, content_of


@dataclass(frozen=True)
class SourceInfo:
    source: str
    path: str
    title: str
    chunks: int
    sha256: str


class Index:
    """Everything indexed under one collection; the only door to the chunk store and catalog."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embeddings(settings)
        # Decided once: a folder this user cannot write is read, never written (no lock taken).
        self.read_only = read_only_path(settings) is not None

    @cached_property
    def _catalog(self) -> Catalog:
        return make_catalog(self.settings, self.read_only)

    @cached_property
    def store(self) -> ChunkStore:
        return ChromaStore(self.settings, self.embedder, self._catalog.catalog_id,
                           self._catalog.description, self.read_only)

    def close(self) -> None:
        if "_catalog" in self.__dict__:
            self._catalog.close()

    # Reading -----------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._catalog.has_files()

    @property
    def seeded(self) -> bool:
        """The demo documents were added once (in the catalog, so every app server knows)."""
        return self._catalog.get_meta("seeded") is not None

    def mark_seeded(self) -> None:
        if not self.read_only:
            self._catalog.set_meta("seeded", "1")

    def sources(self) -> list[SourceInfo]:
        """Every indexed file with its title and chunk count (the UI asks on every rerun: one
        query, and the documents' texts are not read)."""
        return [SourceInfo(source=source, path=path, sha256=sha, title=title, chunks=chunks)
                for source, path, sha, title, chunks in self._catalog.file_listing()]

    def file(self, path: str) -> FileRecord | None:
        return self._catalog.file(path)

    def files(self) -> list[FileRecord]:
        return self._catalog.files()

    def files_named(self, source: str) -> list[FileRecord]:
        """Files whose relative name or absolute path is `source`."""
        return self._catalog.files_named(source)

    def files_under(self, folder: str) -> list[FileRecord]:
        return self._catalog.files_under(folder)

    def content(self, sha256: str) -> ContentRecord | None:
        return self._catalog.content(sha256)

    def indexed_contents(self) -> set[str]:
        """The content hashes the catalog holds (no texts)."""
        return set(self._catalog.declared_chunks())

    def contents(self) -> list[ContentRecord]:
        return self._catalog.contents()

    def sources_of(self, sha256: str) -> list[str]:
        """The names of every file holding this content, in order."""
        return self._catalog.sources_of(sha256)

    def excerpts(self, spans: list[Span]) -> list[Excerpt | None]:
        """(sha256, start, end) spans of content texts, with titles and file names, in one go;
        None where the content is gone."""
        return self._catalog.excerpts(spans)

    def original(self, sha256: str) -> bytes | None:
        """The uploaded file's own bytes, from any app server; None for files ingested from a
        folder (they stay where they are)."""
        return self._catalog.original(sha256)

    def document_bytes(self, sha256: str) -> bytes | None:
        """The file of this content as it was indexed: an upload's bytes from the catalog, else
        a file of the folder this server can read and that still holds that content."""
        data = self.original(sha256)
        if data is not None:
            return data
        for source in self.sources_of(sha256):
            for record in self.files_named(source):
                try:
                    data = Path(record.path).read_bytes()
                except OSError:
                    continue
                if hashlib.sha256(data).hexdigest() == sha256:
                    return data
        return None

    def original_shas(self) -> set[str]:
        """The contents whose uploaded bytes are kept (one query, no bytes)."""
        return self._catalog.original_shas()

    def chunks(self, ids: list[str]) -> dict[str, ChunkRecord]:
        return self._catalog.chunks(ids)

    def keyword_search(self, terms: list[str], limit: int,
                       shas: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, score), best first; any term may match."""
        return self._catalog.keyword_search(terms, limit, shas)

    def nearest(self, vector: Sequence[float], k: int,
                where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), nearest first."""
        return self.store.nearest(vector, k, where=where)

    # Writing: only inside `writing()` ----------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time (a file lock on SQLite, an advisory lock on PostgreSQL), and only
        into a Chroma collection this catalog owns; never in a read-only data folder."""
        if self.read_only:
            raise read_only_error(self.settings)
        with self._catalog.writer_lock():
            self.store.claim()
            yield
            self._catalog.refresh_statistics()

    def put_files(self, records: Iterable[FileRecord]) -> None:
        self._catalog.put_files(records)

    def keep_original(self, sha256: str, data: bytes) -> None:
        """Keep an upload's bytes while a file of the catalog has them (`collect_garbage`
        deletes them with the last such file)."""
        self._catalog.put_original(sha256, data)

    def forget_files(self, paths: Iterable[str]) -> None:
        """Drop files from the catalog; their chunks go at the next `collect_garbage()`."""
        with self._catalog.transaction():
            self._catalog.delete_files(paths)

    def add(self, contents: list[ContentRecord], chunks: list[ChunkRecord],
            files: list[FileRecord], vectors: Sequence[Sequence[float]],
            metadatas: list[dict[str, Any]]) -> None:
        """Chunks into Chroma first, then contents, chunks and files in one transaction."""
        if chunks:
            self.store.upsert([c.id for c in chunks], [c.text for c in chunks], vectors,
                              metadatas)
        with self._catalog.transaction():
            self._catalog.put_contents(contents, chunks)
            self._catalog.put_files(files)

    def reconcile(self, signature: str) -> int:
        """Make Chroma and the catalog agree after whatever happened last time; contents made
        under another `signature` (chunking settings, embedder) are forgotten, to be re-made.
        Vectors missing from Chroma (a deleted folder, a dropped collection) are made again from
        the catalog's own chunk texts, never by dropping the catalog's data; returns how many."""
        catalog = self._catalog
        if catalog.get_meta("signature") != signature:
            with catalog.transaction():
                catalog.delete_contents(list(catalog.declared_chunks()))
                catalog.set_meta("signature", signature)
        ids = self.store.all_ids()
        declared = catalog.declared_chunks()
        counts = catalog.chunk_counts()
        torn = {sha for sha, n in declared.items() if counts.get(sha, 0) != n}
        if torn:  # a write to the catalog cut short: the files are read again
            with catalog.transaction():
                catalog.delete_contents(torn)
        missing = [chunk_id(sha, i) for sha, n in declared.items() if sha not in torn
                   for i in range(n) if chunk_id(sha, i) not in ids]
        self._restore_vectors(missing)
        orphans = [i for i in ids if content_of(i) not in declared or content_of(i) in torn]
        self.store.delete(orphans)
        self.collect_garbage()
        return len(missing)

    def _restore_vectors(self, ids: list[str]) -> None:
        batch = self.settings.embed_batch
        for start in range(0, len(ids), batch):
            records = self._catalog.chunks(ids[start:start + batch])
            chunks = [records[i] for i in ids[start:start + batch]]
            self.store.upsert([c.id for c in chunks], [c.text for c in chunks],
                              self.embedder.embed_documents([c.text for c in chunks]),
                              [chunk_metadata(c) for c in chunks])

    def health(self) -> str | None:
        """One sentence when the vector store holds fewer vectors than the catalog lists (its
        folder deleted, its collection dropped), with the command that repairs it. Counts, not
        ids: extra vectors (never cited) can hide as many missing ones until the next ingest,
        which checks every id."""
        listed = sum(self._catalog.declared_chunks().values())
        held = self.store.count()
        if held >= listed:  # extra vectors are never cited (a write in progress, a crash)
            return None
        who = "Its owner can repair it" if self.read_only else "Repair it"
        return (f"The vector store at {self.store.location} holds {held:,} of the {listed:,} "
                "passages the catalog lists, so answers rest on keyword search alone for the "
                f"others. {who} with: footnote ingest (with no path: the missing vectors are "
                "made again from the catalog's texts, no file is read).")

    def collect_garbage(self) -> None:
        """Delete chunks of contents, and originals, no file refers to any more."""
        self._catalog.delete_unreferenced_originals()
        unused = self._catalog.unreferenced_contents()
        if not unused:
            return
        # The catalog first: Chroma may hold extra vectors for a while (never cited, removed by
        # the next `reconcile`), but never fewer than the catalog lists.
        with self._catalog.transaction():
            self._catalog.delete_contents(c.sha256 for c in unused)
        self.store.delete([chunk_id(c.sha256, i) for c in unused for i in range(c.chunks)])

    def drop_everything(self) -> None:
        """Empty the collection and the catalog (used by --reindex)."""
        self.store.drop()
        catalog = self._catalog
        with catalog.transaction():
            catalog.delete_files(r.path for r in catalog.files())
            catalog.delete_contents(list(catalog.declared_chunks()))
