"""The index: the Chroma chunk store plus the manifest of files, opened together from settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from app.config import Settings
from vectorstore.embeddings import Embedder, make_embeddings
from vectorstore.manifest import Manifest
from vectorstore.store import ChunkStore, content_of


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with everything needed to cite it."""

    source: str
    also_in: tuple[str, ...]  # other file names with identical content
    title: str
    text: str
    start: int
    end: int
    page: int | None
    heading: str
    score: float


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
        return not self.manifest.files()

    def sources(self) -> list[SourceInfo]:
        infos = []
        for record in self.manifest.files():
            content = self.manifest.content(record.sha256)
            infos.append(SourceInfo(
                source=record.source, path=record.path, sha256=record.sha256,
                title=content.title if content else "", chunks=content.chunks if content else 0,
            ))
        return infos

    def search(self, query: str, k: int = 5) -> list[Passage]:
        """Dense nearest chunks for `query`, best first."""
        hits = self.store.query(self.embedder.embed_query(query), k)
        passages = []
        for hit in hits:
            sha = content_of(hit.id)
            names = self.manifest.sources_of(sha)
            content = self.manifest.content(sha)
            if not names or content is None:  # an orphan awaiting clean-up: never cite it
                continue
            page = hit.metadata.get("page")
            passages.append(Passage(
                source=names[0], also_in=tuple(names[1:]), title=content.title, text=hit.text,
                start=int(hit.metadata["start"]), end=int(hit.metadata["end"]),
                page=int(page) if page is not None else None,
                heading=str(hit.metadata.get("heading") or ""), score=1.0 - hit.distance,
            ))
        return passages


def _manifest_name(settings: Settings) -> str:
    """One manifest per collection and per store, so a server and a local store never mix."""
    where = f"{settings.chroma_host}_{settings.chroma_port}" if settings.chroma_host else "local"
    return re.sub(r"[^\w.-]", "_", f"manifest-{where}-{settings.collection}.sqlite3")
