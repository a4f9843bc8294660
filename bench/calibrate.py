"""Calibrate the citation-support and relevance thresholds in app/relevance.py.

Support: the labelled claim/evidence pairs in tests/data/support_pairs.jsonl (hard negatives:
same words, one fact changed). Relevance: the gold questions over the seeds in
tests/data/gold_seeds.jsonl, answerable or not. Prints the accuracy of the current thresholds and
the best ones found by a grid search, so a change of embedder or rules can be re-calibrated.

    python -m bench.calibrate
"""

from __future__ import annotations

import itertools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import app.answering.relevance as rel
from app.answering.relevance import Scorer
from app.answering.wording import names_found, novel_terms, numbers
from app.config import load_settings
from common.text import sentence_spans
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


@dataclass(frozen=True)
class PairScore:
    facts_ok: bool  # numbers and names of the claim found in the evidence
    novel: int  # content words of the claim missing from the evidence
    cosine: float
    label: bool


def support_features(scorer: Scorer) -> list[PairScore]:
    rows = []
    for pair in load("support_pairs.jsonl"):
        claim, evidence = pair["claim"], pair["evidence"]
        facts_ok = numbers(claim) <= numbers(evidence) and names_found(claim, evidence)
        rows.append(PairScore(facts_ok, novel_terms(claim, evidence),
                              float(scorer.cosines(claim, [evidence])[0]), pair["supported"]))
    return rows


def support_quality(rows: list[PairScore], cosine_min: float,
                    novel_with_cosine: int) -> dict[str, float]:
    """Accuracy, precision and recall of the rule in Scorer.support on the labelled pairs."""
    predicted = [r.facts_ok and (r.novel == 0 or (r.novel <= novel_with_cosine
                                                  and r.cosine >= cosine_min)) for r in rows]
    tp = sum(p and r.label for p, r in zip(predicted, rows, strict=True))
    fp = sum(p and not r.label for p, r in zip(predicted, rows, strict=True))
    fn = sum(not p and r.label for p, r in zip(predicted, rows, strict=True))
    return {"accuracy": sum(p == r.label for p, r in zip(predicted, rows, strict=True))
            / len(rows), "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1)}


def _f_half(q: dict[str, float]) -> float:
    """F0.5: precision weighs more than recall (a wrong citation is worse than a dropped one)."""
    p, r = q["precision"], q["recall"]
    return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


def best_relevance(scorer: Scorer) -> list[tuple[float, bool]]:
    """For each gold question: the best relevance among retrieved sentences, and answerable?"""
    with tempfile.TemporaryDirectory() as tmp:
        index = Index(load_settings(data_dir=Path(tmp), embeddings="local"), scorer.embedder)
        Indexer(index).ingest([ROOT / "seeds"])
        retriever = Retriever(index)
        rows = []
        for item in load("gold_seeds.jsonl"):
            passages = retriever.search(item["question"], k=5)
            sentences = [p.text[a:b] for p in passages for a, b in sentence_spans(p.text)]
            rows.append((max(scorer.relevance(item["question"], sentences)),
                         bool(item["answers"])))
        return rows


def main() -> None:
    scorer = Scorer(LocalMiniLM())
    rows = support_features(scorer)
    current = support_quality(rows, rel.SUPPORT_COSINE, rel.SUPPORT_NOVEL_WITH_COSINE)
    grid = itertools.product([x / 20 for x in range(8, 19)], range(0, 4))
    best = max(grid, key=lambda g: _f_half(support_quality(rows, *g)))
    print(f"support pairs: {len(rows)}; current thresholds: {_fmt(current)}; best by F0.5: "
          f"cosine={best[0]}, novel_with_cosine={best[1]}: {_fmt(support_quality(rows, *best))}")

    relevance = best_relevance(scorer)
    for score, answerable in sorted(relevance):
        print(f"  relevance {score:.3f} {'answerable' if answerable else 'NOT answerable'}")
    cuts = sorted({round(s, 3) for s, _ in relevance})
    accuracy = {c: sum((s >= c) == a for s, a in relevance) / len(relevance) for c in cuts}
    top = max(accuracy, key=accuracy.get)
    print(f"relevance: accuracy with RELEVANCE_MIN={rel.RELEVANCE_MIN}: "
          f"{sum((s >= rel.RELEVANCE_MIN) == a for s, a in relevance) / len(relevance):.3f}; "
          f"best cut {top} ({accuracy[top]:.3f})")


def _fmt(quality: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in quality.items())


if __name__ == "__main__":
    main()
