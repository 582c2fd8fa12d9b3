"""Series → air assessments for many stations (reference §1.2, §3, §4, §5; OQ-5–OQ-7, OQ-25)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.assess.air import (
    AssessmentPolicy,
    ExceptionalEvent,
    assess_air,
    year_on_year_assessment,
)
from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.breakpoints import Pollutant
from ecowarden.standards.air.editions import AqiStandard, LimitSet
from ecowarden.standards.air.limits import AirPollutant
from ecowarden.standards.air.statistics import Period

# Background levels chosen so that PM2.5 decides every AQI:
# SO2 5 → 50·5/50 = 5; NO2 10 → 50·10/40 = 12.5 → 13; CO 0.4 → 50·0.4/2 = 10;
# O3 50 (1-h max and MDA8) → 1-h 50·50/160 = 15.6 → 16, 8-h 50·50/100 = 25; PM10 40 → 40.
BACKGROUND = {"SO2": 5.0, "NO2": 10.0, "CO": 0.4, "O3": 50.0, "PM10": 40.0}


def _hourly(pm25_by_station: list[float], n_days: int) -> dict[str, np.ndarray]:
    n = len(pm25_by_station)
    hourly = {name: np.full((n, n_days * 24), level) for name, level in BACKGROUND.items()}
    hourly["PM2.5"] = np.repeat(np.asarray(pm25_by_station, dtype=float)[:, None], n_days * 24, 1)
    return hourly


# --- daily AQI by the edition of the day (OQ-6) ----------------------------------------------


def test_each_day_uses_the_edition_in_force() -> None:
    # PM2.5 55 all day: HJ 633-2012 50 + 50·(55 − 35)/(75 − 35) = 75;
    # HJ 633-2026 50 + 50·(55 − 35)/(60 − 35) = 90
    result = assess_air(_hourly([55.0], 2), first_date=dt.date(2026, 2, 28), air_class=2)
    assert result.stations.aqi.standards == (AqiStandard.HJ633_2012, AqiStandard.HJ633_2026)
    assert result.stations.aqi.aqi[0].tolist() == [75, 90]
    # both days 良, PM2.5 primary (AQI > 50)
    assert result.stations.aqi.category[0].tolist() == [2, 2]
    pm25_bit = 1 << list(Pollutant).index(Pollutant.PM25)
    assert result.stations.aqi.primary_pollutants[0].tolist() == [pm25_bit, pm25_bit]


def test_forced_aqi_edition() -> None:
    policy = AssessmentPolicy(aqi_standard=AqiStandard.HJ633_2026)
    result = assess_air(
        _hourly([55.0], 1), first_date=dt.date(2025, 6, 1), air_class=2, policy=policy
    )
    assert result.stations.aqi.aqi[0].tolist() == [90]


def test_2012_daily_report_includes_the_o3_1h_max() -> None:
    hourly = _hourly([10.0], 2)
    hourly["O3"][0, 14] = 400.0  # one hour on day 1: O3 1-h IAQI 200 (2012 Table 1 row 400)
    hourly["O3"][0, 24 + 14] = 400.0  # same on day 2 (2026: the 1-h max is not indexed)
    result = assess_air(hourly, first_date=dt.date(2026, 2, 28), air_class=2)
    # MDA8 of both days: the highest window holds 400 + 7·50 = 750 → 93.75 → O3 8-h IAQI
    # 50·93.75/100 = 46.9 → 47. Day 1 (HJ 633-2012) also indexes the 1-h max 400 → 200;
    # day 2 (HJ 633-2026) does not: AQI 47.
    assert result.stations.aqi.aqi[0].tolist() == [200, 47]


# --- validity of days and the good-day rate (OQ-5) ------------------------------------------


def test_day_with_an_invalid_indicator_is_na_unless_the_rest_exceed_100() -> None:
    hourly = _hourly([30.0, 30.0], 1)
    hourly["NO2"][:, :5] = np.nan  # 19 NO2 hours: NO2 daily mean invalid → "NA"
    hourly["PM2.5"][1, :] = 80.0  # station 2: HJ 633-2026 100 + 50·20/55 = 118.2 → 119
    result = assess_air(hourly, first_date=dt.date(2026, 6, 1), air_class=2)
    daily = result.stations.aqi
    assert result.stations.daily[AirPollutant.NO2].count[:, 0].tolist() == [19, 19]
    # station 1: others give 43 ≤ 100 → not publishable, not a valid day;
    # station 2: others give 119 > 100 → published, valid
    assert daily.valid_day[:, 0].tolist() == [False, True]
    assert daily.publishable[:, 0].tolist() == [False, True]
    assert daily.aqi_from_available[:, 0].tolist() == [43, 119]
    month = result.stations.periods[Period.MONTH].good_days
    assert month.valid_days[:, 0].tolist() == [0, 1]
    # June has 30 days: 30 NA days for station 1, 29 for station 2
    assert month.na_days[:, 0].tolist() == [30, 29]
    assert np.isnan(month.rate[0, 0])
    assert month.rate[1, 0] == 0.0


def test_2012_days_take_the_same_rule_with_a_flag() -> None:
    hourly = _hourly([30.0], 1)
    hourly["NO2"][:, :5] = np.nan
    result = assess_air(hourly, first_date=dt.date(2025, 6, 1), air_class=2)
    # HJ 633-2012 publishes the AQI of the others (OQ-12) but the day is not valid (OQ-5)
    assert result.stations.aqi.publishable[0, 0]
    assert not result.stations.aqi.valid_day[0, 0]
    assert result.stations.aqi.rule_2026_on_2012_day[0, 0]


def test_good_day_rate_and_category_days_of_a_quarter() -> None:
    # Q2 2026: 91 days; 86 days PM2.5 30 (AQI 43, 优) and 5 days PM2.5 80 (AQI 119, 轻度)
    levels = np.array([30.0] * 86 + [80.0] * 5)
    hourly = _hourly([0.0], 91)
    hourly["PM2.5"] = np.repeat(levels, 24)[None, :]
    result = assess_air(hourly, first_date=dt.date(2026, 4, 1), air_class=2)
    quarter = result.stations.periods[Period.QUARTER]
    good = quarter.good_days
    # 86 / 91 × 100 = 94.505… → 94.5
    assert (good.good_days[0, 0], good.valid_days[0, 0], good.na_days[0, 0]) == (86, 91, 0)
    assert good.rate[0, 0] == 94.5
    assert good.category_days[0, 0].tolist() == [86, 0, 5, 0, 0, 0]
    # primary pollutant only above AQI 50: the 5 polluted days
    assert good.primary_days[Pollutant.PM25][0, 0] == 5
    assert good.primary_days[Pollutant.O3][0, 0] == 0


# --- city values (OQ-25) -----------------------------------------------------------------------


def test_city_is_the_mean_of_station_values_then_the_index() -> None:
    hourly = _hourly([30.0, 80.0, 50.0], 1)
    hourly["PM2.5"][2, :5] = np.nan  # station 3 invalid that day: excluded and counted
    result = assess_air(hourly, first_date=dt.date(2026, 6, 1), air_class=2)
    city = result.city
    # (30 + 80) / 2 = 55 → HJ 633-2026 50 + 50·20/25 = 90 (the mean of station AQIs
    # (43 + 119)/2 = 81 and the worst station 119 are both wrong)
    assert city.daily[AirPollutant.PM25].value.tolist() == [55.0]
    assert city.daily[AirPollutant.PM25].count.tolist() == [2]
    assert city.aqi.aqi.tolist() == [90]
    assert city.daily[AirPollutant.SO2].count.tolist() == [3]


def test_city_mda8_is_the_mean_of_station_mda8() -> None:
    hourly = _hourly([10.0, 10.0], 1)
    hourly["O3"][0, :] = 100.0
    hourly["O3"][1, :] = 160.0
    result = assess_air(hourly, first_date=dt.date(2026, 6, 1), air_class=2)
    # (100 + 160) / 2 = 130
    assert result.city.daily[AirPollutant.O3].value.tolist() == [130.0]


# --- period statistics, attainment, index (OQ-6, OQ-18, OQ-19) -----------------------------


def test_annual_figures_of_a_straddling_year() -> None:
    # calendar 2026 at PM2.5 70: the period's limit set is 2026 transitional (OQ-6)
    result = assess_air(_hourly([70.0], 365), first_date=dt.date(2026, 1, 1), air_class=2)
    year = result.stations.periods[Period.YEAR]
    assert year.limit_sets == (LimitSet.GB3095_2026_TRANSITIONAL,)
    pm25 = year.attainment[AirPollutant.PM25]
    assert year.statistics[AirPollutant.PM25].mean_reported.tolist() == [[70.0]]
    # (70 − 30)/30 = 1.333… → 1.33; P95 70 against the daily 60: (70 − 60)/60 = 0.1667 → 0.17
    assert pm25.mean_exceedance.tolist() == [[1.33]]
    assert pm25.percentile_exceedance.tolist() == [[0.17]]
    assert year.attains.tolist() == [[False]]
    assert year.determined.tolist() == [[True]]
    # Index with GB 3095-2012 class-2 denominators (OQ-18):
    # 5/60 + 10/40 + 40/70 + 70/35 + 0.4/4 + 50/160
    # = 0.0833 + 0.25 + 0.5714 + 2 + 0.1 + 0.3125 = 3.3173 → 3.32
    assert year.index is not None
    assert year.index.reported.tolist() == [[3.32]]
    # Good days: Jan–Feb under HJ 633-2012, PM2.5 70 → 50 + 50·35/40 = 93.75 → 94 (良);
    # from 2026-03-01 under HJ 633-2026 → 100 + 50·10/55 = 109.1 → 110 (轻度):
    # 59 / 365 × 100 = 16.16… → 16.2
    assert year.good_days.good_days.tolist() == [[59]]
    assert year.good_days.rate.tolist() == [[16.2]]
    months = result.stations.periods[Period.MONTH]
    assert months.limit_sets[:3] == (
        LimitSet.GB3095_2012,
        LimitSet.GB3095_2012,
        LimitSet.GB3095_2026_TRANSITIONAL,
    )


def test_forced_limit_set_for_the_period() -> None:
    policy = AssessmentPolicy(limit_set=LimitSet.GB3095_2012, periods=(Period.YEAR,))
    result = assess_air(
        _hourly([34.0], 365), first_date=dt.date(2026, 1, 1), air_class=2, policy=policy
    )
    year = result.stations.periods[Period.YEAR]
    # 34 ≤ 35 annual and ≤ 75 daily (GB 3095-2012): PM2.5 attains
    assert year.attainment[AirPollutant.PM25].attains.tolist() == [[True]]
    assert year.attains.tolist() == [[True]]


def test_invalid_year_gives_no_figures() -> None:
    hourly = _hourly([30.0], 365)
    hourly["PM2.5"][:, : 42 * 24] = np.nan  # 323 valid days
    result = assess_air(hourly, first_date=dt.date(2025, 1, 1), air_class=2)
    stats = result.stations.periods[Period.YEAR].statistics[AirPollutant.PM25]
    assert stats.valid_days.tolist() == [[323]]
    assert not stats.valid[0, 0]
    assert np.isnan(stats.mean_reported[0, 0])
    year = result.stations.periods[Period.YEAR]
    assert year.index is not None
    assert not year.index.valid[0, 0]
    assert not year.determined[0, 0]


def test_unmonitored_pollutant_leaves_the_index_out() -> None:
    hourly = _hourly([30.0], 31)
    del hourly["CO"]
    result = assess_air(hourly, first_date=dt.date(2025, 1, 1), air_class=2)
    month = result.stations.periods[Period.MONTH]
    assert month.index is None
    assert not month.determined[0, 0]
    # a day without CO is still valid: CO is not monitored ("/"), not missing
    assert result.stations.aqi.valid_day.all()


def test_exceptional_events_only_when_enabled() -> None:
    hourly = _hourly([30.0], 365)
    hourly["PM10"][:, : 10 * 24] = 400.0  # dust on 2025-01-01 … 01-10
    events = [
        ExceptionalEvent(
            day=dt.date(2025, 1, d), pollutant=AirPollutant.PM10, reason="沙尘",
            authority="CNEMC", document="环办监测〔2016〕120号",
        )
        for d in range(1, 11)
    ]  # fmt: skip
    off = assess_air(hourly, first_date=dt.date(2025, 1, 1), air_class=2, exceptional_events=events)
    on = assess_air(
        hourly,
        first_date=dt.date(2025, 1, 1),
        air_class=2,
        exceptional_events=events,
        policy=AssessmentPolicy(apply_exceptional_events=True),
    )
    pm10_off = off.stations.periods[Period.YEAR].statistics[AirPollutant.PM10]
    pm10_on = on.stations.periods[Period.YEAR].statistics[AirPollutant.PM10]
    # (355·40 + 10·400)/365 = 49.86 → 50 with the dust days; 40 without
    assert pm10_off.mean_reported.tolist() == [[50.0]]
    assert pm10_on.mean_reported.tolist() == [[40.0]]
    assert pm10_on.used_days.tolist() == [[355]]
    # never applied to the daily AQI: PM10 400 under HJ 633-2012 → 200 + 100·(400 − 350)/70
    # = 271.4 → 272
    assert on.stations.aqi.aqi[0, 0] == 272
    assert off.stations.aqi.aqi[0, 0] == 272
    assert on.city.periods[Period.YEAR].statistics[AirPollutant.PM10].mean_reported[0] == 40.0


# --- year on year (OQ-7, OQ-23) ------------------------------------------------------------


def test_year_on_year_recomputes_the_previous_year_under_the_current_edition() -> None:
    hourly = _hourly([70.0], 365 + 365)
    result = year_on_year_assessment(hourly, first_date=dt.date(2025, 1, 1), air_class=2, year=2026)
    assert "2025 recomputed under HJ 633-2026 and GB 3095-2026 transitional" in (
        result.basis_statement
    )
    # 2026: 59 good days of 365 → 16.2 %; 2025 under HJ 633-2026: AQI 110 every day → 0.0 %
    # change 16.2 − 0.0 = +16.2 percentage points
    rate = result.city_changes["good_day_rate"]
    assert rate.wording == "上升16.2个百分点"
    assert result.changes["good_day_rate"].change.tolist() == [16.2]
    # concentrations equal: 持平 (OQ-23)
    assert result.city_changes["PM2.5"].wording == "持平"


def test_year_on_year_as_published() -> None:
    hourly = _hourly([70.0], 365 + 365)
    result = year_on_year_assessment(
        hourly, first_date=dt.date(2025, 1, 1), air_class=2, year=2026, basis="as published"
    )
    # 2025 as published under HJ 633-2012: AQI 94 every day → 100.0 %;
    # 16.2 − 100.0 = −83.8 percentage points
    assert result.city_changes["good_day_rate"].wording == "下降83.8个百分点"


def test_year_on_year_without_a_valid_previous_year() -> None:
    # The series starts 2025-02-15: January 2025 has no data, so 2025 is invalid and no change
    # is stated (None, never 0).
    hourly = _hourly([30.0], 685)
    result = year_on_year_assessment(
        hourly, first_date=dt.date(2025, 2, 15), air_class=2, year=2026
    )
    assert result.city_changes["PM2.5"].change is None
    assert result.city_changes["PM2.5"].wording is None
    assert np.isnan(result.changes["PM2.5"].change).all()
    assert result.current.stations.periods[Period.YEAR].statistics[
        AirPollutant.PM25
    ].valid.tolist() == [[True]]


def test_year_on_year_of_reported_means() -> None:
    # 2025 mean 22.2 → reported 22; 2026 mean 21.5 → reported 22 (half to even): 持平
    # (the change is computed from the reported figures, reference §4.6)
    levels = np.concatenate([np.full(365 * 24, 22.2), np.full(365 * 24, 21.5)])
    hourly = _hourly([0.0], 730)
    hourly["PM2.5"] = levels[None, :]
    result = year_on_year_assessment(hourly, first_date=dt.date(2025, 1, 1), air_class=2, year=2026)
    change = result.city_changes["PM2.5"]
    assert (change.current, change.previous) == (22, 22)
    assert change.wording == "持平"


# --- bad input -------------------------------------------------------------------------------


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(UnknownNameError, match="unknown pollutant 'PM1'"):
        assess_air({"PM1": np.zeros((1, 24))}, first_date=dt.date(2025, 1, 1), air_class=2)
    with pytest.raises(ValidationError, match="not TSP"):
        assess_air({"TSP": np.zeros((1, 24))}, first_date=dt.date(2025, 1, 1), air_class=2)
    with pytest.raises(ValidationError, match="differ in shape"):
        assess_air(
            {"SO2": np.zeros((1, 24)), "NO2": np.zeros((2, 24))},
            first_date=dt.date(2025, 1, 1),
            air_class=2,
        )
    with pytest.raises(ValidationError, match=r"\(stations, hours\)"):
        assess_air({"SO2": np.zeros(24)}, first_date=dt.date(2025, 1, 1), air_class=2)
    with pytest.raises(UnknownNameError, match="air class"):
        assess_air(_hourly([1.0], 1), first_date=dt.date(2025, 1, 1), air_class=3)
    with pytest.raises(ValidationError, match="no such station"):
        assess_air(
            _hourly([1.0], 1),
            first_date=dt.date(2025, 1, 1),
            air_class=2,
            exceptional_events=[
                ExceptionalEvent(dt.date(2025, 1, 1), AirPollutant.PM10, "x", "y", "z", station=5)
            ],
        )
    with pytest.raises(UnknownNameError, match="basis"):
        year_on_year_assessment(
            _hourly([1.0], 1), first_date=dt.date(2025, 1, 1), air_class=2, year=2025, basis="x"
        )
