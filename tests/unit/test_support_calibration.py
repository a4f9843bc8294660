"""The calibrated thresholds hold their accuracy on the labelled sets kept in tests/data."""

from __future__ import annotations

import pytest

import app.answering.relevance as rel
from app.answering.relevance import Scorer
from bench.calibrate import support_features, support_quality

pytestmark = pytest.mark.unit


def test_support_thresholds_reach_the_calibrated_accuracy(local_embedder) -> None:
    rows = support_features(Scorer(local_embedder))
    assert len(rows) >= 50 and abs(sum(r.label for r in rows) * 2 - len(rows)) <= 4
    quality = support_quality(rows, rel.SUPPORT_COSINE, rel.SUPPORT_NOVEL_WITH_COSINE)
    assert quality["precision"] >= 0.95 and quality["recall"] >= 0.65
    assert quality["accuracy"] >= 0.83


def test_changed_number_or_name_is_never_supported(local_embedder) -> None:
    scorer = Scorer(local_embedder)
    evidence = "Tonoyan held the position since May 2018."
    assert scorer.support("Tonoyan held the position since May 2018.", [evidence])[0].supported
    assert not scorer.support("Tonoyan held the position since May 2016.", [evidence])[0].supported
    assert not scorer.support("Pashinyan held the position since May 2018.",
                              [evidence])[0].supported
