"""The data types ingest produces: a cleaned `Document` and its `Chunk`s with exact spans."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A file's cleaned text. `page_starts[i]` is where page i+1 begins in `text` (PDFs only)."""

    source: str
    title: str
    text: str
    sha256: str
    page_starts: tuple[int, ...] = ()
    headings: tuple[tuple[int, str], ...] = field(default=())

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for formats without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))

    def heading_at(self, offset: int) -> str:
        """The nearest heading at or before `offset` ('' when none)."""
        offsets = [pos for pos, _ in self.headings]
        i = bisect_right(offsets, offset)
        return self.headings[i - 1][1] if i else ""


@dataclass(frozen=True)
class Chunk:
    """A slice of a document: `document.text[start:end] == text`."""

    text: str
    start: int
    end: int
    index: int
    page: int | None = None
    heading: str = ""
