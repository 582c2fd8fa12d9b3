"""Air, water and noise assessments of a period over stored readings (docs/decisions/0008).

The figures come from :mod:`ecowarden.assess` and the standards engines; this module reads the
series (:mod:`ecowarden.services.series`), chooses the statistic that fits the period, and keeps
the coverage and validity behind every figure next to it.

Periods are written ``2025`` (a calendar year), ``2025-06`` (a month) or
``2025-01-01..2025-03-31`` (local days, both ends included). Air statistics take the calendar
period of :mod:`ecowarden.standards.air` the period is — a month, a quarter, a year, or January
to the end of a month (1—M月, year to date) — with its GB 3095 Table 4 validity [GB3095-2026]
[HJ663-2013]. Any other span is computed over its own days: whole months are valid when each
month is (the quarterly rule of OQ-13); a span with part of a month has no Table 4 minimum, so
its figures are shown over the valid days with validity undetermined (None) and are not held
against limits. Water periods take the calendar months they touch; noise periods their days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Final

import numpy as np

from ecowarden.assess.air import AssessmentPolicy, SeriesAssessment, assess_air
from ecowarden.assess.noise import assess_noise_stations
from ecowarden.assess.water import WaterSiteSpec, assess_water_sites
from ecowarden.errors import ValidationError
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.services.series import (
    DEFAULT_FLAGS,
    FlagTreatment,
    HourlySeries,
    air_hourly_series,
    noise_hourly_series,
    registered_sites,
    water_monthly_series,
)
from ecowarden.standards.air.breakpoints import AQI_BANDS
from ecowarden.standards.air.editions import AqiStandard, LimitSet
from ecowarden.standards.air.limits import BASIC_POLLUTANTS, AirPollutant, limit_set_in_force
from ecowarden.standards.air.statistics import (
    GOOD_DAY_AQI_MAX,
    INDEX_STATISTIC,
    PERCENTILE_OF,
    Period,
    attainment,
    comprehensive_index,
    percentile,
    reporting_decimals,
)
from ecowarden.standards.air.validity import Statistic, period_valid, requirement
from ecowarden.standards.noise import RateCount, parse_zone, reported_level, zone_limits
from ecowarden.standards.rounding import round_half_even
from ecowarden.standards.water.statistics import MIN_SAMPLES
from ecowarden.standards.water.statistics import Period as WaterPeriod
from ecowarden.store.database import StoreTransaction

Json = dict[str, object]

_YEAR: Final = re.compile(r"(\d{4})")
_MONTH: Final = re.compile(r"(\d{4})-(\d{1,2})")
_DAYS: Final = re.compile(r"(\S+)\.\.(\S+)")
_FORMS: Final = "YYYY, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD"
#: Water statistical period of a period that is one, for the minimum samples [WQA2011].
_WATER_PERIOD: Final = {
    Period.MONTH: WaterPeriod.MONTH,
    Period.QUARTER: WaterPeriod.QUARTER,
    Period.YEAR: WaterPeriod.YEAR,
}
#: The air assessment's documented choices (decision 0002).
DEFAULT_AIR_POLICY: Final = AssessmentPolicy()
#: The units a bulletin prints with each air pollutant's statistics.
_AIR_UNIT: Final = {p: "mg/m³" if p is AirPollutant.CO else "µg/m³" for p in BASIC_POLLUTANTS}


# --- periods ------------------------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class AssessmentPeriod:
    """Local (Asia/Shanghai) days ``first_day`` … ``last_day``, both included."""

    first_day: dt.date
    last_day: dt.date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValidationError(
                f"period ends ({self.last_day}) before it starts ({self.first_day})"
            )

    @property
    def days(self) -> int:
        """Calendar days of the period."""
        return (self.last_day - self.first_day).days + 1

    @property
    def whole_months(self) -> bool:
        """The period starts on the 1st of a month and ends on the last day of a month."""
        return self.first_day.day == 1 and self.last_day == _month_end(self.last_day)

    @property
    def months(self) -> tuple[tuple[int, int], ...]:
        """(year, month) of every calendar month the period touches."""
        first = self.first_day.year * 12 + self.first_day.month - 1
        last = self.last_day.year * 12 + self.last_day.month - 1
        return tuple((index // 12, index % 12 + 1) for index in range(first, last + 1))

    @property
    def air_period(self) -> Period | None:
        """The calendar period of the air statistics this period is, or None (a custom span).

        A year, a month, a quarter, or January to the end of a later month (year to date).
        """
        first, last = self.first_day, self.last_day
        if not self.whole_months or first.year != last.year:
            return None
        if first.month == 1 and last.month == 12:
            return Period.YEAR
        if first.month == last.month:
            return Period.MONTH
        if first.month % 3 == 1 and last.month == first.month + 2:
            return Period.QUARTER
        if first.month == 1:
            return Period.YEAR_TO_DATE
        return None

    @property
    def text(self) -> str:
        """The period as written: ``2025``, ``2025-06`` or ``2025-01-01..2025-03-31``."""
        if self.air_period is Period.YEAR:
            return f"{self.first_day.year}"
        if self.air_period is Period.MONTH:
            return f"{self.first_day.year}-{self.first_day.month:02d}"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    @property
    def label(self) -> str:
        """Chinese label: ``2025年``, ``2025年6月``, ``2025年1—3月``, else the two dates."""
        first, last = self.first_day, self.last_day
        if self.air_period is Period.YEAR:
            return f"{first.year}年"
        if self.air_period is Period.MONTH:
            return f"{first.year}年{first.month}月"
        if self.air_period is not None:
            return f"{first.year}年{first.month}—{last.month}月"
        return f"{first.isoformat()}至{last.isoformat()}"


def parse_period(text: str) -> AssessmentPeriod:
    """A period from ``2025``, ``2025-06`` or ``2025-01-01..2025-03-31``.

    Raises
    ------
    ValidationError
        Naming the text and what is wrong with it (form, month, date, order).
    """
    written = text.strip()
    if match := _YEAR.fullmatch(written):
        year = int(match[1])
        return AssessmentPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if match := _MONTH.fullmatch(written):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValidationError(f"period {text!r}: month {month} is not 1…12")
        first = dt.date(year, month, 1)
        return AssessmentPeriod(first, _month_end(first))
    if match := _DAYS.fullmatch(written):
        bounds = []
        for part in (match[1], match[2]):
            try:
                bounds.append(dt.date.fromisoformat(part))
            except ValueError:
                raise ValidationError(
                    f"period {text!r}: {part!r} is not a date (YYYY-MM-DD)"
                ) from None
        if bounds[1] < bounds[0]:
            raise ValidationError(f"period {text!r} ends before it starts")
        return AssessmentPeriod(bounds[0], bounds[1])
    raise ValidationError(f"period {text!r} is not {_FORMS}")


def _period(period: str | AssessmentPeriod) -> AssessmentPeriod:
    return period if isinstance(period, AssessmentPeriod) else parse_period(period)


def _chosen_sites(
    snapshot: StoreTransaction, sites: Sequence[str] | None, kinds: Sequence[SiteKind], what: str
) -> tuple[list[str], dict[str, Site]]:
    """The codes named, else every registered site of ``kinds``; and those sites by code.

    Unknown codes and sites of another kind are refused by the series functions, which list
    the valid codes.
    """
    registered = registered_sites(snapshot, kinds)
    if not sites and not registered:
        raise ValidationError(f"no {what} is registered")
    codes = list(sites) if sites else [site.code for site in registered]
    return codes, {site.code: site for site in registered}


def _number(value: Decimal | None) -> int | float | None:
    """A reported Decimal as a JSON number (an integer when it has no decimals)."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


def _units(units: int, decimals: int) -> Decimal:
    """The reported value of ``units`` in 10^-decimals."""
    return Decimal(units).scaleb(-decimals)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage to 1 decimal, GB/T 8170 [GBT8170]; None without a denominator."""
    if denominator == 0:
        return None
    return round_half_even(Fraction(100 * numerator, denominator), 1)


# --- air ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollutantFigures:
    """One pollutant's period statistics with the coverage behind them.

    Attributes
    ----------
    mean, percentile
        Reported period mean and percentile (GB/T 8170, once); None unless shown. The
        percentile is of daily means (SO2, NO2 P98; PM10, PM2.5, CO P95) or of MDA8 (O3 P90).
        [µg/m³; CO mg/m³]
    valid_days, days
        Valid daily values, calendar days of the period.
    months_short
        Calendar months under the monthly minimum (27, February 25); None for a span with
        part of a month.
    valid
        The statistic meets its Table 4 minimum; None where no minimum applies.
    attains
        Within the limits (OQ-19); None when undetermined or not judged.
    valid_hours, expected_hours, lower_bound_hours
        Stations only: valid hours, hours of the period, valid hours flagged T (lower bounds).
    """

    pollutant: str
    unit: str
    mean: Decimal | None
    percentile_rank: int
    percentile: Decimal | None
    valid_days: int
    days: int
    months_short: int | None
    valid: bool | None
    attains: bool | None
    valid_hours: int | None = None
    expected_hours: int | None = None
    lower_bound_hours: int | None = None

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "pollutant": self.pollutant,
            "unit": self.unit,
            "mean": _number(self.mean),
            "percentile_rank": self.percentile_rank,
            "percentile": _number(self.percentile),
            "valid_days": self.valid_days,
            "days": self.days,
            "months_short": self.months_short,
            "valid": self.valid,
            "attains": self.attains,
            "valid_hours": self.valid_hours,
            "expected_hours": self.expected_hours,
            "lower_bound_hours": self.lower_bound_hours,
        }


@dataclass(frozen=True)
class GoodDayFigures:
    """优良天数 of the period (OQ-5): counts over valid days, the rate to 1 decimal [%].

    ``category_days`` counts the valid days of each category, 优 … 严重污染.
    """

    good_days: int
    valid_days: int
    na_days: int
    rate: Decimal | None
    category_days: tuple[int, ...]

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "good_days": self.good_days,
            "valid_days": self.valid_days,
            "na_days": self.na_days,
            "rate_pct": _number(self.rate),
            "category_days": {
                band.category: days
                for band, days in zip(AQI_BANDS, self.category_days, strict=True)
            },
        }


@dataclass(frozen=True)
class AirSiteFigures:
    """A station's (or the county's) figures for the period."""

    code: str
    name: str
    pollutants: tuple[PollutantFigures, ...]
    good_days: GoodDayFigures
    composite_index: Decimal | None
    attains: bool | None

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "code": self.code,
            "name": self.name,
            "pollutants": [figures.to_json() for figures in self.pollutants],
            "good_days": self.good_days.to_json(),
            "composite_index": _number(self.composite_index),
            "attains": self.attains,
        }


@dataclass(frozen=True)
class AirPeriodAssessment:
    """Air figures of a period for the stations and the county (their mean, OQ-25).

    Attributes
    ----------
    statistic
        ``month``, ``quarter``, ``year``, ``year_to_date`` (calendar statistics of
        GB 3095 / HJ 663), ``months`` (whole months, each month valid) or ``days``
        (validity undetermined).
    limit_set
        GB 3095 limit set the period is held against (OQ-6).
    aqi_standards
        HJ 633 editions of the period's days, in order (OQ-6).
    """

    period: AssessmentPeriod
    statistic: str
    limit_set: LimitSet
    aqi_standards: tuple[AqiStandard, ...]
    index_method: str
    stations: tuple[AirSiteFigures, ...]
    county: AirSiteFigures

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "medium": "air",
            "period": self.period.text,
            "first_day": self.period.first_day.isoformat(),
            "last_day": self.period.last_day.isoformat(),
            "statistic": self.statistic,
            "limit_set": self.limit_set.value,
            "aqi_standards": [standard.value for standard in self.aqi_standards],
            "index_method": self.index_method,
            "stations": [station.to_json() for station in self.stations],
            "county": self.county.to_json(),
        }


def _decided(value: bool, determined: bool) -> bool | None:
    return bool(value) if determined else None


def _calendar_figures(
    assessment: SeriesAssessment, kind: Period, at: tuple[int, ...], days: int
) -> tuple[list[PollutantFigures], GoodDayFigures, Decimal | None, bool | None]:
    """Figures of the one calendar period of a station (``at = (i,)``) or the county."""
    period = assessment.periods[kind]
    here = (*at, 0)
    pollutants = []
    for pollutant in BASIC_POLLUTANTS:
        stats = period.statistics[pollutant]
        shown = bool(stats.valid[here]) and int(stats.used_days[here]) > 0
        judged = period.attainment[pollutant]
        pollutants.append(
            PollutantFigures(
                pollutant=pollutant.value,
                unit=_AIR_UNIT[pollutant],
                mean=_units(int(stats.mean_units[here]), stats.decimals) if shown else None,
                percentile_rank=PERCENTILE_OF[pollutant],
                percentile=_units(int(stats.percentile_units[here]), stats.decimals)
                if shown
                else None,
                valid_days=int(stats.valid_days[here]),
                days=days,
                months_short=int(stats.months_short[here]),
                valid=bool(stats.valid[here]),
                attains=_decided(judged.attains[here], judged.determined[here]),
            )
        )
    good = period.good_days
    valid_days = int(good.valid_days[here])
    good_days = GoodDayFigures(
        good_days=int(good.good_days[here]),
        valid_days=valid_days,
        na_days=int(good.na_days[here]),
        rate=_units(int(good.rate_units[here]), 1) if valid_days else None,
        category_days=tuple(int(n) for n in good.category_days[here]),
    )
    index = period.index
    composite = (
        _units(int(index.units[here]), 2) if index is not None and bool(index.valid[here]) else None
    )
    attains = _decided(period.attains[here], period.determined[here])
    return pollutants, good_days, composite, attains


def _all_of(parts: Sequence[bool | None]) -> bool | None:
    if any(part is False for part in parts):
        return False
    return None if any(part is None for part in parts) else True


def _span_figures(
    assessment: SeriesAssessment,
    at: tuple[int, ...],
    period: AssessmentPeriod,
    *,
    air_class: int,
    limit_set: LimitSet,
    policy: AssessmentPolicy,
) -> tuple[list[PollutantFigures], GoodDayFigures, Decimal | None, bool | None]:
    """Figures over the days of a span that is no calendar period of the air statistics."""
    months = period.months
    month_of_day = [
        months.index((day.year, day.month))
        for day in (period.first_day + dt.timedelta(days=d) for d in range(period.days))
    ]
    pollutants = []
    statistics: dict[str, Decimal | None] = {}
    for pollutant in BASIC_POLLUTANTS:
        daily = assessment.daily[pollutant]
        valid_day = daily.valid[at]
        values = [
            Fraction(int(n), int(d))
            for n, d, ok in zip(daily.numerator[at], daily.denominator[at], valid_day, strict=True)
            if ok
        ]
        per_month = np.bincount(np.asarray(month_of_day)[valid_day], minlength=len(months)).astype(
            np.int64
        )
        valid: bool | None = None
        months_short: int | None = None
        if period.whole_months:
            numbers = [month for _, month in months]
            valid = bool(
                period_valid(per_month, numbers, pollutant=pollutant, statistic=Statistic.QUARTERLY)
            )
            monthly = requirement(pollutant, Statistic.MONTHLY)
            needed = [
                (monthly.per_february if month == 2 else monthly.per_month) or 0
                for month in numbers
            ]
            months_short = sum(int(n < k) for n, k in zip(per_month, needed, strict=True))
        decimals = reporting_decimals(pollutant)
        shown = bool(values) and valid is not False
        mean = round_half_even(sum(values, Fraction(0)) / len(values), decimals) if shown else None
        rank = PERCENTILE_OF[pollutant]
        pct = percentile(values, rank, decimals=decimals).reported if shown else None
        judged = (
            attainment(
                pollutant, mean=mean, percentile=pct, air_class=air_class, limit_set=limit_set
            ).attains
            if valid is True
            else None
        )
        # The statistic each single-item index takes [RANK2018]: period mean, or CO P95 / O3 P90.
        statistics[pollutant.value] = mean if INDEX_STATISTIC[pollutant][0] == "mean" else pct
        pollutants.append(
            PollutantFigures(
                pollutant=pollutant.value,
                unit=_AIR_UNIT[pollutant],
                mean=mean,
                percentile_rank=rank,
                percentile=pct,
                valid_days=len(values),
                days=period.days,
                months_short=months_short,
                valid=valid,
                attains=judged,
            )
        )
    daily_aqi = assessment.aqi
    ok = daily_aqi.valid_day[at]
    known = daily_aqi.aqi_from_available.filled(0)[at]
    valid_days = int(np.count_nonzero(ok))
    good = int(np.count_nonzero(ok & (known <= GOOD_DAY_AQI_MAX)))
    good_days = GoodDayFigures(
        good_days=good,
        valid_days=valid_days,
        na_days=period.days - valid_days,
        rate=_rate(good, valid_days),
        category_days=tuple(
            int(np.count_nonzero(ok & (daily_aqi.category[at] == band.code))) for band in AQI_BANDS
        ),
    )
    composite = None
    if all(figures.valid is True for figures in pollutants):
        method = policy.index_method
        composite = comprehensive_index(
            statistics,
            standard=method.limit_set,
            weights={p.value: w for p, w in method.weights.items()},
        ).index
    return pollutants, good_days, composite, _all_of([p.attains for p in pollutants])


def _with_coverage(
    figures: list[PollutantFigures], series: HourlySeries, row: int
) -> tuple[PollutantFigures, ...]:
    return tuple(
        replace(
            item,
            valid_hours=int(series.coverage[item.pollutant][row]),
            expected_hours=series.expected_hours,
            lower_bound_hours=int(series.lower_bound_hours[item.pollutant][row]),
        )
        for item in figures
    )


def assess_air_period(
    snapshot: StoreTransaction,
    sites: Sequence[str] | None,
    period: str | AssessmentPeriod,
    *,
    air_class: int | Mapping[str, int] = 2,
    flags: FlagTreatment = DEFAULT_FLAGS,
    policy: AssessmentPolicy = DEFAULT_AIR_POLICY,
) -> AirPeriodAssessment:
    """Air figures of stored hourly data for a period: per station and for the county.

    Parameters
    ----------
    snapshot
        A read transaction of the store.
    sites
        Air station codes; None or empty: every registered air station. The county figures
        are the mean of these stations (OQ-25).
    period
        ``2025``, ``2025-06``, ``2025-01-01..2025-03-31`` or an :class:`AssessmentPeriod`.
    air_class
        GB 3095 zone class (1 or 2) of every station, or per station code (the registry holds
        none): 2 by default.
    flags
        Which data flags count (:class:`~ecowarden.services.series.FlagTreatment`).
    policy
        Choices of the air assessment (decision 0002); its ``periods`` are set here.

    Returns
    -------
    AirPeriodAssessment

    References
    ----------
    [GB3095-2026] Table 1, Table 4; [HJ633-2012] [HJ633-2026]; [HJ663-2013]; [RANK2018].
    """
    chosen = _period(period)
    codes, by_code = _chosen_sites(snapshot, sites, (SiteKind.AIR_STATION,), "air station")
    series = air_hourly_series(snapshot, codes, chosen.first_day, chosen.last_day, flags=flags)
    classes = (
        [air_class] * len(codes)
        if isinstance(air_class, int)
        else [air_class.get(code, 2) for code in codes]
    )
    kind = chosen.air_period
    assessed = assess_air(
        series.values,
        first_date=chosen.first_day,
        air_class=classes,
        policy=replace(policy, periods=() if kind is None else (kind,)),
    )
    if kind is not None:
        limit_set = assessed.stations.periods[kind].limit_sets[0]
        statistic = kind.value
    else:
        limit_set = policy.limit_set or limit_set_in_force(chosen.last_day)
        statistic = "months" if chosen.whole_months else "days"

    def figures(
        result: SeriesAssessment, at: tuple[int, ...], zone_class: int
    ) -> tuple[list[PollutantFigures], GoodDayFigures, Decimal | None, bool | None]:
        if kind is not None:
            return _calendar_figures(result, kind, at, chosen.days)
        return _span_figures(
            result, at, chosen, air_class=zone_class, limit_set=limit_set, policy=policy
        )

    station_figures = []
    for row, code in enumerate(series.sites):
        pollutants, good, index, attains = figures(assessed.stations, (row,), classes[row])
        station_figures.append(
            AirSiteFigures(
                code,
                by_code[code].name,
                _with_coverage(pollutants, series, row),
                good,
                index,
                attains,
            )
        )
    pollutants, good, index, attains = figures(assessed.city, (), int(policy.city_air_class))
    county = AirSiteFigures("county", "全县", tuple(pollutants), good, index, attains)
    return AirPeriodAssessment(
        period=chosen,
        statistic=statistic,
        limit_set=limit_set,
        aqi_standards=tuple(dict.fromkeys(assessed.stations.aqi.standards)),
        index_method=policy.index_method.description,
        stations=tuple(station_figures),
        county=county,
    )


# --- water --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaterSiteFigures:
    """A water site's period: monthly classes, period class, CWQI, attainment, coverage.

    Attributes
    ----------
    monthly
        ((year, month), class or None) of each month with samples.
    months_sampled, months
        Months with samples, calendar months of the period.
    sample_days
        Sampling days in the period.
    sufficient
        Months sampled reach the [WQA2011] minimum of a month (1), quarter (2) or year (8);
        None for other spans.
    cwqi
        Period CWQI to 4 decimals [CWQI2017]; None with an item missing.
    """

    code: str
    name: str
    drinking_source: bool
    water_body: str
    target_class: str
    monthly: tuple[tuple[tuple[int, int], str | None], ...]
    months_sampled: int
    months: int
    sample_days: int
    sufficient: bool | None
    period_class: str | None
    limiting_items: tuple[str, ...]
    main_pollutants: str
    cwqi: Decimal | None
    meets_target: bool | None
    drinking_compliant: bool | None

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "code": self.code,
            "name": self.name,
            "drinking_source": self.drinking_source,
            "water_body": self.water_body,
            "target_class": self.target_class,
            "monthly": {f"{y}-{m:02d}": water_class for (y, m), water_class in self.monthly},
            "months_sampled": self.months_sampled,
            "months": self.months,
            "sample_days": self.sample_days,
            "sufficient": self.sufficient,
            "period_class": self.period_class,
            "limiting_items": list(self.limiting_items),
            "main_pollutants": self.main_pollutants,
            "cwqi": _number(self.cwqi),
            "meets_target": self.meets_target,
            "drinking_compliant": self.drinking_compliant,
        }


@dataclass(frozen=True)
class WaterPeriodAssessment:
    """Water figures of a period: sites, river status, river CWQI, drinking-water rate."""

    period: AssessmentPeriod
    sites: tuple[WaterSiteFigures, ...]
    river_status: str | None
    river_method: str | None
    river_cwqi: Decimal | None
    drinking_compliance_rate: Decimal | None

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "medium": "water",
            "period": self.period.text,
            "months": [f"{y}-{m:02d}" for y, m in self.period.months],
            "sites": [site.to_json() for site in self.sites],
            "river_status": self.river_status,
            "river_method": self.river_method,
            "river_cwqi": _number(self.river_cwqi),
            "drinking_compliance_rate_pct": _number(self.drinking_compliance_rate),
        }


def _cwqi(value: Fraction | None) -> Decimal | None:
    # MEE publishes CWQI to 4 decimals (water decision 0003, Q10).
    return None if value is None else round_half_even(value, 4)


def assess_water_period(
    snapshot: StoreTransaction,
    sites: Sequence[str] | None,
    period: str | AssessmentPeriod,
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> WaterPeriodAssessment:
    """Water figures of stored manual samples over the calendar months a period touches.

    Monthly classes from each month's sample, the period class and CWQI from the period means,
    target attainment, drinking-water compliance (every month compliant), the river's status
    over the river sections [GB3838-2002] [WQA2011] [CWQI2017]. A site without samples in the
    period is listed with its coverage and no figures.

    Parameters
    ----------
    sites
        Water section / drinking-water source codes; None or empty: every registered one.
    period
        As :func:`assess_air_period`; a partial month counts as its whole month.
    """
    chosen = _period(period)
    kinds = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)
    codes, by_code = _chosen_sites(snapshot, sites, kinds, "water site")
    months = water_monthly_series(snapshot, codes, chosen.months[0], chosen.months[-1], flags=flags)
    specs = {
        code: WaterSiteSpec(
            code=code,
            name=by_code[code].name,
            water_body=str(by_code[code].water_body),
            target_class=str(by_code[code].target_class),
            drinking_source=by_code[code].kind is SiteKind.DRINKING_WATER_SOURCE,
        )
        for code in codes
    }
    sampled = [code for code in codes if months[code]]
    assessed = (
        assess_water_sites(
            [specs[code] for code in sampled],
            {code: [month.values for month in months[code]] for code in sampled},
        )
        if sampled
        else None
    )
    results = {} if assessed is None else {r.site.code: r for r in assessed.sites}
    water_period = _WATER_PERIOD.get(chosen.air_period) if chosen.air_period else None
    figures = []
    for code in codes:
        spec = specs[code]
        site_months = months[code]
        result = results.get(code)
        classes = () if result is None else result.monthly_classes
        figures.append(
            WaterSiteFigures(
                code=code,
                name=spec.name,
                drinking_source=spec.drinking_source,
                water_body=spec.water_body,
                target_class=spec.target_class,
                monthly=tuple(
                    ((m.year, m.month), None if c is None else c.value)
                    for m, c in zip(site_months, classes, strict=True)
                ),
                months_sampled=len(site_months),
                months=len(chosen.months),
                sample_days=sum(m.sample_days for m in site_months),
                sufficient=None
                if water_period is None
                else len(site_months) >= MIN_SAMPLES[water_period],
                period_class=None
                if result is None or result.period.water_class is None
                else result.period.water_class.value,
                limiting_items=()
                if result is None
                else tuple(item.value for item in result.period.limiting_items),
                main_pollutants="" if result is None else result.period.main_pollutants_bulletin,
                cwqi=None if result is None else _cwqi(result.cwqi),
                meets_target=None if result is None else result.meets_target,
                drinking_compliant=None if result is None else result.drinking_compliant,
            )
        )
    river = None if assessed is None else assessed.river
    return WaterPeriodAssessment(
        period=chosen,
        sites=tuple(figures),
        river_status=None if river is None or river.status is None else river.status.value,
        river_method=None if river is None else river.method.value,
        river_cwqi=None if assessed is None else _cwqi(assessed.river_cwqi),
        drinking_compliance_rate=None
        if assessed is None or assessed.drinking_by_count is None
        else round_half_even(100 * assessed.drinking_by_count, 1),
    )


# --- noise --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoiseSiteFigures:
    """A noise station's period: energy-mean Ld / Ln of its valid days, point-time verdicts.

    Attributes
    ----------
    ld, ln
        Energy means of the valid days' Ld and Ln, reported to 0.1 dB; None without any.
        [dB(A)]
    day_limit, night_limit
        GB 3096-2008 Table 1 limits of the station's zone class. [dB(A)]
    valid_days, days
        Days with a valid Ld or Ln (N-Q1), calendar days.
    day_compliant, day_judged, night_compliant, night_judged
        Compliant and judged point-times (station-days; excluded days not judged).
    valid_hours, expected_hours
        Valid hourly Leq, hours of the period.
    """

    code: str
    name: str
    zone: str
    ld: Decimal | None
    ln: Decimal | None
    day_limit: int
    night_limit: int
    valid_days: int
    days: int
    day_compliant: int
    day_judged: int
    night_compliant: int
    night_judged: int
    valid_hours: int
    expected_hours: int

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "code": self.code,
            "name": self.name,
            "zone": self.zone,
            "ld_dba": _number(self.ld),
            "ln_dba": _number(self.ln),
            "day_limit_dba": self.day_limit,
            "night_limit_dba": self.night_limit,
            "valid_days": self.valid_days,
            "days": self.days,
            "day_compliant": self.day_compliant,
            "day_judged": self.day_judged,
            "night_compliant": self.night_compliant,
            "night_judged": self.night_judged,
            "valid_hours": self.valid_hours,
            "expected_hours": self.expected_hours,
        }


@dataclass(frozen=True)
class ComplianceFigures:
    """Point-time counts of day or night and the rate to 0.1 % [HJ640-2012]."""

    compliant: int
    judged: int
    excluded: int
    rate: Decimal | None

    @classmethod
    def of(cls, count: RateCount) -> ComplianceFigures:
        """From the standards' counts."""
        return cls(
            count.compliant,
            count.monitored,
            count.excluded,
            _rate(count.compliant, count.monitored),
        )

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "compliant": self.compliant,
            "judged": self.judged,
            "excluded": self.excluded,
            "rate_pct": _number(self.rate),
        }


@dataclass(frozen=True)
class ZoneCompliance:
    """Day and night compliance of one zone class (or of all, ``zone`` = ``all``)."""

    zone: str
    stations: int
    day: ComplianceFigures
    night: ComplianceFigures

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "zone": self.zone,
            "stations": self.stations,
            "day": self.day.to_json(),
            "night": self.night.to_json(),
        }


@dataclass(frozen=True)
class NoisePeriodAssessment:
    """Noise figures of a period: stations, and compliance by zone class and overall."""

    period: AssessmentPeriod
    stations: tuple[NoiseSiteFigures, ...]
    zones: tuple[ZoneCompliance, ...]
    overall: ZoneCompliance

    def to_json(self) -> Json:
        """JSON-ready figures."""
        return {
            "medium": "noise",
            "period": self.period.text,
            "first_day": self.period.first_day.isoformat(),
            "last_day": self.period.last_day.isoformat(),
            "stations": [station.to_json() for station in self.stations],
            "zones": [zone.to_json() for zone in self.zones],
            "overall": self.overall.to_json(),
        }


def assess_noise_period(
    snapshot: StoreTransaction,
    sites: Sequence[str] | None,
    period: str | AssessmentPeriod,
    *,
    flags: FlagTreatment = DEFAULT_FLAGS,
) -> NoisePeriodAssessment:
    """Noise figures of stored hourly Leq over a period's days [GB3096-2008] [HJ640-2012].

    Each station-day is a point-time judged by its Ld and Ln against the station's zone
    limits; days below the coverage rule (N-Q1, project default) are excluded and counted.

    Parameters
    ----------
    sites
        Noise station codes; None or empty: every registered noise station.
    period
        As :func:`assess_air_period`.
    """
    chosen = _period(period)
    codes, by_code = _chosen_sites(snapshot, sites, (SiteKind.NOISE_STATION,), "noise station")
    series = noise_hourly_series(snapshot, codes, chosen.first_day, chosen.last_day, flags=flags)
    zones = [parse_zone(str(by_code[code].noise_zone)) for code in codes]
    assessed = assess_noise_stations(series.values["Leq"], codes, zones, chosen.first_day)
    stations = []
    for row, (code, result) in enumerate(zip(codes, assessed.stations, strict=True)):
        limits = zone_limits(result.zone)
        stations.append(
            NoiseSiteFigures(
                code=code,
                name=by_code[code].name,
                zone=result.zone.value,
                ld=None if result.ld_dba is None else reported_level(result.ld_dba),
                ln=None if result.ln_dba is None else reported_level(result.ln_dba),
                day_limit=limits.day_db,
                night_limit=limits.night_db,
                valid_days=result.valid_days,
                days=result.days,
                day_compliant=result.day_compliant,
                day_judged=result.day_judged,
                night_compliant=result.night_compliant,
                night_judged=result.night_judged,
                valid_hours=int(series.coverage["Leq"][row]),
                expected_hours=series.expected_hours,
            )
        )
    counts = {zone: zones.count(zone) for zone in zones}
    by_zone = tuple(
        ZoneCompliance(
            zone.value,
            counts[zone],
            ComplianceFigures.of(rates.day),
            ComplianceFigures.of(rates.night),
        )
        for zone, rates in assessed.rates.by_zone.items()
    )
    overall = assessed.rates.overall
    return NoisePeriodAssessment(
        period=chosen,
        stations=tuple(stations),
        zones=by_zone,
        overall=ZoneCompliance(
            "all",
            len(codes),
            ComplianceFigures.of(overall.day),
            ComplianceFigures.of(overall.night),
        ),
    )
