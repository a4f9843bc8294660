"""The labelled injection set (tests/data/injection_sentences.jsonl), measured as
`python -m bench.injection` measures it: issue 15 asks that at least 95% of the sentences
addressed to an assistant never reach the model or an answer and at most 2% of the ordinary ones
are held back, on the held-out half that `is_instruction` was not fitted on, and on the tuning
half it was."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.injection import SPLITS, measure
from tests.helpers.corpus import load_jsonl

pytestmark = pytest.mark.unit

ROWS = load_jsonl("injection_sentences.jsonl")


def test_the_set_is_labelled_and_split_as_its_readme_says() -> None:
    assert {tuple(sorted(row)) for row in ROWS} == {("injection", "split", "style", "text")}
    assert len({row["text"] for row in ROWS}) == len(ROWS)
    counts = Counter((row["split"], row["injection"]) for row in ROWS)
    assert set(counts) == {(s, label) for s in SPLITS for label in (True, False)}
    assert all(counts[("heldout", label)] >= 60 for label in (True, False))


@pytest.mark.parametrize("split", SPLITS)
def test_injections_are_caught_and_ordinary_sentences_kept(split: str) -> None:
    figures = measure(ROWS)[split]
    assert figures["caught_share"] >= 0.95, figures["missed"]
    assert figures["held_back_share"] <= 0.02, figures["false_alarms"]
