"""One evaluation run: every question is retrieved and answered by the real pipeline, then
scored. Retrieval is judged on the ranking of distinct source files (depth 20); answers on their
text; citations by re-checking every cited sentence against the whole passage it cites.

The citation judge is the same support test the pipeline checks with (its precision and recall
on the held-out half of tests/data/support_pairs_v2.jsonl are in `make bench`), so citation
precision here says how often a shown citation holds by that test, not what a human would
decide; citation recall shows how much of an answer carries a
supporting citation at all.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from app.answering.citations import MISSING, parse, supported_by
from app.answering.pipeline import DROPPED_NOTE, Answerer
from app.answering.types import Answer
from app.evaluation.metrics import (
    contains_answer,
    exact_match,
    mean_reciprocal_rank,
    percentile,
    ratio,
    recall_at,
    token_f1,
)
from app.evaluation.questions import Question
from common.text import content_terms
from vectorstore.retrieval import Passage

DEPTH = 20  # distinct sources ranked per question for recall@20 and MRR
Progress = Callable[[int, int], None]


@dataclass
class Scored:
    """One question's outcome, kept for the report's per-question table."""

    question: str
    answerable: bool
    status: str
    answer: str
    rank: int | None  # of the first gold source; None when the question has no gold source
    exact_match: float
    f1: float
    contains: float
    claims: int  # answer sentences that state something
    claims_supported: int  # ...carrying a citation that supports them
    cited: int  # sentences carrying a citation
    cited_supported: int  # ...whose citation supports them
    cites_gold: bool | None  # an answer with a gold file among its citations; None: not judged
    latency_ms: float
    llm: str


def _names(passage: Passage) -> list[str]:
    return [passage.source, *passage.also_in]


def gold_rank(passages: Sequence[Passage], gold: set[str]) -> int:
    """1-based position of the first gold file among the distinct files retrieved (a passage
    whose identical copies have several names counts once); 0 when none is retrieved."""
    files = list(dict.fromkeys(frozenset(_names(p)) for p in passages))[:DEPTH]
    return next((i for i, names in enumerate(files, 1) if names & gold), 0)


def cited_passages(answer: Answer) -> dict[int, Passage | None]:
    """Each citation number's retrieved passage (a citation names its passage by place)."""
    passages = {(p.source, p.start, p.end): p for p in answer.passages}
    return {c.n: passages.get((c.source, c.start, c.end)) for c in answer.citations}


def prediction(answer: Answer) -> str:
    """The answer's own words: nothing for a refusal, no note about left-out statements."""
    if answer.status == "not_found":
        return ""
    return answer.answer.replace(DROPPED_NOTE, "").strip()


def judge_citations(answer: Answer, judge: Callable[[str, Passage], bool]) -> tuple[int, ...]:
    """(claims, claims supported, cited sentences, cited sentences supported)."""
    if answer.status == "not_found":
        return 0, 0, 0, 0
    by_n = cited_passages(answer)
    claims = claims_ok = cited = cited_ok = 0
    for sentence in parse(prediction(answer)):
        if MISSING.search(sentence.text) or not content_terms(sentence.text):
            continue  # "the sources do not say...": not a claim
        claims += 1
        evidence = [by_n.get(n) for n in sentence.cited]
        if not evidence:
            continue
        cited += 1
        claim = sentence.text.removesuffix("(unsupported)").strip()
        ok = any(p is not None and judge(claim, p) for p in evidence)
        cited_ok += ok
        claims_ok += ok
    return claims, claims_ok, cited, cited_ok


def cites_gold(answer: Answer, gold: set[str]) -> bool | None:
    """Does an answer cite a gold file? Judged only for answers given where gold files are
    known: an independent check on citations, unlike the support test."""
    if not gold or answer.status == "not_found":
        return None
    return any(p is not None and gold & set(_names(p)) for p in cited_passages(answer).values())


class Evaluation:
    """Runs a question set through an `Answerer` and scores it."""

    def __init__(self, answerer: Answerer, k: int | None = None) -> None:
        self.answerer = answerer
        self.k = k or answerer.settings.top_k

    def run(self, questions: Sequence[Question], progress: Progress | None = None) -> list[Scored]:
        scored = []
        for done, question in enumerate(questions, 1):
            scored.append(self.score(question))
            if progress:
                progress(done, len(questions))
        return scored

    def score(self, item: Question) -> Scored:
        # Ranked apart, at depth 20, for recall@20; the answer's own retrieval (k passages)
        # stays inside `ask`, so its latency is what a user waits.
        passages = self.answerer.retriever.search(item.question, k=DEPTH)
        rank = gold_rank(passages, set(item.gold_sources)) if item.gold_sources else None
        started = time.perf_counter()
        answer = self.answerer.ask(item.question, k=self.k)
        latency = (time.perf_counter() - started) * 1000
        text = prediction(answer)
        golds = item.answers
        claims, claims_ok, cited, cited_ok = judge_citations(
            answer, lambda claim, p: supported_by(claim, p, self.answerer.checker))
        return Scored(
            question=item.question, answerable=item.answerable, status=answer.status,
            answer=answer.answer, rank=rank,
            exact_match=exact_match(text, golds) if golds else 0.0,
            f1=token_f1(text, golds) if golds else 0.0,
            contains=contains_answer(text, golds) if golds else 0.0,
            claims=claims, claims_supported=claims_ok, cited=cited, cited_supported=cited_ok,
            cites_gold=cites_gold(answer, set(item.gold_sources)), latency_ms=latency,
            llm=answer.llm)


def summarise(scored: Sequence[Scored]) -> dict:
    """The figures `footnote eval --json` prints; None where nothing could be counted."""
    ranks = [s.rank for s in scored if s.rank is not None]
    answerable = [s for s in scored if s.answerable]
    unanswerable = [s for s in scored if not s.answerable]
    latencies = [s.latency_ms for s in scored]

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    return {
        "n": len(scored),
        "retrieval": {
            **{f"recall@{k}": recall_at(ranks, k) if ranks else None for k in (1, 5, DEPTH)},
            "mrr": mean_reciprocal_rank(ranks) if ranks else None,
        },
        "answers": {
            "exact_match": mean([s.exact_match for s in answerable]),
            "f1": mean([s.f1 for s in answerable]),
            "contains": mean([s.contains for s in answerable]),
        },
        "citations": {
            "precision": ratio(sum(s.cited_supported for s in scored),
                               sum(s.cited for s in scored)),
            "recall": ratio(sum(s.claims_supported for s in scored),
                            sum(s.claims for s in scored)),
            "cites_gold_source": ratio(sum(s.cites_gold is True for s in scored),
                                       sum(s.cites_gold is not None for s in scored)),
        },
        "refusal_accuracy": ratio(sum(s.status == "not_found" for s in unanswerable),
                                  len(unanswerable)),
        "latency": {"p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95)},
        "counts": {
            "answerable": len(answerable), "unanswerable": len(unanswerable),
            "with_gold_sources": len(ranks),
            "refused_answerable": sum(s.status == "not_found" for s in answerable),
            "answered_by": dict(sorted(Counter(
                s.llm for s in scored if s.status != "not_found").items())),
        },
    }


def as_rows(scored: Sequence[Scored]) -> list[dict]:
    return [asdict(s) for s in scored]
