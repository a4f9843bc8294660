"""A chat as a Markdown file: each question, its checked answer with its citation markers, the
sources it cites with their quotes, and at the end every source the chat cited.

Questions, answers, titles and quotes are escaped (`escape_markdown_readable`: only what can
begin Markdown syntax), so the file reads as written in a text editor and renders as written in
any Markdown viewer: a document cannot smuggle a live link or a tracking image into the export.
"""

from __future__ import annotations

import time
from typing import Any

from app.safe_text import escape_markdown_readable as escape_markdown
from common.text import MARKER
from vectorstore.chats import Turn

_STATUS = {"partial": "Partial answer", "not_found": "Not found in the documents"}


def chat_markdown(title: str, turns: list[Turn], now: float | None = None) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if now is None else now))
    lines = [f"# {escape_markdown(title)}", "", f"_Exported from Footnote on {stamp}._", ""]
    cited: dict[tuple[str, str], str] = {}
    for number, turn in enumerate(turns, 1):
        answer = turn.answer
        lines += [f"## {number}. {escape_markdown(turn.question)}", ""]
        if answer.get("standalone_question") not in (None, "", turn.question):
            lines += [f"_Searched for: {escape_markdown(answer['standalone_question'])}_", ""]
        status = _STATUS.get(answer.get("status", ""))
        if status:
            lines += [f"**{status}.**", ""]
        lines += [_answer_text(answer.get("answer", "")), ""]
        citations = answer.get("citations", [])
        if citations:
            lines += ["Sources:", ""]
            for c in citations:
                lines += _citation(c)
                cited.setdefault((c["source"], c.get("title", "")), c["source"])
            lines.append("")
        meta = [f"answered by {answer.get('llm', '?')}"]
        if turn.feedback is not None:
            meta.append("marked helpful" if turn.feedback == 1 else "marked not helpful")
        lines += [f"_{escape_markdown(', '.join(meta))}_", ""]
    if cited:
        lines += ["## Sources cited in this chat", ""]
        for source, title in sorted(cited):
            lines.append(f"- {escape_markdown(title or source)} ({escape_markdown(source)})")
        lines.append("")
    return "\n".join(lines)


def _answer_text(text: str) -> str:
    """Escaped, with the citation markers kept readable as [1]."""
    return escape_markdown(text).replace("\\[", "[").replace("\\]", "]") \
        if _only_marker_brackets(text) else escape_markdown(text)


def _only_marker_brackets(text: str) -> bool:
    """Brackets may stay unescaped only when each belongs to a citation marker; the `(`, `:`
    and `!` around them stay escaped, so `[1](...)` or `![1]` can never form a link or image."""
    return "[" not in MARKER.sub("", text) and "]" not in MARKER.sub("", text)


def _citation(c: dict[str, Any]) -> list[str]:
    where = [escape_markdown(c["source"])]
    if c.get("page"):
        where.append(f"page {c['page']}")
    where.append(f"characters {c.get('start', 0)}–{c.get('end', 0)}")
    title = escape_markdown(c.get("title") or c["source"])
    quote = escape_markdown(" ".join(str(c.get("quote", "")).split()))
    return [f"{c['n']}. **{title}** — {', '.join(where)}", f"    > “{quote}”"]
