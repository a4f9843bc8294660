"""A few lines of JavaScript in the page, for the two things Streamlit has no API for: setting a
cookie and scrolling. They run in a 1-pixel same-origin frame (`st.iframe`) and reach the app
through `window.parent`. Only Footnote's own constant code goes here, never document or model
text (that is shown through `st.html`, which runs no scripts)."""

from __future__ import annotations

import streamlit as st  # noqa: TID251


def run_script(code: str) -> None:
    st.iframe(f"<script>{code}</script>", height=1)


def scroll_last_message_into_view() -> None:
    """Streaming follows the draft down the page; the checked answer, drawn with its sources
    below it, is brought back to where it starts."""
    run_script("setTimeout(() => { const all = window.parent.document.querySelectorAll("
               "'[data-testid=\"stChatMessage\"]'); const last = all[all.length - 1]; "
               "if (last) last.scrollIntoView({block: 'start'}); }, 200);")
