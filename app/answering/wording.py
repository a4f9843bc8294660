"""Word-level features that compare a claim with its evidence and a sentence with a question."""

from __future__ import annotations

import re

from common.text import STOPWORDS, content_terms, stem

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    """Numbers as written, without thousands separators: '2,000' and '2000' are one number."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z]\w*", re.UNICODE)


def names(text: str) -> set[str]:
    """Capitalised words after the first word (people, places, months), stemmed and lowered:
    a claim naming someone the evidence does not name is not supported by it."""
    return {stem(w.lower()) for w in _NAME.findall(text.strip())} - STOPWORDS


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
