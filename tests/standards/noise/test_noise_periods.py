"""Reference periods: GB 3096 day/night, Ldn, Leq,24h and EU Lden (reference §2, §7 rule 7)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise import (
    DayNightSplit,
    EuPeriods,
    Period,
    eu_period_levels,
    lden,
    ldn,
    leq24,
    parse_period,
)


def test_default_split_is_06_22() -> None:
    split = DayNightSplit()
    assert split.day_hours == tuple(range(6, 22))
    assert split.night_hours == (22, 23, 0, 1, 2, 3, 4, 5)


def test_local_split_override() -> None:
    # A local government may set night 23:00–07:00 (reference §1.2, N-Q7).
    split = DayNightSplit(7, 23, basis="county notice")
    assert len(split.day_hours) == 16
    assert split.night_hours == (23, 0, 1, 2, 3, 4, 5, 6)


@pytest.mark.parametrize(("day", "night"), [(22, 6), (6, 6), (-1, 22), (6, 25), (0, 24)])
def test_impossible_splits_are_refused(day: int, night: int) -> None:
    with pytest.raises(ValidationError, match="split"):
        DayNightSplit(day, night)


def test_ldn_with_us_periods() -> None:
    # DNL, day 07–22 (15 h), night 22–07 (9 h): Ld = Ln = 60 →
    # 10·lg((15·10^6 + 9·10^7)/24) = 10·lg(4.375·10^6) = 66.41
    assert float(ldn(60.0, 60.0, split=DayNightSplit(7, 22))) == pytest.approx(66.41, abs=0.005)


def test_ldn_default_equal_levels() -> None:
    # 16 h + 8 h with +10: 10·lg((16·10^6 + 8·10^7)/24) = 10·lg(4·10^6) = 66.02
    assert float(ldn(60.0, 60.0)) == pytest.approx(66.02, abs=0.005)


def test_ldn_missing_night_is_missing() -> None:
    assert math.isnan(float(ldn(60.0, np.nan)))


def test_lden_equal_levels() -> None:
    # 10·lg((12·10^6 + 4·10^6.5 + 8·10^7)/24) = 10·lg(104 649 111/24) = 66.395
    assert float(lden(60.0, 60.0, 60.0)) == pytest.approx(66.395, abs=0.001)


def test_lden_with_a_shortened_evening() -> None:
    # evening 20–23 (3 h), day 07–20 (13 h): 10·lg((13·10^6 + 3·10^6.5 + 8·10^7)/24)
    # = 10·lg(102 486 833/24) = 66.305
    periods = EuPeriods(7, 20, 23)
    assert float(lden(60.0, 60.0, 60.0, periods=periods)) == pytest.approx(66.305, abs=0.001)


def test_eu_hour_at_a_boundary_is_in_one_period_only() -> None:
    # Only the 19:00 hour is loud (80 dB); all others 50 dB. The evening (19–22, 4 h) holds
    # it: 10·lg((10^8 + 3·10^5)/4) = 73.99; the day (07–18, 12 h) stays at 50 — unlike a
    # period selection with both ends inclusive (noisemonitor, reference §2).
    hourly = np.full(24, 50.0)
    hourly[19] = 80.0
    levels = eu_period_levels(hourly)
    assert float(levels.lday) == pytest.approx(50.0, abs=1e-9)
    assert float(levels.levening) == pytest.approx(73.99, abs=0.005)
    assert (int(levels.day_hours_valid), int(levels.evening_hours_valid)) == (12, 4)
    assert int(levels.night_hours_valid) == 8


def test_eu_periods_are_not_the_chinese_split() -> None:
    # The GB 3096 night starts at 22:00, the EU night at 23:00 (reference §7 rule 7).
    assert EuPeriods().night_hours[0] == 23
    assert DayNightSplit().night_hours[0] == 22


@pytest.mark.parametrize(("day", "evening", "night"), [(19, 7, 23), (7, 7, 23), (0, 12, 24)])
def test_impossible_eu_periods_are_refused(day: int, evening: int, night: int) -> None:
    with pytest.raises(ValidationError, match="EU periods"):
        EuPeriods(day, evening, night)


def test_leq24_leaves_missing_hours_out() -> None:
    # 12 hours at 60 and 12 at 50: 10·lg((12·10^6 + 12·10^5)/24) = 10·lg(5.5·10^5) = 57.40;
    # a missing hour at 60 changes the weights: 10·lg((11·10^6 + 12·10^5)/23) = 57.25
    hourly = np.array([60.0] * 12 + [50.0] * 12)
    assert float(leq24(hourly)) == pytest.approx(57.40, abs=0.005)
    hourly[0] = np.nan
    assert float(leq24(hourly)) == pytest.approx(57.25, abs=0.005)


def test_hourly_profile_needs_24_hours() -> None:
    with pytest.raises(ValidationError, match="24 hours"):
        leq24([50.0] * 23)


def test_period_names() -> None:
    assert parse_period("night") is Period.NIGHT
    assert Period.DAY.label == "昼间"
    with pytest.raises(UnknownNameError, match="day, night"):
        parse_period("evening")
