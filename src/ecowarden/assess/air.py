"""Air-quality assessment of many stations at once: hourly series → daily values, daily AQI,
monthly / quarterly / annual statistics, attainment, good-day rates, composite index and the
city (or county) figures, with the coverage counts behind every validity decision.

Editions (reference §1.2, OQ-6): each day's AQI is computed under the HJ 633 edition in force
on that day, so a period straddling 2026-03-01 mixes HJ 633-2012 and HJ 633-2026 days; the GB
3095 limit set of a period statistic is a parameter, by default the set in force on the
period's last day (calendar 2026 → 2026 transitional). Year-on-year comparisons recompute the
earlier year under the later edition unless asked otherwise (OQ-7), and state the basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.aqi import aqi
from ecowarden.standards.air.breakpoints import AQI_BANDS, POLLUTANT_BIT, Pollutant
from ecowarden.standards.air.editions import AqiStandard, LimitSet, standard_for
from ecowarden.standards.air.iaqi import DEFAULT_POLICY, IndexPolicy
from ecowarden.standards.air.limits import (
    BASIC_POLLUTANTS,
    AirClass,
    AirPollutant,
    limit_set_in_force,
    parse_air_class,
    parse_pollutant,
)
from ecowarden.standards.air.statistics import (
    INDEX_STATISTIC,
    RANK2018_UNWEIGHTED,
    AttainmentArrays,
    CalendarPeriod,
    Change,
    ChangeKind,
    ComprehensiveIndexMethod,
    IndexArrays,
    Period,
    PeriodStatistics,
    calendar_periods,
    comprehensive_indices,
    period_attainment,
    period_statistics,
    round_half_even_ratio,
    spatial_mean,
    year_on_year,
)
from ecowarden.standards.air.validity import (
    ValidatedValues,
    daily_max_1h,
    daily_max_8h,
    daily_means,
)

MaskedI16 = np.ma.MaskedArray[Any, np.dtype[np.int16]]

#: The daily-report indicator (HJ 633 item code) fed by each daily value.
_DAILY_ITEM: Final[Mapping[AirPollutant, str]] = MappingProxyType(
    {
        AirPollutant.SO2: "SO2_24H",
        AirPollutant.NO2: "NO2_24H",
        AirPollutant.CO: "CO_24H",
        AirPollutant.O3: "O3_8H",
        AirPollutant.PM10: "PM10_24H",
        AirPollutant.PM25: "PM25_24H",
    }
)
#: HJ 633-2012 daily report only: the O3 daily maximum 1-h mean.
_O3_1H_ITEM: Final = "O3_1H"
#: 优良: AQI ≤ 100 (HJ 633 categories 优 and 良).
_GOOD_AQI_MAX: Final = 100
#: HJ 633-2026 §5.3.1: with an indicator missing, the AQI of the others counts when above 100.
_INCOMPLETE_AQI_ABOVE: Final = 100


@dataclass(frozen=True)
class ExceptionalEvent:
    """An exceptional-event mark (HJ 663-2026 例外事件, reference OQ-1).

    Never detected automatically; never applied to the daily AQI; removes the pollutant's
    daily value from evaluation statistics only when the policy enables it.

    Attributes
    ----------
    station
        Index of the station, or None for every station and the city.
    """

    day: dt.date
    pollutant: AirPollutant
    reason: str
    authority: str
    document: str
    station: int | None = None


@dataclass(frozen=True)
class AssessmentPolicy:
    """The switchable choices of docs/decisions/0002-air-statistics.md.

    Attributes
    ----------
    aqi_standard
        Force one HJ 633 edition for every day; None: the edition in force each day (OQ-6).
    limit_set
        Force one GB 3095 limit set for every period; None: the set in force on each period's
        last day (OQ-6).
    periods
        Which calendar periods to evaluate.
    monthly_clause
        Apply Table 4's monthly clause to annual validity (OQ-13).
    index_method
        Comprehensive-index configuration (OQ-18): default unweighted, GB 3095-2012 class 2.
    apply_exceptional_events
        Remove marked exceptional-event days from period statistics (OQ-1); off by default.
    city_air_class
        Zone class the city figures are held against.
    aqi_policy
        Choices of the AQI engine (decision record 0001).
    """

    aqi_standard: AqiStandard | None = None
    limit_set: LimitSet | None = None
    periods: tuple[Period, ...] = (Period.MONTH, Period.QUARTER, Period.YEAR)
    monthly_clause: bool = True
    index_method: ComprehensiveIndexMethod = RANK2018_UNWEIGHTED
    apply_exceptional_events: bool = False
    city_air_class: AirClass = AirClass.CLASS_2
    aqi_policy: IndexPolicy = DEFAULT_POLICY


@dataclass(frozen=True, eq=False)
class DailyAqi:
    """Daily AQI per station (or city) and day, ``(..., n_days)``.

    Attributes
    ----------
    standards
        The HJ 633 edition of each day.
    aqi, aqi_from_available, category, primary_pollutants, publishable, incomplete
        As :class:`~ecowarden.standards.air.aqi.AQIArrayResult`, reshaped.
    missing_items
        Item bitmask of the indicators shown "NA" (no valid daily value).
    valid_day
        The day has a determinable AQI (OQ-5): every indicator valid, or the AQI of the
        others above 100. Only valid days enter good-day rates and day counts.
    rule_2026_on_2012_day
        A HJ 633-2012 day with an indicator missing, whose validity was decided by the HJ
        633-2026 §5.3.1 rule (OQ-5 flag).
    """

    standards: tuple[AqiStandard, ...]
    aqi: MaskedI16
    aqi_from_available: MaskedI16
    category: NDArray[np.int8]
    primary_pollutants: NDArray[np.uint8]
    publishable: NDArray[np.bool_]
    incomplete: NDArray[np.bool_]
    missing_items: NDArray[np.uint16]
    valid_day: NDArray[np.bool_]
    rule_2026_on_2012_day: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class GoodDays:
    """Good-day rate and day counts per period, ``(..., n_periods)``.

    Attributes
    ----------
    good_days, valid_days, na_days
        Numerator, denominator, and calendar days without a determinable AQI (OQ-5).
    rate, rate_units
        优良天数比例 to 1 decimal (NaN / 0 without valid days) and in tenths. [%]
    category_days
        Valid days per category, ``(..., n_periods, 6)``: 优, 良, 轻度, 中度, 重度, 严重污染.
    primary_days
        Valid days on which each pollutant was a primary pollutant (ties count for each).
    """

    good_days: NDArray[np.int64]
    valid_days: NDArray[np.int64]
    na_days: NDArray[np.int64]
    rate: NDArray[np.float64]
    rate_units: NDArray[np.int64]
    category_days: NDArray[np.int64]
    primary_days: Mapping[Pollutant, NDArray[np.int64]]


@dataclass(frozen=True, eq=False)
class PeriodAssessment:
    """Everything evaluated per calendar period, ``(..., n_periods)``.

    Attributes
    ----------
    limit_sets
        The GB 3095 limit set each period was held against (OQ-6).
    attains, determined
        Multi-item evaluation: all basic items attain; ``determined`` False where some item
        is undetermined and none exceeds (``attains`` is then False).
    index
        Comprehensive index; None when a basic pollutant is not monitored.
    """

    period: Period
    periods: tuple[CalendarPeriod, ...]
    limit_sets: tuple[LimitSet, ...]
    statistics: Mapping[AirPollutant, PeriodStatistics]
    attainment: Mapping[AirPollutant, AttainmentArrays]
    attains: NDArray[np.bool_]
    determined: NDArray[np.bool_]
    index: IndexArrays | None
    good_days: GoodDays


@dataclass(frozen=True, eq=False)
class SeriesAssessment:
    """Daily values, daily AQI and period assessments of stations ``(stations, …)`` or of
    the city ``(…)``.

    ``daily`` holds the daily means (SO2, NO2, CO, PM10, PM2.5) and the O3 MDA8; for the
    city, ``count`` is the number of stations included (OQ-25).
    """

    daily: Mapping[AirPollutant, ValidatedValues]
    o3_daily_max_1h: ValidatedValues | None
    aqi: DailyAqi
    periods: Mapping[Period, PeriodAssessment]


@dataclass(frozen=True, eq=False)
class AirAssessment:
    """Assessment of ``n_stations`` stations and their city over ``n_days`` days."""

    first_date: dt.date
    n_days: int
    air_class: NDArray[np.int64]
    policy: AssessmentPolicy
    stations: SeriesAssessment
    city: SeriesAssessment
    exceptional_events: tuple[ExceptionalEvent, ...]


# --- building blocks --------------------------------------------------------------------------


def _hourly_inputs(hourly: Mapping[str, ArrayLike]) -> dict[AirPollutant, NDArray[np.float64]]:
    arrays = {
        parse_pollutant(name): np.asarray(values, dtype=np.float64)
        for name, values in hourly.items()
    }
    unsupported = [p.value for p in arrays if p not in _DAILY_ITEM]
    if unsupported:
        raise ValidationError(
            f"the air assessment takes the six basic pollutants, not {', '.join(unsupported)}"
        )
    if not arrays:
        raise ValidationError("no hourly series given")
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) != 1:
        raise ValidationError(f"hourly arrays differ in shape: {sorted(shapes)}")
    (shape,) = shapes
    if len(shape) != 2 or shape[0] < 1 or shape[1] < 24:
        raise ValidationError(f"hourly arrays must be (stations, hours), got shape {shape}")
    return arrays


def _station_classes(air_class: ArrayLike, n_stations: int) -> NDArray[np.int64]:
    given = np.asarray(air_class)
    try:
        classes = np.broadcast_to(given, (n_stations,))
    except ValueError:
        raise ValidationError(
            f"air_class of shape {given.shape} does not match {n_stations} stations"
        ) from None
    if classes.dtype.kind not in "iu":
        raise UnknownNameError("air class", given.tolist(), [str(c.value) for c in AirClass])
    for value in np.unique(classes):
        parse_air_class(int(value))
    return classes.astype(np.int64)


def _aqi_standards(
    first_date: dt.date, n_days: int, forced: AqiStandard | None
) -> tuple[AqiStandard, ...]:
    if forced is not None:
        return (forced,) * n_days
    return tuple(standard_for(first_date + dt.timedelta(days=d)).aqi for d in range(n_days))


def _runs(standards: Sequence[AqiStandard]) -> list[tuple[AqiStandard, int, int]]:
    runs: list[tuple[AqiStandard, int, int]] = []
    for d, std in enumerate(standards):
        if runs and runs[-1][0] is std:
            runs[-1] = (std, runs[-1][1], d + 1)
        else:
            runs.append((std, d, d + 1))
    return runs


def _daily_aqi(
    daily: Mapping[AirPollutant, ValidatedValues],
    o3_max_1h: ValidatedValues | None,
    standards: tuple[AqiStandard, ...],
    policy: IndexPolicy,
) -> DailyAqi:
    shape = next(iter(daily.values())).value.shape
    aqi_data = np.zeros(shape, dtype=np.int16)
    aqi_mask = np.ones(shape, dtype=np.bool_)
    available_data = np.zeros(shape, dtype=np.int16)
    available_mask = np.ones(shape, dtype=np.bool_)
    category = np.zeros(shape, dtype=np.int8)
    primary = np.zeros(shape, dtype=np.uint8)
    publishable = np.zeros(shape, dtype=np.bool_)
    incomplete = np.zeros(shape, dtype=np.bool_)
    missing = np.zeros(shape, dtype=np.uint16)
    is_2012 = np.zeros(shape, dtype=np.bool_)
    for std, a, b in _runs(standards):
        columns = {_DAILY_ITEM[p]: v.value[..., a:b].reshape(-1) for p, v in daily.items()}
        if std is AqiStandard.HJ633_2012 and o3_max_1h is not None:
            columns[_O3_1H_ITEM] = o3_max_1h.value[..., a:b].reshape(-1)
        result = aqi(columns, standard=std, report="daily", policy=policy)
        part = (*shape[:-1], b - a)
        aqi_data[..., a:b] = result.aqi.filled(0).reshape(part)
        aqi_mask[..., a:b] = np.ma.getmaskarray(result.aqi).reshape(part)
        available_data[..., a:b] = result.aqi_from_available.filled(0).reshape(part)
        available_mask[..., a:b] = np.ma.getmaskarray(result.aqi_from_available).reshape(part)
        category[..., a:b] = result.category.reshape(part)
        primary[..., a:b] = result.primary_pollutants.reshape(part)
        publishable[..., a:b] = result.publishable.reshape(part)
        incomplete[..., a:b] = result.incomplete.reshape(part)
        missing[..., a:b] = result.missing.reshape(part)
        is_2012[..., a:b] = std is AqiStandard.HJ633_2012
    known = ~available_mask
    above = known & (available_data > _INCOMPLETE_AQI_ABOVE)
    valid_day = known & ((missing == 0) | above)
    return DailyAqi(
        standards=standards,
        aqi=np.ma.MaskedArray(aqi_data, mask=aqi_mask),
        aqi_from_available=np.ma.MaskedArray(available_data, mask=available_mask),
        category=category,
        primary_pollutants=primary,
        publishable=publishable,
        incomplete=incomplete,
        missing_items=missing,
        valid_day=valid_day,
        rule_2026_on_2012_day=is_2012 & (missing != 0) & known,
    )


def _good_days(daily: DailyAqi, periods: Sequence[CalendarPeriod]) -> GoodDays:
    lead = daily.valid_day.shape[:-1]
    shape = (*lead, len(periods))
    good = np.zeros(shape, dtype=np.int64)
    valid = np.zeros(shape, dtype=np.int64)
    na = np.zeros(shape, dtype=np.int64)
    categories = np.zeros((*shape, len(AQI_BANDS)), dtype=np.int64)
    primary = {p: np.zeros(shape, dtype=np.int64) for p in POLLUTANT_BIT}
    aqi_known = daily.aqi_from_available.filled(0)
    for j, cal in enumerate(periods):
        window = slice(cal.first, cal.stop)
        ok = daily.valid_day[..., window]
        valid[..., j] = np.count_nonzero(ok, axis=-1)
        good[..., j] = np.count_nonzero(ok & (aqi_known[..., window] <= _GOOD_AQI_MAX), axis=-1)
        na[..., j] = (cal.end - cal.start).days + 1 - valid[..., j]
        for k, band in enumerate(AQI_BANDS):
            categories[..., j, k] = np.count_nonzero(
                ok & (daily.category[..., window] == band.code), axis=-1
            )
        for pollutant, bit in POLLUTANT_BIT.items():
            primary[pollutant][..., j] = np.count_nonzero(
                ok & ((daily.primary_pollutants[..., window] & bit) != 0), axis=-1
            )
    has = valid > 0
    units = np.where(has, round_half_even_ratio(good * 1000, np.maximum(valid, 1), 0), 0)
    return GoodDays(
        good_days=good,
        valid_days=valid,
        na_days=na,
        rate=np.where(has, units / 10, np.nan),
        rate_units=units,
        category_days=categories,
        primary_days=MappingProxyType(primary),
    )


def _excluded(
    events: Sequence[ExceptionalEvent],
    first_date: dt.date,
    n_days: int,
    n_stations: int,
    city: bool,
) -> dict[AirPollutant, NDArray[np.bool_]]:
    masks: dict[AirPollutant, NDArray[np.bool_]] = {}
    for event in events:
        d = (event.day - first_date).days
        if not 0 <= d < n_days:
            continue
        mask = masks.setdefault(
            event.pollutant, np.zeros((n_days,) if city else (n_stations, n_days), dtype=np.bool_)
        )
        if city:
            if event.station is None:
                mask[d] = True
        elif event.station is None:
            mask[:, d] = True
        elif 0 <= event.station < n_stations:
            mask[event.station, d] = True
        else:
            raise ValidationError(f"exceptional event for station {event.station}: no such station")
    return masks


def _period_assessment(
    daily: Mapping[AirPollutant, ValidatedValues],
    daily_aqi: DailyAqi,
    first_date: dt.date,
    period: Period,
    air_class: NDArray[np.int64] | int,
    excluded: Mapping[AirPollutant, NDArray[np.bool_]],
    policy: AssessmentPolicy,
) -> PeriodAssessment:
    n_days = daily_aqi.valid_day.shape[-1]
    periods = calendar_periods(first_date, n_days, period)
    limit_sets = tuple(
        policy.limit_set if policy.limit_set is not None else limit_set_in_force(cal.end)
        for cal in periods
    )
    statistics = {
        p: period_statistics(
            values,
            pollutant=p,
            first_date=first_date,
            period=period,
            excluded=excluded.get(p) if policy.apply_exceptional_events else None,
            monthly_clause=policy.monthly_clause,
        )
        for p, values in daily.items()
    }
    attainment = {
        p: period_attainment(s, air_class=air_class, limit_sets=limit_sets)
        for p, s in statistics.items()
    }
    shape = (*daily_aqi.valid_day.shape[:-1], len(periods))
    exceeds = np.zeros(shape, dtype=np.bool_)
    known = np.ones(shape, dtype=np.bool_)
    for p in BASIC_POLLUTANTS:
        item = attainment.get(p)
        if item is None:
            known &= False
            continue
        exceeds |= item.determined & ~item.attains
        known &= item.determined
    index = (
        comprehensive_indices(statistics, method=policy.index_method)
        if all(p in statistics for p in INDEX_STATISTIC)
        else None
    )
    return PeriodAssessment(
        period=period,
        periods=periods,
        limit_sets=limit_sets,
        statistics=MappingProxyType(statistics),
        attainment=MappingProxyType(attainment),
        attains=known & ~exceeds,
        determined=known | exceeds,
        index=index,
        good_days=_good_days(daily_aqi, periods),
    )


def _series(
    daily: Mapping[AirPollutant, ValidatedValues],
    o3_max_1h: ValidatedValues | None,
    first_date: dt.date,
    air_class: NDArray[np.int64] | int,
    excluded: Mapping[AirPollutant, NDArray[np.bool_]],
    policy: AssessmentPolicy,
) -> SeriesAssessment:
    n_days = next(iter(daily.values())).value.shape[-1]
    standards = _aqi_standards(first_date, n_days, policy.aqi_standard)
    daily_aqi = _daily_aqi(daily, o3_max_1h, standards, policy.aqi_policy)
    periods = {
        Period(kind): _period_assessment(
            daily, daily_aqi, first_date, Period(kind), air_class, excluded, policy
        )
        for kind in policy.periods
    }
    return SeriesAssessment(
        daily=MappingProxyType(dict(daily)),
        o3_daily_max_1h=o3_max_1h,
        aqi=daily_aqi,
        periods=MappingProxyType(periods),
    )


# --- public API ---------------------------------------------------------------------------------


def assess_air(
    hourly: Mapping[str, ArrayLike],
    *,
    first_date: dt.date,
    air_class: ArrayLike,
    policy: AssessmentPolicy = AssessmentPolicy(),
    exceptional_events: Sequence[ExceptionalEvent] = (),
) -> AirAssessment:
    """Assess many stations and their city from hourly series.

    Daily values (GB 3095 Table 4 validity): daily means of SO2, NO2, CO, PM10 and PM2.5, the
    O3 MDA8 (14 of 17 windows, or above the class limit, OQ-14) and, for HJ 633-2012 days, the
    O3 daily maximum 1-h. Daily AQI under the edition in force each day. Period statistics,
    attainment, good-day rate, days per category and per primary pollutant, and the composite
    index per calendar month, quarter and year. City values: the mean of the stations' valid
    values per indicator and day, then the AQI and statistics of that series (OQ-25).

    Parameters
    ----------
    hourly
        Pollutant name → hourly means shaped ``(stations, hours)``: interval start, index 0 =
        00:00 local of ``first_date``, NaN missing; whole days. [µg/m³; CO mg/m³] A pollutant
        not given is not monitored.
    first_date
        Local (Asia/Shanghai) date of the first hour.
    air_class
        Zone class (1 or 2) of each station.
    policy
        The switchable choices (:class:`AssessmentPolicy`).
    exceptional_events
        Marked exceptional events (OQ-1), used only when the policy enables them.

    Returns
    -------
    AirAssessment

    References
    ----------
    [GB3095-2026] §3, Table 1, Table 4; [HJ633-2012] [HJ633-2026]; [HJ663-2013]
    [HJ663-2026] (secondary); [RANK2018].
    """
    arrays = _hourly_inputs(hourly)
    n_stations, n_hours = next(iter(arrays.values())).shape
    classes = _station_classes(air_class, n_stations)
    daily: dict[AirPollutant, ValidatedValues] = {}
    for pollutant, values in arrays.items():
        if pollutant is AirPollutant.O3:
            daily[pollutant] = daily_max_8h(values, first_date=first_date, air_class=classes)
        else:
            daily[pollutant] = daily_means(values, pollutant=pollutant)
    o3_max = daily_max_1h(arrays[AirPollutant.O3]) if AirPollutant.O3 in arrays else None
    n_days = n_hours // 24
    station_excluded = _excluded(exceptional_events, first_date, n_days, n_stations, city=False)
    city_excluded = _excluded(exceptional_events, first_date, n_days, n_stations, city=True)
    stations = _series(daily, o3_max, first_date, classes, station_excluded, policy)
    city_daily = {p: spatial_mean(v) for p, v in daily.items()}
    city_o3_max = None if o3_max is None else spatial_mean(o3_max)
    city = _series(
        city_daily, city_o3_max, first_date, int(policy.city_air_class), city_excluded, policy
    )
    return AirAssessment(
        first_date=first_date,
        n_days=n_days,
        air_class=classes,
        policy=policy,
        stations=stations,
        city=city,
        exceptional_events=tuple(exceptional_events),
    )


# --- year on year (OQ-7) -------------------------------------------------------------------------


class YearOnYearBasis(StrEnum):
    """How the previous year is computed for a comparison (OQ-7)."""

    CURRENT_EDITION = "current edition"  # recomputed under the current year's editions
    AS_PUBLISHED = "as published"  # each year under its own editions


@dataclass(frozen=True, eq=False)
class ChangeArrays:
    """Changes per station of one figure, ``(stations,)``; NaN where undefined.

    ``change`` is rounded once (1 decimal, GB/T 8170) from the exact quotient or difference of
    the two reported figures: percent for concentrations and the index, percentage points for
    the good-day rate.
    """

    kind: ChangeKind
    current: NDArray[np.float64]
    previous: NDArray[np.float64]
    change: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class YearOnYearAssessment:
    """A year against the previous one, with the basis stated (OQ-7).

    ``changes`` and ``city_changes`` are keyed by pollutant name (its headline statistic:
    annual mean of SO2, NO2, PM10, PM2.5; CO P95; O3 P90 of MDA8), ``"good_day_rate"`` and
    ``"comprehensive_index"``.
    """

    year: int
    basis: YearOnYearBasis
    basis_statement: str
    current: AirAssessment
    previous: AirAssessment
    changes: Mapping[str, ChangeArrays]
    city_changes: Mapping[str, Change]


def _calendar_year(
    arrays: Mapping[AirPollutant, NDArray[np.float64]], first_date: dt.date, year: int
) -> dict[str, NDArray[np.float64]]:
    """The hours of calendar ``year``, NaN where the series does not cover them."""
    start = (dt.date(year, 1, 1) - first_date).days * 24
    hours = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 24
    result: dict[str, NDArray[np.float64]] = {}
    for pollutant, values in arrays.items():
        out = np.full((values.shape[0], hours), np.nan)
        lo, hi = max(start, 0), min(start + hours, values.shape[1])
        if hi > lo:
            out[:, lo - start : hi - start] = values[:, lo:hi]
        result[pollutant.value] = out
    return result


def _headline(
    assessment: SeriesAssessment,
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.bool_], int, ChangeKind]]:
    year = assessment.periods[Period.YEAR]
    figures: dict[str, tuple[NDArray[np.int64], NDArray[np.bool_], int, ChangeKind]] = {}
    for pollutant, (kind, _) in INDEX_STATISTIC.items():
        stats = year.statistics.get(pollutant)
        if stats is None:
            continue
        units = stats.mean_units if kind == "mean" else stats.percentile_units
        figures[pollutant.value] = (
            units[..., 0],
            (stats.valid & (stats.used_days > 0))[..., 0],
            stats.decimals,
            ChangeKind.CONCENTRATION,
        )
    gd = year.good_days
    figures["good_day_rate"] = (
        gd.rate_units[..., 0],
        gd.valid_days[..., 0] > 0,
        1,
        ChangeKind.RATE,
    )
    if year.index is not None:
        figures["comprehensive_index"] = (
            year.index.units[..., 0],
            year.index.valid[..., 0],
            2,
            ChangeKind.CONCENTRATION,
        )
    return figures


def _change_arrays(
    current: tuple[NDArray[np.int64], NDArray[np.bool_], int, ChangeKind],
    previous: tuple[NDArray[np.int64], NDArray[np.bool_], int, ChangeKind],
) -> ChangeArrays:
    cur, cur_ok, decimals, kind = current
    prev, prev_ok, _, _ = previous
    scale = 10**decimals
    if kind is ChangeKind.RATE:
        # both in tenths of a percent: the difference is exact at 1 decimal
        ok = cur_ok & prev_ok
        change = np.where(ok, (cur - prev) / 10, np.nan)
    else:
        ok = cur_ok & prev_ok & (prev > 0)
        tenths = round_half_even_ratio(
            np.where(ok, (cur - prev) * 100, 0), np.where(ok, prev, 1), 1
        )
        change = np.where(ok, tenths / 10, np.nan)
    return ChangeArrays(
        kind=kind,
        current=np.where(cur_ok, cur / scale, np.nan),
        previous=np.where(prev_ok, prev / scale, np.nan),
        change=change,
    )


def year_on_year_assessment(
    hourly: Mapping[str, ArrayLike],
    *,
    first_date: dt.date,
    air_class: ArrayLike,
    year: int,
    basis: str | YearOnYearBasis = YearOnYearBasis.CURRENT_EDITION,
    policy: AssessmentPolicy = AssessmentPolicy(),
    exceptional_events: Sequence[ExceptionalEvent] = (),
) -> YearOnYearAssessment:
    """Compare calendar ``year`` with ``year − 1``: headline statistics, good-day rate and
    comprehensive index, per station and for the city, with bulletin wording for the city.

    Parameters
    ----------
    hourly, first_date, air_class, policy, exceptional_events
        As :func:`assess_air`; the series should cover both years (uncovered hours are
        missing).
    year
        The current calendar year.
    basis
        ``"current edition"`` (default, OQ-7): the previous year is recomputed under the HJ
        633 edition and GB 3095 limit set of the current year's end, so like is compared with
        like; ``"as published"``: each year under its own editions.

    References
    ----------
    Reference §4.6 (bulletins, secondary), OQ-7, OQ-23.
    """
    try:
        how = YearOnYearBasis(basis)
    except ValueError:
        raise UnknownNameError("basis", basis, [b.value for b in YearOnYearBasis]) from None
    arrays = _hourly_inputs(hourly)
    year_policy = replace(policy, periods=(Period.YEAR,))
    year_end = dt.date(year, 12, 31)
    current_limits = policy.limit_set or limit_set_in_force(year_end)
    current_aqi = policy.aqi_standard or standard_for(year_end).aqi
    current = assess_air(
        _calendar_year(arrays, first_date, year),
        first_date=dt.date(year, 1, 1),
        air_class=air_class,
        policy=replace(year_policy, limit_set=current_limits),
        exceptional_events=exceptional_events,
    )
    if how is YearOnYearBasis.CURRENT_EDITION:
        previous_policy = replace(year_policy, limit_set=current_limits, aqi_standard=current_aqi)
        statement = (
            f"{year - 1} recomputed under {current_aqi.value} and "
            f"{current_limits.value}, as {year} (OQ-7)"
        )
    else:
        previous_policy = year_policy
        statement = "each year under the editions in force on its own days (as published)"
    previous = assess_air(
        _calendar_year(arrays, first_date, year - 1),
        first_date=dt.date(year - 1, 1, 1),
        air_class=air_class,
        policy=previous_policy,
        exceptional_events=exceptional_events,
    )
    now, before = _headline(current.stations), _headline(previous.stations)
    changes = {key: _change_arrays(now[key], before[key]) for key in now if key in before}
    city_now, city_before = _headline(current.city), _headline(previous.city)
    city_changes = {}
    for key in city_now:
        if key not in city_before:
            continue
        cur, cur_ok, decimals, kind = city_now[key]
        prev, prev_ok, _, _ = city_before[key]
        city_changes[key] = year_on_year(
            Decimal(int(cur)).scaleb(-decimals) if bool(cur_ok) else None,
            Decimal(int(prev)).scaleb(-decimals) if bool(prev_ok) else None,
            kind=kind,
        )
    return YearOnYearAssessment(
        year=year,
        basis=how,
        basis_statement=statement,
        current=current,
        previous=previous,
        changes=MappingProxyType(changes),
        city_changes=MappingProxyType(city_changes),
    )
