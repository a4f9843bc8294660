"""Citations are checked by code, sentence by sentence as the draft streams, never trusted from
the model.

Each sentence of a draft is compared with the passages it cites (app/answering/support.py). A
marker that points at no retrieved source is removed; a claim its source does not support is
moved to the source that does, or, failing that, dropped (strict mode) or marked unsupported.
Sources are numbered in order of first use, and only the cited ones are listed, each with the
quote that supports it. Because sentences are checked one at a time, the reader is only ever
shown sentences that passed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.answering.safety import is_instruction
from app.answering.support import SupportChecker, Verdict, is_fragment, locate
from app.answering.types import Citation, Source
from common.text import MARKER, marker_numbers, sentence_spans
from vectorstore.retrieval import Passage

NOT_FOUND = re.compile(r"^\W*not\s+found\W*$|could not find (this|that|it|an answer)",
                       re.IGNORECASE)
# A sentence that says what the sources lack: kept without citation, and makes the answer partial.
MISSING = re.compile(
    r"\b(sources?|documents?|texts?|articles?)\b.{0,40}\b(do|does|did)\s+not\b|"
    r"\bnot\s+(mentioned|covered|stated|specified|say)\b|\bno\s+information\b",
    re.IGNORECASE)
# Our prompt's own markup, which a small model may echo: never shown to a reader.
_PROMPT_MARKUP = re.compile(r"</?\s*source\b[^>]*>?", re.IGNORECASE)


@dataclass
class DraftSentence:
    text: str  # without markers
    cited: list[int]


@dataclass
class Checked:
    """The verified answer: text with renumbered markers, its citations, and what was changed."""

    text: str
    citations: list[Citation]
    supported: int = 0
    dropped: list[str] = field(default_factory=list)
    reattributed: int = 0
    missing_note: bool = False
    not_found: bool = False


@dataclass
class Judgement:
    """What the code found for one draft sentence, before it is shown or left out."""

    sentence: DraftSentence
    support: dict[int, tuple[int, int]] = field(default_factory=dict)  # source -> quote span
    meta: bool = False  # says what the sources lack; shown without citation
    reattributed: bool = False  # supported by another source than the one it cites
    # Unsupported, citing these sources: a capable model may quote what it rests on (settle).
    quotable: list[int] = field(default_factory=list)

    @property
    def unsettled(self) -> bool:
        return not self.support and bool(self.quotable)


@dataclass(frozen=True)
class Accepted:
    """One sentence that passed: as the reader sees it, and what it rests on."""

    shown: str
    claim: str
    quotes: tuple[str, ...]
    meta: bool = False  # says what the sources lack; no citation


def parse(draft: str) -> list[DraftSentence]:
    """Split a draft into sentences with the source numbers each cites."""
    sentences: list[DraftSentence] = []
    draft = _PROMPT_MARKUP.sub(" ", draft)
    for start, end in sentence_spans(draft):
        raw = draft[start:end]
        leading = MARKER.match(raw)
        if leading and sentences:  # "... Baku. [2] Next sentence": [2] belongs to the last one
            sentences[-1].cited.extend(marker_numbers(leading.group(1)))
            raw = raw[leading.end():]
        cited = [n for m in MARKER.finditer(raw) for n in marker_numbers(m.group(1))]
        text = MARKER.sub("", raw).strip()
        if text in {".", ""} and sentences:  # a marker after the full stop: "... Baku. [2]"
            sentences[-1].cited.extend(cited)
            continue
        sentences.append(DraftSentence(text=text, cited=list(dict.fromkeys(cited))))
    return sentences


def final_sentences(draft: str, done: bool) -> list[DraftSentence]:
    """The sentences of a streaming draft that can no longer change: all but the last while
    more may come (its markers, or the next sentence's leading marker, may still arrive)."""
    sentences = parse(draft)
    return sentences if done else sentences[:-1]


class CitationCheck:
    """Checks one answer's sentences in order and renders those that pass."""

    def __init__(self, sources: Sequence[Source], checker: SupportChecker,
                 strict: bool = True, question: str = "") -> None:
        self.by_n = {s.n: s for s in sources}
        self.question = question
        self.checker = checker
        self.strict = strict
        self.numbering: dict[int, int] = {}
        self.result = Checked(text="", citations=[])
        self._parts: list[str] = []
        self._first = True

    def add(self, sentence: DraftSentence) -> Accepted | None:
        """Check one draft sentence; what to show for it, or None when it is left out."""
        judgement = self.judge(sentence)
        return self.render(judgement) if judgement is not None else None

    def judge(self, sentence: DraftSentence) -> Judgement | None:
        """What the code finds for one sentence, in draft order; None when there is nothing to
        show for it (after a refusal, or a fragment, which says nothing checkable)."""
        first, self._first = self._first, False
        if first and NOT_FOUND.search(sentence.text):
            self.result.not_found = True
        if self.result.not_found:
            return None
        if MISSING.search(sentence.text):
            return Judgement(sentence, meta=True)
        if is_fragment(sentence.text):
            self.result.dropped.append(sentence.text)
            return None
        cited = [n for n in sentence.cited if n in self.by_n]
        support = self._supporting(sentence.text, cited)
        if support:
            return Judgement(sentence, support)
        support = self._supporting(sentence.text, [n for n in self.by_n if n not in cited],
                                   best_only=True)
        return Judgement(sentence, support, reattributed=bool(support), quotable=cited)

    def settle(self, judgements: Sequence[Judgement],
               quotes: Sequence[Sequence[str]]) -> None:
        """The unsettled `judgements` (those of `unsettled`, in order) with the words a capable
        model quoted for each from its cited sources: a claim is supported where every quote
        stands in one of the sources it cites and the sentences holding them pass
        `SupportChecker.check_quoted`. A quote found in none of them settles nothing."""
        for judgement, said in zip(judgements, quotes, strict=True):
            claim = judgement.sentence.text
            found = {n: [q for q in said if locate(q, evidence_text(self.by_n[n].passage))]
                     for n in judgement.quotable}
            if not said or not all(any(q in own for own in found.values()) for q in said):
                continue  # a quote in none of the cited sources: the model made it up
            for n, own in found.items():
                passage = self.by_n[n].passage
                verdict = self.checker.check_quoted(claim, evidence_text(passage), own,
                                                    self.question) if own else None
                if verdict is not None and verdict.supported:
                    judgement.support[n] = _absolute(passage, verdict.span)
            judgement.quotable, judgement.reattributed = [], False

    def render(self, judgement: Judgement) -> Accepted | None:
        """The sentence as the reader sees it, counted in the result; None when left out."""
        text = judgement.sentence.text
        if judgement.meta:
            self.result.missing_note = True
            return self._show(text, text, {}, meta=True)
        if judgement.support:
            self.result.supported += 1
            self.result.reattributed += judgement.reattributed
            return self._show(text, text, judgement.support)
        self.result.dropped.append(text)
        if self.strict:
            return None
        return self._show(text + " (unsupported)", text, {}, meta=True)

    def sources_of(self, judgement: Judgement) -> list[Source]:
        return [self.by_n[n] for n in judgement.quotable]

    def finish(self) -> Checked:
        if not self.result.supported:
            return Checked(text="", citations=[], dropped=self.result.dropped, not_found=True)
        self.result.text = " ".join(self._parts)
        return self.result

    def _supporting(self, claim: str, candidates: list[int],
                    best_only: bool = False) -> dict[int, tuple[int, int]]:
        """Sources among `candidates` that support the claim, each with its quote span."""
        found: dict[int, Verdict] = {}
        for n in candidates:
            verdict = self.checker.check(claim, evidence_text(self.by_n[n].passage),
                                         self.question)
            if verdict.supported:
                found[n] = verdict
        if best_only and found:
            n = max(found, key=lambda k: found[k].score)
            found = {n: found[n]}
        return {n: _absolute(self.by_n[n].passage, v.span) for n, v in found.items()}

    def _show(self, text: str, claim: str, support: dict[int, tuple[int, int]],
              meta: bool = False) -> Accepted:
        new_numbers = []
        quotes = []
        for n, span in support.items():
            p = self.by_n[n].passage
            quote = _quote(p, span)
            quotes.append(quote)
            if n not in self.numbering:
                self.numbering[n] = len(self.numbering) + 1
                self.result.citations.append(Citation(
                    n=self.numbering[n], source=p.source, title=p.title, page=p.page_at(span[0]),
                    start=p.start, end=p.end, quote=quote, quote_start=span[0],
                    quote_end=span[1], sha256=p.sha256))
            new_numbers.append(self.numbering[n])
        marker = f" [{', '.join(map(str, sorted(new_numbers)))}]" if new_numbers else ""
        shown = f"{text[:-1]}{marker}{text[-1]}" if marker and text[-1:] in ".!?" \
            else text + marker
        self._parts.append(shown)
        return Accepted(shown=shown, claim=claim, quotes=tuple(quotes), meta=meta)


def check(draft: str, sources: Sequence[Source], checker: SupportChecker,
          strict: bool = True) -> Checked:
    """A whole draft at once (the same test as while streaming)."""
    citation_check = CitationCheck(sources, checker, strict)
    for sentence in parse(draft):
        citation_check.add(sentence)
    return citation_check.finish()


_BLANKED = re.compile(r"\s{3,}")


def evidence_text(passage: Passage) -> str:
    """The passage as evidence: sentences addressed to an AI system are blanked (same length,
    so spans still point into the document)."""
    return _blank_instructions(passage.text)


def _blank_instructions(text: str) -> str:
    for a, b in sentence_spans(text):
        if is_instruction(text[a:b]):
            text = text[:a] + " " * (b - a) + text[b:]
    return text


def _quote(passage: Passage, span: tuple[int, int]) -> str:
    return shown_quote(passage.text[span[0] - passage.start:span[1] - passage.start])


def shown_quote(evidence: str) -> str:
    """The evidence's words as the reader sees them: a claim merging the sentences either side
    of one addressed to an AI system quotes both, never that one (left out, then closed up).
    Unchanged when there is no such sentence, so the quote stands in the document as it is."""
    blanked = _blank_instructions(evidence)
    return evidence if blanked == evidence else _BLANKED.sub(" ", blanked).strip()


def supported_by(claim: str, passage: Passage, checker: SupportChecker) -> bool:
    """Does the passage support the claim, by the same test answers are checked with? The
    evaluation judges citations with it."""
    return checker.check(claim, evidence_text(passage)).supported


def _absolute(passage: Passage, span: tuple[int, int]) -> tuple[int, int]:
    return passage.start + span[0], passage.start + span[1]
