"""Retrieval quality and latency on SQuAD v1.1 dev: 10,570 questions over 2,067 paragraphs.

Each paragraph is one .txt file, ingested by Footnote's own pipeline with the local MiniLM
embedder. A question's gold is the file of the paragraph it was asked about. Compared: Footnote's
`Retriever` in `dense`, `keyword` (BM25) and `hybrid` (reciprocal rank fusion) modes, and a plain
baseline, `langchain_chroma.Chroma` with the same embedder object over the very same chunk texts
(cosine space, ranked by first appearance of each source among the top 40 chunks).

Per method: recall@1/5/20 (gold within the first k distinct sources), MRR over the first 20
distinct sources (0 when absent), and p50/p95 latency of one search call, query embedding
included. Prints a Markdown table and writes the figures to bench/out/retrieval.json.

    python -m bench.retrieval [--squad PATH] [--limit-questions N]
"""

from __future__ import annotations

import argparse
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
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

OUT = Path(__file__).resolve().parent / "out"
BASELINE_CHUNKS = 40  # chunks the baseline asks for, to reach DEPTH distinct sources
METHODS = ("dense", "keyword", "hybrid", "baseline")
Search = Callable[[str], list[str]]


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


def summarise(ranks: list[int], millis: list[float], widths: list[int]) -> dict[str, float]:
    figures = {f"recall@{k}": recall_at(ranks, k) for k in (1, 5, 20)}
    figures |= {"mrr": mean_reciprocal_rank(ranks), "p50_ms": percentile(millis, 0.5),
                "p95_ms": percentile(millis, 0.95),
                "mean_distinct_sources": sum(widths) / len(widths)}
    return {key: round(value, 4) for key, value in figures.items()}


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

        def footnote(mode: str) -> Search:
            return lambda q: [p.source for p in retriever.search(q, k=DEPTH, mode=mode)]

        searches: dict[str, Search] = {m: footnote(m) for m in METHODS[:3]}
        searches["baseline"] = lambda q: [
            d.metadata["source"] for d in baseline.similarity_search(q, k=BASELINE_CHUNKS)]
        for search in searches.values():  # warm caches, untimed
            search("What is the warm-up question?")

        ranks: dict[str, list[int]] = {m: [] for m in METHODS}
        millis: dict[str, list[float]] = {m: [] for m in METHODS}
        widths: dict[str, list[int]] = {m: [] for m in METHODS}
        for i, (question, gold) in enumerate(questions, 1):
            for method, search in searches.items():  # interleaved: same machine load for all
                t0 = time.perf_counter()
                names = search(question)
                millis[method].append((time.perf_counter() - t0) * 1000)
                ranking = distinct(names)
                ranks[method].append(ranking.index(gold) + 1 if gold in ranking else 0)
                widths[method].append(len(ranking))
            if i % 1000 == 0:
                print(f"{i}/{len(questions)} questions, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
        index.close()

    results = {m: summarise(ranks[m], millis[m], widths[m]) for m in METHODS}
    gain = (results["hybrid"]["recall@5"] - results["baseline"]["recall@5"]) * 100
    figures = {
        "questions": len(questions), "documents": len(paragraphs), "chunks": report.chunks,
        "ingest_seconds": round(report.seconds, 1), "methods": results,
        "hybrid_minus_baseline_recall@5_points": round(gain, 2),
        "target_recall_gain_met": gain >= 5.0,
        "target_hybrid_p95_met": results["hybrid"]["p95_ms"] <= 60.0,
        "total_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": memory_mb(), "machine": machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "retrieval.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("| method | recall@1 | recall@5 | recall@20 | MRR | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for method, r in results.items():
        print(f"| {method} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['recall@20']:.3f} "
              f"| {r['mrr']:.3f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |")
    print(f"\nhybrid recall@5 - baseline recall@5: {gain:+.1f} points (target: >= +5); "
          f"hybrid p95 {results['hybrid']['p95_ms']:.1f} ms (target: <= 60)")
    print(f"{len(questions)} questions, total {figures['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
