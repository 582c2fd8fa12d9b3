"""Stored readings read back as assessment arrays: the hour grid, flags, units, water months."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stored_county import AQ01, AQ02, D01, N01, W01, put, register

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import (
    FLAG_CODES,
    LOCAL_ZONE,
    DataFlag,
    Period,
    parameter_vocabulary,
)
from ecowarden.services.readings import correct_reading
from ecowarden.services.series import (
    AIR_PARAMETERS,
    DEFAULT_FLAGS,
    WATER_PARAMETERS,
    FlagTreatment,
    air_hourly_series,
    noise_hourly_series,
    water_monthly_samples,
    water_monthly_series,
)
from ecowarden.store import Store

MARCH_1 = dt.datetime(2025, 3, 1, tzinfo=LOCAL_ZONE)


@pytest.fixture
def county(store: Store) -> Store:
    return register(store, (AQ01, AQ02, N01, W01, D01))


# --- vocabulary ---------------------------------------------------------------------------------


def test_air_parameters_are_the_ambient_hj212_codes() -> None:
    # hj212-protocol.md §5.2, ambient air (ST=22): a05024 O3 is not in Table B.2
    assert dict(AIR_PARAMETERS) == {
        "SO2": "a21026",
        "NO2": "a21004",
        "CO": "a21005",
        "O3": "a05024",
        "PM10": "a34002",
        "PM2.5": "a34004",
    }
    vocabulary = {p.code: p for p in parameter_vocabulary()}
    assert {vocabulary[code].medium.value for code in AIR_PARAMETERS.values()} == {"air"}


def test_every_water_item_code_is_in_the_vocabulary() -> None:
    # 24 GB 3838-2002 Table 1 items and 5 Table 2 items, codes from ItemInfo.hj212_code
    vocabulary = {p.code: p for p in parameter_vocabulary()}
    assert len(WATER_PARAMETERS) == 29
    missing = [code for code in WATER_PARAMETERS.values() if code not in vocabulary]
    assert missing == []
    assert {vocabulary[code].medium.value for code in WATER_PARAMETERS.values()} == {"water"}
    assert WATER_PARAMETERS["NH3-N"] == "w21003"
    assert WATER_PARAMETERS["SO4"] == "w21038"


# --- hourly series ------------------------------------------------------------------------------


def test_hours_land_on_the_local_grid(county: Store) -> None:
    put(county, "AQ01", "a34004", MARCH_1, [35.0])
    put(county, "AQ01", "a34004", MARCH_1 + dt.timedelta(hours=47), [41.5])
    put(county, "AQ02", "a21005", MARCH_1 + dt.timedelta(hours=8), [0.7])
    with county.snapshot() as snapshot:
        series = air_hourly_series(
            snapshot, ["AQ02", "AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 2)
        )
    assert series.sites == ("AQ02", "AQ01")
    assert series.n_days == 2
    assert series.expected_hours == 48
    assert set(series.values) == set(AIR_PARAMETERS)
    pm25 = series.values["PM2.5"]
    assert pm25.shape == (2, 48)
    # 00:00+08:00 of the first day is hour 0; 23:00 of the second day is hour 24 + 23 = 47
    assert pm25[1, 0] == 35.0
    assert pm25[1, 47] == 41.5
    assert np.count_nonzero(~np.isnan(pm25)) == 2
    assert series.values["CO"][0, 8] == 0.7
    assert series.coverage["PM2.5"].tolist() == [0, 2]
    assert series.coverage["CO"].tolist() == [1, 0]
    assert series.stored["PM2.5"][1].sum() == 2


def test_readings_outside_the_days_are_left_out(county: Store) -> None:
    put(county, "AQ01", "a34004", MARCH_1 - dt.timedelta(hours=1), [10.0, 20.0, 30.0])
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    # 23:00 of the day before is not hour 0; 00:00 and 01:00 are hours 0 and 1
    assert series.values["PM2.5"][0, :2].tolist() == [20.0, 30.0]
    assert series.coverage["PM2.5"].tolist() == [2]


def test_missing_value_is_nan_and_not_valid(county: Store) -> None:
    put(county, "AQ01", "a34004", MARCH_1, [None, 12.0])
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    assert math.isnan(series.values["PM2.5"][0, 0])
    assert series.stored["PM2.5"][0, :2].tolist() == [True, True]
    assert series.coverage["PM2.5"].tolist() == [1]


def test_flags_that_count_by_default(county: Store) -> None:
    # N counts; T counts as a lower bound; every other flag is excluded (hj212-protocol §4.4)
    flags = list(FLAG_CODES)
    put(county, "AQ01", "a34004", MARCH_1, [50.0] * len(flags), flags)
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    values = series.values["PM2.5"][0, : len(flags)]
    valid = [flag for flag, value in zip(flags, values, strict=True) if not math.isnan(value)]
    assert valid == ["N", "T"]
    assert series.lower_bound_hours["PM2.5"].tolist() == [1]
    assert series.stored["PM2.5"][0, : len(flags)].all()


def test_flag_switches(county: Store) -> None:
    put(county, "AQ01", "a34004", MARCH_1, [50.0, 60.0, 70.0], ["N", "T", "S"])
    day = dt.date(2025, 3, 1)
    with county.snapshot() as snapshot:
        strict = air_hourly_series(
            snapshot, ["AQ01"], day, day, flags=FlagTreatment(over_range_counted=False)
        )
        local = air_hourly_series(
            snapshot, ["AQ01"], day, day, flags=FlagTreatment(manual_setting_counted=True)
        )
    assert strict.coverage["PM2.5"].tolist() == [1]
    assert strict.lower_bound_hours["PM2.5"].tolist() == [0]
    assert local.coverage["PM2.5"].tolist() == [3]
    assert local.values["PM2.5"][0, :3].tolist() == [50.0, 60.0, 70.0]


_days = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flags=st.lists(st.sampled_from(FLAG_CODES), min_size=24, max_size=24),
    over_range=st.booleans(),
)
def test_valid_hours_are_exactly_the_counted_flags(
    county: Store, flags: list[str], over_range: bool
) -> None:
    # reliability-security.md S1: computed validity follows the flags, both T settings
    day = dt.date(2025, 1, 1) + dt.timedelta(days=next(_days))
    put(
        county,
        "AQ01",
        "a21004",
        dt.datetime.combine(day, dt.time(), LOCAL_ZONE),
        [20.0] * 24,
        flags,
    )
    treatment = FlagTreatment(over_range_counted=over_range)
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], day, day, flags=treatment)
    expected = [flag == "N" or (flag == "T" and over_range) for flag in flags]
    assert (~np.isnan(series.values["NO2"][0])).tolist() == expected
    assert series.coverage["NO2"].tolist() == [sum(expected)]
    assert series.lower_bound_hours["NO2"].tolist() == [
        sum(flag == "T" for flag in flags) if over_range else 0
    ]


def test_default_treatment_counts_n_and_t() -> None:
    assert DEFAULT_FLAGS.counted == {DataFlag.NORMAL.value, DataFlag.OVER_RANGE.value}


def test_corrected_value_is_used(county: Store) -> None:
    put(county, "AQ01", "a34004", MARCH_1, [35.0])
    correct_reading(
        county,
        site="AQ01",
        parameter="a34004",
        period=Period.HOUR,
        start=MARCH_1,
        value=53.0,
        flag=DataFlag.NORMAL,
        actor="审核员",
        reason="数据审核",
    )
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    assert series.values["PM2.5"][0, 0] == 53.0


def test_negative_concentration_is_refused_with_its_site_and_hour(county: Store) -> None:
    put(county, "AQ01", "a21026", MARCH_1 + dt.timedelta(hours=3), [-2.0])
    with county.snapshot() as snapshot, pytest.raises(ValidationError) as raised:
        air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    assert "AQ01" in str(raised.value)
    assert "SO2 (a21026)" in str(raised.value)
    assert "2025-03-01T03:00:00+08:00" in str(raised.value)
    assert "-2.0" in str(raised.value)


def test_negative_value_with_an_excluding_flag_is_not_an_error(county: Store) -> None:
    put(county, "AQ01", "a21026", MARCH_1, [-2.0], "D")
    with county.snapshot() as snapshot:
        series = air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    assert series.coverage["SO2"].tolist() == [0]


def test_noise_series_and_level_range(county: Store) -> None:
    put(county, "N01", "Leq", MARCH_1 + dt.timedelta(hours=6), [55.2, 56.1])
    day = dt.date(2025, 3, 1)
    with county.snapshot() as snapshot:
        series = noise_hourly_series(snapshot, ["N01"], day, day)
    assert list(series.values) == ["Leq"]
    assert series.values["Leq"][0, 6:8].tolist() == [55.2, 56.1]
    put(county, "N01", "Leq", MARCH_1 + dt.timedelta(hours=9), [999.9])
    with county.snapshot() as snapshot, pytest.raises(ValidationError, match=r"999\.9"):
        noise_hourly_series(snapshot, ["N01"], day, day)


@pytest.mark.parametrize(
    ("sites", "error", "message"),
    [
        (["XX"], UnknownNameError, "AQ01, AQ02"),
        (["N01"], ValidationError, "noise_station"),
        (["AQ01", "AQ01"], ValidationError, "given twice"),
    ],
)
def test_bad_site_lists(
    county: Store, sites: list[str], error: type[Exception], message: str
) -> None:
    with county.snapshot() as snapshot, pytest.raises(error, match=message):
        air_hourly_series(snapshot, sites, dt.date(2025, 3, 1), dt.date(2025, 3, 1))


def test_days_out_of_order(county: Store) -> None:
    with county.snapshot() as snapshot, pytest.raises(ValidationError, match="before"):
        air_hourly_series(snapshot, ["AQ01"], dt.date(2025, 3, 2), dt.date(2025, 3, 1))


# --- water months -------------------------------------------------------------------------------


def sample(
    store: Store, site: str, item: str, day: dt.date, value: float | None, flag: str = "N"
) -> None:
    start = dt.datetime.combine(day, dt.time(), LOCAL_ZONE)
    put(store, site, WATER_PARAMETERS[item], start, [value], flag, period=Period.DAY)


def test_monthly_value_is_the_mean_of_valid_samples(county: Store) -> None:
    sample(county, "W01", "NH3-N", dt.date(2025, 3, 5), 0.1)
    sample(county, "W01", "NH3-N", dt.date(2025, 3, 20), 0.2)
    sample(county, "W01", "NH3-N", dt.date(2025, 3, 25), 9.9, "M")  # maintenance: excluded
    sample(county, "W01", "pH", dt.date(2025, 3, 5), 7.0)
    sample(county, "W01", "pH", dt.date(2025, 3, 20), 8.0)
    with county.snapshot() as snapshot:
        months = water_monthly_series(snapshot, ["W01"], (2025, 3), (2025, 3))
    (march,) = months["W01"]
    assert (march.year, march.month) == (2025, 3)
    # (0.1 + 0.2) / 2 = 0.15 exactly (a float mean gives 0.15000000000000002)
    assert march.values["NH3-N"] == 0.15
    # −lg((10^−7 + 10^−8) / 2) = −lg(5.5·10^−8) = 7.259637310505756
    assert march.values["pH"] == pytest.approx(7.259637310505756, abs=1e-12)
    assert march.sample_days == 3
    assert march.valid_readings == 4


def test_months_without_samples_are_omitted_and_sites_kept(county: Store) -> None:
    sample(county, "W01", "COD", dt.date(2025, 1, 10), 12.0)
    sample(county, "W01", "COD", dt.date(2025, 3, 10), 14.0)
    sample(county, "W01", "TP", dt.date(2025, 3, 10), None)
    sample(county, "W01", "Fe", dt.date(2025, 3, 10), 0.2, "D")
    with county.snapshot() as snapshot:
        samples = water_monthly_samples(snapshot, ["W01", "D01"], (2025, 1), (2025, 3))
    assert samples == {
        "W01": [
            ((2025, 1), {"COD": 12.0}),
            # reported but without a valid value: present as None, never 0
            ((2025, 3), {"COD": 14.0, "TP": None, "Fe": None}),
        ],
        "D01": [],
    }


def test_water_values_out_of_range_are_refused(county: Store) -> None:
    sample(county, "W01", "water_temperature", dt.date(2025, 1, 10), -0.5)
    with county.snapshot() as snapshot:
        months = water_monthly_series(snapshot, ["W01"], (2025, 1), (2025, 1))
    assert months["W01"][0].values == {"water_temperature": -0.5}
    sample(county, "W01", "pH", dt.date(2025, 1, 11), 14.5)
    with county.snapshot() as snapshot, pytest.raises(ValidationError, match="pH"):
        water_monthly_series(snapshot, ["W01"], (2025, 1), (2025, 1))


def test_water_months_are_checked(county: Store) -> None:
    with county.snapshot() as snapshot:
        with pytest.raises(ValidationError, match="1…12"):
            water_monthly_series(snapshot, ["W01"], (2025, 13), (2025, 12))
        with pytest.raises(ValidationError, match="before"):
            water_monthly_series(snapshot, ["W01"], (2025, 3), (2025, 1))
        with pytest.raises(ValidationError, match="air_station"):
            water_monthly_series(snapshot, ["AQ01"], (2025, 1), (2025, 1))
