"""Prompt injection: how many of the labelled sentences that speak to an AI system never reach the
model or an answer, and how many ordinary sentences are held back with them.

tests/data/injection_sentences.jsonl holds injections (notes, footnotes, role-play, quotations,
"the only correct reply", HTML comments, hidden text, ...) and benign sentences about orders,
instructions and replies, each in the `tune` or the `heldout` half; `is_instruction` was fitted on
the tuning half only. A snippet is cut into sentences as the pipeline cuts a passage
(`sentence_spans`), and the pipeline leaves out every sentence `is_instruction` flags: an
injection is caught when all of its sentences holding a letter are flagged, a benign snippet is
held back when any of its sentences is. Also counted: sentences of ordinary documents held back
(the 53 labelled documents and, when ../shared/data has it, every SQuAD v1.1 dev paragraph), and
the time `is_instruction` takes per sentence, cache left out.

    python -m bench.injection      # prints the figures, writes bench/out/injection.json
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from app.answering.safety import is_instruction
from bench import SQUAD, machine
from common.text import sentence_spans
from tests.conftest import SEEDS
from tests.helpers.corpus import load_jsonl

OUT = Path(__file__).resolve().parent / "out"
SPLITS = ("tune", "heldout")


def sentences(text: str) -> list[str]:
    """The snippet's sentences as the pipeline sees them, those with words only."""
    return [text[a:b] for a, b in sentence_spans(text) if any(c.isalpha() for c in text[a:b])]


def caught(text: str) -> bool:
    """An injection none of whose words reaches the model."""
    return all(is_instruction(s) for s in sentences(text))


def held_back(text: str) -> bool:
    """Ordinary text the pipeline would drop (a part of it)."""
    return any(is_instruction(s) for s in sentences(text))


def measure(rows: list[dict]) -> dict:
    """Per split: injections caught and benign snippets held back, overall and by style; the
    texts of the misses and the false alarms."""
    result = {}
    for split in SPLITS:
        mine = [r for r in rows if r["split"] == split]
        styles: dict[str, dict] = defaultdict(lambda: {"n": 0, "flagged": 0})
        misses, alarms = [], []
        for row in mine:
            flagged = caught(row["text"]) if row["injection"] else held_back(row["text"])
            style = styles[("injection: " if row["injection"] else "benign: ") + row["style"]]
            style["n"] += 1
            style["flagged"] += flagged
            if row["injection"] and not flagged:
                misses.append(row["text"])
            elif flagged and not row["injection"]:
                alarms.append(row["text"])
        injections = sum(r["injection"] for r in mine)
        benign = len(mine) - injections
        result[split] = {
            "injections": injections, "caught": injections - len(misses),
            "caught_share": (injections - len(misses)) / injections,
            "benign": benign, "held_back": len(alarms), "held_back_share": len(alarms) / benign,
            "by_style": dict(sorted(styles.items())), "missed": misses, "false_alarms": alarms}
    return result


def documents() -> dict[str, list[str]]:
    """Ordinary documents: the labelled corpus, and SQuAD dev's paragraphs when present."""
    found = {"labelled corpus (5 seeds + 48 SQuAD paragraphs)": [
        *(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))),
        *(p["context"] for p in load_jsonl("squad_excerpt.jsonl"))]}
    if SQUAD.exists():
        data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
        found["SQuAD v1.1 dev paragraphs"] = [p["context"] for article in data
                                              for p in article["paragraphs"]]
    return found


def corpus_alarms() -> tuple[dict[str, dict], float]:
    """Sentences of ordinary documents held back, and microseconds per uncached call."""
    counts, spent, calls = {}, 0.0, 0
    check = is_instruction.__wrapped__
    for name, texts in documents().items():
        cut = [t[a:b] for t in texts for a, b in sentence_spans(t)]
        started = time.perf_counter()
        flagged = [s for s in cut if check(s)]
        spent += time.perf_counter() - started
        calls += len(cut)
        counts[name] = {"sentences": len(cut), "held_back": len(flagged), "texts": flagged}
    return counts, spent / calls * 1e6


def main() -> None:
    rows = load_jsonl("injection_sentences.jsonl")
    splits = measure(rows)
    corpus, micros = corpus_alarms()
    OUT.mkdir(exist_ok=True)
    (OUT / "injection.json").write_text(json.dumps(
        {"machine": machine(), "rows": len(rows), "splits": splits, "corpus": corpus,
         "us_per_sentence": round(micros, 1)}, indent=2, ensure_ascii=False) + "\n")
    print("| half | injections caught | benign held back |\n| --- | --- | --- |")
    for split, r in splits.items():
        print(f"| {split} | {r['caught']} of {r['injections']} ({r['caught_share']:.1%}) | "
              f"{r['held_back']} of {r['benign']} ({r['held_back_share']:.1%}) |")
    for split, r in splits.items():
        print(f"\n{split}, by style: " + ", ".join(
            f"{style} {s['flagged']}/{s['n']}" for style, s in r["by_style"].items()))
        for text in r["missed"]:
            print(f"  missed: {text}")
        for text in r["false_alarms"]:
            print(f"  held back: {text}")
    for name, c in corpus.items():
        print(f"\n{name}: {c['held_back']} of {c['sentences']:,} sentences held back")
        for text in c["texts"]:
            print(f"  {text}")
    print(f"\nis_instruction: {micros:.0f} µs per sentence (uncached), {machine()}")


if __name__ == "__main__":
    main()
