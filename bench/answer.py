"""Answer latency per backend over the seeds gold set (tests/data/gold_seeds.jsonl).

For each backend: time to first streamed token and total time (p50/p95, from the question to the
checked answer), prompt tokens, how often the right source was cited and unanswerable questions
got `not_found`, and how often the model's own answer passed the citation check (otherwise the
pipeline shows the supporting sentences instead, and says so). Models are warmed up first (one
question, not counted): the figures are for a running app, not a cold start. `--server` also
measures the openai backend against llama-cpp-python's OpenAI-compatible server serving the
bundled GGUF on 127.0.0.1.

    python -m bench.answer [--backends extractive,local] [--server]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from app.answering.backends.local import default_gguf
from app.answering.pipeline import Answerer
from app.evaluation.metrics import percentile
from app.evaluation.questions import Question, load_questions
from bench import SEEDS_GOLD
from common.config import load_settings
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"


def measure(answerer: Answerer, gold: list[Question]) -> dict:
    answerer.ask("Who is Anar Susali?")  # warm-up: model loads and first-call caches
    first, total, prompt, right, refused, own = [], [], [], 0, 0, 0
    for item in gold:
        answer = answerer.ask(item.question)
        first.append(answer.timings.get("first_token_ms", answer.timings["total_ms"]))
        total.append(answer.timings["total_ms"])
        prompt.append(answer.prompt_tokens)
        own += answer.llm == answerer.backends[0].name and answer.status != "not_found"
        if item.answerable:
            right += answer.status != "not_found" and bool(
                {c.source for c in answer.citations} & set(item.gold_sources))
        else:
            refused += answer.status == "not_found"
    answerable = sum(g.answerable for g in gold)
    return {
        "llm": answerer.backends[0].name, "questions": len(gold),
        "first_token_p50_ms": round(percentile(first, 0.5)),
        "first_token_p95_ms": round(percentile(first, 0.95)),
        "total_p50_ms": round(percentile(total, 0.5)),
        "total_p95_ms": round(percentile(total, 0.95)),
        "prompt_tokens_mean": round(statistics.mean(prompt)), "prompt_tokens_max": max(prompt),
        "right_source": f"{right}/{answerable}",
        "not_found_when_unanswerable": f"{refused}/{len(gold) - answerable}",
        "own_answer_kept": f"{own}/{len(gold)}",  # the rest: not found, or rescued by extraction
    }


@contextmanager
def llama_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model",
                             str(default_gguf()), "--host", "127.0.0.1", "--port", str(port),
                             "--n_ctx", "4096"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="extractive,local")
    parser.add_argument("--server", action="store_true")
    args = parser.parse_args()
    gold = load_questions(SEEDS_GOLD)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), embeddings="local")
        index = Index(settings, LocalMiniLM())
        Indexer(index).ingest([ROOT / "seeds"])
        for backend in args.backends.split(","):
            rows.append(measure(Answerer(settings, index, llm=backend), gold))
        if args.server:
            with llama_server() as url:
                served = load_settings(data_dir=Path(tmp), embeddings="local", llm="openai",
                                       openai_base_url=url, openai_model="smollm2-via-server",
                                       openai_timeout=120)
                rows.append(measure(Answerer(served, index), gold))
    OUT.mkdir(exist_ok=True)
    (OUT / "answer.json").write_text(json.dumps(rows, indent=2) + "\n")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + " --- |" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
