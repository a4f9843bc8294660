"""A sentence meets a question's need only when it gives what was asked, not its topic."""

from __future__ import annotations

import pytest

from app.answering.need import answer_type, meets_need

pytestmark = pytest.mark.unit

KHANKENDI = ("“I was six years old when Armenian armed groups forced my family to flee "
             "Khankendi, the most populous city in Karabakh,” says Anar Susali.")
PEACEKEEPERS = ("Since then an uneasy peace had prevailed in Karabakh where Russia had deployed "
                "around 2,000 peacekeepers to maintain the status quo.")


@pytest.mark.parametrize("question,kind", [
    ("How many peacekeepers did Russia deploy?", "number"),
    ("What is the population of Khankendi?", "number"),
    ("When did Tonoyan take the post?", "date"), ("In what year was he born?", "date"),
    ("Who commanded the peacekeepers?", "person"), ("Who is Anar Susali?", "other"),
    ("Where did the meeting take place?", "place"), ("Why was the handover delayed?", "reason"),
    ("How did Baku win the war?", "method"),
])
def test_answer_type(question: str, kind: str) -> None:
    assert answer_type(question) == kind


def test_a_number_answers_how_many_only_next_to_what_was_asked() -> None:
    assert meets_need("How many peacekeepers did Russia deploy to Karabakh?", PEACEKEEPERS)
    assert not meets_need("What is the population of Khankendi?", KHANKENDI)


def test_a_sentence_on_the_topic_without_a_name_does_not_answer_who() -> None:
    assert not meets_need("Who commanded the Russian peacekeepers?", PEACEKEEPERS)


def test_a_reason_is_needed_for_why() -> None:
    delayed = ("Kalbajar was expected to be handed over on Nov. 15, but Azerbaijan agreed to "
               "delay the takeover after a request from Armenia.")
    assert meets_need("Why was the handover of Kalbajar delayed?", delayed)
    assert not meets_need("Why was the handover of Kalbajar delayed?",
                          "Kalbajar was handed over to Azerbaijan.")
