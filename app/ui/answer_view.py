"""One turn of the chat on the page: the question, then the checked answer with clickable
citation markers, how it was found, its sources, and the thumbs feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st  # noqa: TID251

from app.safe_text import answer_markdown, escape_markdown
from app.ui.sources import closest_passages, show_document, source_card
from vectorstore.chats import Turn
from vectorstore.index import Index

# One chip per answer: (label, colour, icon, what it means, on hover).
STATUS = {
    "answered": ("Answered from the documents", "green", ":material/check_circle:",
                 "Every statement below is checked against the source it cites."),
    "partial": ("Partly answered", "orange", ":material/rule:",
                "The sources cover only part of the question, or statements that could not "
                "be checked were left out."),
    "not_found": ("Not found in the documents", "gray", ":material/search_off:",
                  "No retrieved passage answers this. The closest passages are below; try "
                  "other words, or add a document that covers it."),
}
NOTICE_CHARS = 140  # a fallback or rescue notice stays one short line


def render_question(question: str) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))


def render_answer(turn: Turn, index: Index,
                  on_feedback: Callable[[int, int | None], None]) -> None:
    """Draw a saved answer (also right after it streamed, in place of the draft)."""
    a = turn.answer
    status = a.get("status", "answered")
    label, color, icon, meaning = STATUS.get(status, STATUS["answered"])
    st.badge(label, icon=icon, color=color, help=meaning)
    if a.get("notice"):
        st.caption(f":material/info: {escape_markdown(short_line(a['notice']))}")
    anchor = f"fn-{turn.id}"
    citations: list[dict[str, Any]] = a.get("citations", [])
    st.markdown(answer_markdown(a.get("answer", ""), anchor_prefix=anchor,
                                span=a.get("answer_span"),
                                previews={c["n"]: _preview(c) for c in citations}))
    if citations:  # [n]: a tap or click shows what it rests on, in place; then the document
        with st.container(horizontal=True, gap="small"):
            for c in citations:
                with st.popover(f"[{c['n']}]"):
                    st.markdown(f"“{escape_markdown(' '.join(c.get('quote', '').split()))}”")
                    st.caption(escape_markdown(_where_cited(c)))
                    if st.button("Open the document", key=f"cite-{turn.id}-{c['n']}",
                                 icon=":material/article:"):
                        show_document(index, c)
    st.caption(_how(a))
    if citations:
        st.markdown("**Sources**")
        for c in citations:
            source_card(index, c, key=f"open-{turn.id}-{c['n']}", anchor=f"{anchor}-{c['n']}")
    if status == "not_found":
        closest_passages(a.get("passages", []))
    key = f"feedback-{turn.id}"
    st.feedback("thumbs", key=key, default=turn.feedback,
                on_change=lambda: on_feedback(turn.id, st.session_state.get(key)))


def short_line(text: str, limit: int = NOTICE_CHARS) -> str:
    """`text` on one line, cut at a word boundary."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


def _where_cited(c: dict[str, Any]) -> str:
    """The document's title, file and page."""
    page = f", page {c['page']}" if c.get("page") else ""
    return f"{c.get('title') or c['source']} ({c['source']}{page})"


def _preview(c: dict[str, Any]) -> str:
    """What a marker rests on, for a glance without leaving the answer: the quote, then the
    document's title and page."""
    return f"“{' '.join(c.get('quote', '').split())}” — {_where_cited(c)}"


def _how(a: dict[str, Any]) -> str:
    """Which backend answered, how long it took, and the rewritten question if any."""
    parts = [f"answered by {a.get('llm', '?')}"]
    total = a.get("timings", {}).get("total_ms")
    if total is not None:
        parts.append(f"{total / 1000:.1f} s")
    if a.get("interrupted"):
        parts.append("cut off")
    text = " · ".join(parts)
    standalone = a.get("standalone_question", "")
    if standalone and standalone != a.get("question"):
        text += f" · searched for: “{standalone}”"
    return escape_markdown(text)
