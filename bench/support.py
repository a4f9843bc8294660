"""The citation checker on the labelled claim/evidence pairs of tests/data/support_pairs_v2.jsonl:
precision, recall and accuracy on the tuning half (what the constants in
app/answering/support.py were fitted on) and on the held-out half (never fitted on), per kind of
pair, plus the most common reasons for a wrong verdict. JSON to bench/out/support.json.

With a capable model configured, a claim the code cannot settle is sent back to the model, which
quotes the words that state it, and the code verifies the quote (`check_quoted`). No such model
runs here, so two models bound what one would do, each quoting the evidence sentences the code
itself found closest: one that always says "supported" (the worst case: only the code's checks of
the quote stand between it and the reader: precision) and one that says so only where the label
does (a model that judges right: recall).

    python -m bench.support [--show heldout]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from app.answering.relevance import Scorer
from app.answering.support import SupportChecker, Verdict
from common.text import sentence_spans
from vectorstore.embeddings import LocalMiniLM

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "data" / "support_pairs_v2.jsonl"
OUT = Path(__file__).resolve().parent / "out"


def load_pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def evaluate(checker: SupportChecker, pairs: list[dict]) -> dict:
    """Figures per split: precision, recall, accuracy, per kind, and the wrong verdicts."""
    figures: dict = {}
    for split in ("tune", "heldout"):
        rows = [p for p in pairs if p["split"] == split]
        tp = fp = fn = tn = 0
        kinds: Counter[str] = Counter()
        right: Counter[str] = Counter()
        wrong = []
        quoted = Counter()
        for pair in rows:
            verdict = checker.check(pair["claim"], pair["evidence"])
            label, said = pair["supported"], verdict.supported
            if not said:
                quoted[label] += checker.check_quoted(
                    pair["claim"], pair["evidence"], _quoted(pair["evidence"], verdict)).supported
            tp, fp = tp + (said and label), fp + (said and not label)
            fn, tn = fn + (not said and label), tn + (not said and not label)
            kinds[pair["kind"]] += 1
            right[pair["kind"]] += said == label
            if said != label:
                wrong.append({"id": pair["id"], "kind": pair["kind"], "supported": label,
                              "reason": verdict.reason or f"uncovered {list(verdict.uncovered)}",
                              "claim": pair["claim"]})
        figures[split] = {
            "n": len(rows), "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "accuracy": (tp + tn) / max(len(rows), 1),
            "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
            "by_kind": {k: round(right[k] / kinds[k], 3) for k in sorted(kinds)},
            # a capable model quoting: always (worst case) / only where the label says supported
            "quoted_worst_precision": (tp + quoted[True]) / max(tp + fp + sum(quoted.values()), 1),
            "quoted_right_recall": (tp + quoted[True]) / max(tp + fn, 1),
            "wrong": wrong,
        }
    return figures


def _quoted(evidence: str, verdict: Verdict) -> list[str]:
    """What the simulated model quotes: the evidence sentences of the code's own window."""
    a, b = verdict.span
    return [evidence[s:e] for s, e in sentence_spans(evidence) if a <= s and e <= b] or [evidence]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=["tune", "heldout"], help="print the wrong verdicts")
    args = parser.parse_args()
    figures = evaluate(SupportChecker(Scorer(LocalMiniLM())), load_pairs())
    for split, f in figures.items():
        print(f"{split:8} n={f['n']:3}  precision {f['precision']:.3f}  recall {f['recall']:.3f}"
              f"  accuracy {f['accuracy']:.3f}  {f['counts']}  with quotes: worst-case "
              f"precision {f['quoted_worst_precision']:.3f}, right-judging recall "
              f"{f['quoted_right_recall']:.3f}")
    print("held-out accuracy by kind:", figures["heldout"]["by_kind"])
    if args.show:
        for row in figures[args.show]["wrong"]:
            print(f"  {row['kind']:17} {row['supported']!s:5} {row['reason']:22} {row['claim']}")
    OUT.mkdir(exist_ok=True)
    (OUT / "support.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
