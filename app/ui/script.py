"""A few lines of JavaScript in the page, for the two things Streamlit has no API for: setting a
cookie and scrolling. They run in a 1-pixel same-origin frame (`st.iframe`) and reach the app
through `window.parent`. Only Footnote's own constant code goes here, never document or model
text (that is shown through `st.html`, which runs no scripts)."""

from __future__ import annotations

import streamlit as st  # noqa: TID251


def run_script(code: str) -> None:
    st.iframe(f"<script>{code}</script>", height=1)


# Waits until the last message has kept its size and place for three checks 100 ms apart (the
# sources under the answer, its buttons, a slow machine), then scrolls once; gives up waiting
# after 5 s. `__fnScrolls` counts the scrolls done, so a browser test waits for this one before
# it taps anything on the page.
_SCROLL_WHEN_SETTLED = """
const app = window.parent;
let seen = "", steady = 0, checks = 0;
const tick = () => {
  const all = app.document.querySelectorAll('[data-testid="stChatMessage"]');
  const last = all[all.length - 1];
  const now = last ? `${last.offsetTop}:${last.offsetHeight}` : "";
  steady = now === seen ? steady + 1 : 0;
  seen = now;
  if (steady < 3 && ++checks < 50) { setTimeout(tick, 100); return; }
  if (last) last.scrollIntoView({block: "start"});
  app.__fnScrolls = (app.__fnScrolls || 0) + 1;
};
tick();
"""


def scroll_last_message_into_view() -> None:
    """Streaming follows the draft down the page; the checked answer, drawn with its sources
    below it, is brought back to where it starts."""
    run_script(_SCROLL_WHEN_SETTLED)
