"""What a question asks for, and whether a sentence gives it.

Topic overlap is not an answer: "What is the population of Khankendi?" is not answered by a
sentence that merely mentions Khankendi. A sentence meets the question's need when it is about
the question (relevance), says what the question asks about (its focus words: "population"),
and holds something of the kind asked for that the question itself does not: a number for "how
many", a date for "when", a name for "who" and "where", a reason for "why".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
_WHO_IS = re.compile(r"^\W*(?i:who\s+(is|was))\s+[A-Z]")  # "Who is Anar Susali?": a description
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
# The question's frame, not its focus: an answer to "What role did X play?" or "How did Y react?"
# need not say "role" or "react".
_QUESTION_WORDS = frozenset("""what which who whom whose when where why how many much long far
old tall kind type name called happen happened role play react respond response tell summarise
summarize describe explain go wrong get come do give matter mean about""".split())
FOCUS_SHARE = 0.5  # of the question's focus words a sentence must cover


_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b", re.I)


def answer_type(question: str) -> AnswerType:
    if _WHO_IS.search(question):
        return "other"  # "Who is Anar Susali?" wants a description
    # The first question word asks; a later one opens a clause ("What does a T cell extend
    # when it meets a pathogen?" wants a thing, not a date).
    lead = _WH.search(question)
    for kind, pattern in _TYPES:
        found = pattern.search(question)
        if found and (lead is None or found.start() <= lead.start()
                      or _WH.match(found.group(0)) is None):
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
    return assess(question, sentence, similar).score


@dataclass(frozen=True)
class Need:
    """How a sentence stands to what a question asks for."""

    kind: AnswerType
    share: float  # of the question's focus words the sentence covers (0..1)
    enough: bool  # covers enough of them (`_required`)
    filler: bool  # holds something of the kind asked that the question does not
    closeness: float  # 1 / (1 + words between the focus and the filler); 0 when apart

    @property
    def score(self) -> float:
        if not self.enough or not self.filler:
            return 0.0
        return self.share + self.closeness


def assess(question: str, sentence: str, similar: Similar | None = None) -> Need:
    kind = answer_type(question)
    focus = focus_words(question)
    singles = _lemmas(sentence)
    words = singles + [a + b for a, b in itertools.pairwise(singles)]  # "handed over"
    covered = {f for f in focus if any(_same(f, w) for w in words)}
    if similar is not None and len(covered) < len(focus):  # 'died' / 'death toll'
        missing = [f for f in focus if f not in covered]
        covered |= {f for f, close in zip(missing, similar(missing, singles), strict=True)
                    if close}
    enough = not focus or len(covered) >= _required(len(focus))
    share = len(covered) / len(focus) if focus else 1.0
    fillers = _fillers(kind, question, sentence)
    if fillers is None:  # a reason, a way, or any other kind: the wording decides
        filler = kind == "other" or bool(_REASON_WORDS.search(sentence)) or (
            kind == "method" and bool(_METHOD_WORDS.search(sentence)))
        return Need(kind, share, enough, filler, 0.0)
    nearest = _nearest(fillers, focus, sentence, singles)
    if nearest is None:  # no filler, or no focus word to measure from
        return Need(kind, share, enough, bool(fillers), 0.0)
    distance = nearest[1]
    near = distance <= FILLER_DISTANCE
    return Need(kind, share, enough, near, 1 / (1 + distance) if near else 0.0)


def answer_span(question: str, sentence: str) -> tuple[int, int] | None:
    """Where in `sentence` the answer to a who/when/where/how-many question stands (the whole
    name or date: 'Davit Tonoyan', 'February 7, 2016'), for the reader's eye; None for other
    kinds of question or when the sentence holds no such answer."""
    kind = answer_type(question)
    fillers = _fillers(kind, question, sentence)
    if kind == "date":  # a whole date before a bare "later" or "period"
        fillers = [m.span() for m in _DATE_RUN.finditer(sentence)
                   if m.group(0).lower() not in question.lower()] or fillers
    if not fillers:
        return None
    # measured from what is asked about, else from any word of the question ('Science
    # Village' in 'Where is the Science Village located?')
    singles = _lemmas(sentence)
    nearest = _nearest(fillers, focus_words(question), sentence, singles) or _nearest(
        fillers, content_lemmas(question), sentence, singles)
    start, end = nearest[0] if nearest else fillers[0]
    whole = {"person": _NAME_RUN, "place": _NAME_RUN, "date": _DATE_RUN}.get(kind, _NUMBER_RUN)
    for run in whole.finditer(sentence):
        if run.start() <= start < run.end():
            return run.span()
    return start, end


def _nearest(fillers: list[tuple[int, int]], focus: list[str], sentence: str,
             singles: list[str]) -> tuple[tuple[int, int], int] | None:
    """The filler closest to a focus word of the question, with its distance in words
    (`singles`: the sentence's lemmas, word by word)."""
    at = [i for i, w in enumerate(singles) if any(_same(f, w) for f in focus)]
    at += [i for i, (a, b) in enumerate(itertools.pairwise(singles))
           if any(_same(f, a + b) for f in focus)]
    if not fillers or not at:
        return None
    return min((((a, b), min(abs(len(_WORD.findall(sentence[:a])) - q) for q in at))
                for a, b in fillers), key=lambda pair: pair[1])


def _lemmas(sentence: str) -> list[str]:
    return [lemma(w) for w in _WORD.findall(sentence.lower())]


_WORD = re.compile(r"[\w'’]+")
_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|de|da|von|van|al|bin|the)\s+)?"
                       r"[A-Z][\w'’.-]*)*")
_MONTH = (r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
# '7 February 2016', 'February 7, 2016', 'May 2018', '1990s', '1st century BC'
_DATE_RUN = re.compile(
    rf"\b\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{3,4}}\b)?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{3,4}}\b)?|{_MONTH},?\s+\d{{3,4}}\b"
    r"|\b\d{3,4}s?\b(?:\s+(?:BC|AD|BCE|CE)\b)?"
    r"|\b\d{1,2}(?:st|nd|rd|th)\s+century(?:\s+(?:BC|AD|BCE|CE)\b)?", re.I)
# a number with its unit: '15km', '9 miles', '77 percent', '44-day'
_NUMBER_RUN = re.compile(
    r"\d[\d,.\u202f\u00a0]*(?:[\s-]?(?:%|percent|per\s+cent|km|kilomet(?:re|er)s?|miles?|"
    r"met(?:re|er)s?|kg|kilograms?|tonnes?|tons?|days?|weeks?|months?|years?|hours?|"
    r"million|billion|thousand|hundred)\b)?", re.I)


def _fillers(kind: AnswerType, question: str, sentence: str) -> list[tuple[int, int]] | None:
    """Where the sentence holds an answer of the kind asked; None for kinds without a span."""
    if kind in ("number", "date"):
        spans = [(a, b) for a, b, value in number_spans(sentence)
                 if value not in facts(question).numbers]
        if kind == "date":
            spans += [m.span() for m in _DATE_WORDS.finditer(sentence)]
        return spans
    if kind in ("person", "place"):
        return _new_names(question, sentence, person=kind == "person")
    return None


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
