"""The manifest: which files are indexed, under which content hash, and how many chunks each
content has in Chroma. Chunks are keyed by content, so identical files share one set of vectors.

SQLite, one transaction per batch: a crash leaves either the old or the new state, never half.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contents (
    sha256 TEXT PRIMARY KEY, title TEXT NOT NULL, chunks INTEGER NOT NULL, chars INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE INDEX IF NOT EXISTS files_source ON files(source);
"""


@dataclass(frozen=True)
class FileRecord:
    path: str  # absolute path, the file's identity
    source: str  # path relative to the folder it was ingested from, shown to users
    sha256: str
    size: int


@dataclass(frozen=True)
class ContentRecord:
    sha256: str
    title: str
    chunks: int
    chars: int


class Manifest:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def file(self, path: str) -> FileRecord | None:
        row = self._db.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()
        return FileRecord(*row) if row else None

    def files(self) -> list[FileRecord]:
        return [FileRecord(*r) for r in self._db.execute("SELECT * FROM files ORDER BY source")]

    def files_under(self, folder: str) -> list[FileRecord]:
        prefix = folder.rstrip("/") + "/"
        rows = self._db.execute(
            "SELECT * FROM files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
        )
        return [FileRecord(*r) for r in rows]

    def files_named(self, source: str) -> list[FileRecord]:
        rows = self._db.execute("SELECT * FROM files WHERE source=? OR path=?", (source, source))
        return [FileRecord(*r) for r in rows]

    def put_files(self, records: Iterable[FileRecord]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
            [(r.path, r.source, r.sha256, r.size) for r in records],
        )

    def delete_files(self, paths: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM files WHERE path=?", [(p,) for p in paths])

    def content(self, sha256: str) -> ContentRecord | None:
        row = self._db.execute("SELECT * FROM contents WHERE sha256=?", (sha256,)).fetchone()
        return ContentRecord(*row) if row else None

    def contents(self) -> list[ContentRecord]:
        return [ContentRecord(*r) for r in self._db.execute("SELECT * FROM contents")]

    def put_contents(self, records: Iterable[ContentRecord]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO contents VALUES (?, ?, ?, ?)",
            [(r.sha256, r.title, r.chunks, r.chars) for r in records],
        )

    def delete_contents(self, shas: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM contents WHERE sha256=?", [(s,) for s in shas])

    def unreferenced_contents(self) -> list[ContentRecord]:
        rows = self._db.execute(
            "SELECT * FROM contents WHERE sha256 NOT IN (SELECT sha256 FROM files)"
        )
        return [ContentRecord(*r) for r in rows]

    def sources_of(self, sha256: str) -> list[str]:
        rows = self._db.execute(
            "SELECT source FROM files WHERE sha256=? ORDER BY source", (sha256,)
        )
        return [r[0] for r in rows]
