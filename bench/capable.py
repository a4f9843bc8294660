"""Answers of a capable model through the whole pipeline: does the citation check keep what a
GPT-4-class model writes correctly, and stop what it gets wrong?

The 62 questions of tests/data/capable_answers.jsonl are asked over the 53 labelled documents
(real local embedder, real index) with the openai backend, against a server on 127.0.0.1 that
plays the model (tests/helpers/capable_model.py): it answers with the hand-written sentences
and cites the source that holds each one's anchor. Scored: the correct sentences that reached
the model and are kept, and kept with a citation of the right document; wrong sentences that
are shown; the answer's status; questions whose documents disagree (each version kept with its
own citation); per kind of sentence, the failures, and latency. tests/integration/
test_capable_model.py asserts on the same figures.

    python -m bench.capable
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from app.answering.pipeline import Answerer
from app.answering.types import Answer
from app.evaluation.metrics import percentile
from bench import machine
from common.config import load_settings
from common.text import MARKER, marker_numbers, sentence_spans
from tests.helpers.capable_model import CapableModel, normalise
from tests.helpers.corpus import index_corpus, load_jsonl
from tests.helpers.openai_server import OpenAICompatibleServer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index

OUT = Path(__file__).resolve().parent / "out"
ANSWERED = {"answered", "partial"}
_TAIL = re.compile(rf"(?:{MARKER.pattern}|[.!?\"'”’)])*")  # markers, punctuation after a sentence
_GAP = rf"(?:{MARKER.pattern})*\s+"  # between two words: white space, perhaps a marker


@dataclass
class Asked:
    entry: dict
    answer: Answer
    written: list[int]  # indices of the sentences the model wrote (their anchor reached it)
    reply: str
    seconds: float


def ask_all(index: Index, entries: list[dict]) -> list[Asked]:
    """Every question through the pipeline, the capable model behind an OpenAI-compatible
    server; the first is asked once more beforehand so latency leaves out first-use loading."""
    model = CapableModel(entries)
    asked = []
    with OpenAICompatibleServer(model) as server:
        settings = load_settings(data_dir=index.settings.data_dir, embeddings="local",
                                 llm="openai", openai_base_url=server.base_url,
                                 openai_model="capable-test", openai_context=16000)
        answerer = Answerer(settings, index)
        answerer.ask(entries[0]["question"])
        for entry in entries:
            started = time.perf_counter()
            answer = answerer.ask(entry["question"])
            asked.append(Asked(entry, answer, model.written.get(entry["id"], []),
                               model.replies.get(entry["id"], ""),
                               time.perf_counter() - started))
    return asked


def cited_on(answer: str, text: str) -> list[int] | None:
    """The source numbers cited on `text` where the answer says it (markers, white space, case
    and the final full stop aside), or None when the answer does not say it. The markers are
    those of the answer's sentence(s) that contain it, and any that follow them directly."""
    words = map(re.escape, text.rstrip(".").split())
    found = re.search(_GAP.join(words), answer, re.IGNORECASE)
    if found is None:
        return None
    spans = [(a, b) for a, b in sentence_spans(answer) if a < found.end() and found.start() < b]
    start, end = min(found.start(), spans[0][0]), max(found.end(), spans[-1][1])
    region = answer[start:_TAIL.match(answer, end).end()]
    return [n for m in MARKER.finditer(region) for n in marker_numbers(m.group(1))]


def score(asked: list[Asked], documents: dict[str, str]) -> dict:
    """The figures, the failures and each answer. `documents` maps file names to their text."""
    documents = {name: normalise(text) for name, text in documents.items()}
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reached = kept = right = wrong = hallucinated = status_right = 0
    failures, unseen, moved, disagree, answers = [], [], [], [], []
    for item in asked:
        entry, answer = item.entry, item.answer
        sources = {c.n: Path(c.source).name for c in answer.citations}
        versions = []
        for i, sentence in enumerate(entry["sentences"]):
            counts = kinds[sentence["kind"]]
            counts["sentences"] += 1
            if i not in item.written:
                unseen.append(_unseen(entry, sentence, answer))
                continue
            counts["reached"] += 1
            numbers = cited_on(answer.answer, sentence["text"])
            cited = [sources.get(n, f"[{n}]?") for n in numbers or []]
            anchored = _anchored(sentence, cited, documents)
            counts["in_answer"] += numbers is not None
            if sentence["correct"]:
                reached += 1
                kept += numbers is not None
                right += anchored
                counts["cited_right"] += anchored
                versions.append(anchored)
                if not anchored:
                    failures.append(_failure(entry, sentence, answer, numbers, cited))
                continue
            wrong += 1
            if numbers is None:
                continue
            if sentence["kind"] == "misplaced-citation" and cited and not anchored:
                moved.append({"id": entry["id"], "sentence": sentence["text"],
                              "wrongly_cited": sentence["doc"], "now_cited": cited})
                continue
            hallucinated += 1
            counts["hallucinated"] += 1
            failures.append({"id": entry["id"], "check": "not shown", "kind": sentence["kind"],
                             "sentence": sentence["text"],
                             "why": f"shown, cited to {cited or 'nothing'}"})
        ok = (answer.status in ANSWERED) == (entry["expect"] == "answered")
        status_right += ok
        if not ok:
            failures.append({"id": entry["id"], "check": "status", "kind": "", "sentence": "",
                             "why": f"status {answer.status}, expected {entry['expect']}"})
        if entry.get("disagree"):
            disagree.append({"id": entry["id"], "versions": len(entry["sentences"]),
                             "reached": len(versions), "kept_right": sum(versions)})
        answers.append({"id": entry["id"], "expect": entry["expect"], "status": answer.status,
                        "llm": answer.llm, "reply": item.reply, "answer": answer.answer,
                        "citations": sources, "notice": answer.notice,
                        "ms": round(item.seconds * 1000)})
    seconds = [item.seconds for item in asked]
    return {
        "machine": machine(), "questions": len(asked),
        "correct_reached": reached,
        "correct_kept": kept, "kept_pct": _pct(kept, reached),
        "correct_right_source": right, "right_source_pct": _pct(right, reached),
        "wrong_reached": wrong, "hallucinated_shown": hallucinated,
        "status_right": status_right,
        "not_found_right": sum(a["status"] == "not_found" for a in answers
                               if a["expect"] == "not_found"),
        "not_found_expected": sum(a["expect"] == "not_found" for a in answers),
        "disagree_all_kept": sum(d["reached"] == d["kept_right"] for d in disagree),
        "latency_p50_ms": round(percentile(seconds, 0.5) * 1000),
        "latency_p95_ms": round(percentile(seconds, 0.95) * 1000),
        "kinds": {kind: dict(counts) for kind, counts in sorted(kinds.items())},
        "disagree": disagree, "failures": failures, "moved": moved, "unseen": unseen,
        "answers": answers,
    }


def _anchored(sentence: dict, cited: list[str], documents: dict[str, str]) -> bool:
    """A citation on the sentence names a document that holds its anchor: its own `doc`, or
    another with the same words."""
    if sentence["anchor"] is None:
        return False
    anchor = normalise(sentence["anchor"])
    return any(name == sentence["doc"] or anchor in documents.get(name, "") for name in cited)


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _failure(entry: dict, sentence: dict, answer: Answer, numbers: list[int] | None,
             cited: list[str]) -> dict:
    """Why a correct sentence that reached the model is not shown with its right source."""
    if numbers is None:
        why = f"dropped (answer {answer.status}, {answer.llm})"
    elif not cited:
        why = "kept without a citation"
    else:
        why = f"cited to {cited}, anchor in {sentence['doc']}"
    return {"id": entry["id"], "check": "kept", "kind": sentence["kind"],
            "sentence": sentence["text"], "why": why}


def _unseen(entry: dict, sentence: dict, answer: Answer) -> dict:
    """A sentence the model could not write: was its document retrieved at all?"""
    retrieved = sentence["doc"] in {Path(p.source).name for p in answer.passages}
    return {"id": entry["id"], "correct": sentence["correct"], "sentence": sentence["text"],
            "doc": sentence["doc"], "doc_retrieved": retrieved}


def evaluate(index: Index, corpus: Path) -> dict:
    """Ask every question of tests/data/capable_answers.jsonl and score the answers."""
    asked = ask_all(index, load_jsonl("capable_answers.jsonl"))
    return score(asked, {p.name: p.read_text(encoding="utf-8") for p in corpus.iterdir()})


def print_report(report: dict) -> None:
    r = report
    print(f"{r['questions']} questions, {r['machine']}")
    print(f"correct sentences that reached the model: {r['correct_reached']}")
    print(f"  kept: {r['correct_kept']} ({r['kept_pct']}%), with the right source: "
          f"{r['correct_right_source']} ({r['right_source_pct']}%)")
    print(f"wrong sentences that reached the model: {r['wrong_reached']}, shown: "
          f"{r['hallucinated_shown']} (misplaced citations moved to "
          f"another document: {len(r['moved'])})")
    print(f"status right: {r['status_right']}/{r['questions']} (not_found: "
          f"{r['not_found_right']}/{r['not_found_expected']})")
    print(f"disagreeing questions with every version kept: {r['disagree_all_kept']}/"
          f"{len(r['disagree'])}")
    print(f"latency p50 {r['latency_p50_ms']} ms, p95 {r['latency_p95_ms']} ms\n")
    columns = ["sentences", "reached", "in_answer", "cited_right", "hallucinated"]
    print("| kind | " + " | ".join(columns) + " |\n|" + " --- |" * (len(columns) + 1))
    for kind, counts in r["kinds"].items():
        print(f"| {kind} | " + " | ".join(str(counts.get(c, 0)) for c in columns) + " |")
    print(f"\n{len(r['failures'])} failures:")
    for failure in r["failures"]:
        print(f"  {failure['id']} {failure['kind'] or failure['check']}: {failure['why']}: "
              f"{failure['sentence'][:80]}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = evaluate(*index_corpus(Path(tmp), LocalMiniLM()))
    OUT.mkdir(exist_ok=True)
    (OUT / "capable.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_report(report)


if __name__ == "__main__":
    main()
