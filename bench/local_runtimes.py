"""The local model on both runtimes side by side (FOOTNOTE_LOCAL_RUNTIME): llama-cpp-python and
transformers, each answering the seeds gold set (tests/data/gold_seeds.jsonl) through the whole
pipeline, with the figures of bench.answer (first token and total, p50/p95) plus the model's own
figures: seconds to load, time from a request to the model's first token (reading the prompt)
and tokens per second while it writes, over every generation (answers, rewrites, quotes).
A runtime that is not installed is reported as such. Run it on an otherwise idle machine.

    python -m bench.local_runtimes [--runtimes llama-cpp,transformers]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from app.answering.backends.local import LocalBackend, runtime_installed
from app.answering.pipeline import Answerer
from app.evaluation.metrics import percentile
from app.evaluation.questions import load_questions
from bench import SEEDS_GOLD, machine
from bench.answer import OUT, ROOT, measure
from common.config import load_settings
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index


def timed(backend: LocalBackend) -> list[tuple[float, float, int]]:
    """Record each generation of `backend`: (seconds to its first piece, seconds from the first
    piece to the last, tokens written)."""
    runs: list[tuple[float, float, int]] = []
    stream = backend.stream

    def recorded(messages: list[dict[str, str]], max_tokens: int):
        started, first, text = time.perf_counter(), None, ""
        try:
            for piece in stream(messages, max_tokens):
                first = first or time.perf_counter()
                text += piece
                yield piece
        finally:  # also a draft stopped at its deadline
            if first is not None:
                runs.append((first - started, time.perf_counter() - first,
                             backend.count_tokens(text)))

    backend.stream = recorded
    return runs


def measure_runtime(runtime: str, settings, index: Index, gold) -> dict:
    if not runtime_installed(runtime):
        return {"runtime": runtime, "installed": False}
    answerer = Answerer(settings.model_copy(update={"local_runtime": runtime}), index,
                        llm="local")
    backend = answerer.backends[0]
    started = time.perf_counter()
    backend.warm_up()
    load_s = time.perf_counter() - started
    runs = timed(backend)
    row = measure(answerer, gold)
    firsts = [first for first, _, _ in runs]
    writing = [(seconds, tokens - 1) for _, seconds, tokens in runs if tokens > 1]
    return {
        "runtime": runtime, "installed": True, **row, "load_s": round(load_s, 1),
        "generations": len(runs),
        "model_first_token_p50_ms": round(percentile(firsts, 0.5) * 1000),
        "model_first_token_p95_ms": round(percentile(firsts, 0.95) * 1000),
        "tokens_per_s": round(sum(t for _, t in writing) / sum(s for s, _ in writing), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtimes", default="llama-cpp,transformers")
    args = parser.parse_args()
    gold = load_questions(SEEDS_GOLD)
    load = os.getloadavg()[0]  # other work on the machine slows both runtimes, llama.cpp most
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), embeddings="local",
                                 max_answer_tokens=300)
        index = Index(settings, LocalMiniLM())
        Indexer(index).ingest([ROOT / "seeds"])
        rows = [measure_runtime(r, settings, index, gold) for r in args.runtimes.split(",")]
    OUT.mkdir(exist_ok=True)
    result = {"machine": machine(), "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_average_at_start": round(load, 2),
              "runtimes": rows}
    (OUT / "local_runtimes.json").write_text(json.dumps(result, indent=2) + "\n")
    measured = [row for row in rows if row["installed"]]
    keys = [k for k in measured[0] if k not in ("installed",)] if measured else []
    print(f"{result['machine']}, {result['measured']}")
    print("| " + " | ".join(keys) + " |\n|" + " --- |" * len(keys))
    for row in measured:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    for row in rows:
        if not row["installed"]:
            print(f"{row['runtime']}: not installed")


if __name__ == "__main__":
    main()
