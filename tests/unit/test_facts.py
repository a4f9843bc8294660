"""Facts are compared after normalisation: the ways writers vary a number or a name compare
equal, a changed value never does."""

from __future__ import annotations

import pytest

from app.answering.facts import Vocabulary, facts, name_found, numbers, numbers_found, units

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("written,same", [
    ("15km", "15 km"), ("250,000", "250 000"), ("a quarter of a million", "250,000"),
    ("twelve", "12"), ("77 percent", "77%"), ("£1.3bn", "1.3 billion"), ("2½", "two and a half"),
    ("third anniversary", "3rd anniversary"), ("6-week war", "six-week war"),
    ("its 6-week war", "a six-week war"), ("a dozen", "12"), ("an eight-hour day", "8-hour day"),
])
def test_number_written_another_way_is_the_same_number(written: str, same: str) -> None:
    assert numbers(written) == numbers(same)
    assert numbers_found(numbers(written), numbers(same))


def test_changed_numbers_and_orders_of_magnitude_differ() -> None:
    assert not numbers_found(numbers("49–18"), numbers("49–15"))
    assert numbers("tens of thousands") != numbers("thousands")
    assert not numbers_found(numbers("2016"), numbers("May 2018"))


def test_a_number_in_another_unit_is_not_the_same_fact() -> None:
    assert units("842 kilograms") == {842.0: {"kg"}}
    assert units("842 pounds (382 kg)") == {842.0: {"lb"}, 382.0: {"kg"}}
    assert units("seven months") == {7.0: {"month"}}


@pytest.mark.parametrize("claim,evidence", [
    ("Ilham Aliev spoke.", "President Ilham Aliyev said"),
    ("The Kelbajar district", "Kalbajar district"),
    ("Tchaikovsky wrote it.", "Chaikovsky wrote it"),
    ("The United Kingdom", "the UK's largest company"),
    ("OPEC said", "the Organization of the Petroleum Exporting Countries said"),
    ("Armenia agreed", "the Armenian side"),
    ("Marie Curie", "Maria Skłodowska-Curie"),
])
def test_name_variants_are_found(claim: str, evidence: str) -> None:
    vocabulary = Vocabulary.of(evidence)
    assert all(name_found(run, vocabulary) for run in facts(claim).names)


@pytest.mark.parametrize("claim,evidence", [
    ("Pashinyan resigned.", "Tonoyan resigned"), ("in Australia", "in Austria"),
    ("Albania said", "Armenia said"), ("Iraq said", "Iran said"),
])
def test_other_names_are_not_found(claim: str, evidence: str) -> None:
    vocabulary = Vocabulary.of(evidence)
    assert not all(name_found(run, vocabulary) for run in facts(claim).names)
