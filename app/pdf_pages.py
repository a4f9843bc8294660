"""A PDF page as the reader checks a claim on it: rendered with PDFium, the quote's boxes found
in the page's own text layer.

The quote is Footnote's cleaned text (pypdf's extraction); PDFium's text layer of the same page
spells it with other white space, ligatures and hyphenation. Both are compared after NFKC
normalisation with everything but letters and digits left out, so "ﬁnal 15 km" finds "final
15km". When the whole quote is not found, its first and last words anchor it. Boxes are PDFium's
own line rectangles for the matched characters, in pixels of the rendered image.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium

from common.errors import IngestError

RENDER_WIDTH = 1000  # pixels across a page: sharp at a dialog's width, ~100 KB of PNG
_ANCHOR = 24  # compared characters of the quote's head and tail, when the whole is not found
_CLOSING = ".,;:!?)]\"'’”»"

Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class RenderedPage:
    png: bytes
    width: int
    height: int
    page: int  # 1-based
    pages: int
    boxes: tuple[Box, ...]  # the quote's, in pixels of the image; empty when not found


def render_page(data: bytes, page: int, quote: str = "") -> RenderedPage:
    """Page `page` (1-based, clamped to the document) as PNG, with the quote's boxes."""
    with _open(data) as pdf:
        page = min(max(page, 1), len(pdf))
        pdf_page = pdf[page - 1]
        try:
            scale = RENDER_WIDTH / max(pdf_page.get_width(), 1.0)
            image = pdf_page.render(scale=scale).to_pil()
            boxes = tuple(_to_image(pdf_page, rect, scale) for rect in quote_rects(pdf_page, quote))
            png = io.BytesIO()
            image.save(png, format="PNG")
            return RenderedPage(png.getvalue(), image.width, image.height, page, len(pdf), boxes)
        finally:
            pdf_page.close()


def quote_rects(pdf_page: pdfium.PdfPage, quote: str) -> list[Box]:
    """The quote's line rectangles in PDF points (left, bottom, right, top); [] if not found."""
    if not quote.strip():
        return []
    text_page = pdf_page.get_textpage()
    try:
        span = find_quote(_page_text(text_page), quote)
        if span is None:
            return []
        count = text_page.count_rects(span[0], span[1] - span[0])
        return [text_page.get_rect(i) for i in range(count)]
    finally:
        text_page.close()


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in `text`, as (start, end) character positions; a closing mark
    the quote ends with is included."""
    chars = [(i, c) for i, raw in enumerate(text) for c in _compared(raw)]
    page = "".join(c for _, c in chars)
    wanted = _compared(quote)
    if not wanted:
        return None
    at = page.find(wanted)
    if at >= 0:
        start, end = at, at + len(wanted)
    else:
        head, tail = wanted[:_ANCHOR], wanted[-_ANCHOR:]
        start = page.find(head)
        last = page.find(tail, start + len(head)) if start >= 0 else -1
        if start < 0 or last < 0 or last + len(tail) - start > 2 * len(wanted):
            return None
        end = last + len(tail)
    first, stop = chars[start][0], chars[end - 1][0] + 1
    closing = len(quote.rstrip()) - len(quote.rstrip().rstrip(_CLOSING))
    while closing and stop < len(text) and text[stop] in _CLOSING:
        stop, closing = stop + 1, closing - 1
    return first, stop


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError(f"the PDF cannot be opened ({exc})") from exc


def _page_text(text_page: pdfium.PdfTextPage) -> str:
    """The page's text, one character per PDFium char index."""
    text = text_page.get_text_range()
    if len(text) != text_page.count_chars():  # rare: the text view skips or adds characters
        text = "".join(text_page.get_text_range(i, 1)[:1] or " "
                       for i in range(text_page.count_chars()))
    return text


def _compared(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def _to_image(pdf_page: pdfium.PdfPage, rect: Box, scale: float) -> Box:
    """PDF points (origin bottom left of the crop box) to pixels of the rendered page, whose
    /Rotate PDFium has applied."""
    crop_left, crop_bottom, crop_right, crop_top = pdf_page.get_cropbox()
    width, height = crop_right - crop_left, crop_top - crop_bottom
    left, bottom, right, top = rect
    corners = [(x - crop_left, crop_top - y) for x, y in ((left, top), (right, bottom))]
    rotation = pdf_page.get_rotation() % 360
    turned = [{0: (u, v), 90: (height - v, u), 180: (width - u, height - v),
               270: (v, width - u)}[rotation] for u, v in corners]
    xs, ys = [x * scale for x, _ in turned], [y * scale for _, y in turned]
    return min(xs), min(ys), max(xs), max(ys)
