"""HTML for a document or a passage with the cited span highlighted, for `st.html`.

Safety: every piece of document text goes through `html.escape`; the only markup is ours. On top
of that `st.html` sanitises with DOMPurify and never runs scripts, so even a bug here could not
execute a document's `<script>` or `onerror=`. No `unsafe_allow_html`, no iframe, no JavaScript.

Scrolling the highlight into view without JavaScript: the document box snaps (CSS scroll-snap,
`mandatory`) to a zero-width anchor just before the quote, centred; a one-shot CSS animation then
turns snapping off, so the reader scrolls freely afterwards. Checked in Chromium by the e2e test.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from app.answering.citations import shown_quote

# Documents longer than this are shown as a window around the quote, with a note.
MAX_DOCUMENT_CHARS = 1_500_000
WINDOW_CHARS = 200_000

_STYLE = """<style>
@keyframes fn-release { to { scroll-snap-type: none; } }
.fn-doc { max-height: 62vh; overflow-y: auto; white-space: pre-wrap; overflow-wrap: anywhere;
  line-height: 1.55; padding: 0.75rem 1rem; border: 1px solid rgba(128,128,128,.35);
  border-radius: 0.5rem; scroll-snap-type: y mandatory;
  animation: fn-release 0s linear 1.5s forwards; }
.fn-doc .fn-anchor { display: inline-block; width: 0; height: 1.2em; vertical-align: top;
  scroll-snap-align: center; }
.fn-passage { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.5;
  font-size: 0.92rem; max-height: 16rem; overflow-y: auto; }
.fn-span { background: rgba(255, 200, 0, .16); }
.fn-doc mark, .fn-passage mark { background: rgba(255, 170, 0, .55); color: inherit;
  padding: 0 .1em; border-radius: .2em; }
</style>"""


@dataclass(frozen=True)
class Spans:
    """Where the cited passage and its supporting quote are, in the document text."""

    passage: tuple[int, int]
    quote: tuple[int, int]


def locate(text: str, start: int, end: int, quote: str, quote_start: int,
           quote_end: int) -> Spans | None:
    """Check the stored offsets still point at the quote (the document may have changed since the
    answer); fall back to finding the quote; None when the quote is no longer in the text. A
    quote that left out a sentence addressed to an AI system is checked as it was shown."""
    if quote and shown_quote(text[quote_start:quote_end]) == quote:
        return Spans((min(start, quote_start), max(end, quote_end)), (quote_start, quote_end))
    found = text.find(quote) if quote else -1
    if found < 0:
        return None
    q = (found, found + len(quote))
    return Spans((q[0], q[1]), q)


def _marked(text: str, lo: int, hi: int, spans: Spans, anchor: bool) -> str:
    """`text[lo:hi]` escaped, the passage lightly shaded and the quote marked."""
    (ps, pe), (qs, qe) = spans.passage, spans.quote
    cuts = sorted({lo, hi, *(min(max(x, lo), hi) for x in (ps, pe, qs, qe))})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b])
        if qs <= a and b <= qe:
            prefix = '<span class="fn-anchor"></span>' if anchor and a == max(qs, lo) else ""
            out.append(f'{prefix}<mark class="fn-quote">{piece}</mark>')
        elif ps <= a and b <= pe:
            out.append(f'<span class="fn-span">{piece}</span>')
        else:
            out.append(piece)
    return "".join(out)


def document_html(text: str, spans: Spans) -> str:
    """The whole document (or a large window of a huge one), scrolled to the quote."""
    lo, hi = 0, len(text)
    note = ""
    if len(text) > MAX_DOCUMENT_CHARS:
        centre = spans.quote[0]
        lo = max(0, centre - WINDOW_CHARS // 2)
        hi = min(len(text), lo + WINDOW_CHARS)
        note = (f'<p class="fn-note">Showing characters {lo:,}–{hi:,} of {len(text):,} '
                "around the quote.</p>")
    body = _marked(text, lo, hi, spans, anchor=True)
    return f'{_STYLE}{note}<div class="fn-doc" data-testid="fn-document">{body}</div>'


def passage_html(text: str, spans: Spans, anchor_id: str | None = None) -> str:
    """The cited passage only, the quote highlighted; `anchor_id` lets answer markers jump here."""
    ps, pe = spans.passage
    body = _marked(text, ps, pe, spans, anchor=False)
    ident = f' id="{html.escape(anchor_id, quote=True)}"' if anchor_id else ""
    return f'{_STYLE}<div class="fn-passage"{ident}>{body}</div>'


def text_html(text: str) -> str:
    """Plain escaped text in a passage box (closest passages of a not-found answer)."""
    return f'{_STYLE}<div class="fn-passage">{html.escape(text)}</div>'
