"""Drafting a question set from the indexed documents, so a user can measure Footnote on their own
corpus without writing questions by hand.

Each drafted question turns one sentence of a document into a question whose answer is a span of
that sentence: a year ("in 1821" -> "in what year"), a count ("300 soldiers" -> "how many
soldiers") or the name a sentence opens with ("Davit Tonoyan has resigned" -> "Who has
resigned?"). The rest of the sentence stays as written, so drafted questions share more words with
their passage than a person's would and retrieval scores on them run high; they are drafts to
review and rephrase, written to a file for that.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.answering.safety import is_instruction
from app.evaluation.questions import Question
from common.text import sentence_spans
from vectorstore.index import Index

DRAFTED = "drafted from the indexed documents"  # how an evaluation names its question source
MIN_WORDS, MAX_WORDS = 8, 40
MIN_CLAUSE_WORDS = 6
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an) $", re.IGNORECASE)
_CLAUSE = re.compile(r", (?:but|and|while|although|which|who) |; | [—–] ")
_YEAR = re.compile(r"\b(in|since|by|until|from) ((?:1[5-9]|20)\d\d)\b(?![-–/]\d| and )")
_COUNT = re.compile(r"(?<![\w$£€.,])(\d{1,3}(?:,\d{3})+|\d+) ([A-Za-z][a-z]{2,}s)\b")
_OPENING_NAME = re.compile(
    r"^((?:[A-Z][\w'’-]+ ){1,3}?[A-Z][\w'’-]+) (has|had|is|was|said|says|told|announced|"
    r"became|won|led|wrote|founded|died|attended|declared|tendered|signed|called|met)\b")
_NOT_PERSON = frozenset("The This That These Those It A An In On At For But And".split())


@dataclass(frozen=True)
class Draft:
    question: str
    answer: str


def draft_from_sentence(sentence: str) -> Draft | None:
    """A question about one sentence, or None when no span makes a fair question."""
    text = " ".join(sentence.split()).strip("\"'“”‘’ ")
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not text.endswith(".") or "?" in text:
        return None
    if is_instruction(text) or "[" in text or "]" in text:
        return None
    body = text[:-1]
    if match := _OPENING_NAME.match(body):
        name = match.group(1)
        if name.split()[0] not in _NOT_PERSON:
            return Draft(f"Who {body[len(name) + 1:]}?", name)
    if match := _YEAR.search(body):
        return Draft(_ask_in_place(body, match, f"{match.group(1)} what year"), match.group(2))
    if match := _COUNT.search(body):
        return Draft(_ask_in_place(body, match, f"how many {match.group(2)}"), match.group(1))
    return None


def _ask_in_place(body: str, match: re.Match, asked: str) -> str:
    """The clause holding the span, with the span replaced by the question words ("...lit in
    what year?"); a clause too short to stand alone keeps the one before it."""
    separators = list(_CLAUSE.finditer(body))
    clauses = [(a.end() if a else 0, b.start() if b else len(body))
               for a, b in zip([None, *separators], [*separators, None], strict=True)]
    i = next(n for n, (_, end) in enumerate(clauses) if match.start() < end)
    start, end = clauses[i]
    if len(body[start:end].split()) < MIN_CLAUSE_WORDS and i > 0:
        start = clauses[i - 1][0]
    before = _ARTICLE_BEFORE.sub("", body[start:match.start()])  # "the 300 soldiers"
    text = before + asked + body[match.end():end]
    text = text.strip(" ,;—–-")
    return text[0].upper() + text[1:] + "?"


def _drafts_per_document(index: Index) -> Iterator[list[Question]]:
    for content in index.contents():
        names = index.sources_of(content.sha256)
        if not names:
            continue
        drafts = []
        for start, end in sentence_spans(content.text):
            draft = draft_from_sentence(content.text[start:end])
            if draft:
                drafts.append(Question(draft.question, (draft.answer,), tuple(names)))
        yield drafts


def draft_questions(index: Index, n: int, seed: int = 0) -> list[Question]:
    """Up to n drafted questions, spread over the documents in turn (each document's drafts in a
    seeded random order), so no long document fills the set on its own."""
    rng = random.Random(seed)
    pools = []
    for drafts in _drafts_per_document(index):
        rng.shuffle(drafts)
        if drafts:
            pools.append(drafts)
    rng.shuffle(pools)
    chosen: list[Question] = []
    seen: set[str] = set()
    while pools and len(chosen) < n:
        for pool in list(pools):
            if not pool:
                pools.remove(pool)
                continue
            question = pool.pop()
            if question.question not in seen:
                seen.add(question.question)
                chosen.append(question)
            if len(chosen) == n:
                break
    return chosen
