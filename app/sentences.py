"""Sentence spans and the word-level features that compare sentences, shared by extractive
answers, context selection and citation checking."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.chunking import strip_span

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and
# a capital, digit or opening quote, or at a line break. Common abbreviations do not end one.
_END = re.compile(r"""[.!?…]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|\n+""")
_ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st sr jr vs etc inc ltd co corp gen col lt sgt capt gov sen rep pres
jan feb mar apr jun jul aug sep sept oct nov dec no fig u.s u.k e.g i.e approx est
""".split())
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOP = frozenset("""
a about above after again all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its just me more most my no nor not now of off on
once only or other our out over own same she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your said says also according one
""".split())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end], stripped of surrounding white space."""
    end = len(text) if end is None else end
    spans, pos = [], start
    for match in _END.finditer(text, start, end):
        cut = match.end() if not match.group().startswith("\n") else match.start()
        if _ends_in_abbreviation(text, pos, cut):
            continue
        spans.append((pos, cut))
        pos = match.end()
    spans.append((pos, end))
    return [s for s in (strip_span(text, a, b) for a, b in spans) if s]


def _ends_in_abbreviation(text: str, start: int, cut: int) -> bool:
    words = text[start:cut].rstrip(".!?…\"'”’)]").split()
    return bool(words) and words[-1].lower().rstrip(".") in _ABBREVIATIONS and \
        text[start:cut].rstrip("\"'”’)]").endswith(".")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'deployed'/'deploys'/'deployment'."""
    for suffix in ("ments", "ment", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> set[str]:
    """Stemmed words that carry meaning (no stopwords)."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


def numbers(text: str) -> set[str]:
    """Numbers as written, without thousands separators: '2,000' and '2000' are one number."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z]\w*", re.UNICODE)


def names(text: str) -> set[str]:
    """Capitalised words after the first word (people, places, months), stemmed and lowered:
    a claim naming someone the evidence does not name is not supported by it."""
    return {stem(w.lower()) for w in _NAME.findall(text.strip())} - _STOP


def _found(term: str, terms: set[str]) -> bool:
    """`term` is among `terms`, allowing for endings ('Armenia' matches 'Armenian')."""
    return term in terms or len(term) >= 4 and any(
        len(t) >= 4 and (t.startswith(term) or term.startswith(t)) for t in terms)


def names_found(claim: str, evidence: str) -> bool:
    """Every name in the claim appears in the evidence."""
    terms = content_terms(evidence)
    return all(_found(name, terms) for name in names(claim))


def novel_terms(claim: str, evidence: str) -> int:
    """How many of the claim's content words the evidence does not contain: an invented
    clause ("...and were attacked by drones") shows up here even when the meaning is close."""
    terms = content_terms(evidence)
    return sum(not _found(term, terms) for term in content_terms(claim))


def term_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content terms that the evidence contains."""
    terms = content_terms(claim)
    if not terms:
        return 0.0
    return len(terms & content_terms(evidence)) / len(terms)
