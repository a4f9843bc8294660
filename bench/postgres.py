"""The catalog on PostgreSQL beside SQLite: retrieval quality and latency, ingest throughput.

A real PostgreSQL 15 is started for the run (as the tests start it). Measured:

- SQuAD v1.1 dev (2,067 paragraphs, one file each; all 10,570 questions): the corpus ingested
  four times by Footnote's own pipeline with the real MiniLM model, twice with each catalog in
  the order SQLite, PostgreSQL, PostgreSQL, SQLite (mean chunks/s, embedding included), then
  every question through `keyword` and `hybrid` search on both, interleaved: recall@1/5/20,
  MRR and p50/p95 per search, query embedding included.
- About 10,000 chunks (`bench.scale`'s copies of the paragraphs and replay embedder, each catalog
  in a fresh process): hybrid/dense/keyword p50/p95, and the store-and-index rate without the
  model, which is the part the catalog changes.

Targets (issue 12): hybrid recall@5 within one point of SQLite's, hybrid p95 at most 60 ms at
10k chunks, ingest throughput within 10 % of SQLite's. Writes bench/out/postgres.json.

    python -m bench.postgres [--squad PATH] [--limit-questions N] [--scale-questions N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.evaluation.squad import load_paragraphs, write_corpus
from bench import SQUAD, machine
from bench.retrieval import OUT, footnote_searches, print_table, run_questions, summarise
from bench.scale import in_fresh_process, run_scale
from common.config import load_settings
from ingest.sync import Indexer
from tests.helpers.servers import new_database, postgres_server
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Retriever

CATALOGS = ("sqlite", "postgresql")
MODES = ("keyword", "hybrid")
SCALE_TARGET = 10_000


def squad_figures(squad: Path, server: str, limit: int | None) -> dict:
    """Ingest SQuAD dev with each catalog, then every question through both, interleaved."""
    paragraphs = load_paragraphs(squad)
    questions = [(q["question"], p.name) for p in paragraphs for q in p.questions][:limit]
    embedder = LocalMiniLM()
    embedder.warm_up()
    ingest: dict[str, dict] = {}
    searches = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(paragraphs, Path(tmp) / "corpus")
        indexes = []
        rates: dict[str, list[float]] = {catalog: [] for catalog in CATALOGS}
        # A B B A: the load of the machine drifts over minutes; the second pair cancels it.
        for run, catalog in enumerate(CATALOGS + CATALOGS[::-1]):
            settings = load_settings(
                data_dir=Path(tmp) / f"{catalog}{run}", embeddings="local",
                database_url=new_database(server) if catalog == "postgresql" else None)
            index = Index(settings, embedder)
            report = Indexer(index).ingest([corpus])
            assert not report.failed, report.failed[:3]
            rates[catalog].append(report.chunks / report.seconds)
            ingest[catalog] = {"chunks": report.chunks,
                               "chunks_per_s": round(statistics.mean(rates[catalog]), 1),
                               "runs_chunks_per_s": [round(r, 1) for r in rates[catalog]]}
            print(f"{catalog}: ingested {report.chunks} chunks in {report.seconds:.0f} s",
                  file=sys.stderr)
            if run >= len(CATALOGS):
                index.close()
                continue
            all_searches = footnote_searches(Retriever(index), index)
            searches |= {f"{catalog} {m}": all_searches[m] for m in MODES}
            indexes.append(index)
        for search in searches.values():  # warm caches, untimed
            search("What is the warm-up question?")
        ranks, millis, widths = run_questions(searches, questions)
        for index in indexes:
            index.close()
    return {"questions": len(questions), "documents": len(paragraphs), "ingest": ingest,
            "methods": {m: summarise(ranks[m], millis[m], widths[m]) for m in searches}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--limit-questions", type=int, default=None, help="first N questions only")
    parser.add_argument("--scale-questions", type=int, default=300,
                        help="timed questions per mode at 10k chunks")
    args = parser.parse_args()

    started = time.perf_counter()
    with postgres_server() as server:
        figures = squad_figures(args.squad, server, args.limit_questions)
        figures["scale"] = {
            catalog: in_fresh_process(run_scale, SCALE_TARGET, args.squad, args.scale_questions,
                                      new_database(server) if catalog == "postgresql" else None)
            for catalog in CATALOGS}
    methods, ingest, scale = figures["methods"], figures["ingest"], figures["scale"]
    recall_gap = (methods["sqlite hybrid"]["recall@5"]
                  - methods["postgresql hybrid"]["recall@5"]) * 100
    ingest_ratio = ingest["postgresql"]["chunks_per_s"] / ingest["sqlite"]["chunks_per_s"]
    scale_p95 = scale["postgresql"]["query_ms"]["hybrid"]["p95_ms"]
    figures |= {
        "hybrid_recall@5_gap_points": round(recall_gap, 2),
        "ingest_rate_ratio": round(ingest_ratio, 3),
        "target_recall_met": recall_gap <= 1.0,
        "target_scale_p95_met": scale_p95 <= 60.0,
        "target_ingest_met": ingest_ratio >= 0.9,
        "total_seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "postgres.json").write_text(json.dumps(figures, indent=2) + "\n")
    print_table(methods)
    for catalog in CATALOGS:
        q, rate = scale[catalog]["query_ms"], scale[catalog]["store_index_chunks_per_s"]
        print(f"{catalog}: ingest {ingest[catalog]['chunks_per_s']} chunks/s; at "
              f"{scale[catalog]['chunks']} chunks hybrid p50/p95 {q['hybrid']['p50_ms']}/"
              f"{q['hybrid']['p95_ms']} ms, keyword {q['keyword']['p50_ms']}/"
              f"{q['keyword']['p95_ms']} ms, store+index {rate} chunks/s")
    print(f"\nhybrid recall@5 gap {recall_gap:+.2f} points (target <= 1); ingest rate ratio "
          f"{ingest_ratio:.3f} (target >= 0.9); hybrid p95 at 10k {scale_p95} ms (target <= 60)")


if __name__ == "__main__":
    main()
