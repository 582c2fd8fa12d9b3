"""A small registered county and a way to store readings, shared by the services tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from ecowarden.registry import (
    LOCAL_ZONE,
    Location,
    NoiseZone,
    Period,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
)
from ecowarden.store import READING_COLUMNS, SourceKind, Store, UpsertReport

AQ01 = Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5))
AQ02 = Site("AQ02", "开发区站", SiteKind.AIR_STATION, Location(118.2, 24.5))
N01 = Site(
    "N01", "城区噪声站", SiteKind.NOISE_STATION, Location(118.1, 24.5), noise_zone=NoiseZone.CLASS_2
)
W01 = Site(
    "W01",
    "江口断面",
    SiteKind.WATER_SECTION,
    Location(118.3, 24.7),
    water_body=WaterBody.RIVER,
    target_class=WaterClass.III,
)
D01 = Site(
    "D01",
    "水库水源地",
    SiteKind.DRINKING_WATER_SOURCE,
    Location(118.4, 24.8),
    water_body=WaterBody.LAKE,
    target_class=WaterClass.II,
)
_STEP_S = {Period.MINUTE: 60, Period.HOUR: 3600, Period.DAY: 86_400}


def register(store: Store, sites: Sequence[Site]) -> Store:
    """Save ``sites`` in ``store`` and return it."""
    with store.transaction() as transaction:
        for site in sites:
            transaction.registry.save_site(site)
    return store


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), LOCAL_ZONE)


def put(
    store: Store,
    site: str,
    parameter: str,
    first_start: dt.datetime,
    values: Sequence[float | None],
    flags: Sequence[str] | str = "N",
    *,
    period: Period = Period.HOUR,
) -> UpsertReport:
    """Store consecutive readings of one series, one period apart."""
    step = _STEP_S.get(period, 3600)
    count = len(values)
    with store.transaction() as transaction:
        source = transaction.sources.ensure(SourceKind.IMPORT, "test")
        return transaction.readings.upsert(
            pl.DataFrame(
                {
                    "site_id": [transaction.registry.site_ids()[site]] * count,
                    "parameter_id": [transaction.registry.parameter_ids()[parameter]] * count,
                    "period": [period.command] * count,
                    "start_s": [int(first_start.timestamp()) + i * step for i in range(count)],
                    "value": list(values),
                    "flag": [flags] * count if isinstance(flags, str) else list(flags),
                    "source_id": [source] * count,
                    "received_at_us": [1] * count,
                },
                schema=READING_COLUMNS,
            )
        )
