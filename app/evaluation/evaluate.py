"""The whole evaluation as one call, shared by `footnote eval` and the web app's Evaluate page:
questions in, figures and a report folder out."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.answering.pipeline import Answerer
from app.evaluation.questions import Question, write_questions
from app.evaluation.report import write_report
from app.evaluation.runner import Evaluation, Progress, Scored, summarise


@dataclass(frozen=True)
class Outcome:
    summary: dict
    scored: list[Scored]
    report: Path  # report.md; chart.png, summary.json and results.jsonl lie beside it
    setup: dict  # what the run used: questions, backend asked, k, strict, embeddings...

    @property
    def chart(self) -> Path:
        return self.report.with_name("chart.png")


def report_folder(data_dir: Path) -> Path:
    """A new, empty folder per run under FOOTNOTE_DATA_DIR/reports, named by the time it
    started; made here, so two runs starting in the same second never share one."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (data_dir / "reports").mkdir(parents=True, exist_ok=True)
    for suffix in itertools.count(1):
        folder = data_dir / "reports" / (f"eval-{stamp}" + (f"-{suffix}" if suffix > 1 else ""))
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def evaluate(answerer: Answerer, questions: Sequence[Question], folder: Path, source: str,
             k: int | None = None, progress: Progress | None = None) -> Outcome:
    """Answer and score every question, then write the report, the chart, the figures, the
    per-question results and the questions themselves into `folder`."""
    evaluation = Evaluation(answerer, k=k)
    started = time.perf_counter()
    scored = evaluation.run(questions, progress)
    summary = summarise(scored)
    setup = {
        "questions": source,
        "backend asked": answerer.backends[0].name,
        "k": evaluation.k,
        "strict": answerer.settings.strict,
        "embeddings": answerer.index.embedder.name,
        "documents": len(answerer.index.sources()),
        "run time": f"{time.perf_counter() - started:.0f} s",
    }
    write_questions(questions, folder / "questions.jsonl")
    return Outcome(summary, scored, write_report(folder, summary, scored, setup), setup)
