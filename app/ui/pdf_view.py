"""A cited PDF page in the document dialog: the rendered page with the quote's boxes marked and
scrolled into view, previous / next page, and the text view one click away.

The page is an `<img>` with a data URI (no request leaves the page) and the boxes are
positioned in percent of it, so they stay on the words at any width. Scrolling to the first box
uses the same CSS snap as the text view (see `app.ui.highlight`): no JavaScript.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import streamlit as st  # noqa: TID251

from app.pdf_pages import RenderedPage, render_page
from common.errors import FootnoteError
from vectorstore.index import Index

_STYLE = """<style>
@keyframes fn-pdf-release { to { scroll-snap-type: none; } }
.fn-pdf { max-height: 70vh; overflow-y: auto; border: 1px solid rgba(128,128,128,.35);
  border-radius: .5rem; scroll-snap-type: y mandatory;
  animation: fn-pdf-release 0s linear 1.5s forwards; }
.fn-pdf-sheet { position: relative; background: #fff; }
.fn-pdf-sheet img { display: block; width: 100%; height: auto; }
.fn-pdf-box { position: absolute; background: rgba(255, 170, 0, .38);
  outline: 2px solid rgba(230, 120, 0, .9); border-radius: 2px; }
.fn-pdf-box.fn-first { scroll-snap-align: center; }
</style>"""


def is_pdf(c: dict[str, Any]) -> bool:
    return str(c.get("source", "")).lower().endswith(".pdf")


def page_html(page: RenderedPage, name: str) -> str:
    """The page image with the quote's boxes over it."""
    png = base64.b64encode(page.png).decode("ascii")
    alt = html.escape(f"Page {page.page} of {name}", quote=True)
    boxes = "".join(
        f'<span class="fn-pdf-box{" fn-first" if i == 0 else ""}" data-testid="fn-pdf-box" '
        f'style="left:{100 * left / page.width:.3f}%;top:{100 * top / page.height:.3f}%;'
        f'width:{100 * (right - left) / page.width:.3f}%;'
        f'height:{100 * (bottom - top) / page.height:.3f}%"></span>'
        for i, (left, top, right, bottom) in enumerate(page.boxes))
    return (f'{_STYLE}<div class="fn-pdf" data-testid="fn-pdf-page"><div class="fn-pdf-sheet">'
            f'<img src="data:image/png;base64,{png}" alt="{alt}">{boxes}</div></div>')


@st.cache_data(max_entries=24, show_spinner=False)
def _rendered(_index: Index, sha256: str, page: int, quote: str) -> RenderedPage | None:
    """Rendering takes ~0.1 s a page; the dialog reruns on every click inside it."""
    data = _index.document_bytes(sha256)
    return None if data is None else render_page(data, page, quote)


def pdf_page_view(index: Index, c: dict[str, Any], key: str) -> bool:
    """The cited page, or another one the reader turned to; False when the PDF itself cannot
    be read here (the caller shows the text instead)."""
    state = f"fn_pdf_page-{key}"
    cited = int(c.get("page") or 1)
    shown = st.session_state.setdefault(state, cited)
    try:
        page = _rendered(index, c.get("sha256", ""), shown, c.get("quote", "") if
                         shown == cited else "")
    except FootnoteError:
        page = None
    if page is None:
        return False
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Previous page", key=f"{state}-prev", icon=":material/chevron_left:",
                  disabled=page.page <= 1, on_click=_turn, args=(state, page.page - 1))
        st.caption(f"Page {page.page} of {page.pages}"
                   + (" · the cited page" if page.page == cited else ""))
        st.button("Next page", key=f"{state}-next", icon=":material/chevron_right:",
                  disabled=page.page >= page.pages, on_click=_turn, args=(state, page.page + 1))
    st.html(page_html(page, c.get("source", "")))
    if page.page == cited:
        st.caption("The quote that supports the claim is marked on the page."
                   if page.boxes else "The quote could not be placed on this page's text layer; "
                   "the text view marks it.")
    return True


def _turn(state: str, page: int) -> None:
    st.session_state[state] = page
