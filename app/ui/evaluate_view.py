"""An evaluation's outcome on the page: the setup it ran with, the figures (n/a where nothing
could be counted), the chart, the questions that went worst, and the files to download.

Questions and answers come from the question file, the documents and the model, so they are
shown only through `safe_text` escaping; the report folder's path is shown as code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st  # noqa: TID251

from app.evaluation.drafting import DRAFTED
from app.evaluation.evaluate import Outcome
from app.evaluation.report import CHART_BARS, figure, worst
from app.evaluation.runner import Scored
from app.safe_text import escape_markdown, plain_label

WORST_SHOWN = 5
DOWNLOADS = [("report.md", "text/markdown"), ("questions.jsonl", "application/jsonl"),
             ("results.jsonl", "application/jsonl")]
_NOT_COUNTED = "n/a: nothing in this question set to count it on"
EASY = (":material/warning: Drafted questions reuse the documents' own words, so these scores run "
        "high: a check of the pipeline, not of hard questions. For a real measure, rephrase "
        "questions.jsonl and upload it.")


@dataclass(frozen=True)
class EvalRun:
    """The last evaluation of a session, kept in its state so a rerun shows it again."""

    outcome: Outcome

    @property
    def source(self) -> str:  # where the questions came from
        return self.outcome.setup["questions"]

    @property
    def backend(self) -> str:  # the backend asked
        return self.outcome.setup["backend asked"]

    @property
    def k(self) -> int:
        return self.outcome.setup["k"]

    @property
    def strict(self) -> bool:
        return self.outcome.setup["strict"]

    @property
    def folder(self) -> Path:
        return self.outcome.report.parent


def show_outcome(run: EvalRun) -> None:
    summary = run.outcome.summary
    st.markdown("#### Results")
    st.caption(escape_markdown(
        f"Questions: {run.source}. Backend {run.backend}, k = {run.k}, strict "
        f"{'on' if run.strict else 'off'}; answers given by {_answered_by(summary)}."))
    if DRAFTED in run.source:
        st.caption(EASY)
    _figures(summary)
    if run.outcome.chart.is_file():
        st.image(str(run.outcome.chart), caption="The figures on a 0–1 scale (n/a left out)")
    _worst(run.outcome.scored)
    _downloads(run.folder)


def _answered_by(summary: dict) -> str:
    """Which backends gave the answers (a fallback shows here), refusals left out."""
    counts = summary["counts"].get("answered_by") or {}
    return ", ".join(f"{name} ({n})" for name, n in counts.items()) or "none (all refused)"


def _figures(summary: dict) -> None:
    counts = summary["counts"]
    st.markdown(f"**{summary['n']} questions**: {counts['answerable']} answerable, "
                f"{counts['unanswerable']} not answerable by the documents")
    with st.container(horizontal=True, wrap=True, gap="small"):
        for label, section, key in CHART_BARS:
            value = figure(summary, section, key)
            st.metric(label, "n/a" if value is None else f"{value:.2f}", border=True,
                      width=150, help=_NOT_COUNTED if value is None else None)
        for label, key in (("latency p50", "p50_ms"), ("latency p95", "p95_ms")):
            st.metric(label, _duration(summary["latency"][key]), border=True, width=150,
                      help="Time to answer one question, retrieval and checks included")


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _worst(scored: Sequence[Scored]) -> None:
    missed, answered = worst(scored, WORST_SHOWN)
    shown = (missed + answered)[:WORST_SHOWN]
    if not shown:
        refusals = any(not s.answerable for s in scored)
        st.success("Every answerable question's answer holds a gold answer" + (
            ", and every unanswerable one was refused." if refusals else
            ". The set has no unanswerable questions, so refusals were not tested."),
            icon=":material/check_circle:")
        return
    st.markdown("**Questions that went worst**")
    for s in shown:
        if s.answerable:
            verdict = f"{s.status}, F1 {s.f1:.2f}, {_gold_file(s.rank)}"
        else:
            verdict = f"{s.status}, though no document answers it (expected a refusal)"
        answer = plain_label(s.answer, 300) if s.answer.strip() else "(no answer)"
        st.markdown(f"- {plain_label(s.question, 200)}  \n"
                    f"  :small[:gray[{escape_markdown(verdict)}]]  \n  {answer}")


def _gold_file(rank: int | None) -> str:
    if rank is None:
        return "no gold file given"
    return f"gold file at rank {rank}" if rank else "gold file not retrieved"


def _downloads(folder: Path) -> None:
    with st.container(horizontal=True, gap="small"):
        for name, mime in DOWNLOADS:
            path = folder / name
            if path.is_file():
                st.download_button(name, path.read_bytes(), file_name=name, mime=mime,
                                   key=f"fn_eval_download_{name}", on_click="ignore",
                                   icon=":material/download:")
    st.caption("Report folder (with chart.png and summary.json):")
    st.code(str(folder), language=None)
