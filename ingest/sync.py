"""Keep the index in step with files and folders: find what changed, parse, chunk and embed
it, and hand it to `Index`, which orders the writes so that every crash is recoverable (see
vectorstore/index.py). Every run starts with `Index.reconcile()`, inside the writers' lock.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from common.errors import FootnoteError, IngestError
from ingest.chunking import Chunker
from ingest.clean import CLEANER_VERSION
from ingest.discover import Candidate, discover
from ingest.documents import Chunk, Document
from ingest.parse import parse_document, sha256_of
from vectorstore.catalog import ChunkRecord, ContentRecord, FileRecord
from vectorstore.index import Index
from vectorstore.store import chunk_id, chunk_metadata


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    chunks: int = 0  # chunks embedded by this run
    restored: int = 0  # vectors missing from the vector store, made again from the catalog
    seconds: float = 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


class Progress(Protocol):
    def start(self, total_files: int) -> None: ...
    def advance(self, files: int, chunks: int) -> None: ...


class _Silent:
    def start(self, total_files: int) -> None:
        pass

    def advance(self, files: int, chunks: int) -> None:
        pass


@dataclass
class _Batch:
    """Parsed documents waiting to be embedded, file records waiting for their content, and
    what the catalog held when the run began (plus what the run has added since)."""

    documents: list[tuple[Document, list[Chunk]]] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    shas: set[str] = field(default_factory=set)
    known: dict[str, FileRecord] = field(default_factory=dict)  # the catalog's files by path
    indexed: set[str] = field(default_factory=set)  # contents the catalog holds

    @property
    def chunk_count(self) -> int:
        return sum(len(chunks) for _, chunks in self.documents)


class Indexer:
    """Adds, updates and removes files in an `Index`."""

    def __init__(self, index: Index) -> None:
        self.index = index
        settings = index.settings
        embedder = index.embedder
        self.chunker = Chunker(settings.chunk_tokens, settings.chunk_overlap,
                               embedder.max_tokens, embedder.count_tokens)
        self.max_bytes = int(settings.max_file_mb * 1024 * 1024)
        self.signature = (f"cleaner={CLEANER_VERSION};chunk={settings.chunk_tokens};"
                          f"overlap={settings.chunk_overlap};embedder={embedder.name};"
                          f"limit={embedder.max_tokens}")

    def ingest(self, paths: list[str | Path], progress: Progress | None = None,
               reindex: bool = False) -> IngestReport:
        progress = progress or _Silent()
        started = time.perf_counter()
        report = IngestReport()
        with self.index.writing():
            if reindex:
                self.index.drop_everything()
            report.restored = self.index.reconcile(self.signature)
            found = discover(paths)
            report.failed.extend(Failure(r.path, r.reason) for r in found.refused)
            progress.start(len(found.candidates))
            batch = _Batch()
            # What the catalog holds, read once (two queries, not two per file): nobody else
            # writes while this ingest holds the writers' lock.
            batch.known = {r.path: r for r in self.index.files()}
            batch.indexed = self.index.indexed_contents()
            failed_paths: set[str] = set()
            for candidate in found.candidates:
                try:
                    self._stage(candidate, batch, report, progress)
                except IngestError as exc:
                    report.failed.append(Failure(str(candidate.path), str(exc)))
                    failed_paths.add(str(candidate.path))
                    progress.advance(1, 0)
                if batch.chunk_count >= self.index.settings.embed_batch:
                    self._flush(batch, report, progress)
            self._flush(batch, report, progress)
            report.removed = self._forget_missing(found.folders, found.candidates, failed_paths)
            self.index.collect_garbage()
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, source: str) -> int:
        """Remove every indexed file named `source` (relative name or absolute path)."""
        with self.index.writing():
            records = self.index.files_named(source)
            if not records:
                raise FootnoteError(f"No indexed source is named {source!r}; "
                                    "`footnote sources` lists them.")
            self.index.forget_files(r.path for r in records)
            self.index.collect_garbage()
        return len(records)

    def _stage(self, candidate: Candidate, batch: _Batch, report: IngestReport,
               progress: Progress) -> None:
        try:
            size = candidate.path.stat().st_size
            if size > self.max_bytes:
                raise IngestError(f"the file is {size / 1048576:.1f} MB, over the FOOTNOTE_MAX_"
                                  f"FILE_MB limit of {self.index.settings.max_file_mb:g}")
            data = candidate.path.read_bytes()
        except FileNotFoundError:
            raise IngestError("the file was removed while ingest ran; run ingest again if it "
                              "comes back") from None
        except OSError as exc:
            raise IngestError(f"cannot read the file ({exc.strerror})") from None
        if len(data) != size:
            raise IngestError("the file changed while it was read; run ingest again")
        sha = sha256_of(data)
        record = FileRecord(str(candidate.path), candidate.source, sha, size)
        existing = batch.known.get(record.path)
        indexed = sha in batch.indexed
        if existing and existing.sha256 == sha and indexed:
            if existing.source != record.source:
                self.index.put_files([record])
            report.skipped += 1
            progress.advance(1, 0)
            return
        # same content under another name is embedded once, both names kept
        if not indexed and sha not in batch.shas:
            document = parse_document(data, candidate.path, candidate.source)
            batch.documents.append((document, self.chunker.split(document)))
            batch.shas.add(sha)
        batch.files.append(record)
        if existing:  # counted only once it parsed: a failed file is never "added"
            report.updated += 1
        else:
            report.added += 1

    def _flush(self, batch: _Batch, report: IngestReport, progress: Progress) -> None:
        if not batch.files:
            return
        chunks = [ChunkRecord(chunk_id(d.sha256, c.index), d.sha256, c.text, c.start, c.end,
                              c.page, c.heading) for d, cs in batch.documents for c in cs]
        texts = [c.text for c in chunks]
        self.index.add(
            [ContentRecord(d.sha256, d.title, len(cs), d.text) for d, cs in batch.documents],
            chunks, batch.files,
            self.index.embedder.embed_documents(texts) if texts else [],
            [chunk_metadata(c) for c in chunks],
        )
        report.chunks += len(texts)
        progress.advance(len(batch.files), len(texts))
        batch.indexed |= batch.shas
        batch.documents.clear()
        batch.files.clear()
        batch.shas.clear()

    def _forget_missing(self, folders: list[Path], candidates: list[Candidate],
                        failed_paths: set[str]) -> int:
        """Files gone from an ingested folder lose their chunks; so do files that now fail."""
        present = {str(c.path) for c in candidates} - failed_paths
        gone = {r.path for folder in folders for r in self.index.files_under(str(folder))
                if r.path not in present}
        stale = {p for p in failed_paths if self.index.file(p)}
        if gone or stale:
            self.index.forget_files(gone | stale)
        return len(gone - failed_paths)
