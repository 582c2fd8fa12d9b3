"""Period means and assessment rounding (reference §5.2, §8; Q7, Q8, Q9, Q19; W15, W25)."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.water import (
    DEFAULT_RULES,
    Item,
    NotDetected,
    Reading,
    assessment_decimals,
    classify_item,
    mean_over_sections,
    period_mean,
    round_for_assessment,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


def water_vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    return next(v for v in vectors if v["id"] == vector_id)


def test_w25_rounding() -> None:
    vector = water_vector("W25")
    for (value, decimals), expected in zip(
        vector["input"]["values"], vector["expected"]["rounded"], strict=True
    ):
        assert round_for_assessment(value, decimals) == Decimal(str(expected)), value


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.125, 2, "0.12"),  # exact 5, kept digit 2 even: keep
        (0.135, 2, "0.14"),  # exact 5, kept digit 3 odd: raise
        (0.1251, 2, "0.13"),  # more than half: up
        (2.5, 0, "2"),
        (0.0004, 3, "0.0004"),  # would be 0.000: keep one significant digit
        (0.00045, 3, "0.0004"),  # one significant digit, itself half-even
        (0.00096, 3, "0.001"),  # 0.00096 → 0.001 at 3 dp, not zero
        (0, 3, "0.000"),  # a true zero stays zero
    ],
)
def test_round_for_assessment(value: float, decimals: int, expected: str) -> None:
    assert round_for_assessment(value, decimals) == Decimal(expected)


def test_keep_one_significant_digit_is_switchable() -> None:
    assert round_for_assessment(0.0004, 3, keep_one_significant_digit=False) == 0


@pytest.mark.parametrize(
    ("item", "decimals"),
    [
        ("DO", 1),
        ("CODMn", 1),
        ("NH3-N", 2),
        ("TP", 3),
        ("Hg", 5),
        ("Cd", 5),
        ("petroleum", 2),
        ("volatile_phenol", 4),
        ("S2-", 3),
        ("pH", 2),
    ],
)
def test_assessment_decimals(item: str, decimals: int) -> None:
    # reference §8 table; pH 2 instead of the listed 0 (Q7)
    assert assessment_decimals(item) == decimals


def test_w15_quarter_mean_class() -> None:
    vector = water_vector("W15")
    mean = period_mean("NH3N", vector["input"]["monthly_values"], period="quarter")
    # (0.8 + 1.1 + 1.4) / 3 = 1.1 → 1.10 at 2 dp
    assert mean.value == Decimal(str(vector["expected"]["mean"]))
    # 1.0 < 1.1 ≤ 1.5 → IV; the worst sample 1.4 would also be IV, the best 0.8 III
    assert classify_item("NH3-N", mean.value) == vector["expected"]["class"]
    assert mean.sufficient is True


def test_period_mean_rounds_before_classifying() -> None:
    # TP 0.1004 and 0.1004 → mean 0.1004 → 0.100 (3 dp) → Class II, not III (reference §8)
    mean = period_mean("TP", [0.1004, 0.1004])
    assert mean.value == Decimal("0.100")
    assert classify_item("TP", mean.value) == "II"
    # Q9 switched off: the exact mean 0.1004 → III
    rules = dataclasses.replace(DEFAULT_RULES, round_period_mean=False)
    exact = period_mean("TP", [0.1004, 0.1004], rules=rules)
    assert exact.value == Decimal("0.1004")
    assert classify_item("TP", exact.value) == "III"


def test_period_mean_rounding_is_exact() -> None:
    # (0.12 + 0.13) / 2 = 0.125 exactly → 0.12 (half-even), not 0.13 from a float 0.12500000001
    assert period_mean("NH3-N", [0.12, 0.13]).value == Decimal("0.12")
    # 1/3 → 0.333… → 0.33
    assert period_mean("NH3-N", [0, 0, 1]).value == Decimal("0.33")


def test_ph_mean_through_hydrogen_ion() -> None:
    # −lg((10^−6 + 10^−8)/2) = −lg(5.05 × 10^−7) = 6.2967… → 6.30 (reference §8)
    assert period_mean("pH", [6.0, 8.0]).value == Decimal("6.30")
    # equal values: the mean is the value
    assert period_mean("pH", [7.25, 7.25]).value == Decimal("7.25")


def test_missing_values_are_skipped_and_counted() -> None:
    mean = period_mean("NH3-N", [0.5, None, float("nan"), 0.7])
    # (0.5 + 0.7)/2 = 0.6
    assert mean.value == Decimal("0.60")
    assert (mean.n_samples, mean.n_missing) == (2, 2)
    empty = period_mean("NH3-N", [None, None], period="month")
    assert empty.value is None
    assert empty.sufficient is False


def test_non_detects_in_means() -> None:
    # Q8: ND (DL 0.02) counts 0.01: (0.01 + 0.05)/2 = 0.03 → 0.030 at 3 dp
    mean = period_mean("TP", [NotDetected("0.02"), 0.05])
    assert mean.value == Decimal("0.030")
    assert mean.n_non_detects == 1


@pytest.mark.parametrize(
    ("period", "n", "sufficient"),
    [
        ("month", 1, True),
        ("quarter", 1, False),
        ("quarter", 2, True),
        ("year", 7, False),
        ("year", 8, True),
        ("year", 12, True),
    ],
)
def test_period_sample_counts(period: str, n: int, sufficient: bool) -> None:
    # reference §5.2; Q19: an annual mean from < 8 samples is computed and flagged
    mean = period_mean("CODMn", [3.0] * n, period=period)
    assert mean.value == Decimal("3.0")
    assert mean.sufficient is sufficient


def test_bad_values_in_means() -> None:
    with pytest.raises(ValidationError, match=r"NH3-N.*-1"):
        period_mean("NH3-N", [0.5, -1])
    with pytest.raises(UnknownNameError, match="quarter"):
        period_mean("NH3-N", [0.5], period="fortnight")


def test_mean_over_sections() -> None:
    sections: list[dict[str, Reading]] = [
        {"NH3-N": 0.3, "pH": 6.0},
        {"NH3-N": 0.4, "pH": 8.0},
        {"NH3-N": 1.2},
        {"NH3-N": 0.5, "TP": None},
    ]
    means = mean_over_sections(sections)
    # (0.3 + 0.4 + 1.2 + 0.5)/4 = 0.6; pH over the two sections that report it = 6.30
    assert means == {Item.PH: Decimal("6.30"), Item.NH3N: Decimal("0.60"), Item.TP: None}


def test_exact_fraction_rounding() -> None:
    assert round_for_assessment(Fraction(1, 8), 2) == Decimal("0.12")
