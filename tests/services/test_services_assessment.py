"""Period assessments over stored readings: periods, figures and the coverage behind them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from stored_county import AQ01, D01, N01, W01, midnight, put, register

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import (
    Period,
)
from ecowarden.services.assessment import (
    AssessmentPeriod,
    assess_air_period,
    assess_noise_period,
    assess_water_period,
    parse_period,
)
from ecowarden.services.series import AIR_PARAMETERS, WATER_PARAMETERS, FlagTreatment
from ecowarden.standards.air import LimitSet
from ecowarden.standards.air import Period as AirPeriod
from ecowarden.store import Store

# Levels at which PM2.5 decides the AQI under HJ 633-2026 (Table 3, 24-h columns):
# SO2 5 → 50·5/50 = 5; NO2 10 → 50·10/40 = 12.5 → 13; CO 0.4 → 50·0.4/2 = 10;
# O3 MDA8 50 → 50·50/100 = 25; PM10 40 → 50·40/50 = 40; PM2.5 35 → 50 (breakpoint).
LEVELS = {"SO2": 5.0, "NO2": 10.0, "CO": 0.4, "O3": 50.0, "PM10": 40.0, "PM2.5": 35.0}
JUNE_2026 = dt.date(2026, 6, 1)


@pytest.fixture
def county(store: Store) -> Store:
    return register(store, (AQ01, N01, W01, D01))


def constant_air(
    store: Store,
    first: dt.date,
    days: int,
    *,
    pm25: float = 35.0,
    pm10: float = 40.0,
    exclude: str = "",
) -> None:
    """Every hour of ``days`` days at LEVELS (PM2.5 and PM10 as given), but ``exclude``."""
    for name, code in AIR_PARAMETERS.items():
        if name != exclude:
            level = {**LEVELS, "PM2.5": pm25, "PM10": pm10}[name]
            put(store, "AQ01", code, midnight(first), [level] * (24 * days))


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "air_period", "written"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), AirPeriod.YEAR, "2025"),
        ("2025-06", dt.date(2025, 6, 1), dt.date(2025, 6, 30), AirPeriod.MONTH, "2025-06"),
        ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29), AirPeriod.MONTH, "2024-02"),
        (
            "2025-04-01..2025-06-30",
            dt.date(2025, 4, 1),
            dt.date(2025, 6, 30),
            AirPeriod.QUARTER,
            "2025-04-01..2025-06-30",
        ),
        (
            "2025-01-01..2025-05-31",
            dt.date(2025, 1, 1),
            dt.date(2025, 5, 31),
            AirPeriod.YEAR_TO_DATE,
            "2025-01-01..2025-05-31",
        ),
        (
            "2025-01-01..2025-12-31",
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
            AirPeriod.YEAR,
            "2025",
        ),
        ("2025-04-01..2025-08-31", dt.date(2025, 4, 1), dt.date(2025, 8, 31), None, None),
        ("2024-11-01..2025-02-28", dt.date(2024, 11, 1), dt.date(2025, 2, 28), None, None),
        ("2025-01-10..2025-02-20", dt.date(2025, 1, 10), dt.date(2025, 2, 20), None, None),
    ],
)
def test_periods_and_their_air_statistics(
    text: str,
    first: dt.date,
    last: dt.date,
    air_period: AirPeriod | None,
    written: str | None,
) -> None:
    period = parse_period(text)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.air_period is air_period
    assert period.text == (written or text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "month 13 is not 1…12"),
        ("2025-02-30..2025-03-31", "'2025-02-30' is not a date"),
        ("2025-03-31..2025-01-01", "ends before it starts"),
        ("last year", "is not YYYY, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD"),
        ("", "is not YYYY"),
    ],
)
def test_bad_periods_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_period(text)


def test_period_properties() -> None:
    period = AssessmentPeriod(dt.date(2024, 12, 15), dt.date(2025, 2, 3))
    assert period.days == 17 + 31 + 3
    assert period.months == ((2024, 12), (2025, 1), (2025, 2))
    assert not period.whole_months
    assert period.label == "2024-12-15至2025-02-03"
    assert parse_period("2025-06").label == "2025年6月"
    assert parse_period("2025-01-01..2025-03-31").label == "2025年1—3月"


# --- air ----------------------------------------------------------------------------------------


def test_a_clean_month(county: Store) -> None:
    constant_air(county, JUNE_2026, 30)
    with county.snapshot() as snapshot:
        result = assess_air_period(snapshot, ["AQ01"], "2026-06")
    assert result.statistic == "month"
    # the limit set in force on the period's last day (OQ-6): 2026-06-30 → 2026 transitional
    assert result.limit_set is LimitSet.GB3095_2026_TRANSITIONAL
    assert [s.value for s in result.aqi_standards] == ["HJ 633-2026"]
    (station,) = result.stations
    pm25 = {p.pollutant: p for p in station.pollutants}["PM2.5"]
    assert (pm25.mean, pm25.percentile_rank, pm25.percentile) == (Decimal(35), 95, Decimal(35))
    assert (pm25.valid_days, pm25.days, pm25.months_short, pm25.valid) == (30, 30, 0, True)
    assert (pm25.valid_hours, pm25.expected_hours, pm25.lower_bound_hours) == (720, 720, 0)
    # GB 3095-2026 transitional PM2.5 annual limit 30: 35 > 30 exceeds
    assert pm25.attains is False
    co = {p.pollutant: p for p in station.pollutants}["CO"]
    assert (co.unit, co.mean, co.percentile) == ("mg/m³", Decimal("0.4"), Decimal("0.4"))
    assert co.attains is True
    assert station.attains is False
    # every day AQI 50 (PM2.5), 优: 30 good days of 30
    good = station.good_days
    assert (good.good_days, good.valid_days, good.na_days) == (30, 30, 0)
    assert good.rate == Decimal("100.0")
    assert good.category_days == (30, 0, 0, 0, 0, 0)
    # 5/60 + 10/40 + 40/70 + 35/35 + 0.4/4 + 50/160 = 2.3172… → 2.32 (GB 3095-2012 class 2)
    assert station.composite_index == Decimal("2.32")
    # one station: the county is its values
    assert result.county.good_days == good
    assert result.county.composite_index == Decimal("2.32")
    assert result.county.pollutants[0].valid_hours is None


def test_a_day_with_19_hours_is_na_and_the_month_stays_valid(county: Store) -> None:
    constant_air(county, JUNE_2026, 30, exclude="PM2.5")
    flags = ["N"] * (24 * 30)
    flags[48:53] = ["D"] * 5  # 5 PM2.5 hours of June 3 flagged D (fault): 19 valid hours
    put(county, "AQ01", "a34004", midnight(JUNE_2026), [35.0] * (24 * 30), flags)
    with county.snapshot() as snapshot:
        result = assess_air_period(snapshot, None, "2026-06")
    station = result.stations[0]
    pm25 = {p.pollutant: p for p in station.pollutants}["PM2.5"]
    # 19 < 20 hours: no daily mean on June 3; 29 ≥ 27 valid days keep the month valid
    assert (pm25.valid_days, pm25.valid, pm25.mean) == (29, True, Decimal(35))
    assert pm25.valid_hours == 720 - 5
    # June 3: PM2.5 "NA" and the others' AQI 40 ≤ 100, so the day is not valid (OQ-5)
    good = station.good_days
    assert (good.good_days, good.valid_days, good.na_days, good.rate) == (
        29,
        29,
        1,
        Decimal("100.0"),
    )


def test_a_short_month_has_no_statistics(county: Store) -> None:
    put(county, "AQ01", "a34004", midnight(dt.date(2026, 7, 1)), [35.0] * (24 * 26))
    with county.snapshot() as snapshot:
        july = assess_air_period(snapshot, None, "2026-07")
    pm25 = {p.pollutant: p for p in july.stations[0].pollutants}["PM2.5"]
    # 26 valid days < 27: the monthly mean is invalid and not shown
    assert (pm25.valid_days, pm25.months_short, pm25.valid) == (26, 1, False)
    assert (pm25.mean, pm25.percentile, pm25.attains) == (None, None, None)
    assert pm25.valid_hours == 24 * 26
    assert july.stations[0].composite_index is None
    # the other five pollutants have no readings: every day's AQI is from PM2.5 alone, 50 ≤
    # 100, so no day is valid (OQ-5)
    assert july.stations[0].good_days.na_days == 31
    assert july.stations[0].attains is None


def test_over_range_hours_are_counted_and_reported(county: Store) -> None:
    constant_air(county, JUNE_2026, 30)
    put(county, "AQ01", "a34002", midnight(dt.date(2026, 7, 1)), [1000.0] * 2, "T")
    with county.snapshot() as snapshot:
        counted = assess_air_period(snapshot, None, "2026-07-01..2026-07-01")
        strict = assess_air_period(
            snapshot, None, "2026-07-01..2026-07-01", flags=FlagTreatment(over_range_counted=False)
        )
    pm10 = {p.pollutant: p for p in counted.stations[0].pollutants}["PM10"]
    assert (pm10.valid_hours, pm10.lower_bound_hours, pm10.expected_hours) == (2, 2, 24)
    strict_pm10 = {p.pollutant: p for p in strict.stations[0].pollutants}["PM10"]
    assert (strict_pm10.valid_hours, strict_pm10.lower_bound_hours) == (0, 0)


def test_a_span_of_days_has_figures_without_a_verdict(county: Store) -> None:
    constant_air(county, JUNE_2026, 30, pm25=80.0)
    with county.snapshot() as snapshot:
        result = assess_air_period(snapshot, ["AQ01"], "2026-06-03..2026-06-12")
    assert result.statistic == "days"
    station = result.stations[0]
    pm25 = {p.pollutant: p for p in station.pollutants}["PM2.5"]
    assert (pm25.mean, pm25.percentile, pm25.valid_days, pm25.days) == (
        Decimal(80),
        Decimal(80),
        10,
        10,
    )
    # no Table 4 minimum for part of a month: validity undetermined, not held against limits
    assert (pm25.valid, pm25.months_short, pm25.attains) == (None, None, None)
    assert station.composite_index is None
    # PM2.5 80: HJ 633-2026 100 + 50·(80 − 60)/(115 − 60) = 118.18… → 119, 轻度污染
    assert station.good_days.category_days == (0, 0, 10, 0, 0, 0)
    assert (station.good_days.good_days, station.good_days.rate) == (0, Decimal("0.0"))


def test_whole_months_that_are_no_calendar_period(county: Store) -> None:
    constant_air(county, dt.date(2026, 5, 1), 61)
    with county.snapshot() as snapshot:
        result = assess_air_period(snapshot, ["AQ01"], "2026-05-01..2026-06-30")
    assert result.statistic == "months"
    station = result.stations[0]
    pm25 = {p.pollutant: p for p in station.pollutants}["PM2.5"]
    # each month valid (the quarterly rule): 31 and 30 valid days
    assert (pm25.valid, pm25.months_short, pm25.valid_days, pm25.days) == (True, 0, 61, 61)
    assert (pm25.mean, pm25.attains) == (Decimal(35), False)
    assert station.composite_index == Decimal("2.32")
    assert station.good_days.good_days == 61


def test_zone_class_per_station(county: Store) -> None:
    constant_air(county, JUNE_2026, 30, pm10=45.0)
    with county.snapshot() as snapshot:
        class_2 = assess_air_period(snapshot, None, "2026-06")
        class_1 = assess_air_period(snapshot, None, "2026-06", air_class={"AQ01": 1})
    # GB 3095-2026 transitional PM10 annual limit: class 2 60, class 1 40; 45 is between
    pm10 = [
        {p.pollutant: p for p in result.stations[0].pollutants}["PM10"]
        for result in (class_2, class_1)
    ]
    assert [figures.attains for figures in pm10] == [True, False]


def test_json_is_plain_data(county: Store) -> None:
    constant_air(county, JUNE_2026, 30)
    with county.snapshot() as snapshot:
        payload = assess_air_period(snapshot, None, "2026-06").to_json()
    text = json.dumps(payload, ensure_ascii=False)
    assert json.loads(text) == payload
    assert payload["statistic"] == "month"
    station = payload["stations"][0]  # type: ignore[index]
    assert station["good_days"]["rate_pct"] == 100.0
    assert station["good_days"]["category_days"]["优"] == 30
    assert station["composite_index"] == 2.32
    assert station["pollutants"][3]["pollutant"] == "PM2.5"
    assert station["pollutants"][3]["mean"] == 35


def test_unknown_station_lists_the_air_stations(county: Store) -> None:
    with county.snapshot() as snapshot, pytest.raises(UnknownNameError, match="AQ01"):
        assess_air_period(snapshot, ["AQ09"], "2026-06")


def test_no_air_station_registered(store: Store) -> None:
    with store.snapshot() as snapshot, pytest.raises(ValidationError, match="no air station"):
        assess_air_period(snapshot, None, "2026-06")


# --- water --------------------------------------------------------------------------------------


def test_water_quarter(county: Store) -> None:
    code = WATER_PARAMETERS["NH3-N"]
    for month, value in ((1, 0.4), (2, 1.2), (3, 0.9)):
        put(county, "W01", code, midnight(dt.date(2025, month, 10)), [value], period=Period.DAY)
    with county.snapshot() as snapshot:
        result = assess_water_period(snapshot, None, "2025-01-01..2025-03-31")
    # every registered water site, by code
    source, section = result.sites
    assert (source.code, section.code) == ("D01", "W01")
    # NH3-N Class II ≤ 0.5, III ≤ 1.0, IV ≤ 1.5 (GB 3838-2002 Table 1)
    assert section.monthly == (((2025, 1), "II"), ((2025, 2), "IV"), ((2025, 3), "III"))
    # period mean (0.4 + 1.2 + 0.9)/3 = 0.8333… → 0.83 → Class III: meets target III
    assert section.period_class == "III"
    assert section.meets_target is True
    assert section.limiting_items == ("NH3-N",)
    assert section.main_pollutants == ""
    assert section.cwqi is None  # the other 20 assessed items are missing
    assert (section.months_sampled, section.months, section.sample_days) == (3, 3, 3)
    assert section.sufficient is True  # a quarter needs 2 samples [WQA2011]
    # the source has no samples: listed with its coverage, no figures
    assert (source.months_sampled, source.period_class, source.sufficient) == (0, None, False)
    assert source.drinking_compliant is None
    # one river section: mean method, Class III → 良好
    assert (result.river_method, result.river_status) == ("mean", "良好")
    payload = result.to_json()
    assert payload["months"] == ["2025-01", "2025-02", "2025-03"]
    assert payload["sites"][1]["monthly"] == {  # type: ignore[index]
        "2025-01": "II",
        "2025-02": "IV",
        "2025-03": "III",
    }


def test_water_without_any_sample(county: Store) -> None:
    with county.snapshot() as snapshot:
        result = assess_water_period(snapshot, ["D01"], "2025")
    assert result.sites[0].months == 12
    assert result.river_status is None
    assert result.drinking_compliance_rate is None


# --- noise --------------------------------------------------------------------------------------


def test_noise_days_and_compliance(county: Store) -> None:
    # zone 2: 60 / 50 dB(A). Day hours 06–21, night 22–05 (GB 3096-2008).
    def profile(day_level: float, night_level: float) -> list[float | None]:
        return [night_level if h < 6 or h >= 22 else day_level for h in range(24)]

    day_1 = profile(55.0, 45.0)
    day_2 = profile(62.0, 45.0)
    day_3: list[float | None] = profile(55.0, 45.0)
    for hour in range(6, 12):  # 10 of 16 day hours left < 12: Ld invalid (N-Q1)
        day_3[hour] = None
    put(county, "N01", "Leq", midnight(dt.date(2025, 6, 1)), day_1 + day_2 + day_3)
    with county.snapshot() as snapshot:
        result = assess_noise_period(snapshot, None, "2025-06-01..2025-06-03")
    (station,) = result.stations
    assert (station.zone, station.day_limit, station.night_limit) == ("2", 60, 50)
    # Ld of the valid days 55 and 62: 10·lg((10^5.5 + 10^6.2)/2) = 59.78 → 59.8
    assert station.ld == Decimal("59.8")
    assert station.ln == Decimal("45.0")
    assert (station.day_compliant, station.day_judged) == (1, 2)
    assert (station.night_compliant, station.night_judged) == (3, 3)
    assert (station.valid_days, station.days) == (3, 3)
    assert (station.valid_hours, station.expected_hours) == (72 - 6, 72)
    (zone,) = result.zones
    assert zone.zone == "2"
    assert (zone.day.compliant, zone.day.judged, zone.day.excluded) == (1, 2, 1)
    assert zone.day.rate == Decimal("50.0")
    assert zone.night.rate == Decimal("100.0")
    assert result.overall.stations == 1
    assert result.to_json()["overall"] == {
        "zone": "all",
        "stations": 1,
        "day": {"compliant": 1, "judged": 2, "excluded": 1, "rate_pct": 50.0},
        "night": {"compliant": 3, "judged": 3, "excluded": 0, "rate_pct": 100.0},
    }
