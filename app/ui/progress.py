"""Progress on the page: `st.progress` bars fed by ingest (files done, through its `Progress`
protocol) and by an evaluation (questions answered, through its `(done, total)` callback)."""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator  # noqa: TID251


class BarProgress:
    """Files done out of the total, and passages embedded so far, as the bar's text."""

    def __init__(self, bar: DeltaGenerator, what: str = "files") -> None:
        self.bar = bar
        self.what = what
        self.total = 0
        self.files = 0
        self.chunks = 0

    def start(self, total_files: int) -> None:
        self.total = total_files
        self.bar.progress(0.0, text=f"Reading {total_files} {self.what}…")

    def advance(self, files: int, chunks: int) -> None:
        self.files += files
        self.chunks += chunks
        share = self.files / self.total if self.total else 1.0
        self.bar.progress(min(share, 1.0),
                          text=f"{self.files} of {self.total} {self.what}, "
                               f"{self.chunks} passages embedded")


class QuestionBar:
    """Evaluation progress, the `(done, total)` callback of `evaluate`: "Question 3 of 20…"."""

    def __init__(self, bar: DeltaGenerator) -> None:
        self.bar = bar

    def __call__(self, done: int, total: int) -> None:
        text = (f"Question {done + 1} of {total}…" if done < total
                else f"{total} questions answered; writing the report…")
        self.bar.progress(done / total if total else 1.0, text=text)
