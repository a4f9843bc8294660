"""Uploaded files: checked by content on the server, saved under a safe name, then ingested.

The browser's file picker filters by extension only, and a client can send anything, so each
file is checked here by what it contains (a PDF starts with `%PDF-`, a DOCX is a zip holding
`word/document.xml`, text decodes as text) and by size, before it touches the uploads folder.
Names are reduced to one safe path component; a different file already saved (or indexed) under
that name is never overwritten: the new one gets a `-1`, `-2`... suffix. No Streamlit here, so
the whole flow is testable with plain bytes.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.errors import FootnoteError, IngestError
from ingest.decode import decode_text
from ingest.parse import sha256_of
from ingest.sync import Indexer, Progress
from vectorstore.access import read_only_error
from vectorstore.index import Index

TEXT_TYPES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
ALLOWED_TYPES = (*TEXT_TYPES, ".pdf", ".docx")
MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^\w.()+-]+", re.UNICODE)


@dataclass(frozen=True)
class UploadResult:
    name: str  # the name the user picked
    status: str  # added | updated | unchanged | failed
    detail: str  # why it failed, or the name it was saved under when that differs
    source: str = ""  # the indexed source name


def safe_name(name: str) -> str:
    """One harmless file name: no folders, no leading dots, no control or odd characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip("._ ")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem.strip("._ ")[: MAX_NAME_CHARS] or "upload"
    return f"{stem}.{ext.lower()}" if ext else stem


def check_upload(name: str, data: bytes, max_bytes: int) -> str | None:
    """Why this upload is refused (one phrase), or None when it may be indexed."""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_TYPES:
        return (f"unsupported file type {ext or '(none)'!r}; supported: "
                + ", ".join(ALLOWED_TYPES))
    if len(data) > max_bytes:
        return (f"the file is {len(data) / 1048576:.1f} MB, over the limit of "
                f"{max_bytes / 1048576:g} MB")
    if not data.strip():
        return "the file is empty"
    if ext == ".pdf":
        return None if b"%PDF-" in data[:1024] else "not a PDF (it does not start with %PDF)"
    if ext == ".docx":
        return _check_docx(data)
    if data.lstrip()[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04":
        return f"the content is a PDF or an archive, not a {ext} text file"
    try:
        decode_text(data)
    except IngestError as exc:
        return str(exc)
    return None


def _check_docx(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "not a DOCX (not a zip archive)"
    return None if "word/document.xml" in names else "not a DOCX (no word/document.xml inside)"


def save_upload(name: str, data: bytes, folder: Path,
                taken: Callable[[Path], bool] = lambda path: False) -> tuple[Path, bool]:
    """Save under a safe name in `folder`; returns (path, created). An identical file already
    there is reused; a different one, or a name `taken` by another indexed file, gets a suffix.
    Created with O_EXCL, so two sessions saving at once never overwrite each other."""
    folder.mkdir(parents=True, exist_ok=True)
    clean = safe_name(name)
    stem, dot, ext = clean.rpartition(".")
    if not dot:
        stem, ext = clean, ""
    for i in range(10_000):
        candidate = folder / (clean if i == 0 else f"{stem}-{i}{'.' + ext if ext else ''}")
        if taken(candidate):
            continue
        try:
            with open(candidate, "xb") as out:
                out.write(data)
            return candidate, True
        except FileExistsError:
            if candidate.is_file() and not candidate.is_symlink() \
                    and candidate.read_bytes() == data:
                return candidate, False
    raise FootnoteError(f"Too many files named {clean!r} in the uploads folder; rename the file.")


def ingest_uploads(index: Index, files: Sequence[tuple[str, bytes]], folder: Path,
                   progress: Progress | None = None) -> list[UploadResult]:
    """Check, save and index uploaded files together; one result per file, in order. A
    read-only data folder refuses them before anything is saved."""
    if index.read_only:
        raise read_only_error(index.settings)
    max_bytes = int(index.settings.max_file_mb * 1024 * 1024)
    folder = Path(os.path.abspath(folder))  # the catalog records absolute paths
    results: list[UploadResult | None] = [None] * len(files)
    staged: list[tuple[int, Path, bool, str, str]] = []  # position, path, created, sha, status

    def taken(path: Path) -> bool:  # another indexed file already shows under this name
        return any(r.path != str(path) for r in index.files_named(path.name))

    for i, (name, data) in enumerate(files):
        reason = check_upload(name, data, max_bytes)
        if reason:
            results[i] = UploadResult(name, "failed", reason)
            continue
        path, created = save_upload(name, data, folder, taken)  # inside the absolute folder
        record = index.file(str(path))
        sha = sha256_of(data)
        if record is None:
            expected = "added"
        elif record.sha256 == sha and index.content(sha) is not None:
            expected = "unchanged"
        else:
            expected = "updated"
        staged.append((i, path, created, sha, expected))
    if staged:
        report = Indexer(index).ingest([p for _, p, _, _, _ in staged], progress=progress)
        failures = {os.path.abspath(f.path): f.reason for f in report.failed}
        for i, path, created, sha, expected in staged:
            name = files[i][0]
            if str(path) in failures:
                if created:
                    path.unlink(missing_ok=True)  # keep only indexed files in the folder
                results[i] = UploadResult(name, "failed", failures[str(path)])
            else:
                index.keep_original(sha, files[i][1])  # any app server can give it back
                renamed = f"saved as {path.name}" if path.name != name else ""
                results[i] = UploadResult(name, expected, renamed, source=path.name)
    return [r for r in results if r is not None]


def remove_document(index: Index, source: str, uploads: Path) -> int:
    """Remove a source from the index, and its file when it is one of ours in `uploads`."""
    records = index.files_named(source)
    count = Indexer(index).remove(source)
    root = Path(os.path.abspath(uploads))
    for record in records:
        path = Path(record.path)
        if path.parent == root and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
    return count
