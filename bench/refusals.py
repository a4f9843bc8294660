"""Refusals: questions the documents do not answer must get `not_found`, answerable ones must not.

The corpus is the 53 labelled documents (5 seeds + 48 SQuAD paragraphs, tests/helpers/corpus.py),
indexed once with the real local embedder. Every backend is asked the 90 questions of
tests/data/unanswerable.jsonl (their words are in the documents, their answers are not) and 100
answerable ones: the 20 answerable seeds gold questions and a seeded sample of 80 real SQuAD
questions of the excerpt (at most 2 per paragraph). Reported per backend: the share of
unanswerable questions answered `not_found`, the share of answerable ones answered or partial
(and how many of those contain a gold answer), by answer type and corpus, with every failure and
the quote it cited. `openai` is an EAGER model that never refuses (tests/helpers/eager_model.py)
behind a local OpenAI-compatible server: the worst case, where only the pipeline's checks refuse.
Models are warmed up first (one question, not counted).

    python -m bench.refusals [--backends extractive,local,openai]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from app.answering.pipeline import Answerer
from app.evaluation.metrics import contains_answer, percentile, ratio
from app.evaluation.runner import gold_rank, prediction
from bench import machine
from common.config import load_settings
from tests.helpers.corpus import index_corpus, load_jsonl, squad_document_name
from tests.helpers.eager_model import eager_reply
from tests.helpers.openai_server import OpenAICompatibleServer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index

OUT = Path(__file__).resolve().parent / "out"
SEED = 0
SQUAD_QUESTIONS = 80
PER_PARAGRAPH = 2
EAGER_MODEL = "eager-test"
WARM_UP = "Who is Anar Susali?"
QUOTE_CHARS = 300  # of a failure's quotes kept in the report


@dataclass(frozen=True)
class Item:
    """One question with what the breakdowns group it by."""

    question: str
    answerable: bool
    corpus: str  # seeds | squad
    answer_type: str  # unanswerable.jsonl's answer_type; "" for answerable questions
    answers: tuple[str, ...] = ()
    gold_sources: tuple[str, ...] = ()


def unanswerable() -> list[Item]:
    return [Item(q["question"], False, q["corpus"], q["answer_type"])
            for q in load_jsonl("unanswerable.jsonl")]


def answerable(seed: int = SEED) -> list[Item]:
    """The answerable gold questions over the seeds, then the seeded SQuAD sample (in excerpt
    order; a paragraph's repeated questions count once)."""
    gold = [Item(q["question"], True, "seeds", "", tuple(q["answers"]), tuple(q["gold_sources"]))
            for q in load_jsonl("gold_seeds.jsonl") if q["answers"]]
    rng = random.Random(seed)
    pool = []
    for paragraph in load_jsonl("squad_excerpt.jsonl"):
        asked = {q["question"].strip(): q for q in paragraph["questions"]}
        for text in rng.sample(sorted(asked), min(PER_PARAGRAPH, len(asked))):
            pool.append(Item(text, True, "squad", "", tuple(asked[text]["answers"]),
                             (squad_document_name(paragraph["id"]),)))
    chosen = set(rng.sample(range(len(pool)), SQUAD_QUESTIONS))
    return gold + [item for i, item in enumerate(pool) if i in chosen]


def make_answerer(backend: str, index: Index, eager_url: str | None = None) -> Answerer:
    """The app's default settings; `openai` talks to the eager model at `eager_url`."""
    options = {"llm": "openai", "openai_base_url": eager_url, "openai_model": EAGER_MODEL,
               "openai_context": 16000} if backend == "openai" else {"llm": backend}
    settings = load_settings(data_dir=index.settings.data_dir, embeddings="local", **options)
    return Answerer(settings, index)


def eager_server() -> OpenAICompatibleServer:
    """The eager model on 127.0.0.1 (a context manager: `with eager_server() as server`)."""
    return OpenAICompatibleServer(eager_reply)


def ask_all(answerer: Answerer, items: Sequence[Item], progress: bool = False) -> list[dict]:
    """Each question's outcome, after one warm-up question."""
    answerer.ask(WARM_UP)
    results, started = [], time.perf_counter()
    for i, item in enumerate(items, 1):
        answer = answerer.ask(item.question)
        results.append({
            **asdict(item), "status": answer.status, "answer": answer.answer,
            "quotes": [f"[{c.n}] {c.source}: {c.quote[:QUOTE_CHARS]}" for c in answer.citations],
            "llm": answer.llm, "notice": answer.notice,
            "gold_rank": gold_rank(answer.passages, set(item.gold_sources)) or None,
            "contains_gold": bool(contains_answer(prediction(answer), item.answers)),
            "ms": round(answer.timings["total_ms"]),
        })
        if progress and (i % 25 == 0 or i == len(items)):
            print(f"  {answerer.backends[0].name}: {i}/{len(items)} in "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return results


def succeeded(result: dict) -> bool:
    """Unanswerable: refused. Answerable: answered, fully or in part."""
    return (result["status"] != "not_found") == result["answerable"]


def share(results: Sequence[dict]) -> float | None:
    return ratio(sum(map(succeeded, results)), len(results))


def _by(results: Sequence[dict], key: str) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        groups[result[key]].append(result)
    return {name: {"questions": len(group), "share": share(group)}
            for name, group in sorted(groups.items())}


def summarise(backend: str, results: Sequence[dict]) -> dict:
    refusable = [r for r in results if not r["answerable"]]
    answerable_ = [r for r in results if r["answerable"]]
    answered = [r for r in answerable_ if r["status"] != "not_found"]
    failures = [r for r in results if not succeeded(r)]
    return {
        "backend": backend,
        "unanswerable": len(refusable), "not_found_share": share(refusable),
        "answerable": len(answerable_), "answered_share": share(answerable_),
        "answered_with_gold_answer": ratio(sum(r["contains_gold"] for r in answered),
                                           len(answered)),
        "gold_retrieved_when_refused": ratio(
            sum(r["gold_rank"] is not None for r in answerable_ if not succeeded(r)),
            len(answerable_) - len(answered)),
        "unanswerable_by_answer_type": _by(refusable, "answer_type"),
        "unanswerable_by_corpus": _by(refusable, "corpus"),
        "answerable_by_corpus": _by(answerable_, "corpus"),
        "answered_by": dict(Counter(r["llm"] for r in results if r["status"] != "not_found")),
        "p50_ms": round(percentile([r["ms"] for r in results], 0.5)),
        "p95_ms": round(percentile([r["ms"] for r in results], 0.95)),
        "failures": failures,
    }


def describe(failure: dict) -> str:
    """One failure on a few lines, for the console and for test messages."""
    lines = [f"- {failure['question']} ({failure['corpus']}"
             f"{', ' + failure['answer_type'] if failure['answer_type'] else ''}) -> "
             f"{failure['status']} by {failure['llm']}"]
    if failure["status"] != "not_found":
        lines.append(f"    answer: {failure['answer']}")
        lines += [f"    quote {quote}" for quote in failure["quotes"]]
    else:
        rank = failure["gold_rank"]
        lines.append(f"    gold source retrieved at rank {rank}" if rank else
                     "    gold source not retrieved")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="extractive,local,openai")
    args = parser.parse_args()
    items = unanswerable() + answerable()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, eager_server() as server:
        index, _ = index_corpus(Path(tmp), LocalMiniLM())
        for backend in args.backends.split(","):
            started = time.perf_counter()
            results = ask_all(make_answerer(backend, index, server.base_url), items,
                              progress=True)
            rows.append({**summarise(backend, results),
                         "seconds": round(time.perf_counter() - started)})
    OUT.mkdir(exist_ok=True)
    (OUT / "refusals.json").write_text(
        json.dumps({"machine": machine(), "runs": rows}, indent=2, ensure_ascii=False) + "\n")
    print("| backend | unanswerable not_found | answerable answered/partial | with gold answer "
          "| p50 ms | p95 ms |\n|" + " --- |" * 6)
    for r in rows:
        shares = [r["not_found_share"], r["answered_share"], r["answered_with_gold_answer"]]
        shown = ["n/a" if x is None else f"{x:.3f}" for x in shares]
        print(f"| {r['backend']} | {shown[0]} of {r['unanswerable']} | {shown[1]} of "
              f"{r['answerable']} | {shown[2]} | {r['p50_ms']} | {r['p95_ms']} |")
    for r in rows:
        print(f"\n{r['backend']}: {len(r['failures'])} failures")
        print("\n".join(describe(f) for f in r["failures"]))


if __name__ == "__main__":
    main()
