"""Text helpers that ingest, retrieval and answering share: white-space stripping of spans,
sentence spans, words, the one stop-word list and the one citation-marker pattern."""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and
# a capital, digit or opening quote, or at a line break. Common abbreviations do not end one.
_END = re.compile(r"""[.!?…]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|\n+""")
_ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st sr jr vs etc inc ltd co corp gen col lt sgt capt gov sen rep pres
jan feb mar apr jun jul aug sep sept oct nov dec no fig u.s u.k e.g i.e approx est
""".split())
WORD = re.compile(r"\w+", re.UNICODE)
# A citation marker as answers write it: [1], [2, 3], [1; 4] (with the white space before it).
MARKER = re.compile(r"\s*\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what what's when where which while who
who's whom why will with would you your yours yourself yourselves said says also according one
""".split())


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without white space at either end (None when nothing else is left)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def marker_numbers(group: str) -> list[int]:
    """The source numbers of one marker's inside: '2, 3' -> [2, 3]."""
    return [int(n) for n in re.split(r"[,;]", group) if n.strip()]


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
    return {stem(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS}
