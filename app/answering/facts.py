"""The checkable facts of a sentence — numbers, names, months — normalised so that the ways
writers vary them compare equal: "15km" / "15 km", "250,000" / "250 000" / "a quarter of a
million", "twelve" / "12", "77 percent" / "77%", "Dec. 1" / "December 1", "Aliev" / "Aliyev",
"UK" / "United Kingdom". A claim is only supported when every fact it states is in its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from common.text import STOPWORDS

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
          "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a": 1, "an": 1}
_SCALES = {"hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
# 1,234.5 / 1 234 / 1.234 / 12.5 / 1.3bn / 15km / 1990s: digits, grouped by commas, thin or plain
# spaces, then an optional scale word written against it or after it.
_DIGITS = re.compile(
    r"(?<![\w.])(\d{1,3}(?:(?:,|\u202f|\u00a0| )\d{3})+(?!\d)|\d+)(?:\.(\d+))?([½¼¾⅓⅔])?(s\b)?"
    r"(?:\s*(hundred|thousand|million|billion|trillion|bn|mn|tn|k|m|b)\b)?",
    re.IGNORECASE)
_WORDS_NUMBER = re.compile(
    r"\b((?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|dozen|half|quarter|third|hundred|thousand|million|billion|and|of)"
    r"(?:[\s-]+|\b))+)", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b(?!\s+(?:half|quarter))",
                      re.IGNORECASE)
_MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
           "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
           "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
           "nov": 11, "november": 11, "dec": 12, "december": 12}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.]*|\b[A-Z]{2,}\b")
_TOKEN = re.compile(r"[\w'’-]+")
# Well-known short forms that are not the initials of the long form.
_ALIASES = {"uk": {"britain", "british", "united kingdom"},
            "us": {"america", "american", "united states"},
            "usa": {"america", "american", "united states"},
            "ussr": {"soviet union", "soviet"}}


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[float]
    months: frozenset[int]
    names: tuple[tuple[str, ...], ...]  # runs of capitalised words, normalised


def _value(digits: str, decimals: str | None, vulgar: str | None, scale: str | None) -> float:
    number = float(re.sub(r"[,\u202f\u00a0 ]", "", digits) + (f".{decimals}" if decimals else ""))
    number += _VULGAR.get(vulgar or "", 0.0)
    return round(number * _SCALES.get((scale or "").lower(), 1), 6)


def _spelled(words: str) -> float | None:
    """'a quarter of a million' -> 250000, 'twenty-five thousand' -> 25000, 'a dozen' -> 12."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t not in {"and", "of"}]
    if not tokens or all(t in {"a", "an"} for t in tokens):
        return None
    total, current, fraction, seen = 0.0, 0.0, None, False
    for i, token in enumerate(tokens):
        if token in {"a", "an"}:  # one only before a scale: "a hundred", not "a six-week"
            current += 1 if i + 1 < len(tokens) and tokens[i + 1] in _SCALES else 0
        elif token == "half" and i >= 2 and tokens[i - 1] in {"a", "an"} and current >= 1:
            current += 0.5  # "two and a half"
            seen = True
        elif token in _FRACTIONS:
            fraction = _FRACTIONS[token] * (current or 1)
            current, seen = 0.0, True
        elif token in _UNITS:
            current += _UNITS[token]
            seen = seen or token not in {"a", "an"}
        elif token in _SCALES:
            base = fraction if fraction is not None else (current or 1)
            if _SCALES[token] >= 1000:
                total += base * _SCALES[token]
                current, fraction = 0.0, None
            else:
                current = base * _SCALES[token]
            seen = True
    value = total + current + (fraction or 0)
    return round(value, 6) if seen and value else None


def numbers(text: str) -> frozenset[float]:
    """Every number a sentence states, as a value (years, counts, amounts, decades)."""
    found: set[float] = set(vague_numbers(text))
    spans = []
    for m in _DIGITS.finditer(text):
        found.add(_value(m.group(1), m.group(2), m.group(3), m.group(5)))
        spans.append(m.span())
    for m in _ORDINAL.finditer(text):
        found.add(float(_ORDINALS[m.group(1).lower()]))
    for m in _WORDS_NUMBER.finditer(text):
        value = _spelled(m.group(1))
        if value is not None and not any(a <= m.start() < b for a, b in spans):
            words = set(re.split(r"[\s-]+", m.group(1).strip().lower())) - {"and", "of", ""}
            if value == 1 and words <= {"one", "a", "an"}:
                continue  # "one of the", "a city": not a stated quantity
            found.add(value)
    return frozenset(found)


_VAGUE = re.compile(r"\b(?:(tens|hundreds|thousands|millions|dozens)\s+of\s+)?"
                    r"(tens|hundreds|thousands|millions|billions|dozens)\b", re.IGNORECASE)
_VAGUE_VALUES = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
                 "billions": 1e9}


def vague_numbers(text: str) -> frozenset[float]:
    """'thousands' -> 1000, 'tens of thousands' -> 10000: an order of magnitude, compared as
    one — "tens of thousands" is not "thousands"."""
    return frozenset(float(_VAGUE_VALUES[m.group(1).lower()] * _VAGUE_VALUES[m.group(2).lower()]
                           if m.group(1) else _VAGUE_VALUES[m.group(2).lower()])
                     for m in _VAGUE.finditer(text))


_UNIT_WORDS = {"km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km",
               "kilometers": "km", "mi": "mi", "mile": "mi", "miles": "mi", "kg": "kg",
               "kilogram": "kg", "kilograms": "kg", "kilo": "kg", "kilos": "kg", "lb": "lb",
               "lbs": "lb", "pound": "lb", "pounds": "lb", "ha": "ha", "hectare": "ha",
               "hectares": "ha", "year": "year", "years": "year", "month": "month",
               "months": "month", "week": "week", "weeks": "week", "day": "day", "days": "day",
               "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
               "percent": "%", "per": "%", "%": "%", "metre": "m", "metres": "m", "meter": "m",
               "meters": "m", "feet": "ft", "foot": "ft", "ft": "ft", "century": "century",
               "centuries": "century", "decade": "decade", "decades": "decade"}


def units(text: str) -> dict[float, set[str]]:
    """The unit written after each number: '15km' -> {15: {'km'}}, '842 pounds' -> {842: {'lb'}}."""
    out: dict[float, set[str]] = {}
    for _start, end, value in number_spans(text):
        following = re.match(r"\s*(?:[-–]\s*)?(%|[a-zA-Z]+)", text[end:])
        if following and _UNIT_WORDS.get(following.group(1).lower()):
            out.setdefault(value, set()).add(_UNIT_WORDS[following.group(1).lower()])
    return out


def number_spans(text: str) -> list[tuple[int, int, float]]:
    """Where each number stands, with its value (digits, spelled-out and vague numbers)."""
    spans = [(m.start(), m.end(), _value(m.group(1), m.group(2), m.group(3), m.group(5)))
             for m in _DIGITS.finditer(text)]
    for m in _WORDS_NUMBER.finditer(text):
        value = _spelled(m.group(1))
        if value is not None and value != 1 and not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.start() + len(m.group(1).rstrip()), value))
    for m in _ORDINAL.finditer(text):
        spans.append((m.start(), m.end(), float(_ORDINALS[m.group(1).lower()])))
    for m in _VAGUE.finditer(text):
        if not any(a <= m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), next(iter(vague_numbers(m.group(0))))))
    return sorted(spans)


def months(text: str) -> frozenset[int]:
    return frozenset(_MONTHS[t.lower().rstrip(".")] for t in _TOKEN.findall(text)
                     if t[0].isupper() and t.lower().rstrip(".") in _MONTHS)


def names(text: str) -> tuple[tuple[str, ...], ...]:
    """Runs of capitalised words that name someone or something ('United Kingdom', 'Davit
    Tonoyan'), each word normalised to ASCII lower case. The first word of a sentence counts
    only when it is not an ordinary word ("The", "Since")."""
    runs: list[list[str]] = []
    last_end = -10
    for m in _CAPITALISED.finditer(text):
        word = m.group(0).rstrip(".'’").removesuffix("'s").removesuffix("’s")
        low = word.lower()
        if not word or low in STOPWORDS or low in _MONTHS or low in _WEEKDAYS:
            continue
        if _sentence_initial(text, m.start()) and ordinary(low):
            continue
        gap = text[last_end:m.start()]
        possessive = text[last_end - 2:last_end] in {"'s", "’s"}
        if runs and gap in {" ", " of ", " of the ", "-"} and not possessive:
            runs[-1].append(normal(word))
        else:
            runs.append([normal(word)])
        last_end = m.end()
    return tuple(dict.fromkeys(tuple(r) for r in runs if any(r)))


def _sentence_initial(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?:\n"


@lru_cache(maxsize=65536)
def ordinary(word: str) -> bool:
    """An ordinary English word (the dictionary's lemma is lower case: 'since', not 'Russia')."""
    import simplemma

    known = simplemma.is_known(word, lang="en")
    return known and simplemma.lemmatize(word, lang="en")[:1].islower()


@lru_cache(maxsize=65536)
def normal(word: str) -> str:
    """ASCII, lower case, no hyphens: 'Skłodowska-Curie' -> 'sklodowskacurie'."""
    return re.sub(r"[^a-z0-9]", "", anyascii(word).lower())


def facts(text: str) -> Facts:
    return Facts(numbers(text), months(text), names(text))


@dataclass(frozen=True)
class Vocabulary:
    """The evidence's words in the forms names are compared with."""

    tokens: frozenset[str]
    initials: frozenset[str]  # of runs of capitalised words: 'United Kingdom' -> 'uk'
    text: str  # normalised running text, for multi-word aliases

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        raw = [re.sub(r"['’]s$", "", t) for t in _TOKEN.findall(text)]
        joined = [normal(a) + normal(b) for a, b in zip(raw, raw[1:], strict=False)
                  if a[:1].isupper() and b[:1].isupper()]
        tokens = frozenset([normal(t) for t in raw] + joined + [
            normal(p) for t in raw if "-" in t for p in t.split("-")])
        runs = re.findall(
            r"(?:\b[A-Z][\w'’-]*(?:\s+(?:of|and|the|for)(?:\s+(?:of|the))?\s+|\s+)?){2,}", text)
        initials = frozenset("".join(w[0] for w in run.split() if w[0].isupper()).lower()
                             for run in runs)
        return cls(tokens, initials, " " + " ".join(normal(t) for t in _TOKEN.findall(text)) + " ")


def name_found(run: tuple[str, ...], vocabulary: Vocabulary) -> bool:
    """A claim's name is in the evidence: word by word, or as the abbreviation of the
    evidence's words (UK / United Kingdom) or the other way round, or by a known alias."""
    joined = "".join(run)
    initials = "".join(w[0] for w in run if w)
    if len(run) > 1 and (initials in vocabulary.tokens or f" {' '.join(run)} " in vocabulary.text):
        return True
    if joined in vocabulary.initials or any(
            f" {alias} " in vocabulary.text for alias in _ALIASES.get(joined, ())):
        return True
    return all(word_found(word, vocabulary) for word in run) or (
        len(run) > 1 and word_found(joined, vocabulary))


def word_found(name: str, vocabulary: Vocabulary) -> bool:
    """One name word: as written, with another ending (Armenia/Armenian), or transliterated
    another way (Aliev/Aliyev, Tchaikovsky/Chaikovsky, Kelbajar/Kalbajar)."""
    if name in vocabulary.tokens:
        return True
    if len(name) < 4:
        return False
    skeleton = _skeleton(name)
    for token in vocabulary.tokens:
        if len(token) < 4:
            continue
        if _same_family(name, token):
            return True
        if len(skeleton) >= 2 and _skeleton(token) == skeleton and token[0] == name[0] or (
                _skeleton(token) == skeleton and _translit(token)[0] == _translit(name)[0]):
            return True
    return False


_TRANSLIT = [("tch", "ch"), ("sch", "sh"), ("ph", "f"), ("ck", "k"), ("ch", "\x00"), ("c", "k"),
             ("q", "k"), ("\x00", "ch"), ("y", "i"), ("w", "v"), ("dj", "j"), ("dzh", "j"),
             ("kh", "h"), ("gh", "g"), ("g", "k"), ("d", "t"), ("b", "p"), ("z", "s")]


@lru_cache(maxsize=65536)
def _translit(word: str) -> str:
    for a, b in _TRANSLIT:
        word = word.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=65536)
def _skeleton(word: str) -> str:
    """Consonants after the first letter, once transliteration variants are folded:
    'aliyev' and 'aliev' -> 'lv'; 'kalbajar' and 'kelbajar' -> 'klbjr'."""
    folded = _translit(word)
    return folded[:1] + re.sub(r"[aeiou]", "", folded[1:])


_ENDINGS = frozenset("a e i n s an ian ean ese ish en ic is es ns ans ians ite ites ern ey"
                     .split())


def _same_family(a: str, b: str) -> bool:
    """One name with another ending: Armenia/Armenian, Azerbaijan/Azerbaijani, Sweden/Swedish
    (not Austria/Australia)."""
    shared = _shared_prefix(a, b)
    if shared < 4:
        return False
    rest = {a[shared:], b[shared:]} - {""}
    return all(r in _ENDINGS for r in rest)


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def numbers_found(claim: frozenset[float], evidence: frozenset[float]) -> bool:
    return all(any(abs(c - e) <= 1e-6 * max(1.0, abs(e)) for e in evidence) for c in claim)
