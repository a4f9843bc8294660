"""Follow-up questions made standalone, so retrieval sees what "it" and "they" refer to."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answering.types import Turn
from common.text import MARKER, content_terms

_FOLLOW_UP_WORDS = frozenset(
    "he she it they them him his her its their theirs this that these those there then".split())
_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|what about|how about)\b", re.I)
_ELLIPSIS = re.compile(r"^\s*(?:and|but|also|what about|how about)\s+(?:the\s+|in\s+)?(.+?)\W*$",
                       re.I)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
SHORT_QUESTION = 3  # words: "why?", "where was that?" only make sense after what came before
_PRONOUN = re.compile(r"\b(he|she|him|her|his|it|its|they|them|their)\b", re.IGNORECASE)
_POSSESSIVE = frozenset({"his", "her", "its", "their"})
_NAMES = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+)+")
_LABEL = re.compile(r"^\s*(standalone question|question|rewritten question)\s*:\s*", re.I)


def format_history(history: Sequence[Turn], turns: int = 3) -> str:
    lines = []
    for question, answer in history[-turns:]:
        lines.append(f"User: {question}")
        lines.append(f"Assistant: {MARKER.sub('', answer)[:400]}")
    return "\n".join(lines)


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    if not history:
        return False
    words = re.findall(r"\w+", question.lower())
    return bool(set(words) & _FOLLOW_UP_WORDS) or bool(_FOLLOW_UP_START.match(question)) \
        or len(words) <= SHORT_QUESTION


def rule_based_rewrite(question: str, history: Sequence[Turn]) -> str:
    """Without a model: put the name the conversation is about in place of the first pronoun
    ("When did he take the post?" -> "When did Davit Tonoyan take the post?"); put what an
    ellipsis names in place of the same kind of thing in the previous question ("And in 1993?",
    "What about Kalbajar?"); or, failing both, carry the previous question along."""
    if not is_follow_up(question, history):
        return question
    swapped = _swap_into_previous(question, history[-1][0])
    if swapped:
        return swapped
    previous_question, previous_answer = history[-1]
    names = _NAMES.findall(previous_answer) + _NAMES.findall(previous_question)
    pronoun = _PRONOUN.search(question)
    if pronoun and names:
        name = names[0] + ("'s" if pronoun.group(0).lower() in _POSSESSIVE else "")
        return question[:pronoun.start()] + name + question[pronoun.end():]
    return f"{question.strip().rstrip('?')}? (follow-up to: {previous_question.strip()})"


def accept_rewrite(question: str, history: Sequence[Turn], rewritten: str) -> str:
    """Use the model's rewrite only when it looks like one question about the same things."""
    line = _LABEL.sub("", (rewritten.strip().splitlines() or [""])[0]).strip().strip('"“”')
    context = content_terms(question) | {t for q, _ in history[-2:] for t in content_terms(q)}
    if (not line.endswith("?") or len(line) > 3 * len(question) + 150
            or not content_terms(line) & context):
        return rule_based_rewrite(question, history)
    return line


def _swap_into_previous(question: str, previous: str) -> str | None:
    """'And in 1993?' after 'How many fled in 1992?' -> 'How many fled in 1993?'; 'What about
    Kalbajar?' after 'When was Aghdam handed over?' -> 'When was Kalbajar handed over?'."""
    found = _ELLIPSIS.match(question)
    if not found:
        return None
    new = found.group(1).strip()
    year, old_year = _YEAR.fullmatch(new), _YEAR.search(previous)
    if year and old_year:
        return previous[:old_year.start()] + new + previous[old_year.end():]
    head = new.split()[-1].lower()
    same_kind = re.search(rf"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*\s+(?i:{re.escape(head)})\b",
                          previous) if len(new.split()) > 1 else None
    if same_kind:  # "and the Lachin district?" for "the Kalbajar district"
        return previous[:same_kind.start()] + new + previous[same_kind.end():]
    names = [m for m in re.finditer(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*", previous)
             if m.start() > 0 and m.group(0).lower() not in new.lower()]
    if new[:1].isupper() and names:
        last = names[-1]
        return previous[:last.start()] + new + previous[last.end():]
    return None
