"""Does a passage support a claim? Judged by meaning, with every fact verified by code.

A capable model paraphrases: "15 km" for "15km", "Aliyev" for "Aliev", "the United Kingdom" for
"UK", two sentences merged into one, "set the barn on fire" for "burned down the barn". The test:

1. the evidence is the sentence of the passage that best covers the claim, plus up to two more
   sentences of the same passage when the claim merges facts from them;
2. every fact of the claim is in the evidence: numbers by value, months, names (endings,
   transliterations, abbreviations allowed) — a changed number or name is never supported;
3. the claim does not flip the evidence: no negation, opposite (north/south, won/lost) or
   sweeping quantifier ("all", "only") that the evidence lacks;
4. its other words are covered by the evidence (same lemma, same stem, or a close word by the
   embedding model) and the meaning is close: at most `MAX_UNCOVERED` words the evidence does
   not cover, fewer as the sentence similarity drops.

The constants were fitted on the tuning half of tests/data/support_pairs_v2.jsonl only
(`python -m bench.support` reports both halves); the held-out half is never used to fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from app.answering.facts import (
    Facts,
    Vocabulary,
    facts,
    months,
    name_found,
    normal,
    number_spans,
    numbers_found,
    units,
    word_found,
)
from app.answering.relevance import Scorer
from common.text import STOPWORDS, WORD, sentence_spans

MAX_EVIDENCE_SENTENCES = 3
MIN_CLAIM_WORDS = 4  # "1 [1]." or "Nagorno-Karabakh [1]." is a fragment, not a claim
# (uncovered words allowed, sentence cosine needed): more new words need closer meaning.
ALLOWANCE = ((0, 0.3), (1, 0.62), (2, 0.74), (3, 0.8), (4, 0.86))
# Where a capable model has quoted the supporting words (check_quoted): the meaning this close,
# and at most this share of the claim's words not covered by the quoted sentences.
QUOTED_COSINE_MIN = 0.45
QUOTED_UNCOVERED_SHARE = 0.5

_NEGATORS = frozenset("not no never none nobody nothing neither nor cannot without fail unable "
                      "lack".split())
NEGATION_SCOPE = 6  # words after a negator that it negates
# A sweeping word of the claim needs one of these in the evidence.
_SWEEPING = {"all": {"all", "entire", "whole", "every", "each"}, "every": {"every", "each", "all"},
             "always": {"always"}, "entire": {"entire", "whole", "all"},
             "whole": {"whole", "entire", "all"}, "only": {"only", "single", "sole", "solely",
                                                        "alone", "exclusively"},
             "never": {"never"}, "largest": {"largest", "biggest"},
             "biggest": {"largest", "biggest"}, "smallest": {"smallest"},
             "oldest": {"oldest"}, "highest": {"highest", "tallest"}}
# Words that soften a statement; a claim that drops the evidence's is claiming more.
_HEDGES = frozenset("almost nearly probably possibly reportedly allegedly could might may "
                    "would likely".split())
_CLAIM_HEDGES = _HEDGES | frozenset("about around approximately roughly some close over under "
                                    "more less estimated expected perhaps can".split())
HEDGE_SCOPE = 4
_NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
seventy eighty ninety hundred thousand million billion trillion dozen half quarter first second
third fourth fifth sixth seventh eighth ninth tenth bn percent per cent""".split())
_SYMBOLS = {"%": "percent", "$": "dollar", "£": "pound", "€": "euro"}
_TOKEN = re.compile(r"[\w'’]+")
_OPPOSITES = [
    ("north", "south"), ("east", "west"), ("northern", "southern"), ("eastern", "western"),
    ("inside", "outside"), ("increase", "decrease"), ("rise", "fall"),
    ("more", "less"), ("more", "fewer"), ("larger", "smaller"), ("higher", "lower"),
    ("above", "below"), ("win", "lose"), ("won", "lost"), ("victory", "defeat"),
    ("buy", "sell"), ("import", "export"), ("enter", "leave"), ("open", "close"),
    ("allow", "ban"), ("accept", "reject"), ("earlier", "later"), ("start", "end"),
    ("begin", "end"), ("first", "last"), ("majority", "minority"), ("join", "leave"),
    ("resign", "appoint"), ("gain", "lose"), ("strengthen", "weaken"), ("upstream", "downstream"),
    ("success", "failure"), ("succeed", "fail"), ("public", "private"), ("east", "north"),
]
_OPPOSITE = {a: b for a, b in _OPPOSITES} | {b: a for a, b in _OPPOSITES}
# Words a paraphrase adds without adding a fact.
_LIGHT = frozenset("""
about around approximately roughly nearly almost some over least total totally including include
both known call called name named make made take took taken get got become became becomes
located locate situate situated lie lies also there such thus therefore however respectively
people person thing things part way use used using various several many much whose
report reports reported article articles source sources account accounts another other say says
said state stated note noted describe described put give gave set hold held keep kept still
""".split())


@dataclass(frozen=True)
class Verdict:
    supported: bool
    span: tuple[int, int]  # the evidence sentences' span in the passage text
    cosine: float
    uncovered: tuple[str, ...] = ()
    reason: str = ""
    score: float = 0.0


@dataclass
class _Sentence:
    start: int
    end: int
    text: str
    lemmas: frozenset[str] = field(default_factory=frozenset)
    words: frozenset[str] = field(default_factory=frozenset)  # plain lower-case words
    numbers: frozenset[float] = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Claim:
    text: str
    facts: Facts
    name_words: set[str]
    wanted: list[str]  # content lemmas the evidence must cover: no light words, no names

    @classmethod
    def of(cls, text: str) -> _Claim:
        found = facts(text)
        names = {w for run in found.names for w in run}
        wanted = [w for w in content_lemmas(text) if w not in _LIGHT and _plain(w) not in names]
        return cls(text, found, names, wanted)


@lru_cache(maxsize=131072)
def lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


def tokens(text: str) -> list[str]:
    """Lower-case words with a possessive 's dropped: "Armenia's" -> "armenia"."""
    words = (re.sub(r"['’]s$", "", w) for w in _TOKEN.findall(text.lower()))
    return [w for w in words if w]  # a lone "'s" is no word


def content_lemmas(text: str) -> list[str]:
    """Lemmas of the words that carry meaning: no stop words, numbers or one-letter words."""
    out = []
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS or word in _NUMBER_WORDS or any(ch.isdigit() for ch in word) \
                or len(word) < 2:
            continue
        out.append(lemma(word))
    return list(dict.fromkeys(out))


def is_fragment(claim: str) -> bool:
    """A bare number or name with its markers says nothing checkable."""
    words = WORD.findall(claim)
    return len(words) < MIN_CLAIM_WORDS or not any(
        w.lower() not in STOPWORDS and not w[0].isupper() and not w.isdigit() for w in words)


def _sentence(passage: str, start: int, end: int) -> _Sentence:
    text = passage[start:end]
    lemmas = set(content_lemmas(text)) | {word for symbol, word in _SYMBOLS.items()
                                          if symbol in text}
    return _Sentence(start, end, text, frozenset(lemmas), frozenset(tokens(text)),
                     facts(text).numbers)


class SupportChecker:
    """Checks claims against passages; the embedding model is shared with relevance."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def check(self, claim: str, passage: str, topic: str = "") -> Verdict:
        """`topic` is the question: a claim whose subject points back ("The garden was
        redesigned...", "It covers...") is about what the question names, so its evidence must
        name that too (not another garden of the same passage)."""
        sentences = [_sentence(passage, a, b) for a, b in sentence_spans(passage)]
        if not sentences or is_fragment(claim):
            return Verdict(False, (0, 0), 0.0, reason="fragment" if sentences else "empty")
        return self._judge(_Claim.of(claim), sentences, topic, _close_enough, passage)

    def check_quoted(self, claim: str, passage: str, quotes: Sequence[str],
                     topic: str = "") -> Verdict:
        """The claim as a capable model says `quotes` of the passage state it. The model's word
        is not taken: every quote must stand in the passage word for word, the evidence is the
        sentences holding the quotes (at most MAX_EVIDENCE_SENTENCES), and every test of
        `check` applies to them — numbers, months, names, negation, opposites, units, binding —
        except that the model's reading of the wording counts: the meaning need only be as
        close as `_quoted_close_enough` asks (fitted on the tuning half, as ALLOWANCE was)."""
        sentences = [_sentence(passage, a, b) for a, b in sentence_spans(passage)]
        if not sentences or is_fragment(claim):
            return Verdict(False, (0, 0), 0.0, reason="fragment" if sentences else "empty")
        spans = [locate(quote, passage) for quote in quotes]
        if not spans or None in spans:
            return Verdict(False, (0, 0), 0.0, reason="quote not in source")
        quoted = [s for s in sentences if any(a < s.end and s.start < b for a, b in spans)]
        if len(quoted) > MAX_EVIDENCE_SENTENCES:
            return Verdict(False, (0, 0), 0.0, reason="quote too long")
        return self._judge(_Claim.of(claim), quoted, topic, _quoted_close_enough, passage)

    def _judge(self, claim: _Claim, sentences: list[_Sentence], topic: str,
               close_enough: Callable[[int, int, float], bool], passage: str) -> Verdict:
        """Every fact of the claim in the evidence the window takes from `sentences`, nothing
        flipped, and its meaning `close_enough` (uncovered words, words wanted, cosine). A claim
        that points back must find what the question names in the evidence or the sentence
        just before it (what "it" refers to: "Its keeper wrote..." after "The lantern of
        Velmora..."), not anywhere earlier in the passage."""
        window, primary = self._window(claim.text, claim.wanted, claim.name_words,
                                       claim.facts.numbers, sentences)
        evidence = " ".join(s.text for s in window)
        span = (min(s.start for s in window), max(s.end for s in window))
        vocabulary = Vocabulary.of(evidence)
        if not numbers_found(claim.facts.numbers, frozenset().union(*(s.numbers
                                                                      for s in window))):
            return Verdict(False, span, 0.0, reason="number")
        if not claim.facts.months <= months(evidence):
            return Verdict(False, span, 0.0, reason="month")
        if not all(name_found(run, vocabulary) for run in claim.facts.names):
            return Verdict(False, span, 0.0, reason="name")
        topic_names = facts(topic).names if topic and _refers_back(claim.text) else ()
        named = Vocabulary.of(passage[_sentence_before(passage, span[0]):span[1]])
        if topic_names and (not any(name_found(run, named) for run in topic_names)
                            or _names_another(claim.text, primary.text, topic_names)):
            return Verdict(False, span, 0.0, reason="topic")
        evidence_lemmas = frozenset().union(*(s.lemmas for s in window))
        flipped = _flipped(claim.text, evidence, evidence_lemmas) \
            or _unit_changed(claim.text, evidence) \
            or _unbound(claim.text, window, primary, _borrowed_names(claim.name_words, primary))
        if flipped:
            return Verdict(False, span, 0.0, reason=flipped)
        uncovered = self._uncovered(claim.wanted, evidence_lemmas)
        cosine = float(self.scorer.cosines(claim.text, [evidence])[0])
        allowed = close_enough(len(uncovered), len(claim.wanted), cosine)
        score = cosine - 0.1 * len(uncovered)
        return Verdict(allowed, span, cosine, tuple(uncovered),
                       "" if allowed else "meaning", score)

    def _window(self, claim: str, wanted: list[str], names: set[str],
                numbers: frozenset[float],
                sentences: list[_Sentence]) -> tuple[list[_Sentence], _Sentence]:
        """The sentence covering most of the claim's words, names and numbers (closest in
        meaning on ties), then sentences covering what is still missing, up to
        MAX_EVIDENCE_SENTENCES: a claim may merge facts of several sentences. Returns the
        window in passage order and the sentence that says most of what the claim says."""
        cosines = self.scorer.cosines(claim, [s.text for s in sentences])
        targets = {("w", w) for w in wanted} | {("n", w) for w in names} | {
            ("#", n) for n in numbers}

        def covers(s: _Sentence, target: tuple[str, object]) -> bool:
            kind, value = target
            if kind == "w":
                return value in s.lemmas
            if kind == "n":
                return value in s.words or any(value[:4] == w[:4] for w in s.words if len(w) > 3)
            return any(abs(value - n) < 1e-6 for n in s.numbers)  # type: ignore[operator]

        def gain(s: _Sentence, missing: set) -> int:
            return sum(covers(s, t) for t in missing)

        order = sorted(range(len(sentences)),
                       key=lambda i: (-gain(sentences[i], targets), -cosines[i]))
        chosen = [order[0]]
        missing = {t for t in targets if not covers(sentences[order[0]], t)}
        while missing and len(chosen) < MAX_EVIDENCE_SENTENCES:
            best = max((i for i in range(len(sentences)) if i not in chosen),
                       key=lambda i: (gain(sentences[i], missing), cosines[i]), default=None)
            if best is None or gain(sentences[best], missing) == 0:
                break
            chosen.append(best)
            missing = {t for t in missing if not covers(sentences[best], t)}
        # The primary sentence says what the claim says (its words), whoever it names.
        primary = max(chosen, key=lambda i: (gain(sentences[i], {t for t in targets
                                                                 if t[0] == "w"}), cosines[i]))
        return [sentences[i] for i in sorted(chosen)], sentences[primary]

    def _uncovered(self, wanted: Sequence[str], evidence_lemmas: frozenset[str]) -> list[str]:
        missing = [w for w in wanted if not _stem_found(w, evidence_lemmas)]
        close = self.scorer.close_words(missing, sorted(evidence_lemmas), _OPPOSITE)
        return [w for w, found in zip(missing, close, strict=True) if not found]


MIN_QUOTE_WORDS = 3  # a quote of one or two words could point anywhere
_ELLIPSIS = re.compile(r"\.\.\.|…")
_SAME_CHAR = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                            "‑": "-", "\u00a0": " "})


def locate(quote: str, passage: str) -> tuple[int, int] | None:
    """Where the quote stands in the passage, word for word: case, white space, curly quotes
    and dashes aside; "..." may leave words out between parts, which must come in order.
    None when it is not there (or too short to point at one place)."""
    text, at = _comparable(passage)
    parts = [_comparable(part.strip(" \"'“”‘’"))[0] for part in _ELLIPSIS.split(quote)]
    parts = [part for part in parts if part]
    if not parts or sum(len(part.split()) for part in parts) < MIN_QUOTE_WORDS:
        return None
    start = end = -1
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        if found < 0:
            return None
        start = found if start < 0 else start
        end = pos = found + len(part)
    return at[start], at[end - 1] + 1


def _comparable(text: str) -> tuple[str, list[int]]:
    """The text lower-cased, with white space runs as one space and quotes and dashes of one
    kind; and for each of its characters, where it stood in `text`."""
    out: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text.translate(_SAME_CHAR).lower()):
        if ch.isspace():
            if not out or out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        at.append(i)
    while out and out[-1] == " ":
        out.pop()
        at.pop()
    return "".join(out), at


def _close_enough(uncovered: int, wanted: int, cosine: float) -> bool:
    return any(uncovered <= n and cosine >= c for n, c in ALLOWANCE)


def _quoted_close_enough(uncovered: int, wanted: int, cosine: float) -> bool:
    return _close_enough(uncovered, wanted, cosine) or (
        cosine >= QUOTED_COSINE_MIN and uncovered <= QUOTED_UNCOVERED_SHARE * wanted)


_CLAUSE = re.compile(r"[.;:!?,—–()\"“”]")


def _scoped(text: str, triggers: frozenset[str], scope: int) -> set[str]:
    """Lemmas of the words within `scope` words after a trigger word, in the same clause."""
    out: set[str] = set()
    for clause in _CLAUSE.split(text):
        words = tokens(clause)
        for i, word in enumerate(words):
            if lemma(word) in triggers or word in triggers or word.endswith(("n't", "n’t")):
                out.update(lemma(w) for w in words[i + 1:i + 1 + scope])
    return out


def _flipped(claim: str, evidence: str, evidence_lemmas: frozenset[str]) -> str:
    """Why the claim says the opposite of, or more than, the evidence; or ''."""
    claim_words, evidence_words = tokens(claim), tokens(evidence)
    claim_lemmas = {lemma(w) for w in claim_words}
    evidence_all = {lemma(w) for w in evidence_words}
    claim_negated = _scoped(claim, _NEGATORS, NEGATION_SCOPE)
    evidence_negated = _scoped(evidence, _NEGATORS, NEGATION_SCOPE)
    for word in (claim_negated - evidence_negated) & evidence_lemmas - STOPWORDS:
        if word not in _LIGHT:
            return "negation"
    for word in (evidence_negated - claim_negated) & claim_lemmas - STOPWORDS:
        if word in evidence_lemmas and word not in _LIGHT:
            return "negation"
    for word in claim_lemmas:
        other = _OPPOSITE.get(word)
        if other and other in evidence_all and word not in evidence_all:
            return "opposite"
    for word in claim_lemmas & set(_SWEEPING):
        if not _SWEEPING[word] & evidence_all:
            return "sweeping"
    if not _CLAIM_HEDGES & claim_lemmas:
        hedged = _scoped(evidence, _HEDGES, HEDGE_SCOPE) - STOPWORDS - _LIGHT
        if hedged & claim_lemmas:
            return "hedge"
    return ""


def _unit_changed(claim: str, evidence: str) -> str:
    """'842 kilograms' for '842 pounds', 'seven years' for 'seven months'."""
    evidence_units = units(evidence)
    for value, claimed in units(claim).items():
        written = evidence_units.get(value)
        if written and not claimed & written:
            return "unit"
    return ""


CONTEXT_CLAIM = 5  # words either side of a fact in the claim
CONTEXT_EVIDENCE = 8  # ...and in the evidence sentence
BORROWED_CONTEXT = 2  # context words shared around a number found outside the primary sentence


def _items(text: str) -> list[str]:
    """The sentence as comparable items: numbers as '#value', other words as lemmas."""
    out: list[str] = []
    pos = 0
    for start, end, value in number_spans(text):
        if start < pos:
            continue
        out.extend(lemma(w) for w in tokens(text[pos:start]))
        out.append(f"#{value:g}")
        pos = end
    out.extend(lemma(w) for w in tokens(text[pos:]))
    return out


def _context(items: list[str], at: int, width: int, names: set[str]) -> set[str]:
    """The words around a fact, other than names (a name's own first name is no context)."""
    return {x for x in items[max(0, at - width):at + width + 1]
            if x not in STOPWORDS and x not in _LIGHT and len(x) > 1
            and _plain(x) not in names} - {items[at]}


def _borrowed_names(name_words: set[str], primary: _Sentence) -> set[str]:
    """The claim's name words that its best evidence sentence lacks (found elsewhere)."""
    return {w for w in name_words if w not in {_plain(t) for t in primary.words}}


def _unbound(claim: str, window: list[_Sentence], primary: _Sentence, names: set[str]) -> str:
    """Each number, and each name borrowed from another sentence of the passage, must stand in
    the evidence where the claim puts it: next to some of the same words. '1350' found in 'from
    1348 to 1350' does not support 'introduced in Norway in 1350' when the evidence says
    'introduced in Norway in 1349'; 'licensed by Thomas Edison' is not supported by a passage
    where the licence went to Westinghouse and Edison is named two sentences earlier."""
    claim_items = _items(claim)
    evidence = [_items(s.text) for s in window]
    facts_at = [i for i, x in enumerate(claim_items) if x.startswith("#") or _plain(x) in names]
    for at in facts_at:
        fact = claim_items[at]
        context = _context(claim_items, at, CONTEXT_CLAIM, names)
        if not context:
            continue
        found_any, bound = False, False
        for items, sentence in zip(evidence, window, strict=True):
            # a number taken from another sentence than the one saying most of the claim needs
            # more of its words around it: "won three of the six packages" is not bound by
            # "a package of 120 games across the three seasons" two sentences on
            needed = 1 if sentence is primary or not fact.startswith("#") \
                else min(BORROWED_CONTEXT, len(context))
            for j, item in enumerate(items):
                if not _same_fact(fact, item):
                    continue
                found_any = True
                near = _context(items, j, CONTEXT_EVIDENCE, names)
                if sum(any(_same_word(c, n) for n in near) for c in context) >= needed:
                    bound = True
                    break
            if bound:
                break
        if found_any and not bound:
            return "unbound"
    return ""


def _same_fact(a: str, b: str) -> bool:
    if a.startswith("#") or b.startswith("#"):
        return a == b
    if a == b:
        return True
    single = Vocabulary(frozenset({normal(b)}), frozenset(), "")
    return len(a) >= 4 and word_found(normal(a), single)


def _same_word(a: str, b: str) -> bool:
    return a == b or _stem_found(a, frozenset({b})) or _same_fact(a, b)


_POINTING = frozenset("it its he his she her they their this that these those the".split())


def _sentence_before(passage: str, start: int) -> int:
    """Where the sentence before the one starting at `start` starts (`start` if none)."""
    starts = [a for a, _ in sentence_spans(passage) if a < start]
    return starts[-1] if starts else start


def _refers_back(claim: str) -> bool:
    """The claim's subject is a pronoun or a bare 'the garden': it names its topic elsewhere."""
    words = claim.split()
    if not words or words[0].lower() not in _POINTING:
        return False
    return words[0].lower() != "the" or (len(words) > 1 and words[1][:1].islower())


def _names_another(claim: str, sentence: str, topic_names: Sequence[tuple[str, ...]]) -> bool:
    """'The garden was redesigned...' asked of the Saxon Garden, where the sentence saying so
    names the Krasiński Palace Garden: the claim is about another garden."""
    words = claim.split()
    head = _plain(words[1].lower()) if words[0].lower() == "the" and len(words) > 1 else ""
    topic_words = {w for run in topic_names for w in run} - {head}
    return bool(head) and any(head in run and not topic_words & set(run)
                              for run in facts(sentence).names)


def _plain(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word)


def _stem_found(word: str, lemmas: frozenset[str]) -> bool:
    """Same word, or one of its family: 'occupation'/'occupy', 'displacement'/'displace'."""
    if word in lemmas:
        return True
    if len(word) < 5:
        return False
    stem = word[: max(5, len(word) - 3)]
    return any(len(other) >= 5 and (other.startswith(stem) or word.startswith(
        other[: max(5, len(other) - 3)])) for other in lemmas)
