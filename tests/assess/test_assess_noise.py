"""Noise stations over a period: day/night levels, point-time verdicts, pooled rates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.assess.noise import assess_noise_stations
from ecowarden.errors import ValidationError
from ecowarden.standards.noise import Zone

DAY = np.arange(24)
IS_DAY = (DAY >= 6) & (DAY < 22)


def _profile(day_dba: float, night_dba: float) -> np.ndarray:
    return np.where(IS_DAY, day_dba, night_dba)


def test_constant_profiles_give_their_levels_and_verdicts() -> None:
    # zone 2 limits 60 / 50 dB(A) (GB 3096-2008 Table 1): station A 55/45 complies day and night;
    # station B 58/52 complies by day only (52 > 50). Two days each.
    a = np.tile(_profile(55.0, 45.0), 2)
    b = np.tile(_profile(58.0, 52.0), 2)
    result = assess_noise_stations(np.vstack([a, b]), ["A", "B"], ["2", "2"], dt.date(2025, 1, 1))
    first, second = result.stations
    assert (first.ld_dba, first.ln_dba) == (pytest.approx(55.0), pytest.approx(45.0))
    assert (first.day_compliant, first.night_compliant) == (2, 2)
    assert (second.day_compliant, second.night_compliant, second.night_judged) == (2, 0, 2)
    zone2 = result.rates.by_zone[Zone("2")]
    # pooled point-times: day 4/4 = 100 %, night 2/4 = 50 %
    assert (zone2.day.rate_pct, zone2.night.rate_pct) == (100.0, 50.0)
    assert result.rates.overall.night.monitored == 4


def test_a_day_short_of_coverage_is_excluded_not_counted_compliant() -> None:
    # 10 of 16 day hours missing: below the 12-of-16 coverage rule (decision 0004, N-Q1)
    day = _profile(70.0, 45.0)
    day[6:16] = np.nan
    result = assess_noise_stations(day[None, :], ["A"], ["1"], dt.date(2025, 1, 1))
    assert result.rates.overall.day.monitored == 0
    assert result.rates.overall.day.excluded == 1
    assert result.stations[0].ld_dba is None


def test_energy_mean_of_days() -> None:
    # Ld of 50 and 60 dB on two days: 10·lg((10^5 + 10^6)/2) = 57.40 dB
    days = np.concatenate([_profile(50.0, 40.0), _profile(60.0, 40.0)])
    result = assess_noise_stations(days[None, :], ["A"], ["2"], dt.date(2025, 1, 1))
    assert result.stations[0].ld_dba == pytest.approx(57.404, abs=1e-3)


def test_partial_day_is_refused() -> None:
    with pytest.raises(ValidationError, match="whole days"):
        assess_noise_stations(np.full((1, 30), 50.0), ["A"], ["2"], dt.date(2025, 1, 1))


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(ValidationError, match="one zone per station"):
        assess_noise_stations(np.full((2, 24), 50.0), ["A", "B"], ["2"], dt.date(2025, 1, 1))
