"""Keep the index in step with files and folders.

Order of writes makes every crash recoverable: chunks go into Chroma first (ids derived from the
content hash, so a retry overwrites), then one manifest transaction records the contents and the
files. `reconcile()` at the start of every run deletes Chroma chunks no manifest row accounts for
and forgets contents whose chunks are missing, so a run after a SIGKILL ends exactly where a clean
run would.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from common.errors import FootnoteError, IngestError
from ingest.chunking import Chunker
from ingest.clean import CLEANER_VERSION
from ingest.discover import Candidate, discover
from ingest.documents import Chunk, Document
from ingest.parse import parse_document, sha256_of
from vectorstore.index import Index
from vectorstore.manifest import ChunkRecord, ContentRecord, FileRecord
from vectorstore.store import chunk_id, content_of


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
    """Parsed documents waiting to be embedded, and file records waiting for their content."""

    documents: list[tuple[Document, list[Chunk]]] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    shas: set[str] = field(default_factory=set)

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
        with self._exclusive():
            if reindex:
                self._drop_everything()
            self.reconcile()
            found = discover(paths)
            report.failed.extend(Failure(r.path, r.reason) for r in found.refused)
            progress.start(len(found.candidates))
            batch = _Batch()
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
            self._collect_garbage()
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, source: str) -> int:
        """Remove every indexed file named `source` (relative name or absolute path)."""
        with self._exclusive():
            records = self.index.manifest.files_named(source)
            if not records:
                raise FootnoteError(f"No indexed source is named {source!r}; "
                                    "`footnote sources` lists them.")
            with self.index.manifest.transaction():
                self.index.manifest.delete_files(r.path for r in records)
            self._collect_garbage()
        return len(records)

    def reconcile(self) -> None:
        """Make Chroma and the manifest agree after whatever happened last time."""
        manifest, store = self.index.manifest, self.index.store
        if manifest.get_meta("signature") != self.signature:
            with manifest.transaction():  # settings changed: every content is re-chunked
                manifest.delete_contents(list(manifest.declared_chunks()))
                manifest.set_meta("signature", self.signature)
        ids = store.all_ids()
        declared = manifest.declared_chunks()
        counts = manifest.chunk_counts()
        incomplete = {sha for sha, n in declared.items()
                      if counts.get(sha, 0) != n
                      or any(chunk_id(sha, i) not in ids for i in range(n))}
        if incomplete:
            with manifest.transaction():
                manifest.delete_contents(incomplete)
        orphans = [i for i in ids if content_of(i) not in declared or content_of(i) in incomplete]
        store.delete(orphans)
        self._collect_garbage()

    def _stage(self, candidate: Candidate, batch: _Batch, report: IngestReport,
               progress: Progress) -> None:
        manifest = self.index.manifest
        size = candidate.path.stat().st_size
        if size > self.max_bytes:
            raise IngestError(f"the file is {size / 1048576:.1f} MB, over the "
                              f"FOOTNOTE_MAX_FILE_MB limit of {self.index.settings.max_file_mb:g}")
        try:
            data = candidate.path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read the file ({exc.strerror})") from None
        sha = sha256_of(data)
        record = FileRecord(str(candidate.path), candidate.source, sha, size)
        existing = manifest.file(record.path)
        indexed = manifest.content(sha) is not None
        if existing and existing.sha256 == sha and indexed:
            if existing.source != record.source:
                manifest.put_files([record])
            report.skipped += 1
            progress.advance(1, 0)
            return
        if existing:
            report.updated += 1
        else:
            report.added += 1
        batch.files.append(record)
        if indexed or sha in batch.shas:
            return  # same content under another name: embedded once, both names kept
        document = parse_document(data, candidate.path, candidate.source)
        chunks = self.chunker.split(document)
        batch.documents.append((document, chunks))
        batch.shas.add(sha)

    def _flush(self, batch: _Batch, report: IngestReport, progress: Progress) -> None:
        if not batch.files:
            return
        texts = [c.text for _, chunks in batch.documents for c in chunks]
        ids = [chunk_id(d.sha256, c.index) for d, chunks in batch.documents for c in chunks]
        metadatas = [_chunk_metadata(d, c) for d, chunks in batch.documents for c in chunks]
        if texts:
            self.index.store.upsert(ids, texts, self.index.embedder.embed_documents(texts),
                                    metadatas)
        with self.index.manifest.transaction():
            self.index.manifest.put_contents(
                (ContentRecord(d.sha256, d.title, len(chunks), d.text)
                 for d, chunks in batch.documents),
                (ChunkRecord(chunk_id(d.sha256, c.index), d.sha256, c.text, c.start, c.end,
                             c.page, c.heading) for d, chunks in batch.documents for c in chunks),
            )
            self.index.manifest.put_files(batch.files)
        report.chunks += len(texts)
        progress.advance(len(batch.files), len(texts))
        batch.documents.clear()
        batch.files.clear()
        batch.shas.clear()

    def _forget_missing(self, folders: list[Path], candidates: list[Candidate],
                        failed_paths: set[str]) -> int:
        """Files gone from an ingested folder lose their chunks; so do files that now fail."""
        present = {str(c.path) for c in candidates} - failed_paths
        gone = {r.path for folder in folders for r in self.index.manifest.files_under(str(folder))
                if r.path not in present}
        stale = {p for p in failed_paths if self.index.manifest.file(p)}
        if gone or stale:
            with self.index.manifest.transaction():
                self.index.manifest.delete_files(gone | stale)
        return len(gone - failed_paths)

    def _collect_garbage(self) -> None:
        """Delete chunks of contents no file refers to any more."""
        manifest = self.index.manifest
        unused = manifest.unreferenced_contents()
        if not unused:
            return
        self.index.store.delete([chunk_id(c.sha256, i) for c in unused for i in range(c.chunks)])
        with manifest.transaction():
            manifest.delete_contents(c.sha256 for c in unused)

    def _drop_everything(self) -> None:
        self.index.store.drop()
        manifest = self.index.manifest
        with manifest.transaction():
            manifest.delete_files(r.path for r in manifest.files())
            manifest.delete_contents(list(manifest.declared_chunks()))

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time per data folder; a second `footnote ingest` waits its turn."""
        data_dir = self.index.settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(data_dir / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _chunk_metadata(document: Document, chunk: Chunk) -> dict:
    return {
        "sha256": document.sha256, "index": chunk.index, "start": chunk.start, "end": chunk.end,
        "page": chunk.page, "heading": chunk.heading,
    }
