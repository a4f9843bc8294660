"""Hand-made passages and sources for unit tests of citation logic."""

from __future__ import annotations

from app.answering.types import Source
from vectorstore.retrieval import Passage

PREFIX = "Header text that is not part of any passage. "


def passage(text: str, source: str = "a.txt", title: str = "A", offset: int = 0) -> Passage:
    start = len(PREFIX) + offset
    return Passage(sha256=source * 4, source=source, also_in=(), title=title, text=text,
                   start=start, end=start + len(text), page=None, heading="", score=1.0)


def sources(*texts: str) -> list[Source]:
    return [Source(n=i, passage=passage(t, source=f"s{i}.txt", title=f"Title {i}"), text=t)
            for i, t in enumerate(texts, 1)]
