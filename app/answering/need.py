"""What a question asks for, and whether a sentence gives it.

Topic overlap is not an answer: "What is the population of Khankendi?" is not answered by a
sentence that merely mentions Khankendi. A sentence meets the question's need when it is about
the question (relevance), says what the question asks about (its focus words: "population"),
and holds something of the kind asked for that the question itself does not: a number for "how
many", a date for "when", a name for "who" and "where", a reason for "why".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from app.answering.facts import Vocabulary, facts, name_found, normal, number_spans, ordinary
from app.answering.support import content_lemmas, lemma
from common.text import STOPWORDS

AnswerType = Literal["number", "date", "person", "place", "reason", "method", "other"]

_TYPES: list[tuple[AnswerType, re.Pattern[str]]] = [
    ("number", re.compile(r"\bhow\s+(many|much|long|far|old|tall|high|big|large|deep|wide|"
                          r"often)\b|\b(what|which)\s+(percentage|share|proportion|number|"
                          r"amount|population|size|length|distance|score|price|cost)\b|"
                          r"\bpopulation\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(what|which)\s+(year|date|day|month|century|decade|"
                        r"time)\b|\bin\s+what\s+year\b|\bby\s+what\s+date\b|\bsince\s+when\b",
                        re.I)),
    ("person", re.compile(r"^\W*(who|whom|whose)\b|\bwho\s+(was|is|were|are)\b", re.I)),
    ("place", re.compile(r"\bwhere\b|\b(what|which|in\s+which)\s+(city|town|country|region|"
                         r"place|village|state|district|province)\b", re.I)),
    ("reason", re.compile(r"\bwhy\b|\bwhat\s+(caused|led\s+to|was\s+the\s+reason)\b|"
                          r"\bfor\s+what\s+reason\b", re.I)),
    ("method", re.compile(r"^\W*how\b(?!\s+(many|much|long|far|old|tall|high|big|large))", re.I)),
]
_WHO_IS = re.compile(r"^\W*who\s+(is|was)\s+[A-Z]", re.I)  # a description, not a name
_DATE_WORDS = re.compile(
    r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(yesterday|today|ago|last\s+(week|month|year)|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|century|decade|era|period|"
    r"spring|summer|autumn|fall|winter|days?|weeks?|months?|years?|later|earlier|since|until)\b",
    re.I)
_REASON_WORDS = re.compile(
    r"\b(because|due\s+to|owing\s+to|as\s+a\s+result|result(ed)?\s+(of|from|in)|caused?|"
    r"led\s+to|leads?\s+to|reasons?|so\s+that|in\s+order\s+to|considerations?|requests?|"
    r"for\s+\w+\s+reasons?|thanks\s+to|why|aim(ed)?|"
    r"to\s+(protect|avoid|prevent|ensure|allow|help|stop|make|retake|end))\b", re.I)
_METHOD_WORDS = re.compile(r"\b(by|through|using|with|via|by\s+means\s+of)\b", re.I)
_QUESTION_WORDS = frozenset("what which who whom whose when where why how many much long far "
                            "old tall kind type name called happen happened".split())
FOCUS_SHARE = 0.5  # of the question's focus words a sentence must cover


def answer_type(question: str) -> AnswerType:
    if _WHO_IS.search(question):
        return "other"  # "Who is Anar Susali?" wants a description
    for kind, pattern in _TYPES:
        if pattern.search(question):
            return kind
    return "other"


def focus_words(question: str) -> list[str]:
    """What the question asks about, beyond its names: 'population' in 'What is the population
    of Khankendi?', 'command' and 'peacekeeper' in 'Who commanded the Russian peacekeepers?'."""
    name_words = {w for run in facts(question).names for w in run if not ordinary(w)}
    return [w for w in content_lemmas(question)
            if w not in _QUESTION_WORDS and w not in STOPWORDS
            and re.sub(r"[^a-z0-9]", "", w) not in name_words]


# For each word of the first list: is it close in meaning to any word of the second?
Similar = Callable[[Sequence[str], Sequence[str]], list[bool]]


def meets_need(question: str, sentence: str, similar: Similar | None = None) -> bool:
    """Does `sentence` give what `question` asks for (not merely mention its topic)?"""
    return need_score(question, sentence, similar) > 0


def need_score(question: str, sentence: str, similar: Similar | None = None) -> float:
    """0 when the sentence does not give what the question asks for; else the share of the
    question's focus words it covers, plus closeness of the answer to them (to rank sentences
    that do)."""
    kind = answer_type(question)
    focus = focus_words(question)
    singles = [lemma(w) for w in re.findall(r"[\w'’]+", sentence.lower())]
    pairs = [a + b for a, b in zip(singles, singles[1:], strict=False)]  # "handed over"
    words = singles + pairs
    at = [i % len(singles) for i, w in enumerate(words) if any(_same(f, w) for f in focus)]
    covered = {f for f in focus if any(_same(f, w) for w in words)}
    if similar is not None and len(covered) < len(focus):  # 'died' / 'death toll'
        missing = [f for f in focus if f not in covered]
        covered |= {f for f, close in zip(missing, similar(missing, singles), strict=True)
                    if close}
    if focus and len(covered) < _required(len(focus)):
        return 0.0
    share = len(covered) / len(focus) if focus else 1.0
    if kind == "number":
        fillers = [(a, b) for a, b, value in number_spans(sentence)
                   if value not in facts(question).numbers]
    elif kind == "date":
        fillers = [(a, b) for a, b, value in number_spans(sentence)
                   if value not in facts(question).numbers]
        fillers += [m.span() for m in _DATE_WORDS.finditer(sentence)]
    elif kind == "person":
        fillers = _new_names(question, sentence, person=True)
    elif kind == "place":
        fillers = _new_names(question, sentence)
    elif kind == "reason":
        return share if _REASON_WORDS.search(sentence) else 0.0
    elif kind == "method":
        return share if _METHOD_WORDS.search(sentence) or _REASON_WORDS.search(sentence) else 0.0
    else:
        return share
    if not fillers:
        return 0.0
    if not at:
        return share
    positions = [len(re.findall(r"[\w'’]+", sentence[:a])) for a, _ in fillers]
    distance = min(abs(p - q) for p in positions for q in at)
    return share + 1 / (1 + distance) if distance <= FILLER_DISTANCE else 0.0


FILLER_DISTANCE = 12  # words between what is asked about and the answer to it


def _required(focus: int) -> int:
    """Focus words a sentence must cover: half of a short question's, a third of a long one's
    (long questions restate context the answering sentence need not repeat)."""
    return max(1, round(FOCUS_SHARE * focus)) if focus <= 3 else max(2, -(-focus // 3))


def _same(focus: str, word: str) -> bool:
    return focus == word or (len(focus) >= 5 and word.startswith(focus[:5]))


_TITLES = re.compile(r"\b(president|minister|general|commander|leader|spokes(man|woman|person)|"
                     r"king|queen|chief|head|director|premier|mr|mrs|ms|dr|sir|lord|"
                     r"journalist|secretary|ambassador|governor|mayor|emperor|khan)\b", re.I)


def _new_names(question: str, sentence: str, person: bool = False) -> list[tuple[int, int]]:
    """Where the sentence names someone or something the question does not; for a person, two
    new name words ("Davit Tonoyan"), or one right after a title ("President Aliyev")."""
    asked = Vocabulary.of(question)
    asked_names = Vocabulary.of(" ".join(" ".join(run).title() for run in facts(question).names))
    words = [normal(w) for w in re.findall(r"[\w'’-]+", sentence)]
    spans = []
    for run in facts(sentence).names:
        new = [w for w in run if not name_found((w,), asked)]
        if not new or any(name_found((w,), asked_names) for w in run):
            continue  # nothing new, or the asked one by a fuller name ("Davit Tonoyan")
        if person and len(new) < 2 and not _after_title(words, new[0]):
            continue
        found = re.search(re.escape(new[0][:4]), normal_text(sentence))
        spans.append(found.span() if found else (0, 0))
    return spans


def _after_title(words: list[str], name: str) -> bool:
    return any(w == name and any(_TITLES.fullmatch(t) for t in words[max(0, i - 2):i])
               for i, w in enumerate(words))


def normal_text(text: str) -> str:
    """Lower-case ASCII with the same length, to find a normalised name's place."""
    return "".join(normal(ch) or " " for ch in text)
