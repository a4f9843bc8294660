"""Document and passage HTML: every document character escaped, the quote marked and anchored."""

from __future__ import annotations

import html

import pytest

from app.ui.highlight import MAX_DOCUMENT_CHARS, document_html, locate, passage_html, text_html

pytestmark = pytest.mark.unit

DOC = ("Intro <b>bold</b> text.\n\nThe cited passage says <img src=x onerror=alert(1)> "
       "the quote is here. After.\n\n<script>alert(2)</script> tail.")


def spans_for(quote: str):
    qs = DOC.index(quote)
    ps = DOC.index("The cited")
    return locate(DOC, ps, DOC.index(" After.") + 7, quote, qs, qs + len(quote))


def test_quote_is_marked_and_everything_escaped() -> None:
    spans = spans_for("the quote is here.")
    out = document_html(DOC, spans)
    assert '<span class="fn-anchor"></span><mark class="fn-quote">the quote is here.</mark>' in out
    assert "<img" not in out and "<script>alert" not in out and "<b>bold" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in out
    body = out.split('data-testid="fn-document">', 1)[1].removesuffix("</div>")
    text = html.unescape(body.replace('<span class="fn-anchor"></span>', "")
                         .replace('<mark class="fn-quote">', "").replace("</mark>", "")
                         .replace('<span class="fn-span">', "").replace("</span>", ""))
    assert text == DOC  # the whole document, nothing lost or added


def test_quote_with_markup_is_escaped_inside_the_mark() -> None:
    spans = spans_for("<img src=x onerror=alert(1)>")
    out = passage_html(DOC, spans, anchor_id="fn-1-1")
    assert '<mark class="fn-quote">&lt;img src=x onerror=alert(1)&gt;</mark>' in out
    assert 'id="fn-1-1"' in out and "Intro" not in out


def test_changed_document_is_found_again_or_reported() -> None:
    moved = "New first line.\n" + DOC
    quote = "the quote is here."
    qs = DOC.index(quote)
    spans = locate(moved, 0, 10, quote, qs, qs + len(quote))
    assert spans is not None and moved[spans.quote[0]:spans.quote[1]] == quote
    assert locate("something else entirely", 0, 5, quote, qs, qs + len(quote)) is None


def test_huge_documents_show_a_window_around_the_quote() -> None:
    big = "x" * MAX_DOCUMENT_CHARS + " the quote " + "y" * 1000
    qs = big.index("the quote")
    out = document_html(big, locate(big, qs, qs + 9, "the quote", qs, qs + 9))
    assert "Showing characters" in out and '<mark class="fn-quote">the quote</mark>' in out
    assert len(out) < MAX_DOCUMENT_CHARS


def test_text_html_escapes() -> None:
    assert "&lt;script&gt;" in text_html("<script>x</script>")
