"""The answering pipeline: condense -> retrieve -> build sources -> generate (stream) -> check
citations -> Answer. The UI, the CLI's --json and the evaluation all read the same `Answer`."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from functools import cached_property

from app.answering.backends.base import Backend
from app.answering.backends.extractive import ExtractiveBackend
from app.answering.backends.factory import make_backends
from app.answering.citations import NOT_FOUND, Checked, check
from app.answering.context import build_sources
from app.answering.relevance import RELEVANCE_MIN, Scorer
from app.answering.types import Answer, Done, Event, Source, Step, Token, Turn
from app.config import Settings
from app.errors import LLMError, LLMUnavailable, StreamInterrupted
from common.text import sentence_spans
from vectorstore.index import Index
from vectorstore.retrieval import Passage, Retriever

NOT_FOUND_TEXT = "I could not find an answer to this in the documents."
DROPPED_NOTE = "Some statements could not be checked against the sources and were left out."


class Answerer:
    """Answers questions about an index. Cheap to build; models load on first use."""

    def __init__(self, settings: Settings, index: Index | None = None,
                 backends: Sequence[Backend] | None = None, llm: str | None = None) -> None:
        self.settings = settings
        self.index = index or Index(settings)
        self._backends = list(backends) if backends else None
        self._llm_choice = llm

    @cached_property
    def scorer(self) -> Scorer:
        return Scorer(self.index.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.index)

    @property
    def backends(self) -> list[Backend]:
        if self._backends is None:
            self._backends = make_backends(self.settings, self.scorer, self._llm_choice)
        return self._backends

    def ask(self, question: str, history: Sequence[Turn] = (), **options) -> Answer:
        for event in self.ask_stream(question, history, **options):
            if isinstance(event, Done):
                return event.answer
        raise AssertionError("ask_stream always ends with Done")

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   sources: Sequence[str] | None = None) -> Iterator[Event]:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        standalone = question
        if history:
            yield Step("rewriting")
            standalone = self._rewrite(question, history)
            yield Step("rewriting", standalone)
        yield Step("retrieving")
        t = time.perf_counter()
        passages = self.retriever.search(standalone, k=k or self.settings.top_k, sources=sources)
        timings["retrieve_ms"] = (time.perf_counter() - t) * 1000
        yield Step("generating")
        draft, used, notice, interrupted, numbered = "", self.backends[0], "", False, []
        prompt_tokens = 0
        for i, backend in enumerate(self.backends if passages else []):
            used = backend
            numbered = build_sources(standalone, passages, backend, self.scorer,
                                     self.settings.max_answer_tokens)
            prompt_tokens = backend.prompt_tokens(standalone, numbered)
            try:
                for text in backend.stream_answer(standalone, numbered,
                                                  self.settings.max_answer_tokens):
                    if not draft:
                        timings["first_token_ms"] = (time.perf_counter() - started) * 1000
                    draft += text
                    yield Token(text)
                break
            except StreamInterrupted as exc:
                interrupted = True
                notice = f"The answer was cut off ({exc}); only the part received is shown."
                break
            except LLMUnavailable as exc:
                if i + 1 == len(self.backends):
                    raise
                fallback = self.backends[i + 1]
                notice = f"{backend.name} was unavailable ({exc}); {fallback.name} answered."
        yield Step("checking citations")
        answer = self._finish(question, standalone, draft, numbered, passages, used.name)
        if answer.status == "not_found" and self._attempted(draft) and not interrupted \
                and not isinstance(used, ExtractiveBackend):
            answer, notice = self._rescue(question, standalone, passages, used, answer, notice)
        answer.notice, answer.interrupted = notice, interrupted
        answer.prompt_tokens = prompt_tokens
        if interrupted and answer.status == "answered":
            answer.status = "partial"
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings = timings
        yield Done(answer)

    @staticmethod
    def _attempted(draft: str) -> bool:
        """The model tried to answer (as opposed to saying the sources do not say)."""
        return bool(draft.strip()) and not NOT_FOUND.search(draft.strip().splitlines()[0])

    def _rescue(self, question: str, standalone: str, passages: list[Passage], used: Backend,
                failed: Answer, notice: str) -> tuple[Answer, str]:
        """A model whose every claim failed the check (small models invent freely) is replaced
        by the sentences of the sources that answer the question, and the notice says so."""
        extractive = ExtractiveBackend(self.scorer)
        numbered = build_sources(standalone, passages, extractive, self.scorer,
                                 self.settings.max_answer_tokens)
        draft = "".join(extractive.stream_answer(standalone, numbered,
                                                 self.settings.max_answer_tokens))
        answer = self._finish(question, standalone, draft, numbered, passages, extractive.name)
        if answer.status == "not_found":
            return failed, notice
        note = (f"The answer of {used.name} was not supported by the sources; shown instead are "
                "the sentences of the sources that answer the question.")
        return answer, f"{notice} {note}".strip()

    def _rewrite(self, question: str, history: Sequence[Turn]) -> str:
        from app.answering.condense import is_follow_up, rule_based_rewrite

        if not is_follow_up(question, history):
            return question
        try:
            return self.backends[0].rewrite(question, history)
        except LLMError:
            return rule_based_rewrite(question, history)

    def _finish(self, question: str, standalone: str, draft: str, numbered: list[Source],
                passages: list[Passage], llm: str) -> Answer:
        checked = check(draft, numbered, self.scorer, strict=self.settings.strict)
        if not checked.not_found and not self._answers_question(standalone, checked):
            checked = Checked(text="", citations=[], not_found=True)
        if checked.not_found:
            status, text = "not_found", NOT_FOUND_TEXT
        elif checked.missing_note or checked.dropped:
            status = "partial"
            text = checked.text if checked.missing_note else f"{checked.text} {DROPPED_NOTE}"
        else:
            status, text = "answered", checked.text
        return Answer(question=question, standalone_question=standalone, status=status,
                      answer=text, citations=checked.citations, passages=passages, llm=llm)

    def _answers_question(self, question: str, checked: Checked) -> bool:
        """A supported answer can still miss the question (a small model copying any source
        sentence): at least one cited quote must be relevant to the question."""
        quotes = [c.quote for c in checked.citations]
        quotes += [checked.text[a:b] for a, b in sentence_spans(checked.text)]
        return bool(quotes) and max(self.scorer.relevance(question, quotes)) >= RELEVANCE_MIN
