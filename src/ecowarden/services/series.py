"""Stored readings read back as the arrays the assessment layer takes (docs/decisions/0008).

- Air and noise: hourly readings (period ``hour``) → ``(sites, days × 24)`` float arrays, hour 0
  = the hour starting 00:00 Asia/Shanghai of the first day, NaN where no reading was stored or
  the reading's flag excludes it from statistics.
- Water: manual samples (period ``day``) → one value per item and calendar month: the mean of
  the month's valid readings, pH through the hydrogen-ion concentration [WQA2011].

Which flags count (hj212-protocol.md §4.4, treatment [unconfirmed], :class:`FlagTreatment`): N
(仪器工作正常) counts; T (超测上限) counts by default, as a lower bound (the value is the range
cap, so an exceedance is "at least"), and the hours are reported; S (手工输入的设定值) is
excluded unless a local rule admits it; F, M, D, C, B (HJ 212-2017 Table 8), P (2005), St, Sd,
Md (CEMS practice) and H (有效数据不足) are excluded. Excluded readings stay stored and count
as lost completeness.

Units. Readings of ambient air stations are in GB 3095 units — µg/m³, CO mg/m³ [GB3095-2026] —
even where the HJ 212 vocabulary gives the flue-gas unit mg/m³ (SO2 a21026, NO2 a21004); the
values are used as stored. Readings of water sites are in GB 3838-2002 units (mg/L, fecal
coliform 个/L, pH dimensionless) [GB3838-2002], also for the five metals the vocabulary gives in
µg/L (Se, Hg, Cd, Cr6+, Pb). Noise levels are in dB(A).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import LOCAL_ZONE, DataFlag, Period
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.standards.noise.levels import LEVEL_RANGE_DB
from ecowarden.standards.rounding import to_fraction
from ecowarden.standards.water import DEFAULT_RULES, Item, period_mean
from ecowarden.standards.water.items import ITEM_INFO, SUPPLEMENTARY_INFO
from ecowarden.store.database import StoreTransaction
from ecowarden.store.readings import ReadingQuery

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Pollutant name → HJ 212 code of the six AQI pollutants at ambient stations (hj212-protocol.md
#: §5.2; O3 a05024 is not in Table B.2 but in every ambient packet) [HJ212-2017].
AIR_PARAMETERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "SO2": "a21026",
        "NO2": "a21004",
        "CO": "a21005",
        "O3": "a05024",
        "PM10": "a34002",
        "PM2.5": "a34004",
    }
)
#: The hourly equivalent level of automatic noise stations, HJ 212-2017 Table B.3 [HJ212-2017].
NOISE_PARAMETERS: Final[Mapping[str, str]] = MappingProxyType({"Leq": "Leq"})
#: Water item name → HJ 212 code: GB 3838-2002 Table 1 and Table 2 items, codes from
#: ``ItemInfo.hj212_code`` of the water package (all 29 are in the registry vocabulary).
WATER_PARAMETERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{item.value: info.hj212_code for item, info in ITEM_INFO.items()},
        **{item.value: info.hj212_code for item, info in SUPPLEMENTARY_INFO.items()},
    }
)

_WATER_KINDS: Final = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)
_SECONDS_PER_HOUR: Final = 3600
_HOURS_PER_DAY: Final = 24
# pH is averaged through [H+] and kept unrounded: the assessment rounds the period values.
_UNROUNDED: Final = replace(DEFAULT_RULES, round_period_mean=False)


@dataclass(frozen=True)
class FlagTreatment:
    """Which data flags count for statistics (hj212-protocol.md §4.4, [unconfirmed]).

    Attributes
    ----------
    over_range_counted
        T (采样数值超过测量上限) counts, as a lower bound of the true value (default); False
        excludes it.
    manual_setting_counted
        S (手工输入的设定值) counts where a local rule admits it; excluded by default.
    """

    over_range_counted: bool = True
    manual_setting_counted: bool = False

    @property
    def counted(self) -> frozenset[str]:
        """The flag codes whose readings enter statistics."""
        flags = {DataFlag.NORMAL.value}
        if self.over_range_counted:
            flags.add(DataFlag.OVER_RANGE.value)
        if self.manual_setting_counted:
            flags.add(DataFlag.MANUAL_SETTING.value)
        return frozenset(flags)


#: The recommendation of hj212-protocol.md §4.4: N and T count, everything else is excluded.
DEFAULT_FLAGS: Final = FlagTreatment()


@dataclass(frozen=True, eq=False)
class HourlySeries:
    """Hourly series of several sites over whole local days.

    Attributes
    ----------
    sites
        Site codes, one per row.
    first_day, last_day
        Local (Asia/Shanghai) dates of the first and the last day.
    values
        Key (pollutant name for air, ``"Leq"`` for noise) → ``(n_sites, n_days·24)`` values,
        hour 0 = 00:00 of ``first_day``; NaN where no reading or an excluded one.
        [µg/m³; CO mg/m³; dB(A)]
    coverage
        Key → ``(n_sites,)`` valid hours.
    stored
        Key → ``(n_sites, n_days·24)``: a reading is stored for the hour, whatever its flag
        or value.
    lower_bound_hours
        Key → ``(n_sites,)`` valid hours flagged T: their value is a lower bound.
    """

    sites: tuple[str, ...]
    first_day: dt.date
    last_day: dt.date
    values: dict[str, FloatArray]
    coverage: dict[str, IntArray]
    stored: dict[str, BoolArray]
    lower_bound_hours: dict[str, IntArray]

    @property
    def n_days(self) -> int:
        """Days covered."""
        return (self.last_day - self.first_day).days + 1

    @property
    def expected_hours(self) -> int:
        """Hours per site and key: ``n_days · 24``."""
        return self.n_days * _HOURS_PER_DAY


@dataclass(frozen=True)
class WaterMonth:
    """One site's water values of one calendar month.

    Attributes
    ----------
    values
        Item name → the mean of the month's valid readings; None when the item was reported
        that month but no reading counts. Items not reported are absent. [mg/L; 个/L; pH 1]
    sample_days
        Days of the month with a stored sample reading (any flag).
    valid_readings
        Readings that entered the means.
    """

    year: int
    month: int
    values: dict[str, float | None]
    sample_days: int
    valid_readings: int


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 Asia/Shanghai of ``day``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE)


def _checked_days(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        raise ValidationError(f"last day {last_day} is before the first day {first_day}")


def registered_sites(snapshot: StoreTransaction, kinds: Sequence[SiteKind]) -> tuple[Site, ...]:
    """The registered sites of ``kinds``, by code."""
    return tuple(site for site in snapshot.registry.sites() if site.kind in kinds)


def _site_ids(
    snapshot: StoreTransaction, codes: Sequence[str], kinds: Sequence[SiteKind], what: str
) -> tuple[tuple[str, ...], list[int]]:
    """The ids of the sites ``codes``, each registered with one of ``kinds``."""
    if len(set(codes)) != len(codes):
        duplicated = sorted({code for code in codes if list(codes).count(code) > 1})
        raise ValidationError(f"site codes given twice: {', '.join(duplicated)}")
    sites = {site.code: site for site in snapshot.registry.sites()}
    ids = snapshot.registry.site_ids()
    of_kind = sorted(code for code, site in sites.items() if site.kind in kinds)
    for code in codes:
        site = sites.get(code)
        if site is None:
            raise UnknownNameError(what, code, of_kind)
        if site.kind not in kinds:
            raise ValidationError(
                f"site {code} is registered as {site.kind.value} ({site.kind.label}); "
                f"expected: {what}"
            )
    return tuple(codes), [ids[code] for code in codes]


def _parameter_ids(snapshot: StoreTransaction, parameters: Mapping[str, str]) -> dict[str, int]:
    """Key → parameter id; a code missing from the database's vocabulary raises."""
    known = snapshot.registry.parameter_ids()
    missing = [code for code in parameters.values() if code not in known]
    if missing:
        raise UnknownNameError(
            "parameter (run `ecowarden db upgrade` to sync the vocabulary)",
            missing[0],
            sorted(known),
        )
    return {key: known[code] for key, code in parameters.items()}


def _refuse_out_of_range(
    frame: pl.DataFrame,
    counted: pl.Series,
    low: float,
    high: float | None,
    codes: Mapping[int, str],
    names: Mapping[int, str],
    what: str,
) -> None:
    """ValidationError naming site, parameter, start and value of the first counted value
    outside [low, high]."""
    values = frame["value"]
    bad = counted & values.is_not_null()
    outside = values < low
    if high is not None:
        outside = outside | (values > high)
    bad = bad & outside.fill_null(False)
    if not bad.any():
        return
    row = frame.filter(bad).row(0, named=True)
    bounds = f"≥ {low:g}" if high is None else f"within {low:g}–{high:g}"
    raise ValidationError(
        f"site {codes[row['site_id']]} {names[row['parameter_id']]} "
        f"{row['start'].isoformat()}: {what} {row['value']!r} must be {bounds}"
    )


def _hourly_series(
    snapshot: StoreTransaction,
    codes: tuple[str, ...],
    site_ids: list[int],
    parameters: Mapping[str, str],
    first_day: dt.date,
    last_day: dt.date,
    *,
    flags: FlagTreatment,
    low: float,
    high: float | None,
    what: str,
) -> HourlySeries:
    keys = _parameter_ids(snapshot, parameters)
    start = local_midnight(first_day)
    frame = snapshot.readings.read(
        ReadingQuery(
            site_ids=tuple(site_ids),
            parameter_ids=tuple(keys.values()),
            period=Period.HOUR,
            start_from=start,
            start_to=local_midnight(last_day + dt.timedelta(days=1)),
        )
    )
    counted = frame["flag"].is_in(list(flags.counted)) & frame["value"].is_not_null()
    site_code = dict(zip(site_ids, codes, strict=True))
    _refuse_out_of_range(
        frame,
        counted,
        low,
        high,
        site_code,
        {pid: f"{key} ({parameters[key]})" for key, pid in keys.items()},
        what,
    )
    n_sites = len(site_ids)
    n_hours = ((last_day - first_day).days + 1) * _HOURS_PER_DAY
    # Asia/Shanghai has kept UTC+8 since 1991, so hours since local midnight index the grid.
    hour = ((frame["start"].dt.epoch("s") - int(start.timestamp())) // _SECONDS_PER_HOUR).to_numpy()
    row = frame["site_id"].replace_strict({sid: i for i, sid in enumerate(site_ids)}).to_numpy()
    parameter = frame["parameter_id"].to_numpy()
    value = frame["value"].to_numpy()
    is_counted = counted.to_numpy()
    over_range = (frame["flag"] == DataFlag.OVER_RANGE.value).to_numpy() & is_counted
    values: dict[str, FloatArray] = {}
    stored: dict[str, BoolArray] = {}
    coverage: dict[str, IntArray] = {}
    lower_bound: dict[str, IntArray] = {}
    for key, parameter_id in keys.items():
        of_key = (parameter == parameter_id) & (hour >= 0) & (hour < n_hours)
        grid = np.full((n_sites, n_hours), np.nan)
        grid[row[of_key], hour[of_key]] = np.where(is_counted[of_key], value[of_key], np.nan)
        present = np.zeros((n_sites, n_hours), dtype=np.bool_)
        present[row[of_key], hour[of_key]] = True
        values[key] = grid
        stored[key] = present
        coverage[key] = np.count_nonzero(~np.isnan(grid), axis=1).astype(np.int64)
        lower_bound[key] = np.bincount(row[of_key & over_range], minlength=n_sites).astype(np.int64)
    return HourlySeries(codes, first_day, last_day, values, coverage, stored, lower_bound)


def air_hourly_series(
    snapshot: StoreTransaction,
    sites: Sequence[str],
    first_day: dt.date,
    last_day: dt.date,
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> HourlySeries:
    """Hourly means of the six AQI pollutants at ambient air stations.

    Parameters
    ----------
    snapshot
        A read (or write) transaction of the store.
    sites
        Codes of registered air stations, one row each, in this order.
    first_day, last_day
        Local dates of the first and last whole day.
    flags
        Which data flags count (:class:`FlagTreatment`).

    Returns
    -------
    HourlySeries
        Keys ``SO2 NO2 CO O3 PM10 PM2.5`` (:data:`AIR_PARAMETERS`). [µg/m³; CO mg/m³]

    Raises
    ------
    UnknownNameError
        A code that is not a registered air station.
    ValidationError
        A site of another kind, a code given twice, days out of order, or a counted
        negative concentration (named by site, pollutant and hour).
    """
    _checked_days(first_day, last_day)
    codes, ids = _site_ids(snapshot, sites, (SiteKind.AIR_STATION,), "air station")
    return _hourly_series(
        snapshot,
        codes,
        ids,
        AIR_PARAMETERS,
        first_day,
        last_day,
        flags=flags,
        low=0.0,
        high=None,
        what="concentration",
    )


def noise_hourly_series(
    snapshot: StoreTransaction,
    sites: Sequence[str],
    first_day: dt.date,
    last_day: dt.date,
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> HourlySeries:
    """Hourly Leq (parameter ``Leq``, period hour) of automatic noise stations.

    Returns the key ``"Leq"`` [dB(A)]; a counted level outside 0–200 dB
    (:data:`~ecowarden.standards.noise.levels.LEVEL_RANGE_DB`) raises ValidationError naming
    site and hour. Otherwise as :func:`air_hourly_series`.
    """
    _checked_days(first_day, last_day)
    codes, ids = _site_ids(snapshot, sites, (SiteKind.NOISE_STATION,), "noise station")
    low, high = LEVEL_RANGE_DB
    return _hourly_series(
        snapshot,
        codes,
        ids,
        NOISE_PARAMETERS,
        first_day,
        last_day,
        flags=flags,
        low=low,
        high=high,
        what="level",
    )


def _month_index(month: tuple[int, int], what: str) -> int:
    year, number = month
    if not 1 <= number <= 12:
        raise ValidationError(f"{what} {year}-{number}: month must be 1…12")
    return year * 12 + number - 1


def _month_mean(item: str, values: list[float]) -> float | None:
    """The mean of one item's valid readings of a month, exact until the final float; None
    without any."""
    if item == Item.PH.value:
        mean = period_mean(Item.PH, values, rules=_UNROUNDED).value
        return None if mean is None else float(mean)
    if not values:
        return None
    return float(sum((to_fraction(value) for value in values), Fraction(0)) / len(values))


def _checked_water_values(
    frame: pl.DataFrame,
    counted: pl.Series,
    codes: Mapping[int, str],
    keys: Mapping[str, int],
) -> None:
    """pH must lie in 0–14 and concentrations must not be negative (water temperature may)."""
    names = {pid: f"{item} ({WATER_PARAMETERS[item]})" for item, pid in keys.items()}
    ph = frame["parameter_id"] == keys[Item.PH.value]
    temperature = frame["parameter_id"] == keys[Item.WATER_TEMPERATURE.value]
    _refuse_out_of_range(frame, counted & ph, 0.0, 14.0, codes, names, "pH")
    _refuse_out_of_range(
        frame, counted & ~ph & ~temperature, 0.0, None, codes, names, "concentration"
    )


def water_monthly_series(
    snapshot: StoreTransaction,
    sites: Sequence[str],
    first_month: tuple[int, int],
    last_month: tuple[int, int],
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> dict[str, tuple[WaterMonth, ...]]:
    """Monthly water values of water sections and drinking-water sources, with sample counts.

    .. math:: \\bar C_m = \\frac{1}{n} \\sum_{i=1}^{n} C_i, \\qquad
              \\overline{pH}_m = -\\lg\\left(\\frac{1}{n}\\sum_{i=1}^{n} 10^{-pH_i}\\right)

    over the month's valid manual-sample readings (period ``day``) of each item [WQA2011].

    Parameters
    ----------
    sites
        Codes of registered water sections or drinking-water sources.
    first_month, last_month
        (year, month) of the first and last calendar month, inclusive.
    flags
        Which data flags count (:class:`FlagTreatment`).

    Returns
    -------
    dict
        Site code → its months with at least one stored sample reading, in month order; every
        requested site is a key. Values [mg/L; fecal coliform 个/L; pH 1] as
        :class:`WaterMonth`.
    """
    first, last = _month_index(first_month, "first month"), _month_index(last_month, "last month")
    if last < first:
        raise ValidationError(f"last month {last_month} is before the first month {first_month}")
    codes, ids = _site_ids(snapshot, sites, _WATER_KINDS, "water site")
    keys = _parameter_ids(snapshot, WATER_PARAMETERS)
    item_of = {pid: item for item, pid in keys.items()}
    frame = snapshot.readings.read(
        ReadingQuery(
            site_ids=tuple(ids),
            parameter_ids=tuple(keys.values()),
            period=Period.DAY,
            start_from=local_midnight(dt.date(first // 12, first % 12 + 1, 1)),
            start_to=local_midnight(dt.date((last + 1) // 12, (last + 1) % 12 + 1, 1)),
        )
    )
    counted = frame["flag"].is_in(list(flags.counted)) & frame["value"].is_not_null()
    site_code = dict(zip(ids, codes, strict=True))
    _checked_water_values(frame, counted, site_code, keys)
    dated = frame.select(
        "site_id",
        "parameter_id",
        "value",
        counted.alias("counted"),
        pl.col("start").dt.year().alias("year"),
        pl.col("start").dt.month().alias("month"),
        pl.col("start").dt.day().alias("day"),
    )
    days = dated.group_by("site_id", "year", "month").agg(
        pl.col("day").n_unique().alias("sample_days"),
        pl.col("counted").sum().alias("valid_readings"),
    )
    items = dated.group_by("site_id", "year", "month", "parameter_id").agg(
        pl.col("value").filter(pl.col("counted")).alias("values")
    )
    values: dict[tuple[int, int, int], dict[str, float | None]] = {}
    for site_id, year, month, parameter_id, readings in items.iter_rows():
        item = item_of[parameter_id]
        values.setdefault((site_id, year, month), {})[item] = _month_mean(item, readings)
    result: dict[str, list[WaterMonth]] = {code: [] for code in codes}
    for site_id, year, month, sample_days, valid_readings in days.sort(
        "site_id", "year", "month"
    ).iter_rows():
        ordered = {
            item: values[(site_id, year, month)][item]
            for item in WATER_PARAMETERS
            if item in values[(site_id, year, month)]
        }
        result[site_code[site_id]].append(
            WaterMonth(year, month, ordered, int(sample_days), int(valid_readings))
        )
    return {code: tuple(months) for code, months in result.items()}


def water_monthly_samples(
    snapshot: StoreTransaction,
    sites: Sequence[str],
    first_month: tuple[int, int],
    last_month: tuple[int, int],
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> dict[str, list[tuple[tuple[int, int], dict[str, float | None]]]]:
    """Site code → ``[((year, month), {item name: monthly value})]`` in month order.

    The shape :func:`ecowarden.assess.water.assess_water_sites` takes per site; months without
    samples are omitted. See :func:`water_monthly_series` for the rules and units.
    """
    series = water_monthly_series(snapshot, sites, first_month, last_month, flags=flags)
    return {
        code: [((month.year, month.month), month.values) for month in months]
        for code, months in series.items()
    }
