"""Plain-text rendering of an `Answer` for the terminal."""

from __future__ import annotations

import textwrap

from app.answering.types import Answer

_STATUS = {"answered": "", "partial": "[partial answer] ", "not_found": "[not found] "}


def render_answer(answer: Answer, streamed: str = "", bold: bool = False) -> str:
    """The checked answer, its sources with quotes, or the closest passages when not found.
    What was `streamed` (checked sentences, already on the screen) is not printed again; only
    what checking added after it (a note that statements were left out)."""
    lines = []
    if answer.notice:
        lines.append(f"note: {answer.notice}")
    rest = answer.answer.removeprefix(streamed).strip() if streamed else _marked(answer, bold)
    lines.append(f"answer ({answer.llm}):" if not streamed else f"checked ({answer.llm}):")
    if rest or answer.status != "answered":
        lines.append(textwrap.fill(_STATUS[answer.status] + rest, 100))
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


def _marked(answer: Answer, bold: bool) -> str:
    """The answer with the asked name, date or number in bold (on a terminal)."""
    if not bold or not answer.answer_span:
        return answer.answer
    a, b = answer.answer_span
    return f"{answer.answer[:a]}\033[1m{answer.answer[a:b]}\033[0m{answer.answer[b:]}"
