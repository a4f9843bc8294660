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
from pathlib import Path

import app.relevance as rel
from app.config import load_settings
from app.relevance import Scorer
from app.sentences import names_found, numbers, sentence_spans, term_recall
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def support_features(scorer: Scorer) -> list[tuple[bool, float, float, bool]]:
    rows = []
    for pair in load("support_pairs.jsonl"):
        claim, evidence = pair["claim"], pair["evidence"]
        facts_ok = numbers(claim) <= numbers(evidence) and names_found(claim, evidence)
        cosine = float(scorer.cosines(claim, [evidence])[0])
        rows.append((facts_ok, term_recall(claim, evidence), cosine, pair["supported"]))
    return rows


def support_accuracy(rows, alone: float, cosine_min: float, with_cosine: float) -> float:
    right = sum((ok and (t >= alone or (c >= cosine_min and t >= with_cosine))) == label
                for ok, t, c, label in rows)
    return right / len(rows)


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
    current = support_accuracy(rows, rel.SUPPORT_TERMS_ALONE, rel.SUPPORT_COSINE,
                               rel.SUPPORT_TERMS_WITH_COSINE)
    grid = itertools.product([x / 20 for x in range(10, 20)], [x / 20 for x in range(6, 18)],
                             [x / 20 for x in range(2, 14)])
    best = max(grid, key=lambda g: (support_accuracy(rows, *g), g[0]))
    print(f"support pairs: {len(rows)}; accuracy with current thresholds {current:.3f}; "
          f"best {support_accuracy(rows, *best):.3f} at terms_alone={best[0]}, "
          f"cosine={best[1]}, terms_with_cosine={best[2]}")

    relevance = best_relevance(scorer)
    for score, answerable in sorted(relevance):
        print(f"  relevance {score:.3f} {'answerable' if answerable else 'NOT answerable'}")
    cuts = sorted({round(s, 3) for s, _ in relevance})
    accuracy = {c: sum((s >= c) == a for s, a in relevance) / len(relevance) for c in cuts}
    top = max(accuracy, key=accuracy.get)
    print(f"relevance: accuracy with RELEVANCE_MIN={rel.RELEVANCE_MIN}: "
          f"{sum((s >= rel.RELEVANCE_MIN) == a for s, a in relevance) / len(relevance):.3f}; "
          f"best cut {top} ({accuracy[top]:.3f})")


if __name__ == "__main__":
    main()
