"""The Markdown export: questions, answers with markers, sources with quotes; nothing live."""

from __future__ import annotations

import re

import pytest

from app.ui.examples import SEED_QUESTIONS, example_questions
from app.ui.export import chat_markdown
from vectorstore.chats import Turn
from vectorstore.index import SourceInfo

pytestmark = pytest.mark.unit

CITATION = {"n": 1, "source": "001_azerbaijan-enters-aghdam.txt", "title": "Aghdam handed over",
            "page": None, "start": 769, "end": 2896,
            "quote": "Armenian Defence Minister Davit Tonoyan has tendered his resignation.",
            "quote_start": 1699, "quote_end": 1805}


def turn(answer: dict, question: str = "Who resigned?", feedback: int | None = None) -> Turn:
    return Turn(id=1, chat_id="c", question=question, answer=answer, feedback=feedback,
                created=0.0)


def test_export_has_markers_sources_and_quotes() -> None:
    answer = {"question": "Who resigned?", "standalone_question": "Who resigned?",
              "status": "answered", "answer": "Davit Tonoyan resigned [1].",
              "citations": [CITATION], "llm": "extractive"}
    md = chat_markdown("Who resigned?", [turn(answer, feedback=1)], now=0)
    # readable as text: only what can begin Markdown syntax is escaped
    assert "## 1. Who resigned?" in md
    assert "Davit Tonoyan resigned [1]." in md
    assert ("1. **Aghdam handed over** — 001\\_azerbaijan-enters-aghdam.txt, characters "
            "769–2896") in md
    assert "> “Armenian Defence Minister Davit Tonoyan has tendered his resignation.”" in md
    assert "## Sources cited in this chat" in md and "marked helpful" in md


def ours(text: str) -> str:
    """The text without the export's own markup (blockquote marker, file-name parentheses)."""
    return text.replace("    > ", "").replace("(001", "").replace("txt)", "")


def test_export_never_contains_live_links_or_images() -> None:
    evil = "![x](https://t.invalid/p.png) [a](javascript:alert(1)) <img src=x onerror=y>"
    answer = {"status": "partial", "answer": f"{evil} [1].", "llm": "local",
              "standalone_question": "rewritten", "citations": [{**CITATION, "quote": evil,
                                                                 "title": evil}]}
    md = chat_markdown(evil, [turn(answer, question=evil)], now=0)
    body = "\n".join(line for line in md.splitlines() if "invalid" in line)
    assert body.count("https://") == 0 and body.count("https:\\/\\/") == 6  # no autolink
    # Every bracket and angle bracket from the text is escaped: no link, image or HTML forms.
    assert not re.search(r"(?<!\\)[\[\]<>]", ours(body))
    assert "**Partial answer.**" in md and "_Searched for: rewritten_" in md


def test_example_questions_fit_the_seeds_then_titles() -> None:
    seeds = [SourceInfo(s, "/x/" + s, "t", 1, "h") for s in SEED_QUESTIONS]
    assert example_questions(seeds) == list(SEED_QUESTIONS.values())
    mine = [SourceInfo("zorblat.txt", "/u/zorblat.txt", "The Zorblat festival", 1, "h")]
    assert example_questions(mine) == ["What does the document say about The Zorblat festival?"]
    assert example_questions([SourceInfo("x.txt", "/x", "", 1, "h")]) == []
