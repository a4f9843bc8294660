"""An uploaded question file for the Evaluate page, checked on the server before it is used.

The browser's picker filters by extension and size only on the client, and a client can send
anything, so the size is checked again here and the bytes must decode as UTF-8 text; then
`parse_lines` refuses the file as a whole when any line is wrong, naming the lines. No Streamlit
here, so the checks are tested with plain bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.evaluation.questions import Question, QuestionSetError, parse_lines
from app.ui.uploads import safe_name

MAX_MB = 5  # thousands of questions; a bigger set is a job for `footnote eval`


def read_question_file(name: str, data: bytes, max_bytes: int = MAX_MB * 1024 * 1024,
                       ) -> list[Question]:
    """The questions of an uploaded JSON Lines file; QuestionSetError (one sentence naming the
    file and the bad lines) when it is too big, not UTF-8 text, or any line is wrong."""
    shown = safe_name(name)
    if len(data) > max_bytes:
        raise QuestionSetError(f"{shown}: the file is {len(data) / 1048576:.1f} MB, over the "
                               f"limit of {max_bytes / 1048576:g} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionSetError(f"{shown}: not UTF-8 text (expected one JSON object per "
                               "line)") from None
    return parse_lines(text.splitlines(), shown)


def describe(questions: Sequence[Question]) -> str:
    """"12 questions: 10 answerable, 2 not answerable by the documents"."""
    answerable = sum(q.answerable for q in questions)
    noun = "question" if len(questions) == 1 else "questions"
    return (f"{len(questions)} {noun}: {answerable} answerable, "
            f"{len(questions) - answerable} not answerable by the documents")
