"""A sentence meets a question's need only when it gives what was asked, not its topic."""

from __future__ import annotations

import pytest

from app.answering.need import answer_span, answer_type, meets_need

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
    ("Who was the president of Armenia during the war?", "person"),  # not "Who is <Name>?"
    ("Where did the meeting take place?", "place"), ("Why was the handover delayed?", "reason"),
    ("How did Baku win the war?", "method"),
    # the first question word asks; a later one opens a clause
    ("What does a T cell extend when it encounters a pathogen?", "other"),
    ("What gets transferred to students who are receptive?", "other"),
    ("France laid siege to Montpellier in what year?", "date"),
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


@pytest.mark.parametrize("question,sentence", [
    ("What went wrong on Apollo 13?", "Apollo 13 had to abandon its landing after an oxygen "
     "tank exploded on the way to the Moon."),
    ("How did France respond to the ceasefire?", "France called for international "
     "supervision of the ceasefire through the Minsk Group."),
    ("What role did the Minsk Group play?", "The Minsk Group of mediators helped broker a truce "
     "in 1994."),
])
def test_the_question_frame_is_not_what_an_answer_must_repeat(question, sentence) -> None:
    assert meets_need(question, sentence)


@pytest.mark.parametrize("question,sentence,span", [
    ("Who commanded the peacekeepers?",
     "The peacekeepers were commanded by Lt Gen Rustam Muradov until 2021.",
     "Lt Gen Rustam Muradov"),
    ("When was the game played?", "The game was played on February 7, 2016, at Levi's Stadium.",
     "February 7, 2016"),
    ("How many peacekeepers did Russia deploy?",
     "In 2019, Russia had deployed around 2,000 peacekeepers to keep the peace.", "2,000"),
    ("When was the Rhine first discovered?",
     "The Rhine first enters the historical period in the 1st century BC.", "1st century BC"),
    ("Where is the Science Village located?",
     "There are museums in Newcastle, including the Centre for Life with its Science Village.",
     "Centre for Life"),
    ("What is the capital of France?", "Paris is the capital of France.", None),
])
def test_the_answer_span_is_the_whole_name_date_or_number(question, sentence, span) -> None:
    found = answer_span(question, sentence)
    assert (sentence[found[0]:found[1]] if found else None) == span
