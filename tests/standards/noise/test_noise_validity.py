"""Automatic-station validity: hourly Leq, Ld / Ln with coverage (reference §5, N-Q1).

The thresholds tested are the project default of N-Q1 (HJ 906-2017 values unconfirmed):
hour ≥ 45 of 60 minutes, Ld ≥ 12 of 16 hours, Ln ≥ 6 of 8 hours, wind < 5 m/s, no rain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise import (
    PROJECT_DEFAULT_VALIDITY,
    DayNightSplit,
    ValidityRule,
    day_night,
    day_night_from_samples,
    hourly_leq_from_samples,
    weather_excluded,
)
from ecowarden.standards.noise.validity import required_count

# Vector N15's 24-hour profile: Ld 58.4856, Ln 46.0836 (derivation in test_noise_vectors.py).
N15_PROFILE = [45, 44, 43, 43, 44, 46, 52, 55, 58, 60, 60, 59, 58, 58, 59, 60, 61, 60, 59, 58]
N15_PROFILE += [56, 54, 50, 48]


def test_project_default_thresholds() -> None:
    rule = PROJECT_DEFAULT_VALIDITY
    # ⌈0.75·60⌉ = 45, ⌈0.75·3600⌉ = 2700, ⌈0.75·16⌉ = 12, ⌈0.75·8⌉ = 6
    assert required_count(rule.min_hour_coverage, 60) == 45
    assert required_count(rule.min_hour_coverage, 3600) == 2700
    assert required_count(rule.min_day_coverage, 16) == 12
    assert required_count(rule.min_night_coverage, 8) == 6
    assert rule.max_wind_speed_m_s == 5.0


def test_required_count_is_exact() -> None:
    # 0.55·100 is 55.00000000000001 in binary floating point (ceil 56); exactly it is 55
    assert required_count(0.55, 100) == 55


@pytest.mark.parametrize("coverage", [0.0, -0.1, 1.01, math.nan])
def test_coverage_outside_zero_one_is_refused(coverage: float) -> None:
    with pytest.raises(ValidationError, match="min_day_coverage"):
        ValidityRule(min_day_coverage=coverage)


def test_wind_threshold_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="max_wind_speed_m_s"):
        ValidityRule(max_wind_speed_m_s=0.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=20.0, max_value=140.0, allow_nan=False))
def test_day_night_of_a_constant_profile_is_that_level(level: float) -> None:
    result = day_night(np.full(24, level))
    assert float(result.ld) == pytest.approx(level, abs=1e-9)
    assert float(result.ln) == pytest.approx(level, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    st.floats(min_value=20.0, max_value=140.0, allow_nan=False),
    st.integers(1, 21),
    st.integers(1, 24),
)
def test_constant_profile_any_split(level: float, day_start: int, night_start: int) -> None:
    assume(day_start < night_start)
    result = day_night(np.full(24, level), split=DayNightSplit(day_start, night_start))
    assert float(result.ld) == pytest.approx(level, abs=1e-9)
    assert float(result.ln) == pytest.approx(level, abs=1e-9)


@pytest.mark.parametrize(("missing_day_hours", "valid"), [(4, True), (5, False)])
def test_ld_needs_12_of_16_day_hours(missing_day_hours: int, valid: bool) -> None:
    profile = np.full(24, 60.0)
    profile[6 : 6 + missing_day_hours] = np.nan
    result = day_night(profile)
    assert int(result.day_hours_valid) == 16 - missing_day_hours
    assert bool(result.ld_valid) is valid
    # Missing hours are left out, never read as quiet: Ld of the remaining 60 dB hours is 60.
    assert float(result.ld) == pytest.approx(60.0, abs=1e-9)


@pytest.mark.parametrize(("missing_night_hours", "valid"), [(2, True), (3, False)])
def test_ln_needs_6_of_8_night_hours(missing_night_hours: int, valid: bool) -> None:
    profile = np.full(24, 45.0)
    profile[:missing_night_hours] = np.nan
    result = day_night(profile)
    assert int(result.night_hours_valid) == 8 - missing_night_hours
    assert bool(result.ln_valid) is valid


def test_stricter_rule_is_a_switch() -> None:
    profile = np.full(24, 60.0)
    profile[10] = np.nan
    assert bool(day_night(profile).ld_valid)
    assert not bool(day_night(profile, rule=ValidityRule(min_day_coverage=1.0)).ld_valid)


def test_day_night_with_nothing_is_missing() -> None:
    result = day_night(np.full(24, np.nan))
    assert math.isnan(float(result.ld))
    assert math.isnan(float(result.ln))
    assert not bool(result.ld_valid)


@pytest.mark.parametrize(("missing", "valid"), [(15, True), (16, False)])
def test_hour_needs_45_of_60_minutes(missing: int, valid: bool) -> None:
    minutes = np.full(60, 50.0)
    minutes[:missing] = np.nan
    hourly = hourly_leq_from_samples(minutes, 60)
    assert hourly.samples_expected == 60
    assert hourly.samples_valid.tolist() == [60 - missing]
    assert hourly.valid.tolist() == [valid]
    assert hourly.leq[0] == pytest.approx(50.0, abs=1e-9)


def test_hourly_leq_of_one_second_data() -> None:
    # 2700 s at 60 dB and 900 missing: valid (2700 = 0.75·3600); Leq of the valid part 60.
    # A second hour with 1800 s at 70 and 1800 s at 50: 10·lg((10^7 + 10^5)/2) = 67.03
    seconds = np.concatenate(
        [np.full(2700, 60.0), np.full(900, np.nan), np.full(1800, 70.0), np.full(1800, 50.0)]
    )
    hourly = hourly_leq_from_samples(seconds, 1)
    assert hourly.samples_expected == 3600
    assert hourly.valid.tolist() == [True, True]
    np.testing.assert_allclose(hourly.leq, [60.0, 67.03], atol=0.005)


def test_hourly_min_coverage_is_a_switch() -> None:
    minutes = np.full(60, 50.0)
    minutes[:20] = np.nan
    assert not hourly_leq_from_samples(minutes, 60).valid[0]
    assert hourly_leq_from_samples(minutes, 60, min_coverage=0.5).valid[0]


def test_excluded_minutes_do_not_count() -> None:
    # 16 rainy minutes at 90 dB are excluded: 44 valid minutes at 50 → invalid hour, Leq 50
    minutes = np.full(60, 50.0)
    minutes[:16] = 90.0
    rain = np.zeros(60, dtype=bool)
    rain[:16] = True
    hourly = hourly_leq_from_samples(minutes, 60, excluded=rain)
    assert hourly.samples_valid.tolist() == [44]
    assert hourly.valid.tolist() == [False]
    assert hourly.leq[0] == pytest.approx(50.0, abs=1e-9)


def test_excluded_mask_must_match_samples() -> None:
    with pytest.raises(ValidationError, match="excluded mask shape"):
        hourly_leq_from_samples(np.full(60, 50.0), 60, excluded=np.zeros(30, dtype=bool))


@pytest.mark.parametrize("interval", [7, 0, -60, True])
def test_interval_must_divide_an_hour(interval: float) -> None:
    with pytest.raises(ValidationError, match="sampling interval"):
        hourly_leq_from_samples(np.full(60, 50.0), interval)


def test_samples_must_fill_whole_hours() -> None:
    with pytest.raises(ValidationError, match="whole number of hours"):
        hourly_leq_from_samples(np.full(90, 50.0), 60)


def test_sample_out_of_range_is_named() -> None:
    minutes = np.full(60, 50.0, dtype=np.float32)
    minutes[7] = 250.0
    with pytest.raises(ValidationError, match=r"250\.0 dB is outside"):
        hourly_leq_from_samples(minutes, 60)


def test_weather_exclusion() -> None:
    # wind 5.0 m/s is not "< 5 m/s" (GB 3096-2008 §6): excluded; 4.9 kept; unknown kept
    rain = [False, False, False, True]
    wind = [5.0, 4.9, np.nan, 0.0]
    assert weather_excluded(rain, wind).tolist() == [True, False, False, True]
    assert weather_excluded(rain, wind, rule=ValidityRule(max_wind_speed_m_s=6.0)).tolist() == [
        False,
        False,
        False,
        True,
    ]


def test_negative_wind_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"-1\.0 m/s"):
        weather_excluded([False], [-1.0])


def _minutes_of(profile: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.repeat(np.asarray(profile, dtype=np.float64), 60)


def test_samples_path_matches_the_hourly_path() -> None:
    # 1-minute data scattered ±3 dB around the N15 profile: Ld / Ln from samples equal
    # day_night() of the hourly Leq computed from the same samples.
    rng = np.random.default_rng(7)
    minutes = _minutes_of(N15_PROFILE) + rng.uniform(-3.0, 3.0, 1440)
    daily = day_night_from_samples(minutes, 60)
    hourly = hourly_leq_from_samples(minutes, 60)
    reference = day_night(hourly.leq)
    assert daily.ld.shape == (1,)
    assert daily.ld[0] == pytest.approx(float(reference.ld), abs=1e-9)
    assert daily.ln[0] == pytest.approx(float(reference.ln), abs=1e-9)
    np.testing.assert_allclose(daily.hourly_leq[0], hourly.leq, atol=1e-9)


def test_stations_by_days_shape_and_float32() -> None:
    # 3 stations × 2 days of the N15 profile as float32: Ld 58.49, Ln 46.08 everywhere
    one_day = _minutes_of(N15_PROFILE)
    data = np.tile(one_day, (3, 2)).astype(np.float32)
    daily = day_night_from_samples(data, 60)
    assert daily.ld.shape == (3, 2)
    assert daily.hourly_leq.shape == (3, 2, 24)
    np.testing.assert_allclose(daily.ld, 58.4856, atol=5e-4)
    np.testing.assert_allclose(daily.ln, 46.0836, atol=5e-4)
    assert daily.ld_valid.all()
    assert daily.ln_valid.all()


def test_outage_makes_the_day_invalid_not_quieter() -> None:
    # Station 0 down 10:00–15:00 (5 day hours): 11 of 16 → Ld invalid; its value is the
    # energy mean of the 11 hours left, never lowered by the outage.
    profile = np.full(24, 60.0)
    minutes = np.tile(_minutes_of(profile), (2, 1))
    minutes[0, 10 * 60 : 15 * 60] = np.nan
    daily = day_night_from_samples(minutes, 60)
    assert daily.day_hours_valid[:, 0].tolist() == [11, 16]
    assert daily.ld_valid[:, 0].tolist() == [False, True]
    np.testing.assert_allclose(daily.ld[:, 0], 60.0, atol=1e-9)
    assert daily.hourly_valid[0, 0, 10:15].tolist() == [False] * 5


def test_partial_hour_is_left_out_of_ld() -> None:
    # Hour 08 has only 30 valid minutes, all at 90 dB: the hour is invalid and does not
    # enter Ld, which stays at 60 with 15 valid day hours.
    minutes = _minutes_of(np.full(24, 60.0))
    minutes[8 * 60 : 8 * 60 + 30] = 90.0
    minutes[8 * 60 + 30 : 9 * 60] = np.nan
    daily = day_night_from_samples(minutes, 60)
    assert daily.hourly_samples_valid[0, 8] == 30
    assert daily.hourly_leq[0, 8] == pytest.approx(90.0, abs=1e-9)
    assert daily.day_hours_valid.tolist() == [15]
    assert daily.ld[0] == pytest.approx(60.0, abs=1e-9)


def test_excluded_mask_on_station_days() -> None:
    minutes = _minutes_of(np.full(24, 60.0))
    windy = np.zeros_like(minutes, dtype=bool)
    windy[: 6 * 60] = True  # 00–06 windy: 6 night hours excluded, 2 left
    daily = day_night_from_samples(minutes, 60, excluded=windy)
    assert daily.night_hours_valid.tolist() == [2]
    assert daily.ln_valid.tolist() == [False]


def test_night_attribution_following_morning() -> None:
    # Day 0 all 50 dB, day 1 all 50 dB except 00–06 at 60 dB.
    # Calendar day: night of day 0 = 00–06 + 22–24 of day 0 = 50.
    # Following morning: night of day 0 = 22–24 of day 0 (50) + 00–06 of day 1 (60):
    # 10·lg((2·10^5 + 6·10^6)/8) = 10·lg(7.75·10^5) = 58.89. The last night lacks its
    # morning: 2 of 8 hours, invalid.
    day0 = np.full(24, 50.0)
    day1 = np.full(24, 50.0)
    day1[:6] = 60.0
    minutes = np.concatenate([_minutes_of(day0), _minutes_of(day1)])
    calendar = day_night_from_samples(minutes, 60)
    following = day_night_from_samples(minutes, 60, night="following morning")
    assert calendar.ln[0] == pytest.approx(50.0, abs=1e-9)
    assert following.ln[0] == pytest.approx(58.89, abs=0.005)
    assert following.night_hours_valid.tolist() == [8, 2]
    assert following.ln_valid.tolist() == [True, False]
    np.testing.assert_allclose(following.ld, calendar.ld)


def test_unknown_night_attribution_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="calendar day, following morning"):
        day_night_from_samples(np.full(1440, 50.0), 60, night="previous evening")


def test_split_override_on_station_days() -> None:
    # Night 23–07: hour 22 at 70 dB is day, hour 06 at 70 dB is night.
    profile = np.full(24, 50.0)
    profile[22] = 70.0
    daily = day_night_from_samples(_minutes_of(profile), 60, split=DayNightSplit(7, 23))
    # Ld = 10·lg((15·10^5 + 10^7)/16) = 10·lg(7.1875·10^5) = 58.57; Ln = 50
    assert daily.ld[0] == pytest.approx(58.57, abs=0.005)
    assert daily.ln[0] == pytest.approx(50.0, abs=1e-9)


def test_samples_must_fill_whole_days() -> None:
    with pytest.raises(ValidationError, match="whole number of days"):
        day_night_from_samples(np.full(1500, 50.0), 60)
