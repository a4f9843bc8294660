"""The Evaluate page: measure Footnote on an uploaded question file, or on questions drafted from
the indexed documents, with the backend, k and strictness chosen under Answer settings; a
progress bar per question, then the outcome (kept in the session, so a rerun shows it again).

The same core call as `footnote eval` (`app.evaluation.evaluate.evaluate`), on the cached index
and answerer the chat uses: no second index or model is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st  # noqa: TID251

from app.answering.backends.factory import resolve_choice
from app.evaluation.drafting import DRAFTED, draft_questions
from app.evaluation.evaluate import evaluate, report_folder
from app.evaluation.questions import Question, QuestionSetError
from app.safe_text import escape_markdown
from app.ui.evaluate_view import EvalRun, show_outcome
from app.ui.page import Frame
from app.ui.progress import QuestionBar
from app.ui.question_file import MAX_MB, describe, read_question_file
from app.ui.uploads import safe_name
from common.errors import FootnoteError

LAST = "fn_eval_last"
UPLOAD, DRAFT = "Upload a question file", "Draft questions from the documents"
FORMAT = ("One JSON object per line with the question, its gold answers and the files that "
          "answer it; an empty answers list marks a question the documents do not answer.")
EXAMPLE = '{"question": "Who resigned?", "answers": ["Davit Tonoyan"], "gold_sources": ["a.txt"]}'
Questions = Callable[[], tuple[list[Question], str]]  # the questions and where they came from


def evaluate_page(frame: Frame) -> None:
    st.markdown("#### Evaluate")
    st.caption("Measure retrieval, answers, citations and refusals on a question set: every "
               "question is answered by the real pipeline and scored.")
    if frame.index.is_empty():
        st.info("Nothing is indexed yet: add documents in the sidebar, then evaluate on "
                "questions about them.", icon=":material/info:")
        return
    load = _question_source(frame)
    chosen = frame.chosen
    backend = resolve_choice(frame.settings, chosen.backend)
    shown = backend if backend == chosen.backend else f"{chosen.backend} → {backend}"
    st.caption(f"Answers with backend **{escape_markdown(shown)}**, k = {chosen.k}, strict "
               f"{'on' if chosen.strict else 'off'} (change them under Answer settings).")
    if st.button("Run the evaluation", type="primary", key="fn_eval_run",
                 icon=":material/play_arrow:", disabled=load is None or frame.answerer is None,
                 help="Every question is answered in turn; leaving the page stops the run."):
        assert load is not None
        _run(frame, load)
    last = st.session_state.get(LAST)
    if last is not None:
        show_outcome(last)


def _question_source(frame: Frame) -> Questions | None:
    """The controls for where the questions come from; a loader for them, or None while there
    is nothing usable (no file yet, or a bad one, whose error is shown)."""
    mode = st.radio("Questions", [UPLOAD, DRAFT], horizontal=True, key="fn_eval_mode")
    if mode == DRAFT:
        with st.container(horizontal=True, gap="small"):
            n = st.number_input("Draft N questions from the indexed documents", min_value=1,
                                max_value=500, value=20, step=1, key="fn_eval_n")
            seed = st.number_input("Seed", min_value=0, value=0, step=1, key="fn_eval_seed",
                                   help="Another seed drafts other questions.")
        return lambda: _drafted(frame, int(n), int(seed))
    file = st.file_uploader("Question file (.jsonl)", type=["jsonl"], key="fn_eval_file",
                            max_upload_size=MAX_MB, help=FORMAT)
    if file is None:
        st.caption(FORMAT)
        st.code(EXAMPLE, language="json", wrap_lines=True)
        return None
    try:
        questions = read_question_file(file.name, file.getvalue())
    except QuestionSetError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return None
    st.caption(describe(questions))
    source = f"uploaded file {safe_name(file.name)}"  # written into report.md as is
    return lambda: (questions, source)


def _drafted(frame: Frame, n: int, seed: int) -> tuple[list[Question], str]:
    questions = draft_questions(frame.index, n, seed=seed)
    if not questions:
        raise FootnoteError("No question could be drafted from the indexed documents: drafting "
                            "needs sentences that state a name, a year or a count. Upload a "
                            "question file instead.")
    return questions, f"{len(questions)} {DRAFTED} (seed {seed})"


def _run(frame: Frame, load: Questions) -> None:
    """Answer and score every question with a progress bar; keep the outcome in the session."""
    answerer = frame.answerer
    assert answerer is not None
    bar = st.progress(0.0, text="Preparing the questions…")
    try:
        questions, source = load()
        if frame.loading is not None and frame.loading.is_alive():
            bar.progress(0.0, text="Loading the models (first use since the app started)…")
            frame.loading.join()
        QuestionBar(bar)(0, len(questions))
        outcome = evaluate(answerer, questions, report_folder(frame.settings.data_dir), source,
                           k=frame.chosen.k, progress=QuestionBar(bar))
    except FootnoteError as exc:
        bar.empty()
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return
    bar.empty()
    st.session_state[LAST] = EvalRun(outcome=outcome)
