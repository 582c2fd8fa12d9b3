"""The materialised-results repository: compare, then insert or update by key; read back."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ecowarden.registry import Location, NoiseZone, Site, SiteKind, WaterBody, WaterClass
from ecowarden.standards.air import AqiStandard
from ecowarden.store import Store
from ecowarden.store.materialised import (
    AIR_DAYS,
    CountyAqiDay,
    MaterialisedResults,
    NoiseDay,
    StationAqiDay,
    TableChanges,
    WaterMonthResult,
)
from ecowarden.store.schema import daily_aqi

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def site_ids(store: Store) -> dict[str, int]:
    with store.transaction() as transaction:
        transaction.registry.save_site(
            Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5))
        )
        transaction.registry.save_site(
            Site(
                "N01",
                "城区噪声站",
                SiteKind.NOISE_STATION,
                Location(118.1, 24.5),
                noise_zone=NoiseZone.CLASS_1,
            )
        )
        transaction.registry.save_site(
            Site(
                "W01",
                "江口断面",
                SiteKind.WATER_SECTION,
                Location(118.3, 24.7),
                water_body=WaterBody.RIVER,
                target_class=WaterClass.III,
            )
        )
        return transaction.registry.site_ids()


def station_day(site_id: int, day: dt.date, aqi: int | None) -> StationAqiDay:
    return StationAqiDay(
        day=day,
        standard=AqiStandard.HJ633_2026,
        aqi=aqi,
        aqi_from_available=aqi,
        category=None if aqi is None else 2,
        primary_pollutants=() if aqi is None else ("PM2.5", "O3"),
        publishable=aqi is not None,
        valid_day=aqi is not None,
        missing_items=("NO2_24H",) if aqi is None else (),
        site_id=site_id,
    )


def test_save_compares_then_writes(store: Store, site_ids: dict[str, int]) -> None:
    site = site_ids["AQ01"]
    rows = [station_day(site, DAY, 75), station_day(site, DAY + dt.timedelta(days=1), None)]
    with store.transaction() as transaction:
        first = MaterialisedResults(transaction.connection).save_station_aqi(rows)
    with store.transaction() as transaction:
        again = MaterialisedResults(transaction.connection).save_station_aqi(rows)
    assert first == TableChanges(inserted=2)
    assert again == TableChanges(unchanged=2)
    with store.snapshot() as snapshot:
        stamped = dict(
            snapshot.connection.execute(select(daily_aqi.c.day, daily_aqi.c.computed_at_us)).all()
        )
    with store.transaction() as transaction:
        changed = MaterialisedResults(transaction.connection).save_station_aqi(
            [station_day(site, DAY, 80), rows[1]]
        )
    assert changed == TableChanges(updated=1, unchanged=1)
    with store.snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        read = results.station_aqi([site])
        restamped = dict(
            snapshot.connection.execute(select(daily_aqi.c.day, daily_aqi.c.computed_at_us)).all()
        )
        assert results.station_aqi(first_day=DAY + dt.timedelta(days=1)) == [rows[1]]
        assert results.station_aqi([site + 1000]) == []
    assert read == [station_day(site, DAY, 80), rows[1]]
    assert read[0].primary_pollutants == ("PM2.5", "O3")
    # only the changed row gets a new computation time
    assert restamped[DAY] > stamped[DAY]
    assert restamped[DAY + dt.timedelta(days=1)] == stamped[DAY + dt.timedelta(days=1)]


def test_county_noise_and_water_round_trip(store: Store, site_ids: dict[str, int]) -> None:
    county = CountyAqiDay(
        day=DAY,
        standard=AqiStandard.HJ633_2012,
        aqi=42,
        aqi_from_available=42,
        category=1,
        primary_pollutants=(),
        publishable=True,
        valid_day=True,
        missing_items=(),
        stations=3,
    )
    noise = NoiseDay(site_ids["N01"], DAY, 54.3, None, 16, 0, True, False)
    water = WaterMonthResult(
        site_id=site_ids["W01"],
        year=2026,
        month=6,
        water_class="劣V",
        limiting_items=("NH3-N", "TP"),
        main_pollutants="氨氮(1.5)、总磷(0.8)",
        cwqi=12.3456,
        n_samples=2,
        missing_items=(),
    )
    with store.transaction() as transaction:
        results = MaterialisedResults(transaction.connection)
        assert results.save_county_aqi([county]) == TableChanges(inserted=1)
        assert results.save_noise_days([noise]) == TableChanges(inserted=1)
        assert results.save_water_months([water]) == TableChanges(inserted=1)
    with store.snapshot() as snapshot:
        results = MaterialisedResults(snapshot.connection)
        assert results.county_aqi() == [county]
        assert results.noise_days([site_ids["N01"]]) == [noise]
        assert results.water_months() == [water]


def test_nothing_to_save(store: Store) -> None:
    with store.transaction() as transaction:
        assert MaterialisedResults(transaction.connection).save_noise_days([]) == TableChanges()


def test_category_outside_1_to_6_is_refused(store: Store, site_ids: dict[str, int]) -> None:
    bad = replace(station_day(site_ids["AQ01"], DAY, 75), category=7)
    with pytest.raises(IntegrityError), store.transaction() as transaction:
        MaterialisedResults(transaction.connection).save_station_aqi([bad])


def test_advisory_locks_are_held_until_commit(store: Store) -> None:
    with store.transaction() as transaction:
        MaterialisedResults(transaction.connection).lock(AIR_DAYS, [DAY.toordinal()])
        if transaction.connection.dialect.name != "postgresql":
            return  # SQLite: one writer at a time already (BEGIN IMMEDIATE)
        held = transaction.connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = CAST(:namespace AS oid) AND objid = CAST(:key AS oid) "
                "AND objsubid = 2 AND pid = pg_backend_pid()"
            ),
            {"namespace": AIR_DAYS, "key": DAY.toordinal()},
        ).scalar_one()
        assert held == 1


def test_table_changes_add_up() -> None:
    total = TableChanges(1, 2, 3) + TableChanges(4, 5, 6)
    assert total == TableChanges(5, 7, 9)
    assert (total.changed, total.compared) == (12, 21)
