"""The index: the Chroma chunk store plus the manifest of files, opened together from settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from common.config import Settings
from vectorstore.embeddings import Embedder, make_embeddings
from vectorstore.manifest import Manifest
from vectorstore.store import ChunkStore


@dataclass(frozen=True)
class SourceInfo:
    source: str
    path: str
    title: str
    chunks: int
    sha256: str


class Index:
    """Everything indexed under one collection; the only door to Chroma and the manifest."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embeddings(settings)

    @cached_property
    def store(self) -> ChunkStore:
        return ChunkStore(self.settings, self.embedder.name, self.embedder.dim)

    @cached_property
    def manifest(self) -> Manifest:
        return Manifest(self.settings.data_dir / _manifest_name(self.settings))

    def close(self) -> None:
        if "manifest" in self.__dict__:
            self.manifest.close()

    def is_empty(self) -> bool:
        return not self.manifest.has_files()

    def sources(self) -> list[SourceInfo]:
        """Every indexed file with its title and chunk count (the UI asks on every rerun: one
        query, and the documents' texts are not read)."""
        return [SourceInfo(source=source, path=path, sha256=sha, title=title, chunks=chunks)
                for source, path, sha, title, chunks in self.manifest.file_listing()]


def _manifest_name(settings: Settings) -> str:
    """One manifest per collection and per store, so a server and a local store never mix."""
    where = f"{settings.chroma_host}_{settings.chroma_port}" if settings.chroma_host else "local"
    return re.sub(r"[^\w.-]", "_", f"manifest-{where}-{settings.collection}.sqlite3")
