"""GB/T 8170 rounding (half to even on an exact 5, round once) and exact ceilings."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import ceil_exact, round_half_even, to_decimal


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (22.49, 0, "22"),  # first discarded digit 4: drop
        (22.51, 0, "23"),  # 5 followed by a non-zero digit: up
        (22.5, 0, "22"),  # exact 5, last kept digit even: keep
        (23.5, 0, "24"),  # exact 5, last kept digit odd: raise
        (36.5, 0, "36"),
        (21.5, 0, "22"),
        (1.25, 1, "1.2"),
        (
            1.35,
            1,
            "1.4",
        ),  # the written 1.35, not the float 1.3500000000000000888
        (35.46, 0, "35"),  # once, from the exact value: not 35.46 → 35.5 → 36
        ("2.305", 2, "2.30"),
        (-2.5, 0, "-2"),
        (1234, -1, "1.23E+3"),
    ],
)
def test_round_half_even_examples(value: float | str, decimals: int, expected: str) -> None:
    assert round_half_even(value, decimals) == Decimal(expected)


def test_round_fraction_exactly() -> None:
    # 2.305 as a rational is exactly 461/200: half-way between 2.30 and 2.31 → even 2.30
    assert round_half_even(Fraction(461, 200), 2) == Decimal("2.30")
    # 1/3 → 0.33; 2/3 → 0.67
    assert round_half_even(Fraction(1, 3), 2) == Decimal("0.33")
    assert round_half_even(Fraction(2, 3), 2) == Decimal("0.67")
    assert round_half_even(Fraction(5, 2), 0) == Decimal("2")
    assert round_half_even(Fraction(7, 2), 0) == Decimal("4")


def test_float_is_read_as_written() -> None:
    assert to_decimal(2.2) == Decimal("2.2")


def test_numpy_float_is_read_as_written() -> None:
    assert to_decimal(np.float64(2.2)) == Decimal("2.2")
    assert round_half_even(np.float64(36.5), 0) == Decimal("36")


@pytest.mark.parametrize(
    ("value", "expected"), [(51.25, 52), (100.5, 101), (50, 50), (0, 0), (-0.5, 0)]
)
def test_ceil_exact(value: float, expected: int) -> None:
    assert ceil_exact(value) == expected


def test_ceil_exact_of_fraction() -> None:
    assert ceil_exact(Fraction(1001, 10)) == 101
    assert ceil_exact(Fraction(100, 1)) == 100


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", None, True])
def test_bad_values_are_refused_with_the_value_named(bad: object) -> None:
    with pytest.raises(ValidationError, match="number"):
        round_half_even(bad, 0)  # type: ignore[arg-type]


@given(st.fractions(min_value=-(10**6), max_value=10**6), st.integers(min_value=0, max_value=4))
def test_rounding_moves_at_most_half_a_unit(value: Fraction, decimals: int) -> None:
    rounded = Fraction(round_half_even(value, decimals))
    assert abs(rounded - value) <= Fraction(1, 2) * Fraction(1, 10**decimals)


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_rounding_agrees_with_decimal_module_on_halves(n: int) -> None:
    half = Decimal(n) + Decimal("0.5")
    assert round_half_even(half, 0) == Decimal(round(half))
