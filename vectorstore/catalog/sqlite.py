"""The catalog in SQLite: one file under FOOTNOTE_DATA_DIR, FTS5 (BM25) as the keyword index,
`BEGIN IMMEDIATE` transactions, and a file lock beside it for writers (one machine only).

The layout is the manifest's of schema version 3 unchanged, so an index built before the catalog
opens as it is, without re-embedding; the catalog's id is one more row of `meta`.
"""

from __future__ import annotations

import fcntl
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common.errors import StoreError
from vectorstore.catalog import ChunkRecord, ContentRecord, Excerpt, FileRecord, Span
from vectorstore.sqlite import PerThreadSQLite

# Bump when the tables change: an older manifest is dropped and its files are ingested again
# (the chunks it described become orphans that the next reconcile deletes from Chroma).
SCHEMA_VERSION = 3
_DROP = "".join(f"DROP TABLE IF EXISTS {t};\n"
                for t in ("chunks_fts", "chunks", "contents", "files", "meta", "originals"))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contents (
    sha256 TEXT PRIMARY KEY, title TEXT NOT NULL, chunks INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, page INTEGER, heading TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_sha ON chunks(sha256);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE INDEX IF NOT EXISTS files_source ON files(source);
"""


# Added without a version bump: an index of schema 3 gains it as it opens, nothing re-embedded.
_ORIGINALS = "CREATE TABLE IF NOT EXISTS originals (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)"


class SQLiteCatalog:
    """One SQLite connection per thread (a Streamlit server runs sessions in many threads)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.description = f"the SQLite catalog {path}"
        self._sql = PerThreadSQLite(path, read_only=read_only)
        if read_only:
            self._open_read_only()
            return
        with self.transaction():
            if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                for statement in _statements(_DROP + _SCHEMA):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db.execute(_ORIGINALS)
            catalog_id = self.get_meta("catalog_id")
            if catalog_id is None:
                catalog_id = uuid.uuid4().hex
                self.set_meta("catalog_id", catalog_id)
            self.catalog_id = catalog_id

    def _open_read_only(self) -> None:
        """As it is: a catalog of another schema, or none at all, cannot be made here."""
        if not self.path.exists():
            raise StoreError(f"No index is kept in the read-only folder {self.path.parent} "
                             f"(no {self.path.name}); index documents as a user who can write "
                             "it, or point FOOTNOTE_DATA_DIR at another folder.")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        catalog_id = self.get_meta("catalog_id") if version == SCHEMA_VERSION else None
        if catalog_id is None:
            raise StoreError(f"The catalog {self.path} was made by another version of Footnote "
                             "and cannot be upgraded in its read-only folder; run footnote "
                             "sources once as a user who can write it.")
        self.catalog_id = catalog_id

    @property
    def _db(self) -> sqlite3.Connection:
        return self._sql.db

    def close(self) -> None:
        self._sql.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._sql.transaction():
            yield

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One writer at a time per data folder; a second `footnote ingest` waits its turn."""
        with open(self.path.parent / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def refresh_statistics(self) -> None:
        """FTS5 keeps what BM25 needs as it writes; the planner needs nothing more. The WAL is
        folded into the main file, so a reader who cannot write the folder (and so cannot use
        the WAL) reads every write from it."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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

    def has_files(self) -> bool:
        return self._db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None

    def file_listing(self) -> list[tuple[str, str, str, str, int]]:
        """(source, path, sha256, title, chunks) per file, by source: one query, no texts."""
        return self._db.execute(
            "SELECT f.source, f.path, f.sha256, coalesce(c.title, ''), coalesce(c.chunks, 0) "
            "FROM files f LEFT JOIN contents c USING (sha256) ORDER BY f.source").fetchall()

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

    def put_contents(self, records: Iterable[ContentRecord],
                     chunks: Iterable[ChunkRecord]) -> None:
        """Contents and their chunks; replaces what was there."""
        records = list(records)
        self.delete_contents(r.sha256 for r in records)
        self._db.executemany(
            "INSERT INTO contents VALUES (?, ?, ?, ?)",
            [(r.sha256, r.title, r.chunks, r.text) for r in records],
        )
        self._db.executemany(
            'INSERT INTO chunks(id, sha256, text, start, "end", page, heading) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(c.id, c.sha256, c.text, c.start, c.end, c.page, c.heading) for c in chunks],
        )

    def delete_contents(self, shas: Iterable[str]) -> None:
        rows = [(s,) for s in shas]
        self._db.executemany("DELETE FROM chunks WHERE sha256=?", rows)
        self._db.executemany("DELETE FROM contents WHERE sha256=?", rows)

    def put_original(self, sha256: str, data: bytes) -> None:
        self._db.execute("INSERT OR IGNORE INTO originals VALUES (?, ?)", (sha256, data))

    def original(self, sha256: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM originals WHERE sha256=?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None

    def original_shas(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT sha256 FROM originals")}

    def delete_unreferenced_originals(self) -> None:
        self._db.execute("DELETE FROM originals WHERE sha256 NOT IN (SELECT sha256 FROM files)")

    def declared_chunks(self) -> dict[str, int]:
        """How many chunks each content should have."""
        return dict(self._db.execute("SELECT sha256, chunks FROM contents").fetchall())

    def chunk_counts(self) -> dict[str, int]:
        """Chunks held per content, to check each content is complete."""
        rows = self._db.execute("SELECT sha256, count(*) FROM chunks GROUP BY sha256")
        return dict(rows.fetchall())

    def keyword_search(self, terms: list[str], limit: int,
                       shas: list[str] | None = None) -> list[tuple[str, float]]:
        """BM25 over chunk texts: (chunk id, score), best first; any term may match."""
        if not terms or limit <= 0:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = ("SELECT c.id, -bm25(chunks_fts) FROM chunks_fts JOIN chunks c "
               "ON c.rowid = chunks_fts.rowid WHERE chunks_fts MATCH ?")
        params: list[object] = [match]
        if shas is not None:
            sql += f" AND c.sha256 IN ({','.join('?' * len(shas))})"
            params.extend(shas)
        sql += " ORDER BY bm25(chunks_fts) LIMIT ?"
        params.append(limit)
        return [(r[0], float(r[1])) for r in self._db.execute(sql, params)]

    def chunks(self, ids: list[str]) -> dict[str, ChunkRecord]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            'SELECT id, sha256, text, start, "end", page, heading FROM chunks '
            f"WHERE id IN ({marks})", ids)
        return {r[0]: ChunkRecord(*r) for r in rows}

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

    def excerpts(self, spans: list[Span]) -> list[Excerpt | None]:
        """Only the spans' characters leave the database, not whole texts."""
        found: list[Excerpt | None] = []
        for sha, start, end in spans:
            row = self._db.execute("SELECT title, substr(text, ?, ?) FROM contents "
                                   "WHERE sha256=?", (start + 1, end - start, sha)).fetchone()
            found.append(Excerpt(row[0], row[1], tuple(self.sources_of(sha))) if row else None)
        return found


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into statements (triggers included), to run inside a transaction."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
