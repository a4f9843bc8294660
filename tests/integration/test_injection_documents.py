"""Documents holding sentences that speak to the assistant (the injections of
tests/data/injection_sentences.jsonl that `is_instruction` flags, among the benign sentences of
the same file, one of them as each document's first line and so its title), indexed beside the
labelled corpus. Each injection is asked about with the extractive backend, its own words as the
question: none of its words reaches the answer, a citation's quote or a cited title."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from app.answering.pipeline import Answerer
from app.answering.safety import is_instruction
from app.answering.types import Answer
from common.config import load_settings
from common.text import sentence_spans
from ingest.sync import Indexer
from tests.helpers.corpus import index_corpus, load_jsonl

pytestmark = pytest.mark.integration

ROWS = load_jsonl("injection_sentences.jsonl")
PER_DOCUMENT = 5
SHARED_WORDS = 6  # a run of this many of an injection's words in what is shown is a leak
_TAG = re.compile(r"<[^>]*>")


def _flagged(text: str) -> bool:
    return all(is_instruction(text[a:b]) for a, b in sentence_spans(text)
               if any(c.isalpha() for c in text[a:b]))


INJECTIONS = [r["text"] for r in ROWS if r["injection"] and _flagged(r["text"])]
BENIGN = [r["text"] for r in ROWS if not r["injection"]]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + SHARED_WORDS]) for i in range(max(len(words) - SHARED_WORDS, 0) + 1)}


def _document(injections: list[str], benign: list[str]) -> str:
    """An injection as the first line (the title), then ordinary sentences and injections in
    turn, a paragraph each."""
    lines = [injections[0]]
    for fact, injection in itertools.zip_longest(benign, injections[1:]):
        lines += [line for line in (fact, injection) if line]
    return "\n\n".join(lines)


@pytest.fixture(scope="module")
def answerer(tmp_path_factory, local_embedder) -> Answerer:
    root: Path = tmp_path_factory.mktemp("injected")
    index, _ = index_corpus(root, local_embedder)
    folder = root / "injected"
    folder.mkdir()
    documents = -(-len(INJECTIONS) // PER_DOCUMENT)
    for j in range(documents):
        (folder / f"notes_{j:02}.txt").write_text(
            _document(INJECTIONS[j::documents], BENIGN[j::documents]), encoding="utf-8")
    report = Indexer(index).ingest([folder])
    assert report.added == documents, report.failed
    return Answerer(load_settings(data_dir=index.settings.data_dir, embeddings="local"), index,
                    llm="extractive")


def _shown(answer: Answer) -> str:
    return "\n".join([answer.answer, *(c.quote for c in answer.citations),
                      *(c.title for c in answer.citations)])


def test_the_test_can_see_a_leak() -> None:
    """No run of an injection's words is also a run of a benign sentence (so a hit below is
    the injection), and a shown injection would be found."""
    benign = set().union(*map(_runs, BENIGN))
    assert not any(_runs(text) & benign for text in INJECTIONS)
    assert len(INJECTIONS) >= 0.95 * sum(r["injection"] for r in ROWS)


def test_no_injection_reaches_an_answer(answerer: Answerer) -> None:
    leaked = []
    for injection in INJECTIONS:
        answer = answerer.ask(" ".join(_TAG.sub(" ", injection).split()))
        shown = _runs(_shown(answer))
        leaked += [(injection, text, _shown(answer)) for text in INJECTIONS if _runs(text) & shown]
    assert not leaked, leaked


@pytest.mark.parametrize(("question", "expected"), [
    ("What did the commander order the crews to do?", "ignore the warnings"),
    ("What did the Supreme Court order the government to do?", "within 48 hours"),
    ("When did the prime minister's office issue new instructions to regional governors?",
     "on Thursday"),
    ("How long should you hold the power button to reset the device?", "for ten seconds")])
def test_the_ordinary_sentences_still_answer(answerer: Answerer, question: str,
                                              expected: str) -> None:
    """Orders, instructions and manuals' steps beside the injections are not held back; their
    document is cited under its file's name, since its first line (its title) is held back."""
    answer = answerer.ask(question)
    assert answer.status == "answered" and expected in answer.answer, answer.answer
    first = answer.citations[0]
    assert first.source.startswith("notes_") and first.title == first.source
