"""Question sets: JSON Lines of {"question", "answers": [...], "gold_sources": [file names]}.

An empty `answers` list marks a question the documents do not answer. A file with a bad line is
refused as a whole, with every bad line named: an evaluation on part of a set would mislead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from common.errors import FootnoteError

MAX_ERRORS_SHOWN = 5


class QuestionSetError(FootnoteError):
    """A question file that cannot be used, with the file, the lines and the reasons."""


@dataclass(frozen=True)
class Question:
    question: str
    answers: tuple[str, ...]
    gold_sources: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    def to_dict(self) -> dict:
        return {"question": self.question, "answers": list(self.answers),
                "gold_sources": list(self.gold_sources)}


def parse_line(line: str) -> Question:
    """One question from one JSON line; ValueError says what is wrong with it."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError('"question" must be a non-empty string')
    lists = {}
    for key in ("answers", "gold_sources"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f'"{key}" must be a list of strings')
        lists[key] = tuple(v.strip() for v in value if v.strip())
    return Question(question.strip(), lists["answers"], lists["gold_sources"])


def parse_lines(lines: Iterable[str], name: str) -> list[Question]:
    """Every question of a file's lines (blank lines skipped); QuestionSetError naming the file
    and the bad lines when any line is wrong or there is no question at all."""
    questions, errors = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            questions.append(parse_line(line))
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        hidden = len(errors) - MAX_ERRORS_SHOWN
        more = f" (and {hidden} more)" if hidden > 0 else ""
        raise QuestionSetError(f"{name}: {shown}{more}")
    if not questions:
        raise QuestionSetError(f"{name}: no questions (expected one JSON object per line with "
                               '"question", "answers" and "gold_sources")')
    return questions


def load_questions(path: Path) -> list[Question]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QuestionSetError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    return parse_lines(text.splitlines(), str(path))


def write_questions(questions: Iterable[Question], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_text("".join(json.dumps(q.to_dict(), ensure_ascii=False) + "\n"
                           for q in questions), encoding="utf-8")
    tmp.replace(path)
    return path
