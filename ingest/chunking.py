"""Token-aware chunking with overlap that records each chunk's exact span in the document.

The splitter works on character spans from start to finish, so `text[start:end] == chunk` holds
by construction. (Splitting strings and finding them again afterwards, as LangChain's splitters
do for `add_start_index`, points at the wrong place when a document repeats itself.) The rules are
the familiar recursive ones: cut at paragraphs, then lines, then sentences, then words, and merge
the pieces back up to about `chunk_tokens` tiktoken tokens with `overlap` tokens shared.
A second pass re-splits any chunk the embedder would truncate, counted with the embedder's own
tokenizer: silently cut text is never indexed.
"""

from __future__ import annotations

from collections.abc import Callable

from common.text import strip_span
from common.tokens import count_tokens
from ingest.documents import Chunk, Document

SEPARATORS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", "")

Span = tuple[int, int]
Counter = Callable[[str], int]


class Chunker:
    """Split documents into chunks of about `chunk_tokens` with `overlap` tokens shared."""

    def __init__(self, chunk_tokens: int, overlap: int, embed_limit: int | None = None,
                 count_embed_tokens: Counter | None = None) -> None:
        self.chunk_tokens = chunk_tokens
        self.overlap = overlap
        self.embed_limit = embed_limit
        self.count_embed_tokens = count_embed_tokens

    def split(self, document: Document) -> list[Chunk]:
        """A PDF is split page by page, so a chunk's page is the page of every word in it."""
        text, starts = document.text, document.page_starts or (0,)
        ranges = zip(starts, (*starts[1:], len(text)), strict=True)
        spans = [span for a, b in ranges for span in self.spans(text, a, b)]
        return [
            Chunk(text=text[start:end], start=start, end=end, index=i,
                  page=document.page_at(start), heading=document.heading_at(start))
            for i, (start, end) in enumerate(spans)
        ]

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[Span]:
        """Chunk spans of text[start:end] (the whole text by default)."""
        end = len(text) if end is None else end
        spans = split_spans(text, start, end, self.chunk_tokens, self.overlap, count_tokens)
        if self.embed_limit is None or self.count_embed_tokens is None:
            return spans
        return [fit for span in spans for fit in self._fit(text, span, self.embed_limit)]

    def _fit(self, text: str, span: Span, budget: int) -> list[Span]:
        """`span` if the embedder reads it whole, else its re-split pieces (by the embedder's
        own count; the budget shrinks in the rare case that pieces tokenise longer joined)."""
        count, limit = self.count_embed_tokens, self.embed_limit
        assert count is not None and limit is not None
        if count(text[span[0]:span[1]]) <= limit:
            return [span]
        pieces = split_spans(text, span[0], span[1], budget, min(self.overlap, budget // 4), count)
        return [fit for piece in pieces for fit in self._fit(text, piece, max(1, budget * 9 // 10))]


def split_spans(text: str, start: int, end: int, size: int, overlap: int,
                length: Counter) -> list[Span]:
    """Chunks of text[start:end] as spans: at most `size` by `length` (summed over pieces)."""
    pieces = _pieces(text, start, end, size, length, SEPARATORS)
    spans: list[Span] = []
    for span in (strip_span(text, a, b) for a, b in _merge(text, pieces, size, overlap)):
        if span and not (spans and span[1] <= spans[-1][1]):  # a trailing blank piece
            spans.append(span)
    return spans


def _pieces(text: str, start: int, end: int, size: int, length: Counter,
            separators: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """Cut [start, end) at the coarsest separator present into pieces of at most `size`,
    each as (start, end, token count)."""
    n = length(text[start:end])
    if n <= size or end - start <= 1:
        return [(start, end, n)]
    for i, sep in enumerate(separators):
        cuts = _cut_points(text, start, end, sep)
        if len(cuts) > 1:
            pieces = []
            for a, b in zip(cuts, cuts[1:], strict=False):
                pieces.extend(_pieces(text, a, b, size, length, separators[i + 1:] or ("",)))
            return pieces
    return [(start, end, n)]


def _cut_points(text: str, start: int, end: int, sep: str) -> list[int]:
    """Piece boundaries: after each separator (it stays with the text before it)."""
    if not sep:
        return list(range(start, end + 1))
    points, pos = [start], text.find(sep, start, end)
    while pos != -1:
        cut = pos + len(sep)
        if start < cut < end:
            points.append(cut)
        pos = text.find(sep, cut, end)
    points.append(end)
    return sorted(set(points))


def _merge(text: str, pieces: list[tuple[int, int, int]], size: int, overlap: int) -> list[Span]:
    """Greedily join neighbouring pieces up to `size`; start each new chunk `overlap` back.

    The next chunk always starts after the first piece with text of the one just emitted: an
    overlap window that began with a white-space piece would otherwise be stripped to the same
    start, and one chunk would be a prefix of the next."""
    chunks: list[Span] = []
    window: list[tuple[int, int, int]] = []
    total = 0
    for piece in pieces:
        if window and total + piece[2] > size:
            chunks.append((window[0][0], window[-1][1]))
            first_text = next((i for i, (a, b, _) in enumerate(window) if not text[a:b].isspace()),
                              len(window) - 1)
            popped = 0
            while window and (popped <= first_text or total > overlap
                              or total + piece[2] > size):
                total -= window.pop(0)[2]
                popped += 1
        window.append(piece)
        total += piece[2]
    if window:
        chunks.append((window[0][0], window[-1][1]))
    return chunks
