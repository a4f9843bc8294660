"""The sources of an answer: a card per cited source (title, file, page, the passage with the
quote highlighted) and the whole-document view a citation opens, scrolled to the quote."""

from __future__ import annotations

from typing import Any

import streamlit as st  # noqa: TID251

from app.safe_text import escape_markdown, plain_label
from app.ui.highlight import Spans, document_html, locate, passage_html, text_html
from app.ui.pdf_view import is_pdf, pdf_page_view
from vectorstore.index import Index

GONE = "This document is no longer indexed as it was when the answer was written."


def cited_text(index: Index, c: dict[str, Any]) -> tuple[str, Spans] | None:
    """The document text a citation points into, and where; None when it is gone or changed.
    The content the answer saw (by hash) comes first; else the file now indexed under the name."""
    shas = [c.get("sha256"), *(r.sha256 for r in index.files_named(c["source"]))]
    for sha in dict.fromkeys(filter(None, shas)):  # each text read once, and only until found
        content = index.content(sha)
        if content is None:
            continue
        spans = locate(content.text, c["start"], c["end"], c.get("quote", ""),
                       c.get("quote_start", 0), c.get("quote_end", 0))
        if spans:
            return content.text, spans
    return None


def where(c: dict[str, Any]) -> str:
    parts = [c["source"]]
    if c.get("page"):
        parts.append(f"page {c['page']}")
    parts.append(f"characters {c.get('start', 0):,}–{c.get('end', 0):,}")
    return " · ".join(parts)


def source_card(index: Index, c: dict[str, Any], key: str, anchor: str | None) -> None:
    """One cited source under an answer: the quote first, the passage around it folded away,
    and a button that opens the whole document."""
    with st.container(border=True):
        st.markdown(f"**{c['n']}.** {plain_label(c.get('title') or c['source'], 120)}")
        st.caption(escape_markdown(where(c)))
        found = cited_text(index, c)
        if found:
            text, spans = found
            st.html(passage_html(text, Spans(spans.quote, spans.quote), anchor_id=anchor))
            if spans.passage != spans.quote:
                with st.expander("The passage around it"):
                    st.html(passage_html(text, spans))
        else:
            st.html(text_html(c.get("quote", "")))
            st.caption(GONE)
        if st.button("Open the document", key=key, icon=":material/article:",
                     disabled=found is None, type="tertiary"):
            show_document(index, c)


@st.dialog("Source document", width="large")
def show_document(index: Index, c: dict[str, Any]) -> None:
    """The whole document with the cited passage shaded and the quote marked, in view."""
    st.markdown(f"**[{c['n']}] {plain_label(c.get('title') or c['source'], 150)}**")
    st.caption(escape_markdown(where(c)))
    found = cited_text(index, c)
    if not found:
        st.warning(GONE + " Ask again to cite the current version.")
        st.html(text_html(c.get("quote", "")))
        return
    key = f"{c.get('sha256', '')[:16]}-{c.get('quote_start', 0)}"
    if is_pdf(c) and st.segmented_control("View", ["Page", "Text"], default="Page",
                                          key=f"fn_view-{key}",
                                          label_visibility="collapsed") != "Text":
        if pdf_page_view(index, c, key):
            return
        st.caption("The PDF file cannot be read on this server; here is its text.")
    st.html(document_html(*found))
    st.caption("The quote that supports the claim is highlighted; the cited passage is shaded.")


def closest_passages(passages: list[dict[str, Any]], limit: int = 3) -> None:
    """What retrieval found for a question the documents do not answer."""
    if not passages:
        return
    st.markdown("**Closest passages**")
    for p in passages[:limit]:
        with st.container(border=True):
            title = plain_label(p.get("title") or p["source"], 120)
            st.caption(f"{title} · {escape_markdown(p['source'])} · "
                       f"score {p.get('score', 0):.3f}")
            st.html(text_html(p.get("text", "")))
