"""The Evaluate page driven through AppTest: opening it next to the chat, running on an uploaded
question file and on drafted questions, a bad file, an empty index, an unusable backend.

Offline like the chat tests (fake embeddings, extractive answers), so the figures asserted are
those that hold with any embedder: counts, refusals, n/a, and what is drawn and written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest  # noqa: TID251

from app.ui.evaluate_page import DRAFT, LAST
from app.ui.evaluate_view import EASY
from common.config import load_settings
from vectorstore.index import Index

pytestmark = pytest.mark.integration

NewApp = Callable[[], AppTest]
PAGE = "ui/evaluate_script.py"  # relative to app/streamlit_app.py
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold_seeds.jsonl"
UNANSWERABLE = {"question": "What is the capital of France?", "answers": [], "gold_sources": []}
FILES = ["report.md", "questions.jsonl", "results.jsonl"]



def report_downloads(at: AppTest) -> list:
    """The report's download buttons (the sidebar offers each document's file too)."""
    return [b for b in at.get("download_button") if b.key.startswith("fn_eval_download_")]

def evaluate_page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def question_file(n_gold: int) -> bytes:
    lines = GOLD.read_text(encoding="utf-8").splitlines()[:n_gold]
    return ("\n".join([*lines, json.dumps(UNANSWERABLE)]) + "\n").encode()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def run(at: AppTest) -> AppTest:
    at.button(key="fn_eval_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_evaluate_page_sits_next_to_the_chat(new_app: NewApp) -> None:
    at = new_app()
    assert at.chat_input and not at.get("radio")  # the chat is the default page
    at = evaluate_page(at)
    assert "#### Evaluate" in [m.value for m in at.markdown]
    assert not at.chat_input and at.radio(key="fn_eval_mode").value == "Upload a question file"
    assert at.slider(key="fn_k").value == 5  # the sidebar's answer settings stay
    assert at.button(key="fn_eval_run").disabled  # nothing to run on yet
    assert any("backend **extractive**, k = 5" in c.value for c in at.caption)


def test_uploaded_question_file_is_evaluated_and_reported(new_app: NewApp,
                                                          app_env: Path) -> None:
    at = evaluate_page(new_app())
    at.slider(key="fn_k").set_value(3).run()
    at.file_uploader(key="fn_eval_file").upload("qa.jsonl", question_file(4)).run()
    assert any(c.value == "5 questions: 4 answerable, 1 not answerable by the documents"
               for c in at.caption)
    assert any("k = 3" in c.value for c in at.caption)
    at = run(at)

    figures = metrics(at)
    assert "**5 questions**: 4 answerable, 1 not answerable by the documents" in [
        m.value for m in at.markdown]
    assert figures["refusal accuracy"] == "1.00"  # "the capital of France" is refused
    assert all(figures[label] != "n/a" for label in ("recall@5", "MRR", "F1", "contains gold"))
    assert len(at.image) == 1 and "0–1 scale" in at.image[0].captions[0]
    assert [b.proto.label for b in report_downloads(at)] == FILES
    last = at.session_state[LAST]
    assert last.k == 3 and last.backend == "extractive" and last.outcome.summary["n"] == 5
    folder = last.folder
    assert folder.parent == app_env / "reports"
    assert {p.name for p in folder.iterdir()} >= {*FILES, "chart.png", "summary.json"}
    assert [json.loads(line)["question"] for line in
            (folder / "questions.jsonl").read_text().splitlines()][-1] == UNANSWERABLE["question"]
    assert str(folder) in [c.value for c in at.code]
    assert any("answers given by extractive" in c.value for c in at.caption)

    at.run()  # a rerun (any widget) shows the last outcome again
    assert metrics(at) == figures and len(report_downloads(at)) == 3


def test_a_bad_question_file_is_named_with_its_line(new_app: NewApp) -> None:
    at = evaluate_page(new_app())
    bad = b'{"question": "Who?", "answers": ["x"], "gold_sources": []}\n{"question": 3}\n'
    at.file_uploader(key="fn_eval_file").upload("mine.jsonl", bad).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "mine\\.jsonl" in message and "line 2" in message and "non\\-empty string" in message
    assert "Traceback" not in message
    assert at.button(key="fn_eval_run").disabled


def test_drafted_questions_are_evaluated(new_app: NewApp) -> None:
    at = evaluate_page(new_app())
    at.radio(key="fn_eval_mode").set_value(DRAFT).run()
    assert at.number_input(key="fn_eval_n").value == 20
    at.number_input(key="fn_eval_n").set_value(5).run()
    at = run(at)
    assert "**5 questions**: 5 answerable, 0 not answerable by the documents" in [
        m.value for m in at.markdown]
    figures = metrics(at)
    assert figures["refusal accuracy"] == "n/a"  # drafted questions are all answerable
    assert figures["recall@20"] != "n/a" and figures["latency p50"].endswith(" ms")
    assert len(at.image) == 1 and len(report_downloads(at)) == 3
    assert "5 drafted from the indexed documents" in at.session_state[LAST].source
    assert EASY in [c.value for c in at.caption]  # high scores on easy questions, said so


def test_an_empty_index_shows_a_hint_instead_of_the_controls(new_app: NewApp) -> None:
    at = new_app()
    for info in Index(load_settings()).sources():
        at.button(key=f"remove-{info.source}").click().run()
    at = evaluate_page(at)
    assert any("Nothing is indexed yet" in i.value for i in at.info)
    assert not at.get("radio") and not [b for b in at.button if b.key == "fn_eval_run"]


def test_an_unusable_backend_disables_the_run(new_app: NewApp) -> None:
    at = evaluate_page(new_app())
    at.radio(key="fn_eval_mode").set_value(DRAFT).run()
    at.selectbox(key="fn_backend").select("openai").run()
    assert not at.exception
    assert any("OPENAI_API_KEY" in e.value for e in at.error)
    assert at.button(key="fn_eval_run").disabled


def _all_right(refusals: bool) -> None:
    from app.evaluation.runner import Scored
    from app.ui.evaluate_view import _worst

    right = dict(status="answered", answer="A [1].", rank=1, exact_match=1.0, f1=1.0,
                 contains=1.0, claims=1, claims_supported=1, cited=1, cited_supported=1,
                 cites_gold=True, latency_ms=10.0, llm="extractive")
    scored = [Scored(question="Q?", answerable=True, **right)]
    if refusals:
        scored.append(Scored(question="R?", answerable=False,
                             **{**right, "status": "not_found"}))
    _worst(scored)


@pytest.mark.parametrize("refusals", [True, False])
def test_refusals_are_praised_only_when_there_were_some(refusals: bool) -> None:
    at = AppTest.from_function(_all_right, args=(refusals,)).run()
    [said] = [s.value for s in at.success]
    assert ("every unanswerable one was refused" in said) is refusals
    assert ("refusals were not tested" in said) is not refusals
