"""From a file's bytes to a cleaned `Document`: load by format, clean each page, find headings."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from common.errors import IngestError
from ingest.clean import clean_text
from ingest.documents import Document
from ingest.loaders import Extracted, loader_for

_PAGE_BREAK = "\n\n"
_MAX_TITLE = 100
_HEADING_END = re.compile(r"[.!?,;:\"”’)]$")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_document(data: bytes, path: Path, source: str) -> Document:
    """Load, clean and describe one file. Raises IngestError with the reason it cannot."""
    extracted = loader_for(path)(data)
    pages = [clean_text(page) for page in extracted.pages]
    text, page_starts = _join_pages(pages)
    if not text.strip():
        raise IngestError("no readable text is left after removing hidden text and page debris")
    headings = tuple(_find_headings(text, extracted))
    return Document(
        source=source,
        title=_title(text, extracted, headings),
        text=text,
        sha256=sha256_of(data),
        page_starts=page_starts if extracted.paged else (),
        headings=headings,
    )


def _join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    starts, parts, pos = [], [], 0
    for page in pages:
        starts.append(pos)
        parts.append(page)
        pos += len(page) + len(_PAGE_BREAK)
    return _PAGE_BREAK.join(parts), tuple(starts)


def _find_headings(text: str, extracted: Extracted) -> list[tuple[int, str]]:
    """Headings named by the format (HTML h1-h6, DOCX styles, Markdown #), else short title-like
    lines that stand alone above a paragraph."""
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and (stripped in extracted.headings or _looks_like_heading(lines, i)):
            found.append((pos, stripped.lstrip("#").strip()))
        pos += len(line) + 1
    return found


def _looks_like_heading(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if line.startswith("#"):
        return True
    following = next((s.strip() for s in lines[i + 1:] if s.strip()), "")
    return (
        0 < len(line.split()) <= 12
        and line[0].isupper()
        and not _HEADING_END.search(line)
        and len(following.split()) > len(line.split())
    )


def _title(text: str, extracted: Extracted, headings: tuple[tuple[int, str], ...]) -> str:
    if extracted.title:
        return extracted.title[:_MAX_TITLE]
    if headings and headings[0][0] == 0:
        return headings[0][1][:_MAX_TITLE]
    first_line = next((s.strip() for s in text.split("\n") if s.strip()), "")
    return _shorten(re.split(r"(?<=[.!?])\s", first_line, maxsplit=1)[0])


def _shorten(line: str) -> str:
    """A title-sized head of a line, cut at a word boundary."""
    if len(line) <= _MAX_TITLE:
        return line
    return line[:_MAX_TITLE].rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"
