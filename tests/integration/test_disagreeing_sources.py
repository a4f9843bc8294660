"""Two documents that give different figures for the same facts (tests/data/conflicting_docs: a
death toll, a date, a length): every backend gives each version with its own citation, and the
check keeps both. The openai path is a capable model behind a server on 127.0.0.1 that gives
both versions itself, or only one (then the pipeline adds the other document's)."""

from __future__ import annotations

import json

import pytest

from app.answering.pipeline import Answerer
from app.answering.types import Answer
from common.config import load_settings
from ingest.sync import Indexer
from tests.conftest import ROOT
from tests.helpers.openai_server import OpenAICompatibleServer
from tests.helpers.prompt import cite, question_of, source_blocks
from vectorstore.index import Index

pytestmark = pytest.mark.integration

FOLDER = ROOT / "tests" / "data" / "conflicting_docs"
QUESTIONS = [json.loads(line) for line in (FOLDER / "questions.jsonl").read_text().splitlines()]
# What a capable model writes, per document: paraphrases, not copies.
WRITTEN = {
    "How many people died in the Brackwater flood?": {
        "brackwater_gazette.txt": ("The county emergency office said 12 people were killed when "
                                   "the embankment gave way."),
        "valley_wire.txt": "Regional police later put the death toll at 17."},
    "On what date did the Tarnell River embankment give way?": {
        "brackwater_gazette.txt": "One report says the embankment gave way on Tuesday, March 4.",
        "valley_wire.txt": ("According to the Valley Wire, the river broke through the "
                            "embankment on Wednesday, March 5.")},
    "How long was the section of embankment that failed?": {
        "brackwater_gazette.txt": "One report says a 300-metre stretch of the embankment "
                                  "collapsed.",
        "valley_wire.txt": "River authority engineers said a 450-metre section was washed away."},
}
MARKERS = {"brackwater_gazette.txt": "BRACKWATER —", "valley_wire.txt": "BRACKWATER (Valley"}


@pytest.fixture(scope="module")
def index(tmp_path_factory, local_embedder) -> Index:
    data = tmp_path_factory.mktemp("conflicting")
    index = Index(load_settings(data_dir=data, embeddings="local"), local_embedder)
    Indexer(index).ingest([FOLDER])
    return index


def _capable(both: bool):
    def reply(messages: list[dict]) -> str:
        prompt = messages[-1]["content"]
        written = WRITTEN.get(question_of(prompt) or "")
        if written is None:
            return question_of(prompt) or "NOT FOUND"
        blocks = source_blocks(prompt)
        parts = []
        for doc, sentence in list(written.items())[: 2 if both else 1]:
            n = next(n for n, text in blocks if MARKERS[doc] in text
                     or any(w in text for w in sentence.split()[-3:]))
            parts.append(cite(sentence, n))
        return " ".join(parts)
    return reply


def _assert_both_versions(answer: Answer, question: dict) -> None:
    assert answer.status != "not_found", answer.answer
    assert {c.source for c in answer.citations} >= {v["doc"] for v in question["versions"]}, (
        answer.answer)
    for version in question["versions"]:
        figure = version["answer"].split("-")[0].split(",")[-1].split()[-1]
        assert figure in answer.answer, (figure, answer.answer)


@pytest.mark.parametrize("backend", ["extractive", "local"])
@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q["question"][:30])
def test_offline_backends_give_both_versions(index: Index, backend: str, question: dict) -> None:
    answer = Answerer(index.settings, index, llm=backend).ask(question["question"])
    _assert_both_versions(answer, question)


ONE_VERSION_GAP = pytest.mark.xfail(strict=True, reason=(
    "known gap: 'a 300-metre stretch ... collapsed' does not cover the question's 'section' and "
    "'failed' by need.py's word test (MiniLM puts stretch/section at 0.26), so the model's one "
    "version does not meet the need and the extractive rescue answers instead"))


@pytest.mark.parametrize("both", [True, False], ids=["model gives both", "model gives one"])
@pytest.mark.parametrize("question", [
    *QUESTIONS[:2], pytest.param(QUESTIONS[2], id="length")], ids=lambda q: q["question"][:30])
def test_a_capable_model_s_versions_are_both_kept(index: Index, question: dict, both: bool,
                                                  request: pytest.FixtureRequest) -> None:
    if not both and question is QUESTIONS[2]:
        request.applymarker(ONE_VERSION_GAP)
    with OpenAICompatibleServer(_capable(both)) as server:
        settings = load_settings(data_dir=index.settings.data_dir, embeddings="local",
                                 llm="openai", openai_base_url=server.base_url,
                                 openai_model="capable-test", openai_context=16000)
        answer = Answerer(settings, index).ask(question["question"])
    assert answer.llm == "openai:capable-test"
    _assert_both_versions(answer, question)
