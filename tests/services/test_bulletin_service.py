"""Bulletin figures from series with hand-computable values."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.services.bulletin import AirBulletin, air_bulletin

FIRST = dt.date(2025, 1, 1)
LAST = dt.date(2026, 3, 31)  # the year to date of 2026 is January–March
N_HOURS = ((LAST - FIRST).days + 1) * 24
SWITCH = (dt.date(2026, 1, 1) - FIRST).days * 24  # first hour of 2026


def _constant(before: float, after: float) -> np.ndarray:
    series = np.full((1, N_HOURS), before)
    series[:, SWITCH:] = after
    return series


@pytest.fixture(scope="module")
def bulletin() -> AirBulletin:
    hourly = {
        "PM2.5": _constant(30.0, 27.0),
        "PM10": _constant(50.0, 50.0),
        "SO2": _constant(10.0, 10.0),
        "NO2": _constant(20.0, 20.0),
        "CO": _constant(0.5, 0.5),
        "O3": _constant(80.0, 80.0),
    }
    return air_bulletin(hourly, stations=[("A01", "站一")], first_date=FIRST, air_class=[2])


def test_periods_are_the_same_months_of_both_years(bulletin: AirBulletin) -> None:
    assert (bulletin.period, bulletin.previous_period) == ("2026年1—3月", "2025年1—3月")


def test_concentration_change_wording(bulletin: AirBulletin) -> None:
    pm25 = bulletin.headline[0]
    # (27 − 30) / 30 × 100 = −10.0 %
    assert (pm25.current, pm25.previous, pm25.change) == ("27", "30", "下降10.0%")
    pm10 = bulletin.headline[1]
    assert pm10.change == "持平"


def test_good_days_and_categories(bulletin: AirBulletin) -> None:
    # every day: PM10 50 → IAQI 50 is the maximum (PM2.5 27 → 50·27/35 = 38.6 → 39;
    # O3 MDA8 80 → 40), so AQI 50: 优 on all 90 days of both periods
    assert bulletin.good_day_rate.current == "100.0"
    assert bulletin.good_day_rate.change == "持平"
    assert bulletin.category_days[0] == ("优", 90, 90)


def test_composite_index_from_rounded_statistics(bulletin: AirBulletin) -> None:
    # 27/35 + 50/70 + 10/60 + 20/40 + 80/160 + 0.5/4 = 2.7774 → 2.78
    # 30/35 + 50/70 + 10/60 + 20/40 + 80/160 + 0.5/4 = 2.8631 → 2.86
    # (2.78 − 2.86) / 2.86 × 100 = −2.797… → 下降2.8%
    index = bulletin.composite_index
    assert (index.current, index.previous, index.change) == ("2.78", "2.86", "下降2.8%")


def test_both_editions_side_by_side(bulletin: AirBulletin) -> None:
    old, new = bulletin.editions
    assert old.label.startswith("HJ 633-2012")
    assert old.pm25_limit == "35 µg/m³，达标"
    assert new.pm25_limit == "30 µg/m³，达标"


def test_series_without_the_previous_year_is_refused() -> None:
    hourly = {"PM2.5": np.full((1, 24 * 59), 30.0)}
    with pytest.raises(ValidationError, match="previous year"):
        air_bulletin(
            hourly, stations=[("A01", "站一")], first_date=dt.date(2026, 1, 1), air_class=[2]
        )
