"""The evaluation's metrics, as plain functions of plain values so each can be checked by hand.

Answer text is compared the way SQuAD's official script does (lower case, no punctuation, no
articles, single spaces), after removing Footnote's citation markers.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

from common.text import MARKER

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def normalise(text: str) -> str:
    """SQuAD normalisation: lower case, punctuation and articles removed, spaces collapsed."""
    text = MARKER.sub(" ", text).lower().translate(_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when the normalised prediction equals one of the normalised gold answers."""
    return float(any(normalise(prediction) == normalise(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """The best token-overlap F1 between the prediction and any gold answer (SQuAD's F1)."""
    return max((_f1(normalise(prediction).split(), normalise(g).split()) for g in golds),
               default=0.0)


def _f1(predicted: list[str], gold: list[str]) -> float:
    common = sum((Counter(predicted) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when a normalised gold answer appears, on word boundaries, in the prediction: the
    fair measure for answers written as whole sentences."""
    text = f" {normalise(prediction)} "
    return float(any(g and f" {g} " in text for g in map(normalise, golds)))


def recall_at(ranks: Sequence[int], k: int) -> float:
    """Share of questions whose first relevant item is within the top k."""
    return sum(0 < r <= k for r in ranks) / len(ranks) if ranks else 0.0


def mean_reciprocal_rank(ranks: Sequence[int]) -> float:
    """Mean of 1/rank, counting an unranked question as 0."""
    return sum(1 / r for r in ranks if r > 0) / len(ranks) if ranks else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1) by linear interpolation between the closest ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(numerator: int, denominator: int) -> float | None:
    """A share, or None when nothing was counted (shown as "n/a", never as 0 or 1)."""
    return numerator / denominator if denominator else None
