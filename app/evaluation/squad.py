"""SQuAD v1.1 (JSON as published) to a Footnote corpus and question set: one text file per
paragraph, named `AA-PPP.txt` (article and paragraph number), and a QA file whose gold source for
each question is its paragraph's file.

Sampling keeps whole paragraphs: `paragraphs` takes the paragraphs of articles in a random order
(so the rest of the articles stay wholly outside), `questions` samples among their questions.
`unanswerable` adds questions from articles left wholly out of the corpus, with no answers: the
documents cannot answer them, so they measure refusals.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from app.evaluation.questions import Question, QuestionSetError, write_questions


@dataclass(frozen=True)
class Paragraph:
    name: str  # file name: article and paragraph number
    article: int
    title: str
    context: str
    questions: list[dict]


def load_paragraphs(path: Path) -> list[Paragraph]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        return [
            Paragraph(f"{a:02d}-{p:03d}.txt", a, article["title"], para["context"], para["qas"])
            for a, article in enumerate(data)
            for p, para in enumerate(article["paragraphs"])
        ]
    except FileNotFoundError:
        raise QuestionSetError(f"{path}: no such file") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QuestionSetError(f"{path}: not a SQuAD v1.1 JSON file ({exc!r})") from None


def write_corpus(paragraphs: list[Paragraph], folder: Path) -> Path:
    """One text file per paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    for paragraph in paragraphs:
        (folder / paragraph.name).write_text(paragraph.context + "\n", encoding="utf-8")
    return folder


def questions_of(paragraphs: list[Paragraph]) -> list[Question]:
    return [Question(q["question"].strip(),
                     tuple(dict.fromkeys(a["text"].strip() for a in q["answers"])),
                     (p.name,))
            for p in paragraphs for q in p.questions]


@dataclass(frozen=True)
class Converted:
    corpus: Path
    questions_file: Path
    paragraphs: int
    questions: int
    unanswerable: int


def convert(source: Path, out: Path, paragraphs: int | None = None,
            questions: int | None = None, unanswerable: int = 0, seed: int = 0) -> Converted:
    """Write `out/corpus/*.txt` and `out/questions.jsonl`; sampling is seeded and repeatable."""
    rng = random.Random(seed)
    everything = load_paragraphs(source)
    chosen = everything
    if paragraphs is not None and paragraphs < len(everything):
        articles = sorted({p.article for p in everything})
        rng.shuffle(articles)
        order = {a: i for i, a in enumerate(articles)}  # whole articles first, in random order
        chosen = sorted(sorted(everything, key=lambda p: order[p.article])[:paragraphs],
                        key=lambda p: p.name)
    answerable = questions_of(chosen)
    if questions is not None and questions < len(answerable):
        answerable = rng.sample(answerable, questions)
    in_corpus = {p.article for p in chosen}
    left_out = [Question(q.question, (), ())
                for q in questions_of([p for p in everything if p.article not in in_corpus])]
    if unanswerable > len(left_out):
        raise QuestionSetError(
            f"{source}: only {len(left_out)} questions come from articles outside the corpus; "
            f"sample fewer paragraphs to get {unanswerable} unanswerable ones")
    refused = rng.sample(left_out, unanswerable)
    corpus = write_corpus(chosen, out / "corpus")
    questions_file = write_questions(answerable + refused, out / "questions.jsonl")
    return Converted(corpus, questions_file, len(chosen), len(answerable), len(refused))
