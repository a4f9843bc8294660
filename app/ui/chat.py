"""The conversation: saved turns, example questions for an empty chat, and a new question
answered live (pipeline steps in `st.status`, tokens streamed into a placeholder, then the
checked answer drawn in place of the draft and saved)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st  # noqa: TID251
from streamlit.delta_generator import DeltaGenerator  # noqa: TID251
from streamlit.elements.lib.mutable_status_container import StatusContainer  # noqa: TID251

from app.answering.pipeline import Answerer
from app.answering.types import Answer, Done, Step, Token
from app.safe_text import escape_markdown
from app.ui import session
from app.ui.answer_view import render_answer, render_question
from app.ui.examples import example_questions
from app.ui.record import answer_record, history_pairs
from app.ui.script import scroll_last_message_into_view
from common.errors import FootnoteError
from vectorstore.chats import ChatStore, Turn
from vectorstore.index import Index

STEPS = {"rewriting": "Rewriting the follow-up as a standalone question…",
         "retrieving": "Searching the documents…",
         "generating": "Writing the answer…",
         "checking citations": "Checking every citation against its source…"}
CURSOR = " ▌"


@dataclass
class ChatContext:
    index: Index
    store: ChatStore
    owner: str
    answerer: Answerer | None  # None when the chosen backend cannot be built
    k: int
    loading: threading.Thread | None = None  # the models' background warm-up


def render_chat(ctx: ChatContext) -> None:
    chat_id = session.current_chat()
    if chat_id and ctx.store.chat(ctx.owner, chat_id) is None:
        chat_id = None  # deleted, or never ours
        session.open_chat(None)
    turns = ctx.store.turns(ctx.owner, chat_id) if chat_id else []
    for turn in turns:
        render_question(turn.question)
        with st.chat_message("assistant"):
            render_answer(turn, ctx.index, _feedback_saver(ctx))
    examples = st.empty()
    picked = None
    if not turns:
        with examples.container():
            picked = _examples(ctx)
    typed = st.chat_input("Ask about your documents", disabled=ctx.answerer is None)
    question = (typed if isinstance(typed, str) else None) or picked
    if question and question.strip() and ctx.answerer is not None:
        examples.empty()
        ask(ctx, question.strip(), turns)


def _examples(ctx: ChatContext) -> str | None:
    questions = example_questions(ctx.index.sources())
    if not questions:
        st.info("Nothing is indexed yet: add documents in the sidebar, then ask about them.")
        return None
    st.markdown("#### Ask about your documents")
    st.caption("Every claim in an answer cites its source; open a citation to see the passage "
               "in the whole document. Try one of these:")
    picked = None
    with st.container(horizontal=True):
        for i, question in enumerate(questions):
            if st.button(escape_markdown(question), key=f"example-{i}"):
                picked = question
    return picked


def ask(ctx: ChatContext, question: str, turns: list[Turn]) -> None:
    """Answer live, save the turn, and draw it where the draft streamed."""
    assert ctx.answerer is not None
    render_question(question)
    history = history_pairs([t.answer for t in turns])
    with st.chat_message("assistant"):
        status = st.status(STEPS["retrieving"], expanded=False)
        if ctx.loading is not None and ctx.loading.is_alive():
            status.update(label="Loading the models (first question since the app started)…")
            ctx.loading.join()
        draft_slot = st.empty()
        try:
            answer = _stream(ctx, question, history, status, draft_slot)
        except FootnoteError as exc:
            status.update(label="No answer", state="error")
            draft_slot.empty()
            st.error(f"{exc} Try again, or pick another backend in the sidebar.")
            return
        draft_slot.empty()
        chat_id = session.current_chat()
        if chat_id is None or ctx.store.chat(ctx.owner, chat_id) is None:
            chat_id = ctx.store.create_chat(ctx.owner, question).id
            session.open_chat(chat_id)
        turn = ctx.store.add_turn(ctx.owner, chat_id, question, answer_record(answer))
        render_answer(turn, ctx.index, _feedback_saver(ctx))
        scroll_last_message_into_view()


def _stream(ctx: ChatContext, question: str, history: list[tuple[str, str]],
            status: StatusContainer, draft_slot: DeltaGenerator) -> Answer:
    assert ctx.answerer is not None
    started = time.perf_counter()
    draft = ""
    for event in ctx.answerer.ask_stream(question, history, k=ctx.k, sources=None):
        if isinstance(event, Step):
            if event.name == "rewriting" and event.detail:
                status.write(f"Searching for: “{escape_markdown(event.detail)}”")
                continue
            label = STEPS.get(event.name, event.name)
            status.update(label=label)
            status.write(label)
        elif isinstance(event, Token):
            draft += event.text
            draft_slot.markdown(escape_markdown(draft) + CURSOR)
        elif isinstance(event, Done):
            seconds = time.perf_counter() - started
            status.update(label=f"Answer checked in {seconds:.1f} s", state="complete")
            return event.answer
    raise FootnoteError("The answer stream ended without an answer.")


def _feedback_saver(ctx: ChatContext) -> Callable[[int, int | None], None]:
    def save(turn_id: int, value: int | None) -> None:
        ctx.store.set_feedback(ctx.owner, turn_id, value)

    return save
