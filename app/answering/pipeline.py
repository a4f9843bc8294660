"""The answering pipeline, one question at a time, in named stages:

    condense -> retrieve -> generate (with fallback) -> check -> rescue

`generate` streams the backend's draft into `check`, which passes on only the sentences whose
citations hold, and only once one of them meets the question's need (need.py): what the
reader sees streaming is what stays. When no sentence of the draft survives, `rescue` answers
with the sentences of the sources that meet the need (the extractive backend), under the same
gate, or the answer is `not_found`. The UI, the CLI's --json and the evaluation all read the
same `Answer`.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from app.answering.backends.base import Backend
from app.answering.backends.extractive import ExtractiveBackend
from app.answering.backends.factory import make_backends
from app.answering.citations import (
    Accepted,
    Checked,
    CitationCheck,
    DraftSentence,
    Judgement,
    final_sentences,
)
from app.answering.context import build_sources
from app.answering.facts import facts
from app.answering.need import answer_span, answer_type, meets_need, need_score
from app.answering.relevance import RELEVANCE_MIN, Scorer
from app.answering.support import SupportChecker
from app.answering.types import Answer, Done, Event, Source, Status, Step, Token, Turn
from common.config import Settings
from common.errors import LLMError, LLMUnavailable, StreamInterrupted
from common.text import MARKER, sentence_spans
from vectorstore.index import Index
from vectorstore.retrieval import Passage, Retriever

NOT_FOUND_TEXT = "I could not find an answer to this in the documents."
MAX_OTHER_VERSIONS = 2  # other documents' differing figures added to an answer
# A differing figure is added when its sentence gives what was asked (need.py) and is this close
# to the question or to what is shown: looser than RELEVANCE_MIN, since a report that also gives
# the death toll is a long sentence about more than the date.
OTHER_VERSION_MIN = 0.4
DROPPED_NOTE = "Some statements could not be checked against the sources and were left out."


class Searcher(Protocol):
    """What the retrieve stage needs: `Retriever`, or a stand-in that returns given passages."""

    def search(self, query: str, k: int = 5, mode: str = "hybrid",
               sources: Sequence[str] | None = None) -> list[Passage]: ...


@dataclass
class Draft:
    """What generation produced: the backend that wrote it and how it went."""

    backend: Backend
    sources: list[Source] = field(default_factory=list)
    notice: str = ""
    interrupted: bool = False
    prompt_tokens: int = 0
    first_token_ms: float | None = None
    deadline: float | None = None  # perf_counter() by which a checked sentence must be shown
    out_of_time: bool = False  # stopped at the deadline with nothing shown


@dataclass
class Outcome:
    """What the check kept of a draft."""

    checked: Checked
    shown: list[Accepted]
    need_met: bool
    citations: CitationCheck | None = None  # to add sentences after the draft, same numbering


class Answerer:
    """Answers questions about an index. Cheap to build; models load on first use."""

    def __init__(self, settings: Settings, index: Index | None = None,
                 backends: Sequence[Backend] | None = None, llm: str | None = None,
                 retriever: Searcher | None = None) -> None:
        self.settings = settings
        self.index = index or Index(settings)
        self._backends = list(backends) if backends else None
        self._llm_choice = llm
        if retriever is not None:  # a given one (tests of the stages); else the index's own
            self.__dict__["retriever"] = retriever

    @cached_property
    def scorer(self) -> Scorer:
        return Scorer(self.index.embedder)

    @cached_property
    def checker(self) -> SupportChecker:
        return SupportChecker(self.scorer)

    @cached_property
    def retriever(self) -> Searcher:
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
        standalone = question
        if history:
            yield Step("rewriting")
            standalone = self.condense(question, history)
            yield Step("rewriting", standalone)
        yield Step("retrieving")
        t = time.perf_counter()
        passages = self.retrieve(standalone, k or self.settings.top_k, sources)
        timings = {"retrieve_ms": (time.perf_counter() - t) * 1000}
        yield Step("generating")
        draft = Draft(self.backends[0])
        outcome = yield from self.check(standalone, self.generate(standalone, passages, draft),
                                        draft, started)
        yield Step("checking citations")
        if not outcome.need_met and not draft.interrupted \
                and not isinstance(draft.backend, ExtractiveBackend):
            rescued = yield from self.rescue(standalone, passages, draft, started)
            if rescued.need_met:
                outcome = rescued
        if outcome.need_met:
            yield from self.other_versions(standalone, draft, outcome)
        answer = self._answer(question, standalone, passages, draft, outcome)
        if draft.first_token_ms is not None:
            timings["first_token_ms"] = draft.first_token_ms
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.timings = timings
        yield Done(answer)

    # --- the stages -------------------------------------------------------------------------

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        """A follow-up made standalone (by the model, checked; else by rule)."""
        from app.answering.condense import is_follow_up, rule_based_rewrite

        if not is_follow_up(question, history):
            return question
        try:
            return self.backends[0].rewrite(question, history)
        except LLMError:
            return rule_based_rewrite(question, history)

    def retrieve(self, question: str, k: int, sources: Sequence[str] | None) -> list[Passage]:
        return self.retriever.search(question, k=k, sources=sources)

    def generate(self, question: str, passages: list[Passage], draft: Draft) -> Iterator[str]:
        """The first available backend's draft, streamed; `draft` records which one wrote it,
        and why another was used (fallback) or the stream stopped (interruption)."""
        if not passages:
            return
        for i, backend in enumerate(self.backends):
            draft.backend = backend
            draft.sources = build_sources(question, passages, backend, self.scorer,
                                          self.settings.max_answer_tokens)
            draft.prompt_tokens = backend.prompt_tokens(question, draft.sources)
            try:
                if backend.first_text_budget_s is not None:
                    backend.warm_up()  # loading the model is not the draft's time
                    draft.deadline = time.perf_counter() + backend.first_text_budget_s
                yield from backend.stream_answer(question, draft.sources,
                                                 self.settings.max_answer_tokens)
                return
            except StreamInterrupted as exc:
                draft.interrupted = True
                draft.notice = f"The answer was cut off ({exc}); only the part received is shown."
                return
            except LLMUnavailable as exc:
                if i + 1 == len(self.backends):
                    raise
                fallback = self.backends[i + 1]
                draft.notice = f"{backend.name} was unavailable ({exc}); {fallback.name} answered."

    def check(self, question: str, text: Iterator[str], draft: Draft,
              started: float) -> Generator[Event, None, Outcome]:
        """Check the draft sentence by sentence as it streams. Sentences that pass are held
        until one of them meets the question's need, then shown (as `Token`s); those that
        fail are never shown. A backend that can quote is asked, once the draft is complete,
        for the words that state each sentence the code could not settle (`quote`); until then
        that sentence and those after it wait, so the answer keeps its order."""
        citations: CitationCheck | None = None  # the sources are known once generation starts
        held: list[Accepted] = []
        shown: list[Accepted] = []
        waiting: list[Judgement] = []
        need_met = False
        so_far, seen = "", 0

        def show(judgement: Judgement) -> Iterator[Token]:
            nonlocal need_met
            assert citations is not None
            accepted = citations.render(judgement)
            if accepted is None:
                return
            held.append(accepted)
            need_met = need_met or self._meets(question, accepted)
            if need_met:
                for item in held:
                    if draft.first_token_ms is None:
                        draft.first_token_ms = (time.perf_counter() - started) * 1000
                    yield Token(("" if not shown else " ") + item.shown)
                    shown.append(item)
                held.clear()

        def take(sentences: list[DraftSentence]) -> Iterator[Token]:
            nonlocal citations
            if citations is None:
                citations = CitationCheck(draft.sources, self.checker, self.settings.strict,
                                          question)
            for sentence in sentences:
                judgement = citations.judge(sentence)
                if judgement is None:
                    continue
                if draft.backend.can_quote and (waiting or judgement.unsettled):
                    waiting.append(judgement)
                else:
                    yield from show(judgement)

        for piece in text:
            so_far += piece
            ready = final_sentences(so_far, done=False)
            yield from take(ready[seen:])
            seen = max(seen, len(ready))
            if not shown and draft.deadline is not None and time.perf_counter() > draft.deadline:
                draft.out_of_time = True
                break
        if draft.out_of_time:  # the unfinished sentence is not judged; the model stops writing
            getattr(text, "close", lambda: None)()
            yield from take([])
        else:
            yield from take(final_sentences(so_far, done=True)[seen:])
        assert citations is not None
        if waiting:
            yield Step("checking citations")
            self.quote(draft.backend, citations, waiting)
            for judgement in waiting:
                yield from show(judgement)
        return Outcome(citations.finish(), shown, need_met, citations)

    def quote(self, backend: Backend, citations: CitationCheck,
              judgements: list[Judgement]) -> None:
        """Ask the backend for the words that state each unsettled sentence (one request) and
        let the code verify them; a failed request settles nothing."""
        unsettled = [j for j in judgements if j.unsettled]
        try:
            said = backend.quote([(j.sentence.text, citations.sources_of(j)) for j in unsettled])
        except LLMError:
            return
        citations.settle(unsettled, said)

    def rescue(self, question: str, passages: list[Passage], draft: Draft,
               started: float) -> Generator[Event, None, Outcome]:
        """A draft none of whose sentences met the need (small models invent freely) is
        replaced by the sentences of the sources that do, under the same checks."""
        extractive = ExtractiveBackend(self.scorer)
        rescue = Draft(extractive, notice=draft.notice)
        rescue.sources = build_sources(question, passages, extractive, self.scorer,
                                       self.settings.max_answer_tokens)
        text = extractive.stream_answer(question, rescue.sources, self.settings.max_answer_tokens)
        outcome = yield from self.check(question, text, rescue, started)
        late = f"gave no checked sentence within {draft.backend.first_text_budget_s or 0:g} s"
        if outcome.need_met:
            draft.first_token_ms = rescue.first_token_ms
            what = late if draft.out_of_time else "was not supported by the sources" \
                if not outcome.checked.not_found else "did not answer the question"
            note = f"{draft.backend.name}'s answer {what}; shown instead: the sources' own " \
                "sentences."
            draft.notice = f"{draft.notice} {note}".strip()
            draft.backend, draft.sources = extractive, rescue.sources
        elif draft.out_of_time:  # not found by the sources' sentences either: say it was cut
            draft.notice = f"{draft.notice} {draft.backend.name} {late} and was stopped.".strip()
        return outcome

    def other_versions(self, question: str, draft: Draft,
                       outcome: Outcome) -> Iterator[Token]:
        """Where another document gives a different figure for what was asked (a count, a
        date), its sentence is added with its own citation: the reader sees both versions."""
        if answer_type(question) not in ("number", "date") or outcome.citations is None:
            return
        cited = {c.sha256 for c in outcome.checked.citations}
        stated = {v for a in outcome.shown for t in (a.claim, *a.quotes) for v in _figures(t)}
        asked = _figures(question)
        best: dict[str, tuple[float, int, str]] = {}
        for source in draft.sources:
            if source.passage.sha256 in cited:
                continue
            for a, b in sentence_spans(source.text):
                sentence = source.text[a:b]
                figures = _figures(sentence) - asked
                if not figures - stated or not need_score(question, sentence,
                                                          self.scorer.close_words):
                    continue
                # about the question, or about the same thing as what is already shown
                score = max(self.scorer.relevance(question, [sentence])[0],
                            float(self.scorer.cosines(sentence, [a.claim for a in outcome.shown])
                                  .max(initial=0.0)))
                if score >= OTHER_VERSION_MIN and score > best.get(source.passage.sha256,
                                                                    (0.0, 0, ""))[0]:
                    best[source.passage.sha256] = (score, source.n, sentence)
        for _, n, sentence in sorted(best.values(), reverse=True)[:MAX_OTHER_VERSIONS]:
            accepted = outcome.citations.add(DraftSentence(text=sentence, cited=[n]))
            if accepted is not None:
                outcome.shown.append(accepted)
                yield Token(" " + accepted.shown)
        outcome.checked = outcome.citations.finish()

    # --- helpers ----------------------------------------------------------------------------

    def _meets(self, question: str, accepted: Accepted) -> bool:
        """The sentence (or its quote) answers the question: relevant and of the kind asked."""
        if accepted.meta:
            return False
        texts = [accepted.claim, *accepted.quotes]
        relevant = max(self.scorer.relevance(question, texts)) >= RELEVANCE_MIN
        return relevant and any(meets_need(question, t, self.scorer.close_words) for t in texts)

    def _answer(self, question: str, standalone: str, passages: list[Passage], draft: Draft,
                outcome: Outcome) -> Answer:
        checked = outcome.checked
        status: Status
        if not outcome.need_met or checked.not_found:
            status, text, citations = "not_found", NOT_FOUND_TEXT, []
        else:
            text, citations = " ".join(a.shown for a in outcome.shown), checked.citations
            status = "partial" if checked.missing_note or checked.dropped or draft.interrupted \
                else "answered"
            if checked.dropped and not checked.missing_note:
                text = f"{text} {DROPPED_NOTE}"
        first = MARKER.sub(lambda m: " " * len(m.group(0)), outcome.shown[0].shown) \
            if status != "not_found" else ""
        return Answer(question=question, standalone_question=standalone, status=status,
                      answer=text, citations=citations, passages=passages,
                      llm=draft.backend.name, notice=draft.notice,
                      interrupted=draft.interrupted, prompt_tokens=draft.prompt_tokens,
                      answer_span=answer_span(question, first) if first else None)


def _figures(text: str) -> set[float]:
    """The numbers and months a sentence states (months as -1 .. -12, apart from numbers)."""
    found = facts(text)
    return set(found.numbers) | {-float(m) for m in found.months}
