"""Materialised results: daily AQI of air stations and of the county, monthly water classes,
daily Ld / Ln of noise stations (tables of migration 0002, docs/data-dictionary.md).

The rows are derived from readings and recomputed by ``services.materialise``; unlike readings
they are replaced in place. A save compares each row with the stored one and writes only new
or changed rows (``INSERT … ON CONFLICT (key) DO UPDATE``, as the sources repository does), so
saving the same results again changes nothing, ``computed_at_us`` included.

On PostgreSQL, refreshers serialise per day (air, noise) and per month (water) with
transaction-scoped advisory locks taken before they read (:meth:`MaterialisedResults.lock`):
a refresh that read older readings can then never overwrite a newer one's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ecowarden.standards.air.editions import AqiStandard
from ecowarden.store.instants import now_us
from ecowarden.store.locks import lock
from ecowarden.store.schema import daily_aqi, daily_aqi_county, noise_daily, water_monthly

# Advisory-lock namespaces (see store.locks), ASCII tags readable in pg_locks. Keys: the day's
# proleptic ordinal (air, noise) or year · 12 + month − 1 (water). Taken air, noise, water.
AIR_DAYS: Final = 0x45574D41  # "EWMA"
NOISE_DAYS: Final = 0x45574D4E  # "EWMN"
WATER_MONTHS: Final = 0x45574D57  # "EWMW"
_SEPARATOR: Final = ","


@dataclass(frozen=True, slots=True)
class AqiDay:
    """A day's AQI (HJ 633 daily report) [HJ633-2012] [HJ633-2026].

    Attributes
    ----------
    standard
        The HJ 633 edition in force that day.
    aqi
        The published AQI; None when not publishable.
    aqi_from_available
        The AQI of the indicators with a valid daily value; None without any.
    category
        1 (优) … 6 (严重污染); None when not publishable.
    primary_pollutants
        Pollutant names (``PM2.5``, ``O3`` …), empty at AQI ≤ 50.
    valid_day
        The day has a determinable AQI and counts in good-day rates (OQ-5).
    missing_items
        HJ 633 indicators without a valid daily value (``NO2_24H``, ``O3_8H`` …), shown "NA".
    """

    day: dt.date
    standard: AqiStandard
    aqi: int | None
    aqi_from_available: int | None
    category: int | None
    primary_pollutants: tuple[str, ...]
    publishable: bool
    valid_day: bool
    missing_items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StationAqiDay(AqiDay):
    """A station's daily AQI (``daily_aqi``)."""

    site_id: int


@dataclass(frozen=True, slots=True)
class CountyAqiDay(AqiDay):
    """The county's daily AQI (``daily_aqi_county``): from the mean of the stations' daily
    values (OQ-25); ``stations`` = air stations with readings that day."""

    stations: int


@dataclass(frozen=True, slots=True)
class WaterMonthResult:
    """A water site's month (``water_monthly``) [GB3838-2002] [WQA2011] [CWQI2017].

    ``water_class`` None when no assessed item has a value; ``cwqi`` (exact sum, as a float)
    None with an item missing; ``n_samples`` = sampling days of the month.
    """

    site_id: int
    year: int
    month: int
    water_class: str | None
    limiting_items: tuple[str, ...]
    main_pollutants: str
    cwqi: float | None
    n_samples: int
    missing_items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoiseDay:
    """A noise station's day (``noise_daily``) [GB3096-2008]: energy-mean Ld and Ln of the
    valid hours as reported, 0.1 dB [dB(A)] (None without any), valid hours, and whether each
    meets the coverage rule (N-Q1)."""

    site_id: int
    day: dt.date
    ld: float | None
    ln: float | None
    day_hours: int
    night_hours: int
    ld_valid: bool
    ln_valid: bool


@dataclass(frozen=True, slots=True)
class TableChanges:
    """What a save did to one table."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        """Rows written."""
        return self.inserted + self.updated

    @property
    def compared(self) -> int:
        """Rows saved, written or not."""
        return self.inserted + self.updated + self.unchanged

    def __add__(self, other: TableChanges) -> TableChanges:
        return TableChanges(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def _joined(names: Sequence[str]) -> str:
    return _SEPARATOR.join(names)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SEPARATOR)) if text else ()


def _aqi_record(row: AqiDay) -> dict[str, Any]:
    return {
        "day": row.day,
        "standard": row.standard.value,
        "aqi": row.aqi,
        "aqi_from_available": row.aqi_from_available,
        "category": row.category,
        "primary_pollutants": _joined(row.primary_pollutants),
        "publishable": row.publishable,
        "valid_day": row.valid_day,
        "missing_items": _joined(row.missing_items),
    }


def _aqi_fields(row: Any) -> dict[str, Any]:
    return {
        "day": row.day,
        "standard": AqiStandard(row.standard),
        "aqi": row.aqi,
        "aqi_from_available": row.aqi_from_available,
        "category": row.category,
        "primary_pollutants": _split(row.primary_pollutants),
        "publishable": bool(row.publishable),
        "valid_day": bool(row.valid_day),
        "missing_items": _split(row.missing_items),
    }


class MaterialisedResults:
    """Save and read materialised results through one connection (the caller's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def lock(self, namespace: int, keys: Iterable[int]) -> None:
        """Take the advisory locks (namespace, key) for this transaction (PostgreSQL only)."""
        lock(self._connection, namespace, keys)

    # -- saving ---------------------------------------------------------------------------------

    def _save(
        self, table: Table, key: tuple[str, ...], records: Sequence[dict[str, Any]]
    ) -> TableChanges:
        """Insert new keys, update changed rows, leave equal rows alone."""
        if not records:
            return TableChanges()
        stored = self._stored(table, key, records)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for record in records:
            current = stored.get(tuple(record[column] for column in key))
            if current is None:
                new.append(record)
            elif current != record:
                changed.append(record)
        written = [{**record, "computed_at_us": now_us()} for record in (*new, *changed)]
        if written:
            dialect = self._connection.dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            statement = insert(table)
            values = [c.name for c in table.columns if c.name not in key]
            self._connection.execute(
                statement.on_conflict_do_update(
                    index_elements=list(key),
                    set_={column: statement.excluded[column] for column in values},
                ),
                written,
            )
        return TableChanges(len(new), len(changed), len(records) - len(new) - len(changed))

    def _stored(
        self, table: Table, key: tuple[str, ...], records: Sequence[dict[str, Any]]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Stored rows (without ``computed_at_us``) by key, read by the range of each key
        column: a superset of the records' keys, filtered here."""
        conditions = []
        for column in key:
            values = [record[column] for record in records]
            conditions.append(table.c[column] >= min(values))
            conditions.append(table.c[column] <= max(values))
        compared = [c for c in table.columns if c.name != "computed_at_us"]
        rows = self._connection.execute(select(*compared).where(*conditions))
        return {tuple(row._mapping[column] for column in key): dict(row._mapping) for row in rows}

    def save_station_aqi(self, rows: Sequence[StationAqiDay]) -> TableChanges:
        """Save stations' daily AQI by (site, day)."""
        return self._save(
            daily_aqi,
            ("site_id", "day"),
            [{"site_id": row.site_id, **_aqi_record(row)} for row in rows],
        )

    def save_county_aqi(self, rows: Sequence[CountyAqiDay]) -> TableChanges:
        """Save the county's daily AQI by day."""
        return self._save(
            daily_aqi_county,
            ("day",),
            [{**_aqi_record(row), "stations": row.stations} for row in rows],
        )

    def save_water_months(self, rows: Sequence[WaterMonthResult]) -> TableChanges:
        """Save water sites' months by (site, year, month)."""
        return self._save(
            water_monthly,
            ("site_id", "year", "month"),
            [
                {
                    "site_id": row.site_id,
                    "year": row.year,
                    "month": row.month,
                    "water_class": row.water_class,
                    "limiting_items": _joined(row.limiting_items),
                    "main_pollutants": row.main_pollutants,
                    "cwqi": row.cwqi,
                    "n_samples": row.n_samples,
                    "missing_items": _joined(row.missing_items),
                }
                for row in rows
            ],
        )

    def save_noise_days(self, rows: Sequence[NoiseDay]) -> TableChanges:
        """Save noise stations' days by (site, day)."""
        names = [field.name for field in fields(NoiseDay)]
        return self._save(
            noise_daily,
            ("site_id", "day"),
            [{name: getattr(row, name) for name in names} for row in rows],
        )

    # -- reading --------------------------------------------------------------------------------

    def _rows(
        self,
        table: Table,
        order: Sequence[str],
        ranges: Mapping[str, tuple[object | None, object | None]],
        site_ids: Sequence[int] | None = None,
    ) -> list[Any]:
        query = select(table)
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        for column, (low, high) in ranges.items():
            if low is not None:
                query = query.where(table.c[column] >= low)
            if high is not None:
                query = query.where(table.c[column] <= high)
        return list(self._connection.execute(query.order_by(*(table.c[c] for c in order))))

    def station_aqi(
        self,
        site_ids: Sequence[int] | None = None,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
    ) -> list[StationAqiDay]:
        """Stations' daily AQI, by site and day; None bounds mean all."""
        rows = self._rows(daily_aqi, ("site_id", "day"), {"day": (first_day, last_day)}, site_ids)
        return [StationAqiDay(**_aqi_fields(row), site_id=row.site_id) for row in rows]

    def county_aqi(
        self, first_day: dt.date | None = None, last_day: dt.date | None = None
    ) -> list[CountyAqiDay]:
        """The county's daily AQI, by day."""
        rows = self._rows(daily_aqi_county, ("day",), {"day": (first_day, last_day)})
        return [CountyAqiDay(**_aqi_fields(row), stations=row.stations) for row in rows]

    def water_months(self, site_ids: Sequence[int] | None = None) -> list[WaterMonthResult]:
        """Water sites' months, by site, year and month."""
        rows = self._rows(water_monthly, ("site_id", "year", "month"), {}, site_ids)
        return [
            WaterMonthResult(
                site_id=row.site_id,
                year=row.year,
                month=row.month,
                water_class=row.water_class,
                limiting_items=_split(row.limiting_items),
                main_pollutants=row.main_pollutants,
                cwqi=row.cwqi,
                n_samples=row.n_samples,
                missing_items=_split(row.missing_items),
            )
            for row in rows
        ]

    def noise_days(
        self,
        site_ids: Sequence[int] | None = None,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
    ) -> list[NoiseDay]:
        """Noise stations' days, by site and day."""
        rows = self._rows(noise_daily, ("site_id", "day"), {"day": (first_day, last_day)}, site_ids)
        return [
            NoiseDay(
                site_id=row.site_id,
                day=row.day,
                ld=row.ld,
                ln=row.ln,
                day_hours=row.day_hours,
                night_hours=row.night_hours,
                ld_valid=bool(row.ld_valid),
                ln_valid=bool(row.ln_valid),
            )
            for row in rows
        ]
