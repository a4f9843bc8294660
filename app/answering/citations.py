"""Citations are checked by code after generation, never trusted from the model.

Every sentence of a draft answer is compared with the passages it cites. A marker that points at
no retrieved source is removed; a claim its source does not support is moved to the source that
does, or, failing that, dropped (strict mode) or marked unsupported. Sources are then renumbered
in order of first use, and only the cited ones are listed, each with the quote that supports it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.answering.relevance import Scorer
from app.answering.safety import is_instruction
from app.answering.types import Citation, Source
from common.text import MARKER, content_terms, marker_numbers, sentence_spans
from vectorstore.retrieval import Passage

NOT_FOUND = re.compile(r"^\W*not\s+found\W*$|could not find (this|that|it|an answer)",
                       re.IGNORECASE)
# A sentence that says what the sources lack: kept without citation, and makes the answer partial.
MISSING = re.compile(
    r"\b(sources?|documents?|texts?|articles?)\b.{0,40}\b(do|does|did)\s+not\b|"
    r"\bnot\s+(mentioned|covered|stated|specified|say)\b|\bno\s+information\b",
    re.IGNORECASE)


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
class _Sentence:
    text: str  # without markers
    cited: list[int]
    support: dict[int, tuple[int, int]] = field(default_factory=dict)  # n -> quote span
    meta: bool = False


def parse(draft: str) -> list[_Sentence]:
    """Split a draft into sentences with the source numbers each cites."""
    sentences: list[_Sentence] = []
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
        sentences.append(_Sentence(text=text, cited=list(dict.fromkeys(cited))))
    return sentences


def check(draft: str, sources: Sequence[Source], scorer: Scorer, strict: bool = True) -> Checked:
    by_n = {s.n: s for s in sources}
    sentences = parse(draft)
    if not sentences or any(NOT_FOUND.search(s.text) for s in sentences[:1]):
        return Checked(text="", citations=[], not_found=True)
    windows = {s.n: _windows(s) for s in sources}
    result = Checked(text="", citations=[])
    kept: list[_Sentence] = []
    for sentence in sentences:
        if MISSING.search(sentence.text) or not content_terms(sentence.text):
            sentence.meta, sentence.cited = True, []
            result.missing_note = result.missing_note or bool(MISSING.search(sentence.text))
            kept.append(sentence)
            continue
        cited = [n for n in sentence.cited if n in by_n]
        sentence.support = _supporting(sentence.text, cited, by_n, windows, scorer)
        if not sentence.support:
            others = [n for n in by_n if n not in cited]
            best = _supporting(sentence.text, others, by_n, windows, scorer,
                               best_only=True)
            if best:
                sentence.support = best
                result.reattributed += 1
        if sentence.support:
            result.supported += 1
            kept.append(sentence)
        elif strict:
            result.dropped.append(sentence.text)
        else:
            sentence.meta = True
            sentence.text += " (unsupported)"
            kept.append(sentence)
    if not result.supported:
        return Checked(text="", citations=[], dropped=result.dropped, not_found=True)
    result.text, result.citations = _renumber(kept, by_n)
    return result


def supported_by(claim: str, passage: Passage, scorer: Scorer) -> bool:
    """Does the passage support the claim, by the same test the answers are checked with (any
    sentence or pair of neighbouring sentences)? The evaluation judges citations with it."""
    source = Source(n=0, passage=passage, text=passage.text)
    return bool(_supporting(claim, [0], {0: source}, {0: _windows(source)}, scorer))


def _windows(source: Source) -> list[tuple[int, int]]:
    """Single sentences and neighbouring pairs of the passage, as spans in the document text;
    sentences that address an AI system are never evidence."""
    passage = source.passage
    spans = [(passage.start + a, passage.start + b) for a, b in sentence_spans(passage.text)
             if not is_instruction(passage.text[a:b])]
    pairs = [(a[0], b[1]) for a, b in zip(spans, spans[1:], strict=False)]
    return spans + pairs


def _text(source: Source, span: tuple[int, int]) -> str:
    p = source.passage
    return p.text[span[0] - p.start:span[1] - p.start]


def _supporting(claim: str, candidates: list[int], by_n: dict[int, Source],
                windows: dict[int, list[tuple[int, int]]], scorer: Scorer,
                best_only: bool = False) -> dict[int, tuple[int, int]]:
    """Sources among `candidates` that support the claim, each with its best quote span."""
    found: dict[int, tuple[float, tuple[int, int]]] = {}
    for n in candidates:
        spans = windows[n]
        texts = [_text(by_n[n], span) for span in spans]
        for span, support in zip(spans, scorer.support(claim, texts), strict=True):
            if support.supported and support.score > found.get(n, (-1.0, span))[0]:
                found[n] = (support.score, span)
    if best_only and found:
        n = max(found, key=lambda k: found[k][0])
        return {n: found[n][1]}
    return {n: span for n, (_, span) in found.items()}


def _renumber(kept: list[_Sentence], by_n: dict[int, Source]) -> tuple[str, list[Citation]]:
    """Number sources by first use; one citation per source, quoting its first support."""
    numbering: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for sentence in kept:
        new_numbers = []
        for n, span in sentence.support.items():
            if n not in numbering:
                numbering[n] = len(numbering) + 1
                p = by_n[n].passage
                citations.append(Citation(
                    n=numbering[n], source=p.source, title=p.title, page=p.page, start=p.start,
                    end=p.end, quote=_text(by_n[n], span), quote_start=span[0],
                    quote_end=span[1], sha256=p.sha256))
            new_numbers.append(numbering[n])
        marker = f" [{', '.join(map(str, sorted(new_numbers)))}]" if new_numbers else ""
        text = sentence.text
        if marker and text[-1:] in ".!?":
            parts.append(f"{text[:-1]}{marker}{text[-1]}")
        else:
            parts.append(text + marker)
    return " ".join(parts), citations
