"""Drawing saved answers the live pipeline rarely produces offline: partial, a fallback notice,
an interrupted stream, and a citation whose document was removed since."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest  # noqa: TID251

pytestmark = pytest.mark.integration


def draw(answer: dict, data_dir: str) -> None:
    """The script AppTest runs: one saved turn drawn with the real renderer."""
    from app.ui.answer_view import render_answer
    from common.config import load_settings
    from vectorstore.chats import Turn
    from vectorstore.index import Index

    index = Index(load_settings(data_dir=data_dir, embeddings="fake"))
    turn = Turn(id=5, chat_id="c", question=answer["question"], answer=answer, feedback=1,
                created=0.0)
    render_answer(turn, index, lambda turn_id, value: None)


GONE_CITATION = {"n": 1, "source": "removed.txt", "title": "Removed [doc](javascript:x)",
                 "page": 3, "start": 0, "end": 40, "quote": "A quote <img src=x onerror=y>",
                 "quote_start": 0, "quote_end": 29, "sha256": "0" * 64}
ANSWER = {"question": "Who?", "standalone_question": "Who is he?", "status": "partial",
          "answer": "Someone [1]. The sources do not say when.", "citations": [GONE_CITATION],
          "passages": [], "llm": "extractive", "interrupted": True,
          "notice": "openai:gpt-4o-mini was unavailable (HTTP 401); extractive answered.",
          "timings": {"total_ms": 1234.0}}


def test_a_long_notice_is_cut_to_one_line() -> None:
    from app.ui.answer_view import NOTICE_CHARS, short_line

    notice = "local was unavailable (connection failed:\n" + "a very long reason " * 20 + ")"
    line = short_line(notice)
    assert "\n" not in line and len(line) <= NOTICE_CHARS + 1 and line.endswith(" a…")
    assert short_line("Short and sweet.") == "Short and sweet."


def test_partial_notice_interrupted_and_a_removed_document(tmp_path: Path) -> None:
    at = AppTest.from_function(draw, args=(ANSWER, str(tmp_path / "data")), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.markdown[0].value == ":orange-badge[:material/rule: Partly answered]"  # one chip
    assert not at.warning and not at.info  # no banners: the notice is one short line
    assert at.caption[0].value == (":material/info: openai\\:gpt\\-4o\\-mini was unavailable "
                                   "\\(HTTP 401\\)\\; extractive answered\\.")
    caption = next(c.value for c in at.caption if c.value.startswith("answered by"))
    assert "answered by extractive" in caption and "1\\.2 s" in caption and "cut off" in caption
    assert "searched for\\: “Who is he\\?”" in caption
    assert "Removed \\[doc\\]\\(javascript\\:x\\)" in " ".join(m.value for m in at.markdown)
    assert any("page 3" in c.value for c in at.caption)
    assert any("no longer indexed" in c.value for c in at.caption)
    assert any("&lt;img src=x onerror=y&gt;" in h.value for h in at.get("html"))
    assert at.button(key="open-5-1").disabled
    assert at.feedback[0].value == 1
    at.button(key="cite-5-1").click().run()  # the marker still opens a view, saying why
    assert any("no longer indexed" in w.value for w in at.warning)
