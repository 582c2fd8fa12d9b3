"""The Leq family: energy mean, decibel sum and difference, statistical levels (reference §2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise import (
    LEVEL_RANGE_DB,
    db_subtract,
    db_sum,
    leq,
    leq_from_statistical_levels,
    reported_level,
    statistical_levels,
)

plausible = st.floats(min_value=20.0, max_value=140.0, allow_nan=False)
level_arrays = arrays(np.float64, st.integers(1, 40), elements=plausible)


def test_leq_of_equal_levels_is_that_level() -> None:
    # 10·lg(3·10^5.5/3) = 55
    assert float(leq([55.0, 55.0, 55.0])) == pytest.approx(55.0, abs=1e-12)


def test_leq_leaves_missing_intervals_out() -> None:
    # 10·lg((10^5 + 10^7)/2) = 10·lg(5.05·10^6) = 67.03; a NaN is missing, not 0 dB
    assert float(leq([50.0, np.nan, 70.0])) == pytest.approx(67.03, abs=0.005)
    assert float(leq([50.0, None, 70.0])) == pytest.approx(67.03, abs=0.005)


def test_leq_of_nothing_is_missing() -> None:
    assert math.isnan(float(leq([np.nan, np.nan])))


def test_leq_with_durations_ignores_missing_durations() -> None:
    # 45 min at 60 and 15 min at 70 (N05); a missing 30-min interval changes nothing
    assert float(leq([60.0, 70.0, np.nan], [45, 15, 30])) == pytest.approx(65.12, abs=0.005)


def test_leq_vectorised_over_rows() -> None:
    # row 1: 50/60/70 → 65.68 (N01); row 2: 40/40/40 → 40
    result = leq(np.array([[50.0, 60.0, 70.0], [40.0, 40.0, 40.0]]))
    np.testing.assert_allclose(result, [65.68, 40.0], atol=0.005)


@pytest.mark.parametrize("duration", [0, -1, math.inf, math.nan])
def test_leq_refuses_bad_durations(duration: float) -> None:
    with pytest.raises(ValidationError, match="duration"):
        leq([50.0, 60.0], [10.0, duration])


@pytest.mark.parametrize("bad", [-0.5, 200.1, 999.9, math.inf, -math.inf])
def test_levels_outside_the_plausible_range_are_refused(bad: float) -> None:
    assert LEVEL_RANGE_DB == (0.0, 200.0)
    with pytest.raises(ValidationError, match=repr(bad).replace("inf", "inf")):
        leq([50.0, bad])


def test_range_limits_themselves_are_accepted() -> None:
    # 10·lg((10^0 + 10^20)/2) = 200 − 10·lg 2 = 196.99
    assert float(leq([0.0, 200.0])) == pytest.approx(196.99, abs=0.005)


def test_text_is_refused_as_a_level() -> None:
    with pytest.raises(ValidationError, match="numbers in dB"):
        leq(["loud"])


def test_db_sum_of_two_equal_levels_adds_three_db() -> None:
    # 10·lg(2·10^5) = 50 + 3.0103 = 53.01
    assert float(db_sum([50.0, 50.0])) == pytest.approx(53.01, abs=0.005)


def test_db_sum_with_a_missing_component_is_missing() -> None:
    assert math.isnan(float(db_sum([50.0, np.nan])))


def test_db_sum_of_nothing_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        db_sum([])


def test_db_subtract_ten_db_below_changes_half_a_db() -> None:
    # 10·lg(10^6 − 10^5) = 10·lg(9·10^5) = 59.54
    assert float(db_subtract(60.0, 50.0)) == pytest.approx(59.54, abs=0.005)


@pytest.mark.parametrize(("total", "background"), [(60.0, 60.0), (59.0, 60.0)])
def test_db_subtract_needs_total_above_background(total: float, background: float) -> None:
    with pytest.raises(ValidationError, match=f"{total!r} dB must exceed background"):
        db_subtract(total, background)


def test_db_subtract_missing_gives_missing() -> None:
    assert math.isnan(float(db_subtract(np.nan, 50.0)))


@settings(max_examples=60, deadline=None)
@given(level_arrays)
def test_db_sum_is_at_least_the_loudest(levels: np.ndarray) -> None:
    assert float(db_sum(levels)) >= levels.max() - 1e-9


@settings(max_examples=60, deadline=None)
@given(level_arrays)
def test_leq_lies_between_min_and_max(levels: np.ndarray) -> None:
    result = float(leq(levels))
    assert levels.min() - 1e-9 <= result <= levels.max() + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=50.0, max_value=140.0), st.floats(min_value=0.1, max_value=30.0))
def test_subtract_undoes_sum(source: float, margin: float) -> None:
    background = source - margin
    total = float(db_sum([source, background]))
    assert float(db_subtract(total, background)) == pytest.approx(source, abs=1e-6)


def test_leq_from_statistical_levels_vectorised() -> None:
    # 63 + (70 − 58)²/60 = 65.4 (N21); 50 + (56 − 46)²/60 = 51.67
    result = leq_from_statistical_levels([70.0, 56.0], [63.0, 50.0], [58.0, 46.0])
    np.testing.assert_allclose(result, [65.4, 51.6667], atol=1e-4)


def test_rank_convention_on_100_samples() -> None:
    # samples 1 … 100; descending: 100, 99, … The 10th is 91, the 50th 51, the 90th 11,
    # the 5th 96, the 95th 6   reference §2, N-Q6
    stats = statistical_levels(np.arange(1.0, 101.0))
    assert (float(stats.l10), float(stats.l50), float(stats.l90)) == (91.0, 51.0, 11.0)
    assert (float(stats.l5), float(stats.l95)) == (96.0, 6.0)
    assert (float(stats.lmax), float(stats.lmin), int(stats.count)) == (100.0, 1.0, 100)


def test_rank_convention_on_200_samples() -> None:
    # samples 0.5, 1.0, … 100.0; descending ranks 20, 100, 180 → 90.5, 50.5, 10.5
    stats = statistical_levels(np.arange(1, 201) / 2)
    assert (float(stats.l10), float(stats.l50), float(stats.l90)) == (90.5, 50.5, 10.5)


def test_rank_rounds_a_fractional_rank_up() -> None:
    # 25 samples 1 … 25: rank ⌈0.1·25⌉ = ⌈2.5⌉ = 3 → 23; ⌈12.5⌉ = 13 → 13; ⌈22.5⌉ = 23 → 3
    stats = statistical_levels(np.arange(1.0, 26.0))
    assert (float(stats.l10), float(stats.l50), float(stats.l90)) == (23.0, 13.0, 3.0)


def test_interpolated_percentiles_differ_from_rank() -> None:
    # 100 samples 1 … 100: 90th percentile by linear interpolation = 1 + 0.9·99 = 90.1,
    # 10th = 1 + 0.1·99 = 10.9 (rank method: 91 and 11)
    stats = statistical_levels(np.arange(1.0, 101.0), method="interpolated")
    assert float(stats.l10) == pytest.approx(90.1)
    assert float(stats.l90) == pytest.approx(10.9)


def test_statistics_skip_missing_samples_and_give_sd() -> None:
    # valid 50, 52, 54, 56: mean 53, squares 9 + 1 + 1 + 9 = 20; SD = √(20/3) = 2.582
    # (population: √(20/4) = 2.236)
    samples = [50.0, np.nan, 52.0, 54.0, 56.0]
    assert float(statistical_levels(samples).sd) == pytest.approx(2.582, abs=5e-4)
    assert float(statistical_levels(samples, sd_ddof=0).sd) == pytest.approx(2.236, abs=5e-4)
    assert int(statistical_levels(samples).count) == 4


def test_statistics_vectorised_with_an_empty_row() -> None:
    rows = np.array([[60.0, 50.0, 40.0], [np.nan, np.nan, np.nan]])
    stats = statistical_levels(rows)
    # row 1: n = 3, rank ⌈0.3⌉ = 1 → 60; ⌈1.5⌉ = 2 → 50; ⌈2.7⌉ = 3 → 40
    assert stats.l10[0] == 60.0
    assert stats.l50[0] == 50.0
    assert stats.l90[0] == 40.0
    assert np.isnan(stats.l50[1])
    assert np.isnan(stats.leq[1])
    assert np.isnan(stats.sd[1])
    assert stats.count.tolist() == [3, 0]


def test_unknown_percentile_method_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="rank, interpolated"):
        statistical_levels([50.0], method="nearest")


def test_sd_ddof_must_be_zero_or_one() -> None:
    with pytest.raises(ValidationError, match="sd_ddof"):
        statistical_levels([50.0, 51.0], sd_ddof=2)


@pytest.mark.parametrize(
    ("level", "reported"),
    [
        (50.04, "50.0"),
        (50.05, "50.0"),  # half to even: 5 after an even digit stays
        (50.15, "50.2"),  # half to even: 5 after an odd digit goes up
        (50.06, "50.1"),
    ],
)
def test_reported_level_is_half_even_to_a_tenth(level: float, reported: str) -> None:
    assert str(reported_level(level)) == reported


def test_reported_level_without_rounding_keeps_the_written_value() -> None:
    assert str(reported_level(50.04, None)) == "50.04"
