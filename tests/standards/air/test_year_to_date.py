"""Year-to-date (1—M月 cumulative) periods: January to the last whole month of the series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.standards.air.statistics import Period, calendar_periods, period_statistics


def test_each_year_runs_to_the_last_whole_month_of_the_series() -> None:
    # series 2025-01-01 … 2026-11-27: November 2026 is not whole, so both periods are Jan–Oct
    n_days = (dt.date(2026, 11, 28) - dt.date(2025, 1, 1)).days
    first, second = calendar_periods(dt.date(2025, 1, 1), n_days, Period.YEAR_TO_DATE)
    assert (first.start, first.end) == (dt.date(2025, 1, 1), dt.date(2025, 10, 31))
    assert (second.start, second.end) == (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    # Jan–Oct 2025 is 304 days: index 0…303; 2026 starts at index 365
    assert (first.first, first.stop, second.first, second.stop) == (0, 304, 365, 669)
    assert [m for m, _, _ in second.months] == list(range(1, 11))


def test_a_series_ending_on_a_month_end_includes_that_month() -> None:
    n_days = (dt.date(2026, 12, 1) - dt.date(2026, 1, 1)).days  # through 2026-11-30
    (period,) = calendar_periods(dt.date(2026, 1, 1), n_days, Period.YEAR_TO_DATE)
    assert period.end == dt.date(2026, 11, 30)


def test_no_whole_month_is_refused() -> None:
    with pytest.raises(ValidationError, match="no whole month"):
        calendar_periods(dt.date(2026, 1, 1), 20, Period.YEAR_TO_DATE)


def test_year_to_date_mean_and_validity_follow_each_month() -> None:
    # 2026-01-01 … 2026-03-31 (90 days), PM2.5 daily 30 in January, 40 in February, 50 in March:
    # mean = (31·30 + 28·40 + 31·50) / 90 = 3600 / 90 = 40
    daily = np.concatenate([np.full(31, 30.0), np.full(28, 40.0), np.full(31, 50.0)])
    stats = period_statistics(
        daily, pollutant="PM2.5", first_date=dt.date(2026, 1, 1), period=Period.YEAR_TO_DATE
    )
    assert bool(stats.valid[..., 0])
    assert stats.mean_units[..., 0] == 40
    # February with 24 valid days (< 25) makes the whole cumulative period invalid (OQ-13)
    daily[31:35] = np.nan
    stats = period_statistics(
        daily, pollutant="PM2.5", first_date=dt.date(2026, 1, 1), period=Period.YEAR_TO_DATE
    )
    assert not bool(stats.valid[..., 0])
