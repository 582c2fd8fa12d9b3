"""Data availability: offline devices, gaps, valid-data rate, clock drift."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.availability import (
    ClockDriftParameters,
    OfflineParameters,
    ValidRateParameters,
    clock_drift,
    device_offline,
    transmission_gaps,
    valid_rates,
)
from ecowarden.supervision.findings import RuleCode
from ecowarden.supervision.series import Series

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())


def test_offline_after_max_silence() -> None:
    params = OfflineParameters(max_silence_s=3600)
    assert device_offline("MN1", T0, T0 + 3599, params=params) == []
    (finding,) = device_offline("MN1", T0, T0 + 3600, params=params)
    assert finding.rule is RuleCode.DEVICE_OFFLINE
    assert (finding.start_s, finding.end_s) == (T0, T0 + 3600)
    # Never heard from: not "offline" but unknown (no finding, never treated as a value).
    assert device_offline("MN1", None, T0, params=params) == []


def test_gap_of_missing_hours() -> None:
    # Hours 0, 1, then 6: hours 2–5 are missing (4 h ≥ the 3 h default).
    starts = T0 + 3600 * np.array([0, 1, 6, 7], dtype=np.int64)
    series = Series(starts, np.ones(4), np.full(4, "N"))
    (finding,) = transmission_gaps("S1", "w01018", series)
    assert (finding.start_s, finding.end_s) == (T0 + 2 * 3600, T0 + 6 * 3600)
    assert finding.value == 4 * 3600


def test_valid_rate_excludes_stopped_hours() -> None:
    # 24 hours: 12 stopped (F), 8 valid (N), 4 faulty (D): rate 8 / (24 − 12) = 0.667 < 0.75.
    flags = np.array(["F"] * 12 + ["N"] * 8 + ["D"] * 4)
    series = Series(T0 + 3600 * np.arange(24, dtype=np.int64), np.ones(24), flags)
    (finding,) = valid_rates("S1", "w01018", series, days=np.array([T0]))
    assert finding.value == pytest.approx(8 / 12)
    # Counting stopped hours as expected: 8 / 24 = 0.333, still below.
    params = ValidRateParameters(exclude_stopped=False)
    (finding,) = valid_rates("S1", "w01018", series, days=np.array([T0]), params=params)
    assert finding.value == pytest.approx(8 / 24)
    # 9 of 12 = 0.75 is not below 0.75.
    flags[20] = "N"
    series = Series(series.starts_s, series.values, flags)
    assert valid_rates("S1", "w01018", series, days=np.array([T0])) == []


def test_clock_ahead_and_behind() -> None:
    starts = T0 + 3600 * np.arange(10, dtype=np.int64)
    on_time = starts + 3600 + 30
    assert clock_drift("MN1", starts, on_time, step_s=3600) == []
    # Arriving 40 min before the hour even ended: DataTime is in the future.
    (ahead,) = clock_drift("MN1", starts, starts + 3600 - 2400, step_s=3600)
    assert ahead.value == -2400
    # A steady 30 min lag on every reading: the clock runs late.
    (behind,) = clock_drift("MN1", starts, starts + 3600 + 1800, step_s=3600)
    assert behind.value == 1800
    # A back-fill after an outage (lag falling from 10 h to 1 h) is not drift.
    backfill = starts[-1] + 3600 + 3600 + np.zeros(10, dtype=np.int64)
    assert clock_drift("MN1", starts, backfill, step_s=3600) == []


def test_clock_parameters_refused() -> None:
    with pytest.raises(ValidationError, match="min_readings = 0"):
        ClockDriftParameters(min_readings=0)
