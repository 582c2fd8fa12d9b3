"""Series helpers: validity thresholds (S1), runs, alignment, O2 conversion, local days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.series import (
    FlagPolicy,
    Series,
    aligned,
    contiguous_runs,
    converted_concentration,
    local_day_starts,
    period_means,
    true_runs,
)

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())


def test_true_runs_bounds() -> None:
    first, end = true_runs(np.array([True, True, False, True, False, False, True]))
    assert first.tolist() == [0, 3, 6]
    assert end.tolist() == [2, 4, 7]


def test_contiguous_runs_break_at_missing_interval() -> None:
    starts = np.array([0, 60, 120, 240, 300], dtype=np.int64)
    assert contiguous_runs(np.ones(5, dtype=bool), starts, 60) == [(0, 3), (3, 5)]


def test_conversion_to_reference_o2() -> None:
    # HJ 212-2017 App. D.2.3: 150 × (21 − 9)/(21 − 12) = 150 × 12/9 = 200
    result = converted_concentration(
        np.array([150.0, 150.0, 150.0]), np.array([12.0, np.nan, 19.5]), 9.0, o2_cap_pct=19.0
    )
    assert result[0] == pytest.approx(200.0)
    # Missing O2, and O2 at or above the cap, give no converted value (not judged).
    assert np.isnan(result[1:]).all()


def test_flag_policy_over_range_switch() -> None:
    flags = np.array(["N", "T", "D", "F"])
    assert FlagPolicy().valid(flags).tolist() == [True, True, False, False]
    assert FlagPolicy(over_range_counts=False).valid(flags).tolist() == [True, False, False, False]
    assert FlagPolicy().marked(flags).tolist() == [False, False, True, False]
    with pytest.raises(UnknownNameError, match="'X'"):
        FlagPolicy(valid_flags=frozenset({"X"}))


def test_series_refuses_unsorted_starts() -> None:
    with pytest.raises(ValidationError, match="strictly increasing"):
        Series(np.array([60, 0]), np.array([1.0, 2.0]), np.array(["N", "N"]))


def test_aligned_fills_missing_starts() -> None:
    base = Series(np.array([0, 60, 120]), np.zeros(3), step_s=60)
    other = Series(np.array([60, 180]), np.array([5.0, 7.0]), np.array(["N", "D"]), step_s=60)
    values, flags = aligned(base, other)
    assert np.isnan(values[[0, 2]]).all()
    assert values[1] == 5.0
    assert flags.tolist() == ["", "N", ""]


def test_local_day_starts_in_asia_shanghai() -> None:
    # 2026-06-01T23:30+08:00 belongs to 2026-06-01; 00:30 the next day to 2026-06-02.
    late = T0 + 23 * 3600 + 1800
    assert local_day_starts(np.array([late, late + 3600])).tolist() == [T0, T0 + 86_400]
    # Before 1992 the tz database knows summer time: 1988-07-01 00:30+09:00 (CDT).
    summer = int(dt.datetime(1988, 7, 1, 0, 30, tzinfo=LOCAL_ZONE).timestamp())
    midnight = int(dt.datetime(1988, 7, 1, tzinfo=LOCAL_ZONE).timestamp())
    assert local_day_starts(np.array([summer])).tolist() == [midnight]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=60, max_size=60))
def test_hour_valid_with_45_valid_minutes(valid_minutes: list[bool]) -> None:
    # S1: an hour from minute data is valid with ≥ 45 valid minutes (HJ 76-2017 App. B,
    # secondary; HJ 212-2017 App. D (24)); its mean is the mean of the valid minutes.
    starts = T0 + 60 * np.arange(60, dtype=np.int64)
    values = np.arange(60, dtype=np.float64)
    usable = np.array(valid_minutes)
    means = period_means(
        starts, values, usable, period_starts_s=starts // 3600 * 3600, min_valid=45
    )
    n_valid = int(usable.sum())
    assert means.valid_counts.tolist() == [n_valid]
    if n_valid >= 45:
        assert means.means[0] == pytest.approx(values[usable].mean())
    else:
        assert np.isnan(means.means[0])


@pytest.mark.parametrize(("valid_hours", "is_valid"), [(19, False), (20, True)])
def test_day_valid_with_20_valid_hours(valid_hours: int, is_valid: bool) -> None:
    # S1: a day needs ≥ 20 valid hours (HJ 76-2017 App. B, secondary).
    starts = T0 + 3600 * np.arange(24, dtype=np.int64)
    usable = np.arange(24) < valid_hours
    means = period_means(
        starts, np.ones(24), usable, period_starts_s=local_day_starts(starts), min_valid=20
    )
    assert bool(np.isfinite(means.means[0])) is is_valid
