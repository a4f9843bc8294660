"""Answer quality on SQuAD v1.1 dev: a seeded sample of questions (300 by default) over the whole
dev corpus (2,067 paragraphs, one file each), answered by each backend through the real pipeline
and scored by `footnote eval`'s own code: exact match, F1, "contains a gold answer", citation
precision/recall, latency. Then the seeds gold set (tests/data/gold_seeds.jsonl: 20 answerable,
8 not answerable by the documents) for refusal accuracy, which SQuAD cannot measure.

Writes bench/out/answers.json and one report folder per run under bench/out/reports/.

    python -m bench.squad_answers [--questions 300] [--backends extractive,local] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from app.answering.pipeline import Answerer
from app.evaluation.evaluate import evaluate
from app.evaluation.questions import Question, load_questions
from app.evaluation.squad import load_paragraphs, questions_of, write_corpus
from bench import SEEDS_GOLD, SQUAD, machine, memory_mb
from common.config import load_settings
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"


def progress_every(label: str, step: int = 25):
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            print(f"  {label}: {done}/{total} in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)

    return report


def run(label: str, settings, index: Index, backend: str, questions: list[Question],
        source: str) -> dict:
    answerer = Answerer(settings, index, llm=backend)
    answerer.ask("What is the warm-up question?")  # model loading is not an answer's latency
    outcome = evaluate(answerer, questions, OUT / "reports" / f"{label}-{backend}", source,
                       progress=progress_every(f"{label}/{backend}"))
    return {"set": label, "backend": backend, **outcome.summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--backends", default="extractive,local")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    backends = args.backends.split(",")
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        embedder = LocalMiniLM()
        paragraphs = load_paragraphs(args.squad)
        sample = random.Random(args.seed).sample(questions_of(paragraphs), args.questions)
        settings = load_settings(data_dir=Path(tmp) / "squad", embeddings="local")
        index = Index(settings, embedder)
        report = Indexer(index).ingest([write_corpus(paragraphs, Path(tmp) / "corpus")])
        print(f"SQuAD corpus: {report.chunks} chunks in {report.seconds:.0f} s", file=sys.stderr)
        for backend in backends:
            rows.append(run("squad", settings, index, backend, sample,
                            f"SQuAD v1.1 dev, {len(sample)} questions sampled (seed {args.seed})"))
        index.close()

        seeds_settings = load_settings(data_dir=Path(tmp) / "seeds", embeddings="local")
        seeds_index = Index(seeds_settings, embedder)
        Indexer(seeds_index).ingest([ROOT / "seeds"])
        gold = load_questions(SEEDS_GOLD)
        for backend in backends:
            rows.append(run("seeds", seeds_settings, seeds_index, backend, gold,
                            "tests/data/gold_seeds.jsonl"))
    figures = {"runs": rows, "squad_chunks": report.chunks,
               "peak_rss_mb": memory_mb(), "machine": machine(),
               "total_seconds": round(time.perf_counter() - started)}
    OUT.mkdir(exist_ok=True)
    (OUT / "answers.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("| set | backend | EM | F1 | contains | cit. precision | cit. recall | refusals | "
          "p50 ms | p95 ms |\n|" + " --- |" * 10)
    for r in rows:
        cells = [r["answers"]["exact_match"], r["answers"]["f1"], r["answers"]["contains"],
                 r["citations"]["precision"], r["citations"]["recall"], r["refusal_accuracy"]]
        shown = ["n/a" if c is None else f"{c:.3f}" for c in cells]
        print(f"| {r['set']} | {r['backend']} | {' | '.join(shown)} | "
              f"{r['latency']['p50_ms']:.0f} | {r['latency']['p95_ms']:.0f} |")


if __name__ == "__main__":
    main()
