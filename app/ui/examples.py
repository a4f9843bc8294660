"""Example questions for an empty chat, about what is actually indexed.

For the seed articles, hand-written questions that their text answers (each checked to give a
cited answer with the extractive backend); for other documents, a question built from the title.
"""

from __future__ import annotations

from collections.abc import Sequence

from vectorstore.index import SourceInfo

SEED_QUESTIONS = {
    "000_aliev-parade-in-khankendi.txt": "Who attended the military parade in Khankendi?",
    "001_azerbaijan-enters-aghdam.txt": "Which Armenian defence minister tendered his resignation?",
    "002_azerbaijan-takes-shusha.txt": "What did Aliyev say about Shusha?",
    "003_karabakh-armenians-meet-azerbaijani-officials.txt":
        "Where did Azerbaijani officials meet Armenian residents of Karabakh?",
}
TITLE_CHARS = 70


def example_questions(sources: Sequence[SourceInfo], limit: int = 4) -> list[str]:
    questions = [SEED_QUESTIONS[s.source] for s in sources if s.source in SEED_QUESTIONS]
    for info in sources:
        if len(questions) >= limit:
            break
        if info.source in SEED_QUESTIONS:
            continue
        title = " ".join((info.title or "").split()).rstrip("…. ")
        if not title:
            continue
        if len(title) > TITLE_CHARS:
            title = title[:TITLE_CHARS].rsplit(" ", 1)[0]
        questions.append(f"What does the document say about {title}?")
    return questions[:limit]
