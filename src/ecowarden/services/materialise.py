"""Materialised results refreshed incrementally when readings arrive (docs/decisions/0008).

What is kept, per the tables of migration 0002:

- ``daily_aqi`` — per air station and day: the HJ 633 daily AQI under the edition in force
  that day, with publishability, valid-day status (OQ-5) and the indicators shown "NA";
- ``daily_aqi_county`` — per day: the AQI of the county's daily values (mean of the stations'
  valid values per indicator, OQ-25) over every registered air station;
- ``water_monthly`` — per water site and month: class, limiting items, main pollutants, CWQI;
- ``noise_daily`` — per noise station and day: Ld, Ln (reported to 0.1 dB, N-Q2), valid
  hours and coverage flags.

A (site, day) or (site, month) has a row once the site has a stored reading of a parameter
that feeds it (AIR_PARAMETERS hourly, Leq hourly, water items daily), whatever the reading's
flag; the county has a row on days when any air station has one. Readings are never deleted,
so rows are never deleted either.

:func:`refresh_materialised` takes the (series, local day) keys that an upsert or a correction
reports (``UpsertReport.touched``) and recomputes only the affected station-days, the county
days among them, and the affected site-months; :func:`refresh_all` recomputes a date range.
Both give the same rows, and saving equal rows writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import numpy as np

from ecowarden.assess.air import AssessmentPolicy, DailyAqi, assess_air
from ecowarden.errors import ValidationError
from ecowarden.registry.readings import Period
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.services.series import (
    AIR_PARAMETERS,
    DEFAULT_FLAGS,
    NOISE_PARAMETERS,
    WATER_PARAMETERS,
    BoolArray,
    FlagTreatment,
    HourlySeries,
    WaterMonth,
    air_hourly_series,
    noise_hourly_series,
    water_monthly_series,
)
from ecowarden.standards.air.aqi import items_in, pollutants_in
from ecowarden.standards.noise import day_night, reported_level
from ecowarden.standards.water import Item, classify_sample, cwqi, parse_any_item
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.materialised import (
    AIR_DAYS,
    NOISE_DAYS,
    WATER_MONTHS,
    CountyAqiDay,
    MaterialisedResults,
    NoiseDay,
    StationAqiDay,
    TableChanges,
    WaterMonthResult,
)
from ecowarden.store.readings import SeriesDay

logger = logging.getLogger(__name__)

#: Longest run of days (air, noise) or months (water) computed in one piece: bounds memory.
MAX_RUN_DAYS: Final = 366
MAX_RUN_MONTHS: Final = 120
_HOURS_PER_DAY: Final = 24
_WATER_KINDS: Final = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)
# Daily AQI only: no period statistics are computed for materialised days.
_DAILY_ONLY: Final = AssessmentPolicy(periods=())


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh recomputed and wrote, per table.

    ``ignored`` counts touched (series, day) keys that feed no materialised result (another
    period, parameter or site kind). ``refused`` holds one message per day (or water month)
    left as it was because a stored reading is out of range (a negative concentration …):
    correct the reading and its refresh goes through.
    """

    daily_aqi: TableChanges
    daily_aqi_county: TableChanges
    water_monthly: TableChanges
    noise_daily: TableChanges
    ignored: int
    refused: tuple[str, ...] = ()

    @property
    def tables(self) -> dict[str, TableChanges]:
        """Changes by table name."""
        return {
            "daily_aqi": self.daily_aqi,
            "daily_aqi_county": self.daily_aqi_county,
            "water_monthly": self.water_monthly,
            "noise_daily": self.noise_daily,
        }

    @property
    def recomputed(self) -> int:
        """Rows recomputed, written or not."""
        return sum(changes.compared for changes in self.tables.values())

    @property
    def changed(self) -> int:
        """Rows inserted or updated."""
        return sum(changes.changed for changes in self.tables.values())


@dataclass(frozen=True)
class _Affected:
    """What to recompute: (site id, day) of air and noise stations, (site id, month index)
    of water sites, with month index = year · 12 + month − 1."""

    air: frozenset[tuple[int, dt.date]]
    noise: frozenset[tuple[int, dt.date]]
    water: frozenset[tuple[int, int]]
    ignored: int = 0


def _runs(values: Iterable[int], longest: int) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive integers, each at most ``longest`` long."""
    ordered = sorted(set(values))
    start = 0
    for index in range(1, len(ordered) + 1):
        if (
            index == len(ordered)
            or ordered[index] != ordered[index - 1] + 1
            or index - start == longest
        ):
            yield ordered[start], ordered[index - 1]
            start = index


def _by_runs(
    runs: Iterable[tuple[int, int]],
    work: Callable[[int, int], tuple[TableChanges, ...]],
    width: int,
    refused: list[str],
) -> tuple[TableChanges, ...]:
    """``work`` over each run, summed. A run refused for bad data (ValidationError naming the
    reading) is retried unit by unit, so a bad day or month holds back only itself; its
    message is kept and logged."""
    totals = [TableChanges()] * width
    pending = list(runs)
    while pending:
        first, last = pending.pop(0)
        try:
            done = work(first, last)
        except ValidationError as error:
            if first < last:
                pending[:0] = [(unit, unit) for unit in range(first, last + 1)]
            else:
                refused.append(str(error))
                logger.warning("materialised results not refreshed: %s", error)
            continue
        totals = [total + part for total, part in zip(totals, done, strict=True)]
    return tuple(totals)


def _stored_days(series: HourlySeries) -> BoolArray:
    """(sites, days): a reading of any key is stored on the day."""
    stored = np.logical_or.reduce(list(series.stored.values()))
    return np.asarray(stored.reshape(len(series.sites), series.n_days, _HOURS_PER_DAY).any(axis=2))


def _aqi_fields(daily: DailyAqi, at: tuple[int, ...]) -> dict[str, Any]:
    """The AqiDay fields of one station-day ``(row, day)`` or county day ``(day,)``."""
    aqi = daily.aqi[at]
    available = daily.aqi_from_available[at]
    category = int(daily.category[at])
    return {
        "standard": daily.standards[at[-1]],
        "aqi": None if aqi is np.ma.masked else int(aqi),
        "aqi_from_available": None if available is np.ma.masked else int(available),
        "category": category or None,
        "primary_pollutants": tuple(p.value for p in pollutants_in(daily.primary_pollutants[at])),
        "publishable": bool(daily.publishable[at]),
        "valid_day": bool(daily.valid_day[at]),
        "missing_items": tuple(item.value for item in items_in(daily.missing_items[at])),
    }


def _air_run(
    transaction: StoreTransaction,
    results: MaterialisedResults,
    pairs: frozenset[tuple[int, dt.date]],
    stations: Sequence[tuple[int, Site]],
    air_class: int,
    flags: FlagTreatment,
    first_ordinal: int,
    last_ordinal: int,
) -> tuple[TableChanges, TableChanges]:
    """Daily AQI of the affected station-days and of the county on the days of one run."""
    first, last = dt.date.fromordinal(first_ordinal), dt.date.fromordinal(last_ordinal)
    codes = [site.code for _, site in stations]
    row_of = {site_id: row for row, (site_id, _) in enumerate(stations)}
    series = air_hourly_series(transaction, codes, first, last, flags=flags)
    daily = assess_air(series.values, first_date=first, air_class=air_class, policy=_DAILY_ONLY)
    stored = _stored_days(series)
    station_rows = [
        StationAqiDay(
            day=day,
            site_id=site_id,
            **_aqi_fields(daily.stations.aqi, (row_of[site_id], (day - first).days)),
        )
        for site_id, day in sorted(pairs)
        if first <= day <= last and stored[row_of[site_id], (day - first).days]
    ]
    county_rows = [
        CountyAqiDay(
            day=first + dt.timedelta(days=offset),
            stations=int(np.count_nonzero(stored[:, offset])),
            **_aqi_fields(daily.city.aqi, (offset,)),
        )
        for offset in range(series.n_days)
        if stored[:, offset].any()
    ]
    return results.save_station_aqi(station_rows), results.save_county_aqi(county_rows)


def _reported(level: float) -> float | None:
    """A level as reported, 0.1 dB half to even (N-Q2) [GBT8170]; None for NaN (no hours)."""
    return None if np.isnan(level) else float(reported_level(level))


def _noise_run(
    transaction: StoreTransaction,
    results: MaterialisedResults,
    pairs: frozenset[tuple[int, dt.date]],
    stations: dict[int, Site],
    flags: FlagTreatment,
    first_ordinal: int,
    last_ordinal: int,
) -> tuple[TableChanges]:
    """Ld / Ln of the affected station-days of one run [GB3096-2008]."""
    first, last = dt.date.fromordinal(first_ordinal), dt.date.fromordinal(last_ordinal)
    site_ids = sorted({site_id for site_id, _ in pairs})
    codes = [stations[site_id].code for site_id in site_ids]
    series = noise_hourly_series(transaction, codes, first, last, flags=flags)
    hourly = series.values[next(iter(NOISE_PARAMETERS))]
    levels = day_night(hourly.reshape(len(codes), series.n_days, _HOURS_PER_DAY))
    stored = _stored_days(series)
    rows = []
    for row, site_id in enumerate(site_ids):
        for offset in range(series.n_days):
            day = first + dt.timedelta(days=offset)
            if (site_id, day) not in pairs or not stored[row, offset]:
                continue
            at = (row, offset)
            rows.append(
                NoiseDay(
                    site_id=site_id,
                    day=day,
                    ld=_reported(float(levels.ld[at])),
                    ln=_reported(float(levels.ln[at])),
                    day_hours=int(levels.day_hours_valid[at]),
                    night_hours=int(levels.night_hours_valid[at]),
                    ld_valid=bool(levels.ld_valid[at]),
                    ln_valid=bool(levels.ln_valid[at]),
                )
            )
    return (results.save_noise_days(rows),)


def _water_result(site_id: int, site: Site, month: WaterMonth) -> WaterMonthResult:
    """Class and CWQI of one month's sample (GB 3838 Table 1 items only) [GB3838-2002]
    [WQA2011] [CWQI2017]."""
    table1 = {
        name: value
        for name, value in month.values.items()
        if isinstance(parse_any_item(name), Item)
    }
    body = str(site.water_body)
    classified = classify_sample(table1, water_body=body)
    index = cwqi(table1, water_body=body).value
    return WaterMonthResult(
        site_id=site_id,
        year=month.year,
        month=month.month,
        water_class=None if classified.water_class is None else classified.water_class.value,
        limiting_items=tuple(item.value for item in classified.limiting_items),
        main_pollutants=classified.main_pollutants_bulletin,
        cwqi=None if index is None else float(index),
        n_samples=month.sample_days,
        missing_items=tuple(item.value for item in classified.missing),
    )


def _water_run(
    transaction: StoreTransaction,
    results: MaterialisedResults,
    pairs: frozenset[tuple[int, int]],
    sites: dict[int, Site],
    flags: FlagTreatment,
    first: int,
    last: int,
) -> tuple[TableChanges]:
    """Class and CWQI of the affected site-months of one run of month indexes."""
    site_ids = sorted({site_id for site_id, _ in pairs})
    code_of = {site_id: sites[site_id].code for site_id in site_ids}
    months = water_monthly_series(
        transaction,
        list(code_of.values()),
        (first // 12, first % 12 + 1),
        (last // 12, last % 12 + 1),
        flags=flags,
    )
    rows = [
        _water_result(site_id, sites[site_id], month)
        for site_id in site_ids
        for month in months[code_of[site_id]]
        if (site_id, month.year * 12 + month.month - 1) in pairs
    ]
    return (results.save_water_months(rows),)


def _registered(transaction: StoreTransaction) -> dict[int, Site]:
    """Every registered site by id."""
    ids = transaction.registry.site_ids()
    return {ids[site.code]: site for site in transaction.registry.sites()}


def _refresh(
    transaction: StoreTransaction,
    affected: _Affected,
    sites: dict[int, Site],
    *,
    air_class: int,
    flags: FlagTreatment,
) -> RefreshReport:
    results = MaterialisedResults(transaction.connection)
    # Serialise refreshers of the same days and months (PostgreSQL), in one global order.
    results.lock(AIR_DAYS, {day.toordinal() for _, day in affected.air})
    results.lock(NOISE_DAYS, {day.toordinal() for _, day in affected.noise})
    results.lock(WATER_MONTHS, {month for _, month in affected.water})
    air_stations = sorted(
        ((site_id, site) for site_id, site in sites.items() if site.kind is SiteKind.AIR_STATION),
        key=lambda entry: entry[1].code,
    )
    refused: list[str] = []
    station_aqi, county_aqi = _by_runs(
        _runs((day.toordinal() for _, day in affected.air), MAX_RUN_DAYS),
        partial(_air_run, transaction, results, affected.air, air_stations, air_class, flags),
        2,
        refused,
    )
    (noise,) = _by_runs(
        _runs((day.toordinal() for _, day in affected.noise), MAX_RUN_DAYS),
        partial(_noise_run, transaction, results, affected.noise, sites, flags),
        1,
        refused,
    )
    (water,) = _by_runs(
        _runs((month for _, month in affected.water), MAX_RUN_MONTHS),
        partial(_water_run, transaction, results, affected.water, sites, flags),
        1,
        refused,
    )
    return RefreshReport(
        daily_aqi=station_aqi,
        daily_aqi_county=county_aqi,
        water_monthly=water,
        noise_daily=noise,
        ignored=affected.ignored,
        refused=tuple(refused),
    )


def _affected_by(
    touched: Iterable[SeriesDay], sites: dict[int, Site], parameter_ids: dict[str, int]
) -> _Affected:
    def ids(codes: Iterable[str]) -> set[int]:
        return {parameter_ids[code] for code in codes if code in parameter_ids}

    air_parameters = ids(AIR_PARAMETERS.values())
    noise_parameters = ids(NOISE_PARAMETERS.values())
    water_parameters = ids(WATER_PARAMETERS.values())
    air: set[tuple[int, dt.date]] = set()
    noise: set[tuple[int, dt.date]] = set()
    water: set[tuple[int, int]] = set()
    ignored = 0
    for key in touched:
        kind = sites[key.site_id].kind
        if (
            kind is SiteKind.AIR_STATION
            and key.period is Period.HOUR
            and key.parameter_id in air_parameters
        ):
            air.add((key.site_id, key.day))
        elif (
            kind is SiteKind.NOISE_STATION
            and key.period is Period.HOUR
            and key.parameter_id in noise_parameters
        ):
            noise.add((key.site_id, key.day))
        elif (
            kind in _WATER_KINDS
            and key.period is Period.DAY
            and key.parameter_id in water_parameters
        ):
            water.add((key.site_id, key.day.year * 12 + key.day.month - 1))
        else:
            ignored += 1
    return _Affected(frozenset(air), frozenset(noise), frozenset(water), ignored)


def refresh_materialised(
    target: Store | StoreTransaction,
    touched: Iterable[SeriesDay],
    *,
    air_class: int = 2,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> RefreshReport:
    """Recompute the materialised results that stored readings of ``touched`` feed.

    Parameters
    ----------
    target
        A store (the refresh runs in a transaction of its own, committed when done) or the
        caller's transaction (run it after the readings are written; the caller commits).
    touched
        (site, parameter, period, local day) keys of changed readings, e.g.
        ``UpsertReport.touched`` or the day a correction returns.
    air_class
        GB 3095 zone class of the air stations (MDA8 validity, OQ-14); the registry holds none.
    flags
        Which data flags count (:class:`~ecowarden.services.series.FlagTreatment`).

    Returns
    -------
    RefreshReport
        Rows recomputed and written per table; refreshing again with no new readings writes
        nothing.
    """
    keys = frozenset(touched)
    if not keys:
        return RefreshReport(TableChanges(), TableChanges(), TableChanges(), TableChanges(), 0)
    if isinstance(target, Store):
        with target.transaction() as transaction:
            return refresh_materialised(transaction, keys, air_class=air_class, flags=flags)
    sites = _registered(target)
    affected = _affected_by(keys, sites, target.registry.parameter_ids())
    return _refresh(target, affected, sites, air_class=air_class, flags=flags)


def refresh_all(
    store: Store,
    first_day: dt.date,
    last_day: dt.date,
    *,
    air_class: int = 2,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> RefreshReport:
    """Recompute every materialised result of ``first_day`` … ``last_day`` in one transaction:
    the days of every air and noise station, the months those days touch of every water site.

    The bulk build of a demo or a back-fill; rows come out as :func:`refresh_materialised`
    makes them.
    """
    if last_day < first_day:
        raise ValidationError(f"last day {last_day} is before the first day {first_day}")
    days = [first_day + dt.timedelta(days=d) for d in range((last_day - first_day).days + 1)]
    months = sorted({day.year * 12 + day.month - 1 for day in days})
    with store.transaction() as transaction:
        sites = _registered(transaction)
        of_kind = {
            kind: [site_id for site_id, site in sites.items() if site.kind in kinds]
            for kind, kinds in (
                ("air", (SiteKind.AIR_STATION,)),
                ("noise", (SiteKind.NOISE_STATION,)),
                ("water", _WATER_KINDS),
            )
        }
        affected = _Affected(
            air=frozenset((site_id, day) for site_id in of_kind["air"] for day in days),
            noise=frozenset((site_id, day) for site_id in of_kind["noise"] for day in days),
            water=frozenset((site_id, month) for site_id in of_kind["water"] for month in months),
        )
        return _refresh(transaction, affected, sites, air_class=air_class, flags=flags)
