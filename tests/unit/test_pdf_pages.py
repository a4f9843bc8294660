"""A PDF page rendered with the quote's boxes: the boxes cover the quote's characters where the
test drew them (reportlab's own coordinates and font metrics), and nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth

from app.pdf_pages import RENDER_WIDTH, find_quote, render_page
from common.errors import IngestError
from tests.helpers.files import make_pdf

pytestmark = pytest.mark.unit

LINES = ["Annual orchard report", "The north orchard harvested 410 crates",
         "of pears in October.", "Unrelated closing line."]
QUOTE = "The north orchard harvested 410 crates of pears in October."
SCALE = RENDER_WIDTH / A4[0]


def _drawn(line: int) -> tuple[float, float, float, float]:
    """Where make_pdf drew LINES[line] (Helvetica 12 at x 50, baselines from 800 down by 16),
    in pixels of the rendered page: left, top, right, bottom."""
    baseline = 800 - 16 * line
    top, bottom = A4[1] - (baseline + getAscent("Helvetica", 12)), \
        A4[1] - (baseline + getDescent("Helvetica", 12))
    right = 50 + stringWidth(LINES[line], "Helvetica", 12)
    return 50 * SCALE, top * SCALE, right * SCALE, bottom * SCALE


def _covers(box, drawn, slack: float = 2.0) -> bool:
    return (box[0] <= drawn[0] + slack and box[2] >= drawn[2] - slack
            and box[1] <= drawn[1] + 4 * slack and box[3] >= drawn[3] - 4 * slack)


@pytest.fixture
def pdf(tmp_path: Path) -> bytes:
    return make_pdf(tmp_path / "r.pdf", ["\n".join(LINES), "Second page."]).read_bytes()


def test_the_boxes_cover_the_quote_on_its_two_lines_and_nothing_else(pdf: bytes) -> None:
    page = render_page(pdf, 1, QUOTE)
    assert (page.page, page.pages, page.width) == (1, 2, RENDER_WIDTH)
    assert Image.open(io.BytesIO(page.png)).size == (page.width, page.height)
    assert len(page.boxes) == 2
    first, second = sorted(page.boxes, key=lambda b: b[1])
    assert _covers(first, _drawn(1)) and _covers(second, _drawn(2))
    for box in page.boxes:  # not the title above nor the closing line below
        assert box[1] > _drawn(0)[3] - 1 and box[3] < _drawn(3)[1] + 1
    assert second[2] < _drawn(1)[2]  # the second line is shorter: its box ends sooner


def test_a_paraphrased_spelling_still_finds_the_quote(pdf: bytes) -> None:
    """White space, case, ligatures and punctuation differ between extractors."""
    [box] = render_page(pdf, 1, "Of PEARS in   October.").boxes
    assert _covers(box, _drawn(2))
    assert len(render_page(pdf, 1, "The north orchard harvested 410 crates—of pears").boxes) == 2


def test_a_quote_not_on_the_page_gives_the_page_without_boxes(pdf: bytes) -> None:
    assert render_page(pdf, 2, QUOTE).boxes == ()
    page = render_page(pdf, 9, "")
    assert (page.page, page.boxes) == (2, ())  # clamped to the last page


def test_a_rotated_page_gets_its_boxes_turned_with_it(pdf: bytes, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    page = render_page(out.getvalue(), 1, "of pears in October.")
    assert page.width > page.height  # landscape now
    [box] = page.boxes
    left, top, right, bottom = _drawn(2)
    scale = page.width / A4[1]  # the rotated page is A4's height wide
    # turned clockwise: a point (x, y) from the top left goes to (height - y, x)
    expected = ((A4[1] - bottom / SCALE) * scale, left / SCALE * scale,
                (A4[1] - top / SCALE) * scale, right / SCALE * scale)
    assert _covers(box, expected, slack=3.0)


def test_a_broken_pdf_is_one_clear_error() -> None:
    with pytest.raises(IngestError, match="cannot be opened"):
        render_page(b"%PDF-1.4 not really", 1)


LONG = ("The committee met in the spring and after a long debate it approved {} "
        "for the northern district and the coastal towns.")


@pytest.mark.parametrize(("text", "quote", "found"), [
    ("A line that is harvest-\ned in 2024, then more.", "harvested in 2024,",
     "harvest-\ned in 2024,"),
    ("The \ufb01nal 15km stage.", "the final 15 km stage", "The \ufb01nal 15km stage"),
    # one word differs in the middle of a long quote: its head and tail still anchor it
    (LONG.format("the budget"), LONG.format("a budget"), LONG.format("the budget")),
    ("Nothing like it here.", "The committee met in the spring", None),
])
def test_find_quote_across_extractors(text: str, quote: str, found: str | None) -> None:
    span = find_quote(text, quote)
    assert (text[span[0]:span[1]] if span else None) == found
