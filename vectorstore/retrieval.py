"""Finding passages: dense (Chroma), keyword (the catalog's full-text index), and both fused by
their scores. Chunks of one document that overlap or touch are merged into one passage, so the
reader (and the model) never sees the same sentence twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from common.errors import FootnoteError
from common.text import STOPWORDS, WORD
from vectorstore.catalog import ChunkRecord, Excerpt, Span
from vectorstore.index import Index

Mode = Literal["hybrid", "dense", "keyword"]
# Hybrid score = DENSE_WEIGHT x cosine + (1 - DENSE_WEIGHT) x BM25 / the query's best BM25.
# Chosen on the tuning half of SQuAD dev's questions (bench/retrieval.py reports the other half):
# unlike reciprocal rank fusion, it keeps how far apart the candidates are, so a keyword match far
# ahead of the rest stays first (recall@1 0.81 against RRF's 0.74 and BM25 alone's 0.78).
DENSE_WEIGHT = 0.6



@dataclass(frozen=True)
class Passage:
    """A retrieved span of one document, with everything needed to cite it."""

    sha256: str
    source: str
    also_in: tuple[str, ...]  # other file names with identical content
    title: str
    text: str
    start: int
    end: int
    page: int | None
    heading: str
    score: float
    # (start, page) of each chunk in the passage, by start: a PDF's chunks stay within a page
    page_starts: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page of a document offset inside the passage (a quote's page, not the first)."""
        pages = [page for start, page in self.page_starts if start <= offset]
        return pages[-1] if pages else self.page


def keyword_terms(text: str) -> list[str]:
    """Distinct non-stopword terms of a query, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text.lower()):
        if word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def fuse_scores(dense: Sequence[tuple[str, float]], keyword: Sequence[tuple[str, float]],
                dense_weight: float = DENSE_WEIGHT) -> dict[str, float]:
    """Each candidate's weighted score; one found by a single method gets the other's floor
    (the lowest cosine among the dense candidates; no keyword score)."""
    floor = min((score for _, score in dense), default=0.0)
    best = max((score for _, score in keyword), default=0.0)
    similarity = dict(dense)
    matched = {c: score / best if best > 0 else 0.0 for c, score in keyword}
    return {c: dense_weight * similarity.get(c, floor) + (1 - dense_weight) * matched.get(c, 0.0)
            for c in {**similarity, **matched}}


class Retriever:
    """Retrieval over an `Index`; `candidates` chunks per method are fused before cutting."""

    def __init__(self, index: Index, candidates: int = 40) -> None:
        self.index = index
        self.candidates = candidates

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid",
               sources: Sequence[str] | None = None) -> list[Passage]:
        shas = self._filter(sources)
        n = max(self.candidates, k * 4)
        dense = self.dense(query, n, shas) if mode in ("hybrid", "dense") else []
        keyword = self.keyword(query, n, shas) if mode in ("hybrid", "keyword") else []
        weight = {"hybrid": DENSE_WEIGHT, "dense": 1.0, "keyword": 0.0}[mode]
        scores = fuse_scores(dense, keyword, weight)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        return self._passages(ranked, scores, k)

    def dense(self, query: str, n: int, shas: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), nearest first."""
        where = {"sha256": {"$in": shas}} if shas is not None else None
        if shas == []:
            return []
        return self.index.nearest(self.index.embedder.embed_query(query), n, where=where)

    def keyword(self, query: str, n: int,
                shas: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score), best first."""
        if shas == []:
            return []
        return self.index.keyword_search(keyword_terms(query), n, shas)

    def _filter(self, sources: Sequence[str] | None) -> list[str] | None:
        if not sources:
            return None
        shas: list[str] = []
        for source in sources:
            records = self.index.files_named(source)
            if not records:
                raise FootnoteError(f"No indexed source is named {source!r}; "
                                    "`footnote sources` lists them.")
            shas.extend(r.sha256 for r in records)
        return sorted(set(shas))

    def _passages(self, ranked: list[str], scores: dict[str, float], k: int) -> list[Passage]:
        """Best first; a chunk that overlaps or touches a chosen one of its document joins it."""
        records = self.index.chunks(ranked)
        groups: list[list[ChunkRecord]] = []
        for chunk_id in ranked:
            record = records.get(chunk_id)
            if record is None:  # in Chroma but not (yet) in the catalog: never cite it
                continue
            touching = [g for g in groups if _touches(g, record)]
            if touching:  # join the passage(s) it touches; two it bridges become one
                touching[0].append(record)
                for other in touching[1:]:
                    touching[0].extend(other)
                    groups.remove(other)
            elif len(groups) < k:
                groups.append([record])
        spans = [(g[0].sha256, min(c.start for c in g), max(c.end for c in g)) for g in groups]
        return [_passage(group, span, excerpt, max(scores[c.id] for c in group))
                for group, span, excerpt in zip(groups, spans, self.index.excerpts(spans),
                                                strict=True)]


def _passage(group: list[ChunkRecord], span: Span, excerpt: Excerpt | None,
             score: float) -> Passage:
    sha, start, end = span
    first = min(group, key=lambda c: c.start)
    names = excerpt.sources if excerpt else ()
    return Passage(
        sha256=sha, source=names[0] if names else "", also_in=tuple(names[1:]),
        title=excerpt.title if excerpt else "", text=excerpt.text if excerpt else first.text,
        start=start, end=end, page=first.page, heading=first.heading, score=score,
        page_starts=tuple(sorted({(c.start, c.page) for c in group if c.page is not None})),
    )


_ADJACENT = 2  # characters of white space between chunks that still count as touching


def _touches(group: list[ChunkRecord], record: ChunkRecord) -> bool:
    return any(c.sha256 == record.sha256 and record.start <= c.end + _ADJACENT
               and c.start <= record.end + _ADJACENT for c in group)
