"""Materialised daily AQI, water months and noise days, refreshed incrementally and idempotently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select
from stored_county import AQ01, AQ02, N01, W01, midnight
from stored_county import put as put_readings

from ecowarden.errors import ValidationError
from ecowarden.registry import (
    DataFlag,
    Enterprise,
    Location,
    ManagementCategory,
    OutletMedium,
    Period,
    Site,
    SiteKind,
)
from ecowarden.services.materialise import refresh_all, refresh_materialised
from ecowarden.services.readings import correct_reading
from ecowarden.services.readings_import import import_readings
from ecowarden.services.series import AIR_PARAMETERS, WATER_PARAMETERS
from ecowarden.standards.air import AqiStandard
from ecowarden.store import SeriesDay, Store
from ecowarden.store.materialised import MaterialisedResults
from ecowarden.store.schema import daily_aqi, daily_aqi_county, noise_daily, water_monthly

# HJ 633-2026 (in force from 2026-03-01) 24-h IAQIs: SO2 5 → 5; NO2 10 → 12.5 → 13;
# CO 0.4 → 10; O3 MDA8 50 → 25; PM10 40 → 40; PM2.5 35 → 50 (a breakpoint).
LEVELS = {"SO2": 5.0, "NO2": 10.0, "CO": 0.4, "O3": 50.0, "PM10": 40.0, "PM2.5": 35.0}
JUNE_1 = dt.date(2026, 6, 1)


@pytest.fixture
def county(store: Store) -> Store:
    with store.transaction() as transaction:
        transaction.registry.save_enterprise(
            Enterprise("91350100M000100Y43", "某某化工有限公司", ManagementCategory.KEY)
        )
        for site in (
            AQ01,
            AQ02,
            N01,
            W01,
            Site(
                "DA001",
                "1 号锅炉排放口",
                SiteKind.OUTLET,
                Location(118.2, 24.6),
                enterprise="91350100M000100Y43",
                outlet_medium=OutletMedium.GAS,
            ),
        ):
            transaction.registry.save_site(site)
    return store


def put(
    store: Store,
    site: str,
    parameter: str,
    first_start: dt.datetime,
    values: Sequence[float | None],
    flags: str = "N",
    *,
    period: Period = Period.HOUR,
) -> frozenset[SeriesDay]:
    """Store consecutive readings; return the (series, day) keys the upsert touched."""
    return put_readings(store, site, parameter, first_start, values, flags, period=period).touched


def air_day(store: Store, site: str, day: dt.date, pm25: float = 35.0) -> frozenset[SeriesDay]:
    touched: set[SeriesDay] = set()
    for name, code in AIR_PARAMETERS.items():
        level = pm25 if name == "PM2.5" else LEVELS[name]
        touched |= put(store, site, code, midnight(day), [level] * 24)
    return frozenset(touched)


def ids(store: Store) -> dict[str, int]:
    with store.snapshot() as snapshot:
        return snapshot.registry.site_ids()


def stamps(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row's key and computed_at_us, per materialised table."""
    with store.snapshot() as snapshot:
        return {
            table.name: sorted(
                tuple(row)
                for row in snapshot.connection.execute(
                    select(*table.primary_key.columns, table.c.computed_at_us)
                )
            )
            for table in (daily_aqi, daily_aqi_county, water_monthly, noise_daily)
        }


def test_a_station_day_is_materialised(county: Store) -> None:
    report = refresh_materialised(county, air_day(county, "AQ01", JUNE_1))
    assert (report.daily_aqi.inserted, report.daily_aqi_county.inserted) == (1, 1)
    with county.snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        (station,) = results.station_aqi()
        (whole,) = results.county_aqi()
    assert station.site_id == ids(county)["AQ01"]
    assert station.day == JUNE_1
    assert station.standard is AqiStandard.HJ633_2026
    # max IAQI 50 (PM2.5 35): AQI 50, 优, no primary pollutant at AQI ≤ 50
    assert (station.aqi, station.aqi_from_available, station.category) == (50, 50, 1)
    assert station.primary_pollutants == ()
    assert (station.publishable, station.valid_day, station.missing_items) == (True, True, ())
    assert (whole.aqi, whole.category, whole.stations) == (50, 1, 1)


def test_refreshing_again_changes_nothing(county: Store) -> None:
    touched = air_day(county, "AQ01", JUNE_1)
    refresh_materialised(county, touched)
    before = stamps(county)
    again = refresh_materialised(county, touched)
    assert again.changed == 0
    assert (again.daily_aqi.unchanged, again.daily_aqi_county.unchanged) == (1, 1)
    assert stamps(county) == before


def test_more_readings_recompute_only_their_days(county: Store) -> None:
    refresh_materialised(county, air_day(county, "AQ01", JUNE_1))
    before = stamps(county)
    report = refresh_materialised(county, air_day(county, "AQ01", JUNE_1 + dt.timedelta(days=1)))
    # one station-day and one county day recomputed, both new; June 1 untouched
    assert (report.daily_aqi.compared, report.daily_aqi.inserted) == (1, 1)
    assert (report.daily_aqi_county.compared, report.daily_aqi_county.inserted) == (1, 1)
    after = stamps(county)
    assert set(before["daily_aqi"]) < set(after["daily_aqi"])
    assert set(before["daily_aqi_county"]) < set(after["daily_aqi_county"])


def test_a_second_station_changes_the_county_day(county: Store) -> None:
    refresh_materialised(county, air_day(county, "AQ01", JUNE_1, pm25=30.0))
    report = refresh_materialised(county, air_day(county, "AQ02", JUNE_1, pm25=80.0))
    # AQ02's day is new; the county day is recomputed from both stations and updated
    assert (report.daily_aqi.inserted, report.daily_aqi.compared) == (1, 1)
    assert report.daily_aqi_county.updated == 1
    with county.snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        (whole,) = results.county_aqi()
        by_site = {row.site_id: row for row in results.station_aqi()}
    # county PM2.5 (30 + 80)/2 = 55 → 50 + 50·(55 − 35)/(60 − 35) = 90, 良, PM2.5 primary
    assert (whole.aqi, whole.category, whole.primary_pollutants, whole.stations) == (
        90,
        2,
        ("PM2.5",),
        2,
    )
    # AQ02 alone: 100 + 50·(80 − 60)/(115 − 60) = 118.18… → 119 (IAQI rounded up)
    assert by_site[ids(county)["AQ02"]].aqi == 119


def test_a_correction_updates_the_day(county: Store) -> None:
    refresh_materialised(county, air_day(county, "AQ01", JUNE_1))
    _, day = correct_reading(
        county,
        site="AQ01",
        parameter="a34004",
        period=Period.HOUR,
        start=midnight(JUNE_1),
        value=275.0,
        flag=DataFlag.NORMAL,
        actor="审核员",
        reason="数据审核",
    )
    report = refresh_materialised(county, [day])
    assert (report.daily_aqi.updated, report.daily_aqi_county.updated) == (1, 1)
    with county.snapshot() as snapshot:
        (station,) = MaterialisedResults(snapshot.connection).station_aqi()
    # PM2.5 (23·35 + 275)/24 = 45 → 50 + 50·(45 − 35)/(60 − 35) = 70, 良, PM2.5 primary
    assert (station.aqi, station.category, station.primary_pollutants) == (70, 2, ("PM2.5",))


def test_a_day_of_invalid_readings_has_a_row_without_aqi(county: Store) -> None:
    touched = put(county, "AQ01", "a34004", midnight(JUNE_1), [35.0] * 24, "D")
    refresh_materialised(county, touched)
    with county.snapshot() as snapshot:
        (station,) = MaterialisedResults(snapshot.connection).station_aqi()
    # stored but excluded (fault): every indicator "NA", no AQI, not a valid day
    assert (station.aqi, station.aqi_from_available, station.category) == (None, None, None)
    assert (station.publishable, station.valid_day) == (False, False)
    assert set(station.missing_items) == {
        "SO2_24H",
        "NO2_24H",
        "CO_24H",
        "O3_8H",
        "PM10_24H",
        "PM25_24H",
    }


def test_readings_feeding_no_result_are_ignored(county: Store) -> None:
    touched = put(county, "AQ01", "a01001", midnight(JUNE_1), [25.0])  # temperature
    touched |= put(county, "DA001", "a21026", midnight(JUNE_1), [12.0])  # an outlet's SO2
    touched |= put(county, "AQ01", "a34004", midnight(JUNE_1), [35.0], period=Period.DAY)
    report = refresh_materialised(county, touched)
    assert (report.ignored, report.recomputed, report.changed) == (3, 0, 0)


def test_noise_and_water_rows(county: Store) -> None:
    levels = [45.0 if h < 6 or h >= 22 else 55.0 for h in range(24)]
    touched = put(county, "N01", "Leq", midnight(JUNE_1), levels)
    for item, value in (("NH3-N", 1.2), ("DO", 7.0)):
        touched |= put(
            county,
            "W01",
            WATER_PARAMETERS[item],
            midnight(dt.date(2026, 6, 10)),
            [value],
            period=Period.DAY,
        )
    touched |= put(
        county,
        "W01",
        WATER_PARAMETERS["NH3-N"],
        midnight(dt.date(2026, 6, 24)),
        [1.4],
        period=Period.DAY,
    )
    report = refresh_materialised(county, touched)
    assert (report.noise_daily.inserted, report.water_monthly.inserted) == (1, 1)
    with county.snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        (noise,) = results.noise_days()
        (month,) = results.water_months()
    assert (noise.ld, noise.ln, noise.day_hours, noise.night_hours) == (55.0, 45.0, 16, 8)
    assert (noise.ld_valid, noise.ln_valid) == (True, True)
    # NH3-N (1.2 + 1.4)/2 = 1.3 → Class IV (1.0 < 1.3 ≤ 1.5); DO 7.0 ≥ 6 → Class II
    assert (month.year, month.month, month.water_class) == (2026, 6, "IV")
    assert month.limiting_items == ("NH3-N",)
    # worse than Class III: NH3-N, (1.3 − 1.0)/1.0 = 0.3 times over the Class III limit
    assert month.main_pollutants == "氨氮(0.3)"
    assert month.cwqi is None  # 19 assessed items missing
    assert month.n_samples == 2
    assert "TP" in month.missing_items


def test_refresh_all_equals_the_incremental_rows(county: Store) -> None:
    touched = air_day(county, "AQ01", JUNE_1) | air_day(county, "AQ02", JUNE_1)
    touched |= put(county, "N01", "Leq", midnight(JUNE_1), [50.0] * 24)
    touched |= put(
        county, "W01", WATER_PARAMETERS["COD"], midnight(JUNE_1), [15.0], period=Period.DAY
    )
    refresh_materialised(county, touched)
    before = stamps(county)
    report = refresh_all(county, dt.date(2026, 5, 31), dt.date(2026, 6, 2))
    # every site and day of the range recomputed; only days with readings have rows
    assert report.changed == 0
    assert (report.daily_aqi.unchanged, report.daily_aqi_county.unchanged) == (2, 1)
    assert (report.noise_daily.unchanged, report.water_monthly.unchanged) == (1, 1)
    assert stamps(county) == before


def test_refresh_all_builds_from_nothing(county: Store) -> None:
    air_day(county, "AQ01", JUNE_1)
    air_day(county, "AQ01", JUNE_1 + dt.timedelta(days=2))
    report = refresh_all(county, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    # 30 days recomputed for the station, rows only for the two days with readings
    assert (report.daily_aqi.inserted, report.daily_aqi_county.inserted) == (2, 2)
    assert (report.noise_daily.compared, report.water_monthly.compared, report.ignored) == (0, 0, 0)
    with pytest.raises(ValidationError, match="before"):
        refresh_all(county, dt.date(2026, 6, 2), dt.date(2026, 6, 1))


def test_refresh_inside_the_callers_transaction(county: Store) -> None:
    touched = air_day(county, "AQ01", JUNE_1)
    with county.transaction() as transaction:
        report = refresh_materialised(transaction, touched)
        assert report.daily_aqi.inserted == 1
    with county.snapshot() as snapshot:
        assert len(MaterialisedResults(snapshot.connection).station_aqi()) == 1


def test_nothing_touched_is_no_work(county: Store) -> None:
    report = refresh_materialised(county, [])
    assert (report.recomputed, report.changed, report.ignored) == (0, 0, 0)


def test_import_refreshes_the_days_it_stored(county: Store, tmp_path: Path) -> None:
    rows = [
        f"AQ01,{code},hour,2026-06-01T{hour:02d}:00:00+08:00,{LEVELS[name]},N"
        for name, code in AIR_PARAMETERS.items()
        for hour in range(24)
    ]
    path = tmp_path / "june.csv"
    path.write_text("site,parameter,period,start,value,flag\n" + "\n".join(rows) + "\n")
    import_readings(county, path, actor="t")
    with county.snapshot() as snapshot:
        (station,) = MaterialisedResults(snapshot.connection).station_aqi()
    assert (station.day, station.aqi) == (JUNE_1, 50)
    before = stamps(county)
    import_readings(county, path, actor="t")  # identical: nothing touched, nothing recomputed
    assert stamps(county) == before


def test_a_bad_reading_holds_back_only_its_day(county: Store, tmp_path: Path) -> None:
    air_day(county, "AQ01", JUNE_1)
    air_day(county, "AQ01", JUNE_1 + dt.timedelta(days=2))
    rows = [f"AQ01,a21026,hour,2026-06-02T{hour:02d}:00:00+08:00,5,N" for hour in range(24)]
    rows[7] = "AQ01,a21026,hour,2026-06-02T07:00:00+08:00,-3,N"
    path = tmp_path / "june-2.csv"
    path.write_text("site,parameter,period,start,value,flag\n" + "\n".join(rows) + "\n")
    # the import stores the day; its refresh refuses that day only and the import succeeds
    assert import_readings(county, path, actor="t").new == 24
    report = refresh_all(county, JUNE_1, JUNE_1 + dt.timedelta(days=2))
    (message,) = report.refused
    assert "AQ01 SO2 (a21026) 2026-06-02T07:00:00+08:00" in message
    assert "-3.0" in message
    assert (report.daily_aqi.inserted, report.daily_aqi_county.inserted) == (2, 2)
    with county.snapshot() as snapshot:
        days = [row.day for row in MaterialisedResults(snapshot.connection).station_aqi()]
    assert days == [JUNE_1, JUNE_1 + dt.timedelta(days=2)]
