"""The catalog: which files are indexed, under which content hash, each content's cleaned text,
its chunks with a keyword index over them, the bytes of uploaded files (which exist nowhere else),
and the writers' lock. One interface, one
implementation per database: SQLite (the default, a file under FOOTNOTE_DATA_DIR) and
PostgreSQL (FOOTNOTE_DATABASE_URL, shared by several app servers).

Chunks are keyed by content, so identical files share one set of vectors. Writes happen in
transactions: a crash leaves either the old or the new state, never half. Because the keyword
index lives in the same database and the same transactions as the list of files, it can never
drift from it, whichever process wrote last.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from common.config import Settings
from common.errors import CatalogDamagedError, ConfigError


@dataclass(frozen=True)
class FileRecord:
    path: str  # absolute path, the file's identity
    source: str  # path relative to the folder it was ingested from, shown to users
    sha256: str
    size: int


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    sha256: str
    text: str
    start: int
    end: int
    page: int | None
    heading: str


@dataclass(frozen=True)
class ContentRecord:
    sha256: str
    title: str
    chunks: int
    text: str  # the cleaned text chunk spans point into


@dataclass(frozen=True)
class Excerpt:
    """A span of a content's text, with the content's title and the names of its files."""

    title: str
    text: str
    sources: tuple[str, ...]


Span = tuple[str, int, int]  # content sha256, start, end


class Catalog(Protocol):
    """What `Index` needs from a database; outside a `transaction()` each write commits alone."""

    catalog_id: str  # recorded in the Chroma collection this catalog owns
    description: str  # where it lives, for messages (never a URL with a password)

    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def writer_lock(self) -> AbstractContextManager[None]: ...
    def refresh_statistics(self) -> None: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def file(self, path: str) -> FileRecord | None: ...
    def files(self) -> list[FileRecord]: ...
    def has_files(self) -> bool: ...
    def file_listing(self) -> list[tuple[str, str, str, str, int]]: ...
    def files_under(self, folder: str) -> list[FileRecord]: ...
    def files_named(self, source: str) -> list[FileRecord]: ...
    def put_files(self, records: Iterable[FileRecord]) -> None: ...
    def delete_files(self, paths: Iterable[str]) -> None: ...
    def content(self, sha256: str) -> ContentRecord | None: ...
    def contents(self) -> list[ContentRecord]: ...
    def put_contents(self, records: Iterable[ContentRecord],
                     chunks: Iterable[ChunkRecord]) -> None: ...
    def delete_contents(self, shas: Iterable[str]) -> None: ...
    def declared_chunks(self) -> dict[str, int]: ...
    def chunk_counts(self) -> dict[str, int]: ...
    def keyword_search(self, terms: list[str], limit: int,
                       shas: list[str] | None = None) -> list[tuple[str, float]]: ...
    def chunks(self, ids: list[str]) -> dict[str, ChunkRecord]: ...
    def unreferenced_contents(self) -> list[ContentRecord]: ...
    def sources_of(self, sha256: str) -> list[str]: ...
    def excerpts(self, spans: list[Span]) -> list[Excerpt | None]: ...
    def put_original(self, sha256: str, data: bytes) -> None: ...
    def original(self, sha256: str) -> bytes | None: ...
    def original_shas(self) -> set[str]: ...
    def delete_unreferenced_originals(self) -> None: ...


def make_catalog(settings: Settings, read_only: bool = False) -> Catalog:
    """PostgreSQL when FOOTNOTE_DATABASE_URL is set, else a SQLite file under the data folder
    (opened without writing anything when `read_only`)."""
    if settings.database_url:
        from vectorstore.catalog.postgres import PostgresCatalog
        from vectorstore.postgres import engine_for

        return PostgresCatalog(engine_for(settings.database_url.get_secret_value()),
                               settings.collection)
    from vectorstore.catalog.sqlite import SQLiteCatalog

    path = settings.data_dir / sqlite_name(settings)
    try:
        return SQLiteCatalog(path, read_only)
    except sqlite3.DatabaseError as exc:  # random bytes, a truncated copy, a torn disk write
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only: nothing is damaged
            raise
        raise CatalogDamagedError(
            f"The catalog {path} is damaged ({exc}). Build the index again from your documents "
            "with: footnote ingest --rebuild PATH... (the damaged file is kept beside it)."
        ) from None


def set_aside(settings: Settings) -> Path | None:
    """Move the SQLite catalog (and its journal files) aside, kept beside it for a look or a
    recovery, so that a new one is built; returns where it went (None when there was none)."""
    if settings.database_url is not None:
        raise ConfigError("--rebuild moves a SQLite catalog aside; a PostgreSQL catalog is "
                          "repaired from its own backups.")
    path = settings.data_dir / sqlite_name(settings)
    if not path.exists():
        return None
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    with open(path.parent / "write.lock", "w") as lock:  # never under a running ingest
        fcntl.flock(lock, fcntl.LOCK_EX)
        for suffix in ("", "-wal", "-shm"):
            journal = Path(f"{path}{suffix}")
            if journal.exists():
                journal.rename(f"{target}{suffix}")
    return target


def sqlite_name(settings: Settings) -> str:
    """One SQLite catalog per collection and per store, so a server and a local store never mix
    (the name the manifest had before the catalog, so an existing index opens as it is)."""
    where = f"{settings.chroma_host}_{settings.chroma_port}" if settings.chroma_host else "local"
    return re.sub(r"[^\w.-]", "_", f"manifest-{where}-{settings.collection}.sqlite3")
