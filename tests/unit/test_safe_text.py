"""Model and document text shown through st.markdown must stay text: no links, images, HTML."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.safe_text import (
    answer_markdown,
    escape_markdown,
    escape_markdown_readable,
    plain_label,
)

pytestmark = pytest.mark.unit

HOSTILE = [
    "![pixel](https://tracker.invalid/p.png)",
    "[click me](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "Visit https://evil.invalid or www.evil.invalid or me@evil.invalid",
    ":red[styled] and $x^2$ maths and **bold** and `code`",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
]


def unescaped(markdown: str) -> str:
    """What a CommonMark renderer shows for text in which every punctuation char is escaped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace("  \n", "\n"))


def all_escaped(markdown: str) -> bool:
    """Every ASCII punctuation character is preceded by an escaping backslash."""
    i = 0
    while i < len(markdown):
        if markdown[i] == "\\":
            if i + 1 >= len(markdown) or markdown[i + 1] not in string.punctuation:
                return False
            i += 2
        elif markdown[i] in string.punctuation:
            return False
        else:
            i += 1
    return True


@pytest.mark.parametrize("text", HOSTILE)
def test_every_punctuation_character_is_escaped(text: str) -> None:
    out = escape_markdown(text)
    assert all_escaped(out), out
    assert unescaped(out) == text


def test_images_links_and_html_cannot_form() -> None:
    out = escape_markdown("![x](https://t.invalid/p.png) [a](javascript:x) <b>hi</b>")
    assert "](" not in out and "<b>" not in out and "![" not in out
    assert "https\\:" in out  # autolinks need an unescaped "://"


def test_leading_indentation_and_controls_are_dropped() -> None:
    assert escape_markdown("    code block?") == "code block\\?"
    assert escape_markdown("a\u202eb\x00c") == "abc"


def test_paragraphs_and_line_breaks_survive() -> None:
    assert escape_markdown("one\ntwo\n\nthree") == "one  \ntwo\n\nthree"


@given(st.text(max_size=200))
def test_escaping_round_trips_any_text(text: str) -> None:
    out = escape_markdown(text)
    assert all_escaped(out)  # no syntax can form, whatever the text


def test_answer_markers_become_badge_links_and_text_stays_escaped() -> None:
    md = answer_markdown("Baku won [1]. Then [2, 3] ![x](javascript:y).", anchor_prefix="fn-7")
    assert ":blue-badge[[1](#fn-7-1)]" in md
    assert ":blue-badge[[2](#fn-7-2)] :blue-badge[[3](#fn-7-3)]" in md
    assert "\\!\\[x\\]\\(javascript\\:y\\)" in md


def test_answer_markers_without_a_safe_anchor_are_plain_badges() -> None:
    assert answer_markdown("A [1].", anchor_prefix='x")(javascript') == "A :blue-badge[1]\\."


def test_labels_are_short_and_escaped() -> None:
    label = plain_label("[x](javascript:y) " + "word " * 40, limit=30)
    assert label.startswith("\\[x\\]\\(javascript\\:y\\)") and label.endswith("…")


def test_the_answer_span_is_bold_and_only_footnotes_marks_make_bold() -> None:
    text = "Russia deployed 2,000 peacekeepers [1]. **Not bold** \ue000x\ue001."
    md = answer_markdown(text, span=(16, 21))
    assert md.startswith("Russia deployed **2\\,000** peacekeepers :blue-badge[1]")
    assert md.count("**") == 2  # the text's own asterisks stay escaped, its private marks go
    assert "\\*\\*Not bold\\*\\*" in md and "\ue000" not in md


def test_a_markers_preview_is_its_link_title_and_cannot_break_out() -> None:
    hostile = '“x\") [y](javascript:alert(1)) ![i](https://t/x.png)” — Doc (a.txt, page 2)'
    md = answer_markdown("Tonoyan resigned [1].", anchor_prefix="fn-3", previews={1: hostile})
    assert md.startswith('Tonoyan resigned :blue-badge[[1](#fn-3-1 "“x\\"\\) \\[y')
    assert md.count("](") == 1  # the marker's own link is the only one
    assert all_escaped(md.split('"', 1)[1].rsplit('"', 1)[0])  # nothing in the title is syntax


SYNTAX_HEAVY = st.text(alphabet=st.sampled_from(list("ab1 .:/!()[]<>*_`~$|#>+-=@\\\n\"'w")) |
                       st.characters(), max_size=120)


@given(SYNTAX_HEAVY)
def test_readable_escaping_lets_no_markdown_syntax_form(text: str) -> None:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(
        escape_markdown_readable(text))
    tags = set(re.findall(r"<(\w+)", html))
    assert tags <= {"p", "br"}, (text, html)  # no link, image, HTML, code, emphasis, heading, list


def test_readable_escaping_keeps_ordinary_punctuation() -> None:
    text = "Tonoyan's 44-day war (2020) ended: 3,000 returned."
    assert escape_markdown_readable(text) == text
