"""The evaluation's outputs: a readable table for the terminal, and a folder holding
`report.md`, `chart.png` (the headline figures as bars), `summary.json` and `results.jsonl`
(one line per question, so a reader can see which questions failed and why)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from app.evaluation.runner import DEPTH, Scored, as_rows
from app.safe_text import escape_markdown

WORST_SHOWN = 10
CHART_BARS = [  # (label, section, key)
    ("recall@1", "retrieval", "recall@1"), ("recall@5", "retrieval", "recall@5"),
    ("recall@20", "retrieval", "recall@20"), ("MRR", "retrieval", "mrr"),
    ("exact match", "answers", "exact_match"), ("F1", "answers", "f1"),
    ("contains gold", "answers", "contains"), ("citation precision", "citations", "precision"),
    ("citation recall", "citations", "recall"),
    ("cites a gold source", "citations", "cites_gold_source"),
    ("refusal accuracy", None, "refusal_accuracy"),
]


def figure(summary: dict, section: str | None, key: str) -> float | None:
    return (summary[section] if section else summary)[key]


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(summary: dict) -> str:
    """The figures as an aligned two-column text table."""
    rows = [(label, _shown(figure(summary, section, key))) for label, section, key in CHART_BARS]
    latency = summary["latency"]
    rows.append(("latency p50 / p95", f"{latency['p50_ms']:.0f} / {latency['p95_ms']:.0f} ms"))
    width = max(len(label) for label, _ in rows)
    counts = summary["counts"]
    head = (f"{summary['n']} questions ({counts['answerable']} answerable, "
            f"{counts['unanswerable']} not answerable by the documents)")
    return "\n".join([head, *(f"  {label:<{width}}  {value}" for label, value in rows)])


def markdown(summary: dict, scored: Sequence[Scored], setup: dict) -> str:
    """The report: setup, figures, what they mean, and the questions that went worst."""
    lines = ["# Footnote evaluation", ""]
    lines += [f"- {key}: {value}" for key, value in setup.items()]
    lines += ["", "| measure | value |", "| --- | --- |"]
    lines += [f"| {label} | {_shown(figure(summary, section, key))} |"
              for label, section, key in CHART_BARS]
    latency = summary["latency"]
    lines += [f"| latency p50 / p95 (ms) | {latency['p50_ms']:.0f} / {latency['p95_ms']:.0f} |",
              "", "![figures](chart.png)", "",
              "Retrieval counts a question as found at rank r when a file from `gold_sources` is "
              "the r-th distinct file retrieved (depth 20). Exact match and F1 are SQuAD's, on "
              "the answer text without citation markers; *contains gold* is the share of "
              "answers holding a gold answer. Citation precision: cited sentences that the "
              "passage they cite supports; citation recall: answer sentences carrying such a "
              "citation; *cites a gold source*: answers whose citations include a file from "
              "`gold_sources`. Refusal accuracy: unanswerable questions answered `not_found`.",
              ""]
    missed, answered = worst(scored)
    if missed:
        lines += ["## Answerable questions whose answer holds no gold answer", "",
                  "| question | rank of gold file | status | F1 | answer |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_cell(s.question)} | {s.rank or '-'} | {s.status} | {s.f1:.2f} | "
                  f"{_cell(s.answer, 160)} |" for s in missed]
    if answered:
        lines += ["", "## Unanswerable questions that were answered", ""]
        lines += [f"- {_cell(s.question)} → {_cell(s.answer, 160)}" for s in answered]
    return "\n".join(lines) + "\n"


def worst(scored: Sequence[Scored], n: int = WORST_SHOWN) -> tuple[list[Scored], list[Scored]]:
    """Up to n answerable questions whose answer holds no gold answer (lowest F1 first, then
    gold file ranked lowest), and up to n unanswerable questions that got an answer anyway."""
    missed = sorted((s for s in scored if s.answerable and s.contains < 1),
                    key=lambda s: (s.f1, -(s.rank or DEPTH + 1)))
    answered = [s for s in scored if not s.answerable and s.status != "not_found"]
    return missed[:n], answered[:n]


def _cell(text: str, limit: int = 100) -> str:
    """Question or answer text for a table cell: one line, shortened, and escaped, since the
    question file and the documents are not trusted (no live links or images in the report)."""
    text = " ".join(text.split())
    return escape_markdown(text if len(text) <= limit else text[: limit - 1] + "…")


def chart(summary: dict, path: Path, title: str = "Footnote evaluation") -> Path:
    """Horizontal bars, one per figure on a 0..1 scale; figures that do not apply are left out."""
    import matplotlib

    matplotlib.use("Agg")  # no display: write a file
    from matplotlib import pyplot as plt

    bars = [(label, figure(summary, s, k)) for label, s, k in CHART_BARS]
    bars = [(label, value) for label, value in bars if value is not None]
    fig, ax = plt.subplots(figsize=(7, 0.42 * len(bars) + 1.2), dpi=110)
    try:
        labels = [label for label, _ in reversed(bars)]
        values = [value for _, value in reversed(bars)]
        ax.barh(labels, values, color="#3b6ea8")
        for y, value in enumerate(values):
            ax.text(min(value + 0.01, 0.9), y, f"{value:.2f}", va="center", fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_title(f"{title} ({summary['n']} questions)", fontsize=10)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def write_report(folder: Path, summary: dict, scored: Sequence[Scored], setup: dict) -> Path:
    """Write the four files into `folder` (created) and return the Markdown report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (folder / "results.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in as_rows(scored)),
        encoding="utf-8")
    chart(summary, folder / "chart.png")
    report = folder / "report.md"
    report.write_text(markdown(summary, scored, setup), encoding="utf-8")
    return report
