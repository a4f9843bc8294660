"""What a saved answer holds: `Answer.to_dict()` plus what re-drawing it later needs.

`to_dict()` leaves out the passages' text and hash; the chat keeps both so an old answer still
shows its closest passages (not-found answers). Citations carry their content's hash already, so
they can tell when the document changed or was removed since.
"""

from __future__ import annotations

from typing import Any

from app.answering.types import Answer


def answer_record(answer: Answer) -> dict[str, Any]:
    data = answer.to_dict()
    for stored, passage in zip(data["passages"], answer.passages, strict=True):
        stored["title"] = passage.title
        stored["text"] = passage.text
        stored["sha256"] = passage.sha256
    return data


def history_pairs(answers: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The conversation as the answerer reads it: (standalone question, checked answer)."""
    return [(a.get("standalone_question") or a.get("question", ""), a.get("answer", ""))
            for a in answers]
