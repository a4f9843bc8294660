"""The Evaluate page's plain parts: an uploaded question file checked on the server, the
progress text per question, and which questions are shown as the worst."""

from __future__ import annotations

import pytest

from app.evaluation.questions import QuestionSetError
from app.evaluation.report import worst
from app.evaluation.runner import Scored
from app.ui.progress import QuestionBar
from app.ui.question_file import describe, read_question_file

pytestmark = pytest.mark.unit

GOOD = (b'{"question": "Who resigned?", "answers": ["Davit Tonoyan"], '
        b'"gold_sources": ["001.txt"]}\n\n'
        b'{"question": "What is the capital of France?", "answers": [], "gold_sources": []}\n')


def test_a_good_file_gives_its_questions() -> None:
    questions = read_question_file("qa.jsonl", b"\xef\xbb\xbf" + GOOD)  # a BOM is fine
    assert [q.question for q in questions] == ["Who resigned?", "What is the capital of France?"]
    assert describe(questions) == "2 questions: 1 answerable, 1 not answerable by the documents"


@pytest.mark.parametrize("name, data, expected", [
    ("qa.jsonl", GOOD + b'{"question": ""}\nnot json\n', "qa.jsonl: line 4: \"question\" must"),
    ("qa.jsonl", GOOD + b"not json\n", "line 4: not JSON"),
    ("qa.jsonl", b'["a list"]\n', "line 1: not a JSON object"),
    ("qa.jsonl", b"\n  \n", "qa.jsonl: no questions"),
    ("qa.jsonl", "é".encode("latin-1") * 10, "qa.jsonl: not UTF-8 text"),
    ("../../etc/qa.jsonl", b"x" * 2000, "qa.jsonl: the file is 0.0 MB, over the limit"),
])
def test_a_bad_file_is_refused_in_one_sentence(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(QuestionSetError) as caught:
        read_question_file(name, data, max_bytes=1000)
    message = str(caught.value)
    assert expected in message and "\n" not in message and "/" not in message.split(":")[0]


def test_every_bad_line_is_named() -> None:
    with pytest.raises(QuestionSetError, match="line 1: .*; line 3: "):
        read_question_file("qa.jsonl", b"{}\n" + GOOD.splitlines()[0] + b"\n[]\n")


class FakeBar:
    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def progress(self, value: float, text: str) -> None:
        self.calls.append((value, text))


def test_the_bar_names_the_question_being_answered() -> None:
    bar = FakeBar()
    progress = QuestionBar(bar)  # type: ignore[arg-type]
    for done in range(4):
        progress(done, 3)
    assert bar.calls == [(0.0, "Question 1 of 3…"), (1 / 3, "Question 2 of 3…"),
                         (2 / 3, "Question 3 of 3…"),
                         (1.0, "3 questions answered; writing the report…")]


def scored(question: str, answerable: bool = True, status: str = "answered",
           contains: float = 0.0, f1: float = 0.0, rank: int | None = 1) -> Scored:
    return Scored(question=question, answerable=answerable, status=status, answer="a",
                  rank=rank, exact_match=0.0, f1=f1, contains=contains, claims=1,
                  claims_supported=1, cited=1, cited_supported=1, cites_gold=None,
                  latency_ms=1.0, llm="extractive")


def test_worst_lists_misses_then_answered_unanswerables() -> None:
    rows = [scored("found", contains=1.0, f1=0.5), scored("close", f1=0.4),
            scored("far", f1=0.1, rank=3), scored("lost", f1=0.1, rank=0),
            scored("no gold file", f1=0.2, rank=None),
            scored("refused", answerable=False, status="not_found", rank=None),
            scored("invented", answerable=False, rank=None)]
    missed, answered = worst(rows)
    assert [s.question for s in missed] == ["lost", "far", "no gold file", "close"]
    assert [s.question for s in answered] == ["invented"]
    assert [s.question for s in worst(rows, n=2)[0]] == ["lost", "far"]
    assert worst([rows[0], rows[5]]) == ([], [])  # found, and refused
