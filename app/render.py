"""Plain-text rendering of an `Answer` for the terminal."""

from __future__ import annotations

import textwrap

from app.answering.types import Answer

_STATUS = {"answered": "", "partial": "[partial answer] ", "not_found": "[not found] "}


def render_answer(answer: Answer, checked_only: bool = False) -> str:
    """The checked answer, its sources with quotes, or the closest passages when not found.
    `checked_only` leaves out the answer text (already streamed) unless checking changed it."""
    lines = []
    if answer.notice:
        lines.append(f"note: {answer.notice}")
    lines.append(f"checked answer ({answer.llm}):" if checked_only else f"answer ({answer.llm}):")
    lines.append(textwrap.fill(_STATUS[answer.status] + answer.answer, 100))
    for c in answer.citations:
        page = f", page {c.page}" if c.page else ""
        lines.append(f"  [{c.n}] {c.title} ({c.source}{page}, chars {c.start}-{c.end})")
        lines.append(textwrap.fill(f"“{' '.join(c.quote.split())}”", 96,
                                   initial_indent="      ", subsequent_indent="      "))
    if answer.status == "not_found" and answer.passages:
        lines.append("  closest passages:")
        for p in answer.passages[:3]:
            lines.append(f"    {p.source}, chars {p.start}-{p.end}: "
                         f"{' '.join(p.text.split())[:160]}…")
    return "\n".join(lines)
