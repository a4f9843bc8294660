"""Retrieval quality and latency on SQuAD v1.1 dev: 10,570 questions over 2,067 paragraphs.

Each paragraph is one .txt file, ingested by Footnote's own pipeline with the local MiniLM
embedder. A question's gold is the file of the paragraph it was asked about. Compared: Footnote's
`Retriever` in `dense`, `keyword` (BM25) and `hybrid` (score fusion) modes; reciprocal rank fusion
of the same candidates (`rrf`, the hybrid of before); and a plain baseline,
`langchain_chroma.Chroma` with the same embedder object over the very same chunk texts (cosine
space, ranked by first appearance of each source among the top 40 chunks).

The hybrid weight (vectorstore/retrieval.py DENSE_WEIGHT) was chosen on the tuning half of the
questions (`tuning_half`: the question's SHA-256 is even); every figure is reported for
all questions and for the held-out half alone. The 20 answerable questions of the seeds gold set
(tests/data/gold_seeds.jsonl) are asked over the five seeds in the same run.

Per method: recall@1/5/20 (gold within the first k distinct sources), MRR over the first 20
distinct sources (0 when absent), and p50/p95 latency of one search call, query embedding
included. Prints a Markdown table and writes the figures to bench/out/retrieval.json.

    python -m bench.retrieval [--squad PATH] [--limit-questions N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from app.evaluation.metrics import mean_reciprocal_rank, percentile, recall_at
from app.evaluation.runner import DEPTH  # distinct sources ranked per question
from app.evaluation.squad import load_paragraphs, write_corpus
from bench import SQUAD, machine, memory_mb
from common.config import load_settings
from ingest.sync import Indexer
from tests.conftest import SEEDS
from tests.helpers.corpus import load_jsonl
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

OUT = Path(__file__).resolve().parent / "out"
BASELINE_CHUNKS = 40  # chunks the baseline asks for, to reach DEPTH distinct sources
METHODS = ("dense", "keyword", "hybrid", "rrf", "baseline")
RRF_K = 60  # Cormack et al. (2009)
Search = Callable[[str], list[str]]


def tuning_half(question: str) -> bool:
    """The half of the questions the hybrid weight was chosen on: even SHA-256."""
    return hashlib.sha256(question.encode()).digest()[-1] % 2 == 0


def rrf_search(retriever: Retriever, index: Index) -> Search:
    """Reciprocal rank fusion of the dense and keyword candidates, as Footnote fused before."""
    def search(query: str) -> list[str]:
        scores: dict[str, float] = {}
        for ranking in (retriever.dense(query, retriever.candidates),
                        retriever.keyword(query, retriever.candidates)):
            for rank, (chunk, _) in enumerate(ranking, 1):
                scores[chunk] = scores.get(chunk, 0.0) + 1.0 / (RRF_K + rank)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        records = index.chunks(ranked)
        return [index.sources_of(records[c].sha256)[0] for c in ranked if c in records]
    return search


def footnote_searches(retriever: Retriever, index: Index) -> dict[str, Search]:
    def footnote(mode: str) -> Search:
        return lambda q: [p.source for p in retriever.search(q, k=DEPTH, mode=mode)]
    return {"dense": footnote("dense"), "keyword": footnote("keyword"),
            "hybrid": footnote("hybrid"), "rrf": rrf_search(retriever, index)}


def seeds_gold(folder: Path) -> dict[str, dict[str, float]]:
    """Recall and MRR of each Footnote method on the answerable seeds gold questions."""
    gold = [g for g in load_jsonl("gold_seeds.jsonl") if g["gold_sources"]]
    index = Index(load_settings(data_dir=folder, embeddings="local"))
    Indexer(index).ingest([SEEDS])
    searches = footnote_searches(Retriever(index), index)
    ranks: dict[str, list[int]] = {m: [] for m in searches}
    for item in gold:
        for method, search in searches.items():
            ranking = distinct(search(item["question"]))
            ranks[method].append(next((r for r, name in enumerate(ranking, 1)
                                       if name in item["gold_sources"]), 0))
    index.close()
    return {m: {"questions": len(gold), "recall@1": round(recall_at(r, 1), 4),
                "recall@5": round(recall_at(r, 5), 4),
                "mrr": round(mean_reciprocal_rank(r), 4)} for m, r in ranks.items()}


def distinct(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))[:DEPTH]


def baseline_store(index: Index, embedder: LocalMiniLM, folder: Path) -> Chroma:
    """A fresh LangChain Chroma collection holding exactly the chunks the pipeline produced."""
    stored = index.store.collection.get(include=["documents", "metadatas"])
    names = [index.sources_of(m["sha256"])[0] for m in stored["metadatas"]]
    client = chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name="baseline", embedding_function=embedder, client=client,
                   collection_configuration={"hnsw": {"space": "cosine"}})
    store.add_texts(stored["documents"], metadatas=[{"source": n} for n in names],
                    ids=stored["ids"])
    return store


def run_questions(searches: dict[str, Search], questions: list[tuple[str, str]]
                  ) -> tuple[dict[str, list[int]], dict[str, list[float]], dict[str, list[int]]]:
    """Each question through every search, interleaved (the same machine load for all): the
    gold's rank (0 when absent), the milliseconds and the distinct sources, per method."""
    started = time.perf_counter()
    ranks: dict[str, list[int]] = {m: [] for m in searches}
    millis: dict[str, list[float]] = {m: [] for m in searches}
    widths: dict[str, list[int]] = {m: [] for m in searches}
    for i, (question, gold) in enumerate(questions, 1):
        for method, search in searches.items():
            t0 = time.perf_counter()
            names = search(question)
            millis[method].append((time.perf_counter() - t0) * 1000)
            ranking = distinct(names)
            ranks[method].append(ranking.index(gold) + 1 if gold in ranking else 0)
            widths[method].append(len(ranking))
        if i % 1000 == 0:
            print(f"{i}/{len(questions)} questions, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
    return ranks, millis, widths


def summarise(ranks: list[int], millis: list[float], widths: list[int]) -> dict[str, float]:
    figures = {f"recall@{k}": recall_at(ranks, k) for k in (1, 5, 20)}
    figures |= {"mrr": mean_reciprocal_rank(ranks), "p50_ms": percentile(millis, 0.5),
                "p95_ms": percentile(millis, 0.95),
                "mean_distinct_sources": sum(widths) / len(widths)}
    return {key: round(value, 4) for key, value in figures.items()}


def print_table(results: dict[str, dict[str, float]]) -> None:
    """The figures per method, as a Markdown table on standard output."""
    print("| method | recall@1 | recall@5 | recall@20 | MRR | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for method, r in results.items():
        print(f"| {method} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['recall@20']:.3f} "
              f"| {r['mrr']:.3f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--limit-questions", type=int, default=None, help="first N questions only")
    args = parser.parse_args()

    started = time.perf_counter()
    paragraphs = load_paragraphs(args.squad)
    questions = [(q["question"], p.name) for p in paragraphs for q in p.questions]
    questions = questions[: args.limit_questions]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(paragraphs, Path(tmp) / "corpus")
        settings = load_settings(data_dir=Path(tmp) / "data", embeddings="local")
        embedder = LocalMiniLM()
        embedder.warm_up()
        index = Index(settings, embedder)
        report = Indexer(index).ingest([corpus])
        assert not report.failed, report.failed
        print(f"ingested {report.chunks} chunks in {report.seconds:.0f} s", file=sys.stderr)
        retriever = Retriever(index)
        baseline = baseline_store(index, embedder, Path(tmp) / "baseline")

        searches = footnote_searches(retriever, index)
        searches["baseline"] = lambda q: [
            d.metadata["source"] for d in baseline.similarity_search(q, k=BASELINE_CHUNKS)]
        for search in searches.values():  # warm caches, untimed
            search("What is the warm-up question?")

        ranks, millis, widths = run_questions(searches, questions)
        index.close()
        seeds = seeds_gold(Path(tmp) / "seeds")

    held = [i for i, (q, _) in enumerate(questions) if not tuning_half(q)]
    results = {m: summarise(ranks[m], millis[m], widths[m]) for m in METHODS}
    held_out = {m: summarise([ranks[m][i] for i in held], [millis[m][i] for i in held],
                             [widths[m][i] for i in held]) for m in METHODS}
    gain = (results["hybrid"]["recall@5"] - results["baseline"]["recall@5"]) * 100
    figures = {
        "questions": len(questions), "documents": len(paragraphs), "chunks": report.chunks,
        "ingest_seconds": round(report.seconds, 1), "methods": results,
        "held_out_questions": len(held), "held_out": held_out, "seeds_gold": seeds,
        "hybrid_minus_baseline_recall@5_points": round(gain, 2),
        "target_recall_gain_met": gain >= 5.0,
        "target_hybrid_p95_met": results["hybrid"]["p95_ms"] <= 60.0,
        "total_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": memory_mb(), "machine": machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "retrieval.json").write_text(json.dumps(figures, indent=2) + "\n")
    print_table(results)
    for method in METHODS:
        r = held_out[method]
        print(f"held-out half, {method}: recall@1 {r['recall@1']:.3f}, recall@5 "
              f"{r['recall@5']:.3f}, MRR {r['mrr']:.3f}")
    for method, r in seeds.items():
        print(f"seeds gold ({r['questions']}), {method}: recall@1 {r['recall@1']:.3f}, "
              f"recall@5 {r['recall@5']:.3f}, MRR {r['mrr']:.3f}")
    print(f"\nhybrid recall@5 - baseline recall@5: {gain:+.1f} points (target: >= +5); "
          f"hybrid p95 {results['hybrid']['p95_ms']:.1f} ms (target: <= 60)")
    print(f"{len(questions)} questions, total {figures['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
