"""HJ 663 evaluation statistics: percentiles, period statistics, rates, indices and changes.

The texts of HJ 663-2013 [HJ663-2013] (table of contents only) and HJ 663-2026 [HJ663-2026]
(news only) were not available; the methods are those of the reference §4–§5 and the choices of
its open questions, recorded in docs/decisions/0002-air-statistics.md. The HJ 663-2013 methods
are kept for both editions (OQ-24).

Order of operations (OQ-16): period statistics are computed exactly from the unrounded valid
daily values; each reported statistic is rounded once per GB/T 8170 [GBT8170]; indices, rates,
multiples and changes are computed from the rounded statistics.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecowarden.errors import EcowardenError, StandardNotFound, UnknownNameError, ValidationError
from ecowarden.standards.air.editions import EvaluationStandard, LimitSet, parse_limit_set
from ecowarden.standards.air.limits import (
    BASIC_POLLUTANTS,
    AirClass,
    AirPollutant,
    Averaging,
    averagings_of,
    limits,
    parse_air_class,
    parse_pollutant,
)
from ecowarden.standards.air.validity import (
    CARRIED_DECIMALS,
    Statistic,
    ValidatedValues,
    period_valid,
    requirement,
)
from ecowarden.standards.rounding import round_half_even, to_fraction

Number = int | float | str | Decimal | Fraction


def _fraction_of(value: Number | np.number[Any]) -> Fraction:
    # NumPy scalars repr as "np.float64(…)", which the rounding module cannot read.
    if isinstance(value, np.floating):
        return to_fraction(float(value))
    if isinstance(value, np.integer):
        return Fraction(int(value))
    if isinstance(value, np.generic):
        raise ValidationError(f"expected a real number, got {value!r}")
    return to_fraction(value)


def _is_missing(value: object) -> bool:
    return (
        value is None
        or value is np.ma.masked
        or (isinstance(value, float | np.floating) and math.isnan(value))
    )


def parse_evaluation_standard(name: str | EvaluationStandard) -> EvaluationStandard:
    """An HJ 663 identifier, or :class:`StandardNotFound` listing the valid ones."""
    try:
        return EvaluationStandard(name)
    except ValueError:
        raise StandardNotFound(name, [s.value for s in EvaluationStandard]) from None


# --- reporting precision (OQ-3, OQ-4) ------------------------------------------------------


class DerivedQuantity(StrEnum):
    """Reported quantities other than concentrations."""

    GOOD_DAY_RATE = "good_day_rate"
    COMPREHENSIVE_INDEX = "comprehensive_index"
    EXCEEDANCE_MULTIPLE = "exceedance_multiple"
    CHANGE_PERCENT = "change_percent"
    CHANGE_POINTS = "change_points"


# Period statistics: integers µg/m³, CO 1 decimal mg/m³, Pb 2 and BaP 4 decimals µg/m³ (OQ-3);
# good-day rate 1 [%], comprehensive index 2, exceedance multiple 2, changes 1 (OQ-4).
_DECIMALS_HJ663_2013: Final[Mapping[str, int]] = MappingProxyType(
    {
        **{p.value: 0 for p in AirPollutant},
        AirPollutant.CO.value: 1,
        AirPollutant.PB.value: 2,
        AirPollutant.BAP.value: 4,
        DerivedQuantity.GOOD_DAY_RATE.value: 1,
        DerivedQuantity.COMPREHENSIVE_INDEX.value: 2,
        DerivedQuantity.EXCEEDANCE_MULTIPLE.value: 2,
        DerivedQuantity.CHANGE_PERCENT.value: 1,
        DerivedQuantity.CHANGE_POINTS.value: 1,
    }
)

#: Decimal places of each reported quantity, per HJ 663 edition. HJ 663-2026 "细化数据修约要求"
#: but its table is unknown, so it keeps the 2013 precisions until read (OQ-3).
REPORTING_DECIMALS: Final[Mapping[EvaluationStandard, Mapping[str, int]]] = MappingProxyType(
    {
        EvaluationStandard.HJ663_2013: _DECIMALS_HJ663_2013,
        EvaluationStandard.HJ663_2026: _DECIMALS_HJ663_2013,
    }
)


def reporting_decimals(
    quantity: str | AirPollutant | DerivedQuantity,
    *,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> int:
    """Decimal places a reported ``quantity`` keeps (a pollutant name or a
    :class:`DerivedQuantity`), under the HJ 663 edition ``evaluation``."""
    table = REPORTING_DECIMALS[parse_evaluation_standard(evaluation)]
    try:
        return table[str(quantity)]
    except KeyError:
        raise UnknownNameError("reported quantity", quantity, list(table)) from None


def report(
    value: Number,
    quantity: str | AirPollutant | DerivedQuantity,
    *,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> Decimal:
    """``value`` rounded once per GB/T 8170 to the precision of ``quantity`` [GBT8170]."""
    return round_half_even(_fraction_of(value), reporting_decimals(quantity, evaluation=evaluation))


def round_half_even_ratio(
    numerator: ArrayLike, denominator: ArrayLike, decimals: int = 0
) -> NDArray[np.int64]:
    """GB/T 8170 rounding of exact ratios, element-wise, in integer arithmetic.

    .. math:: r = \\operatorname{round\\_half\\_even}\\left(\\frac{n}{d}, \\text{decimals}\\right)
              \\cdot 10^{\\text{decimals}}

    Parameters
    ----------
    numerator, denominator
        Integer arrays; ``denominator > 0``.
    decimals
        Places kept (≥ 0).

    Returns
    -------
    numpy.ndarray of int64
        The rounded value in units of ``10**-decimals`` (same result as
        :func:`ecowarden.standards.rounding.round_half_even` of the exact fraction).
    """
    if decimals < 0:
        raise ValidationError(f"decimals must be ≥ 0, got {decimals}")
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    if np.any(den <= 0):
        raise ValidationError(f"denominators must be positive, got {den.min()}")
    limit = (2**62) // 10**decimals
    if np.any(np.abs(num) >= limit) or np.any(den >= 2**61):
        raise EcowardenError("ratio too large for exact 64-bit rounding")
    q, r = np.divmod(num * 10**decimals, den)
    twice = 2 * r
    up = (twice > den) | ((twice == den) & (q % 2 == 1))
    return np.asarray(q + up, dtype=np.int64)


# --- percentile, HJ 663-2013 Appendix A ----------------------------------------------------

#: Percentile evaluated per pollutant, HJ 663 annual items (reference §4.2, secondary):
#: SO2, NO2 P98 and PM10, PM2.5, CO P95 of daily means; O3 P90 of MDA8.
PERCENTILE_OF: Final[Mapping[AirPollutant, int]] = MappingProxyType(
    {
        AirPollutant.SO2: 98,
        AirPollutant.NO2: 98,
        AirPollutant.PM10: 95,
        AirPollutant.PM25: 95,
        AirPollutant.CO: 95,
        AirPollutant.O3: 90,
    }
)


@dataclass(frozen=True)
class Percentile:
    """A percentile per HJ 663 Appendix A.

    Attributes
    ----------
    p
        The percentile rank. [%]
    n
        Number of valid values.
    k, s
        Rank position ``k = 1 + (n − 1)·p/100`` and its integer part (None when ``n = 0``).
    exact
        The exact percentile, None when ``n = 0``.
    reported
        ``exact`` rounded once per GB/T 8170 to ``decimals`` places.
    """

    p: Fraction
    n: int
    k: Fraction | None
    s: int | None
    exact: Fraction | None
    reported: Decimal | None
    decimals: int


def _percentile_rank(p: Number) -> Fraction:
    rank = _fraction_of(p)
    if not 0 <= rank <= 100:
        raise ValidationError(f"percentile rank p must be within 0…100, got {p!r}")
    return rank


def _valid_fractions(values: Iterable[Number | None], what: str) -> list[Fraction]:
    result = []
    for index, value in enumerate(values):
        if _is_missing(value):
            continue
        exact = _fraction_of(value)  # type: ignore[arg-type]
        if exact < 0:
            raise ValidationError(f"{what} {value!r} at index {index} is negative")
        result.append(exact)
    return result


def _percentile_of_sorted(
    ordered: Sequence[Fraction], p: Fraction
) -> tuple[Fraction, int, Fraction]:
    k = 1 + (len(ordered) - 1) * p / 100
    s = math.floor(k)
    lower = ordered[s - 1]
    upper = ordered[s] if s < len(ordered) else lower
    return k, s, lower + (upper - lower) * (k - s)


def percentile(values: Iterable[Number | None], p: Number, *, decimals: int = 0) -> Percentile:
    """The p-th percentile of the valid values, HJ 663-2013 Appendix A.

    .. math::
        k = 1 + (n - 1)\\frac{p}{100}, \\quad s = \\lfloor k \\rfloor, \\quad
        m_p = X_{(s)} + \\left(X_{(s+1)} - X_{(s)}\\right)(k - s)

    with :math:`X_{(1)} \\le \\dots \\le X_{(n)}` the sorted valid values (:math:`m_p = X_{(k)}`
    for integer k). This is the linear/inclusive definition of ``numpy.percentile``
    (``method="linear"``) and Excel ``PERCENTILE.INC``; here it is evaluated exactly and rounded
    once.

    Parameters
    ----------
    values
        Valid daily values of the period (MDA8 for O3); None or NaN are missing and skipped.
        [µg/m³; CO mg/m³]
    p
        Percentile rank. [%]
    decimals
        Places of the reported value (:func:`reporting_decimals`: 0, CO 1).

    References
    ----------
    [HJ663-2013] Appendix A (secondary, reference §4.3).

    Examples
    --------
    {3, 4, 8, 2, 5, 4}, P90: k = 5.5, 5 + 0.5·(8 − 5) = 6.5.
    """
    rank = _percentile_rank(p)
    ordered = sorted(_valid_fractions(values, "value"))
    if not ordered:
        return Percentile(rank, 0, None, None, None, None, decimals)
    k, s, exact = _percentile_of_sorted(ordered, rank)
    return Percentile(rank, len(ordered), k, s, exact, round_half_even(exact, decimals), decimals)


# --- good-day rate (OQ-5) ------------------------------------------------------------------

#: The upper AQI of 良: days with AQI ≤ 100 are 优良 (HJ 633 Table 1/2 bands).
GOOD_DAY_AQI_MAX: Final = 100


@dataclass(frozen=True)
class GoodDayRate:
    """优良天数比例 with its counts.

    Attributes
    ----------
    good_days
        Valid days with AQI ≤ 100 (numerator).
    valid_days
        Days with a determinable AQI (denominator).
    na_days
        Days without one (NA), excluded from both (OQ-5).
    exact
        ``good_days / valid_days × 100`` exactly; None without valid days. [%]
    rate
        ``exact`` rounded to 1 decimal (GB/T 8170). [%]
    """

    good_days: int
    valid_days: int
    na_days: int
    exact: Fraction | None
    rate: Decimal | None


def good_day_rate(
    daily_aqi: Iterable[int | float | None],
    *,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> GoodDayRate:
    """Good-day rate (优良天数比例) of a period.

    .. math:: R = \\frac{N(\\mathrm{AQI} \\le 100)}{N_{\\text{valid}}} \\times 100

    Parameters
    ----------
    daily_aqi
        Daily AQI of the period; None, NaN or masked marks an NA day (no determinable AQI),
        excluded from numerator and denominator (OQ-5).

    Returns
    -------
    GoodDayRate
        Counts, exact rate and the rate rounded to 1 decimal. [%]

    References
    ----------
    Reference §4.5 (bulletins, secondary); HJ 633 categories [HJ633-2012] [HJ633-2026].

    Examples
    --------
    86 good days of 91 valid: 94.505… → 94.5.
    """
    days = 0
    good = 0
    valid = 0
    for index, value in enumerate(daily_aqi):
        days += 1
        if _is_missing(value):
            continue
        aqi = _fraction_of(value)  # type: ignore[arg-type]
        if aqi < 0:
            raise ValidationError(f"daily AQI {value!r} at index {index} is negative")
        valid += 1
        good += aqi <= GOOD_DAY_AQI_MAX
    if valid == 0:
        return GoodDayRate(0, 0, days, None, None)
    exact = Fraction(100 * good, valid)
    decimals = reporting_decimals(DerivedQuantity.GOOD_DAY_RATE, evaluation=evaluation)
    return GoodDayRate(good, valid, days - valid, exact, round_half_even(exact, decimals))


# --- exceedance multiple -----------------------------------------------------------------------


def exceedance_multiple(
    value: Number | None,
    limit: Number,
    *,
    not_exceeding_as_zero: bool = False,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> Decimal | None:
    """超标倍数 of a statistic over its limit.

    .. math:: B = \\frac{C - S}{S}, \\quad C > S

    Parameters
    ----------
    value
        The reported statistic C; None or NaN is missing (result None). [µg/m³; CO mg/m³]
    limit
        The applicable limit S (:func:`limits`). [µg/m³; CO mg/m³]
    not_exceeding_as_zero
        What C ≤ S gives: None (default: no multiple, the item is not exceeding) or 0.

    Returns
    -------
    Decimal or None
        B to 2 decimals (GB/T 8170).

    References
    ----------
    [HJ663-2013] (recalled, unconfirmed: reference §4.7, OQ-19).

    Examples
    --------
    PM2.5 annual 42 against 35: 7/35 = 0.20; against 30: 0.40; against 25: 0.68.
    """
    if _is_missing(value):
        return None
    c = _fraction_of(value)  # type: ignore[arg-type]
    s = _fraction_of(limit)
    if c < 0 or s <= 0:
        raise ValidationError(
            f"exceedance multiple needs C ≥ 0 and S > 0, got C={value!r}, S={limit!r}"
        )
    decimals = reporting_decimals(DerivedQuantity.EXCEEDANCE_MULTIPLE, evaluation=evaluation)
    if c <= s:
        return round_half_even(0, decimals) if not_exceeding_as_zero else None
    return round_half_even((c - s) / s, decimals)


# --- comprehensive index (RANK2018, OQ-18) ---------------------------------------------------

#: The statistic and limit averaging behind each single-item index I_i = C_i / S_i [RANK2018]:
#: annual means of SO2, NO2, PM10, PM2.5; CO P95 of daily means; O3 P90 of MDA8.
INDEX_STATISTIC: Final[Mapping[AirPollutant, tuple[str, Averaging]]] = MappingProxyType(
    {
        AirPollutant.SO2: ("mean", Averaging.ANNUAL),
        AirPollutant.NO2: ("mean", Averaging.ANNUAL),
        AirPollutant.PM10: ("mean", Averaging.ANNUAL),
        AirPollutant.PM25: ("mean", Averaging.ANNUAL),
        AirPollutant.CO: ("P95", Averaging.DAILY),
        AirPollutant.O3: ("P90", Averaging.MDA8),
    }
)


@dataclass(frozen=True)
class ComprehensiveIndexMethod:
    """A versioned configuration of the comprehensive index (OQ-18).

    Attributes
    ----------
    limit_set
        Limit set of the denominators S_i (class 2).
    weights
        Weight of each single-item index; all 1 in the documented (unweighted) form.
    """

    limit_set: LimitSet
    weights: Mapping[AirPollutant, Fraction]
    air_class: AirClass = AirClass.CLASS_2

    @property
    def description(self) -> str:
        """What the result was computed with, for the record."""
        weights = ", ".join(f"{p.value}×{w}" for p, w in self.weights.items())
        return (
            f"城市环境空气质量排名技术规定 (2018): Σ w·C/S, S = {self.limit_set.value} "
            f"class {self.air_class.value}; weights {weights}"
        )

    def denominators(self) -> Mapping[AirPollutant, Decimal]:
        """S_i per pollutant [µg/m³; CO mg/m³]."""
        return {
            p: limits(p, averaging, self.air_class, limit_set=self.limit_set)
            for p, (_, averaging) in INDEX_STATISTIC.items()
        }


def comprehensive_index_method(
    *, standard: str | LimitSet = LimitSet.GB3095_2012, weights: Mapping[str, Number] | None = None
) -> ComprehensiveIndexMethod:
    """Build a :class:`ComprehensiveIndexMethod`; missing weights are 1."""
    chosen = parse_limit_set(standard)
    given = {parse_pollutant(k): _fraction_of(v) for k, v in (weights or {}).items()}
    unknown = [p for p in given if p not in INDEX_STATISTIC]
    if unknown:
        raise UnknownNameError(
            "index pollutant", unknown[0].value, [p.value for p in INDEX_STATISTIC]
        )
    if any(w < 0 for w in given.values()):
        raise ValidationError(f"index weights must not be negative, got {weights!r}")
    return ComprehensiveIndexMethod(
        chosen, MappingProxyType({p: given.get(p, Fraction(1)) for p in INDEX_STATISTIC})
    )


#: The default (OQ-18): unweighted, GB 3095-2012 class-2 denominators; reproduces 3.06.
RANK2018_UNWEIGHTED: Final = comprehensive_index_method()


@dataclass(frozen=True)
class ComprehensiveIndex:
    """环境空气质量综合指数 with the method and the rounded statistics it used.

    ``index`` is None (and ``exact`` None) when any statistic is missing (``missing``).
    """

    index: Decimal | None
    exact: Fraction | None
    single_indices: Mapping[AirPollutant, Fraction]
    statistics: Mapping[AirPollutant, Decimal]
    missing: tuple[AirPollutant, ...]
    method: ComprehensiveIndexMethod = field(repr=False)


def comprehensive_index(
    annual_stats: Mapping[str, Number | None],
    *,
    standard: str | LimitSet = LimitSet.GB3095_2012,
    weights: Mapping[str, Number] | None = None,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> ComprehensiveIndex:
    """Comprehensive index (综合指数) of a period, from its rounded statistics.

    .. math:: I_{\\text{sum}} = \\sum_i w_i \\frac{C_i}{S_i}

    over SO2, NO2, PM10, PM2.5 (period means), CO (P95 of daily means) and O3 (P90 of MDA8).

    Parameters
    ----------
    annual_stats
        The six statistics keyed by pollutant name. [µg/m³; CO mg/m³] Each is rounded to its
        reporting precision first (a reported figure is unchanged), since the index is computed
        from the rounded statistics (reference §4.4).
    standard
        Limit set of the class-2 denominators S_i; default GB 3095-2012 (OQ-18).
    weights
        Optional weights w_i by pollutant (missing ones 1); default unweighted (OQ-18).

    Returns
    -------
    ComprehensiveIndex
        Index to 2 decimals (GB/T 8170), exact value, single-item indices, method.

    References
    ----------
    [RANK2018] (secondary, reference §5).

    Examples
    --------
    21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.0571… → 3.06.
    """
    method = comprehensive_index_method(standard=standard, weights=weights)
    given = {parse_pollutant(k): v for k, v in annual_stats.items()}
    extra = [p for p in given if p not in INDEX_STATISTIC]
    if extra:
        raise UnknownNameError(
            "index pollutant", extra[0].value, [p.value for p in INDEX_STATISTIC]
        )
    denominators = method.denominators()
    statistics: dict[AirPollutant, Decimal] = {}
    singles: dict[AirPollutant, Fraction] = {}
    missing = []
    for pollutant in INDEX_STATISTIC:
        value = given.get(pollutant)
        if value is None or _is_missing(value):
            missing.append(pollutant)
            continue
        if _fraction_of(value) < 0:
            raise ValidationError(f"{pollutant.value} statistic {value!r} is negative")
        statistics[pollutant] = report(value, pollutant, evaluation=evaluation)
        singles[pollutant] = Fraction(statistics[pollutant]) / Fraction(denominators[pollutant])
    if missing:
        return ComprehensiveIndex(None, None, singles, statistics, tuple(missing), method)
    exact = sum((method.weights[p] * singles[p] for p in INDEX_STATISTIC), Fraction(0))
    decimals = reporting_decimals(DerivedQuantity.COMPREHENSIVE_INDEX, evaluation=evaluation)
    return ComprehensiveIndex(
        round_half_even(exact, decimals), exact, singles, statistics, (), method
    )


# --- change against a previous period (OQ-23) ------------------------------------------------


class ChangeKind(StrEnum):
    """How a change is expressed (reference §4.6)."""

    CONCENTRATION = "concentration"  # percent of the previous value: "下降3.2%"
    RATE = "rate"  # percentage points: "上升0.5个百分点"


#: Wording of no change (OQ-23, Project rule).
NO_CHANGE_WORDING: Final = "持平"


@dataclass(frozen=True)
class Change:
    """A change of a reported figure against the previous period, with bulletin wording.

    Attributes
    ----------
    change
        Rounded once (1 decimal) from ``exact``: percent for concentrations and indices,
        percentage points for rates. None when undefined (a missing value, or a previous
        concentration of 0). [% or 个百分点]
    wording
        "上升x%" / "下降x%", "上升x个百分点" / "下降x个百分点", or "持平" when the rounded change
        is 0 (OQ-23).
    """

    kind: ChangeKind
    current: Fraction | None
    previous: Fraction | None
    exact: Fraction | None
    change: Decimal | None
    unit: str
    wording: str | None


def year_on_year(
    current: Number | None,
    previous: Number | None,
    *,
    kind: str | ChangeKind = ChangeKind.CONCENTRATION,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> Change:
    """Change of a reported figure against the same period of the previous year.

    .. math::
        \\Delta = \\frac{C_{\\text{cur}} - C_{\\text{prev}}}{C_{\\text{prev}}} \\times 100
        \\;[\\%] \\quad\\text{or}\\quad \\Delta = R_{\\text{cur}} - R_{\\text{prev}}
        \\;[\\text{percentage points}]

    Parameters
    ----------
    current, previous
        The two **reported** values (already rounded); the change is rounded once per GB/T 8170
        from their exact quotient or difference.
    kind
        ``"concentration"`` (also for indices: a change rate in percent) or ``"rate"``
        (优良天数比例, 达标率: percentage points).

    References
    ----------
    Reference §4.6 (MEE and county bulletins, secondary); OQ-23.

    Examples
    --------
    21.5 against 22.2: −0.7/22.2 × 100 = −3.153… → "下降3.2%".
    """
    try:
        how = ChangeKind(kind)
    except ValueError:
        raise UnknownNameError("change kind", kind, [k.value for k in ChangeKind]) from None
    quantity = (
        DerivedQuantity.CHANGE_PERCENT
        if how is ChangeKind.CONCENTRATION
        else DerivedQuantity.CHANGE_POINTS
    )
    unit = "%" if how is ChangeKind.CONCENTRATION else "个百分点"
    cur = None if _is_missing(current) else _fraction_of(current)  # type: ignore[arg-type]
    prev = None if _is_missing(previous) else _fraction_of(previous)  # type: ignore[arg-type]
    if cur is None or prev is None or (how is ChangeKind.CONCENTRATION and prev == 0):
        return Change(how, cur, prev, None, None, unit, None)
    exact = (cur - prev) * 100 / prev if how is ChangeKind.CONCENTRATION else cur - prev
    change = round_half_even(exact, reporting_decimals(quantity, evaluation=evaluation))
    if change == 0:
        wording = NO_CHANGE_WORDING
    else:
        wording = f"{'上升' if change > 0 else '下降'}{abs(change)}{unit}"
    return Change(how, cur, prev, exact, change, unit, wording)


# --- calendar periods --------------------------------------------------------------------------


class Period(StrEnum):
    """Calendar periods of statistics (GB 3095-2026 §3.12–§3.13: 月 / 季 / 年平均)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    # 1—M月 cumulative of each year, M = the last whole month the series covers: the figures a
    # bureau publishes before the year is over. Valid when each month is (quarterly rule, OQ-13).
    YEAR_TO_DATE = "year_to_date"


_PERIOD_STATISTIC: Final[Mapping[Period, Statistic]] = MappingProxyType(
    {
        Period.MONTH: Statistic.MONTHLY,
        Period.QUARTER: Statistic.QUARTERLY,
        Period.YEAR: Statistic.ANNUAL,
        Period.YEAR_TO_DATE: Statistic.QUARTERLY,
    }
)


@dataclass(frozen=True)
class CalendarPeriod:
    """One calendar month, quarter or year, located in a daily series.

    Attributes
    ----------
    start, end
        First and last calendar day of the period.
    months
        Its calendar months, each with the index range ``[first, stop)`` of its days in the
        series (empty where the series does not cover it).
    first, stop
        Index range of the period's days in the series (clipped to the series).
    """

    period: Period
    start: dt.date
    end: dt.date
    months: tuple[tuple[int, int, int], ...]
    first: int
    stop: int


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar_periods(
    first_date: dt.date, n_days: int, period: str | Period
) -> tuple[CalendarPeriod, ...]:
    """The calendar periods that a daily series of ``n_days`` from ``first_date`` touches."""
    try:
        kind = Period(period)
    except ValueError:
        raise UnknownNameError("period", period, [p.value for p in Period]) from None
    if n_days < 1:
        raise ValidationError(f"a daily series needs at least one day, got {n_days}")
    last = first_date + dt.timedelta(days=n_days - 1)
    if kind is Period.YEAR_TO_DATE:
        return _year_to_date_periods(first_date, n_days, last)
    span = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[kind]
    start = _month_start(first_date).replace(month=(first_date.month - 1) // span * span + 1)
    result = []
    while start <= last:
        months = []
        month = start
        for _ in range(span):
            following = _next_month(month)
            first = min(max((month - first_date).days, 0), n_days)
            stop = min(max((following - first_date).days, 0), n_days)
            months.append((month.month, first, stop))
            month = following
        end = month - dt.timedelta(days=1)
        result.append(CalendarPeriod(kind, start, end, tuple(months), months[0][1], months[-1][2]))
        start = month
    return tuple(result)


def _year_to_date_periods(
    first_date: dt.date, n_days: int, last: dt.date
) -> tuple[CalendarPeriod, ...]:
    """January to the last whole month of the series, in every year the series touches."""
    last_whole_month = (last + dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
    if last_whole_month < first_date.replace(month=1, day=1):
        raise ValidationError(
            f"a series ending {last} covers no whole month: no year-to-date period"
        )
    result = []
    for year in range(first_date.year, last_whole_month.year + 1):
        months = []
        month = dt.date(year, 1, 1)
        for _ in range(last_whole_month.month):
            following = _next_month(month)
            first = min(max((month - first_date).days, 0), n_days)
            stop = min(max((following - first_date).days, 0), n_days)
            months.append((month.month, first, stop))
            month = following
        end = month - dt.timedelta(days=1)
        start = dt.date(year, 1, 1)
        result.append(
            CalendarPeriod(
                Period.YEAR_TO_DATE, start, end, tuple(months), months[0][1], months[-1][2]
            )
        )
    return tuple(result)


# --- period statistics, vectorised -------------------------------------------------------------

_INT64_SAFE: Final = 2**62


@dataclass(frozen=True, eq=False)
class PeriodStatistics:
    """Means and percentiles of valid daily values per calendar period, ``(..., n_periods)``.

    Attributes
    ----------
    valid_days
        Valid daily values in the period (before any exclusion).
    months_short
        Calendar months under their monthly minimum (Table 4 monthly clause, OQ-13).
    valid
        The period statistic meets its minimum data (:func:`validity.period_valid`).
    used_days
        Days the statistics were computed from (valid days less excluded ones, OQ-1).
    mean, percentile
        Exact statistics as floats; NaN unless ``valid``. [µg/m³; CO mg/m³]
    mean_units, percentile_units
        Reported values in units of ``10**-decimals`` (GB/T 8170, once); 0 unless ``valid``.
    mean_reported, percentile_reported
        The same as floats; NaN unless ``valid``.
    """

    pollutant: AirPollutant
    periods: tuple[CalendarPeriod, ...]
    p: Fraction | None
    decimals: int
    valid_days: NDArray[np.int64]
    months_short: NDArray[np.int64]
    valid: NDArray[np.bool_]
    used_days: NDArray[np.int64]
    mean: NDArray[np.float64]
    mean_units: NDArray[np.int64]
    mean_reported: NDArray[np.float64]
    percentile: NDArray[np.float64]
    percentile_units: NDArray[np.int64]
    percentile_reported: NDArray[np.float64]


def _daily_exact(
    daily: ValidatedValues | ArrayLike, item: AirPollutant
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    if isinstance(daily, ValidatedValues):
        return daily.numerator, daily.denominator, daily.valid
    values = np.asarray(daily, dtype=np.float64)
    if values.ndim == 0:
        raise ValidationError(f"{item.value} daily values need a day axis, got a scalar")
    present = ~np.isnan(values)
    if np.any(values[present] < 0) or not np.all(np.isfinite(values[present])):
        bad = values[present][(values[present] < 0) | ~np.isfinite(values[present])][0]
        raise ValidationError(f"{item.value} daily value {bad!r} is negative or not finite")
    # Plain floats are read on the carried grid of the pollutant (validity.CARRIED_DECIMALS).
    scale = 10 ** CARRIED_DECIMALS[item]
    if np.any(values[present] * scale >= 2.0**53):
        raise ValidationError(
            f"{item.value} daily values beyond {2.0**53 / scale:g} are implausible"
        )
    numerator = np.where(present, np.rint(np.where(present, values, 0.0) * scale), 0).astype(
        np.int64
    )
    denominator = np.full(values.shape, scale, dtype=np.int64)
    return numerator, denominator, present


def _common_denominator(
    numerator: NDArray[np.int64],
    denominator: NDArray[np.int64],
    ok: NDArray[np.bool_],
    headroom: int,
) -> tuple[NDArray[np.int64], int] | None:
    """Numerators over one common denominator L, or None if they would not fit in int64."""
    dens = np.unique(denominator[ok])
    if dens.size == 0:
        return np.zeros(numerator.shape, dtype=np.int64), 1
    common = math.lcm(*(int(d) for d in dens))
    largest = float(np.max(np.abs(numerator[ok]) / denominator[ok])) * common
    if common >= _INT64_SAFE // headroom or (largest + 1) * headroom >= _INT64_SAFE:
        return None
    multiplier = np.where(ok, common // np.where(ok, denominator, 1), 0)
    return np.where(ok, numerator * multiplier, 0), common


def _figures_int64(
    scaled: NDArray[np.int64],
    common: int,
    ok: NDArray[np.bool_],
    p: Fraction | None,
    decimals: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    n = np.count_nonzero(ok, axis=-1).astype(np.int64)
    has = n > 0
    total = np.sum(scaled, axis=-1, where=ok)
    mean_den = np.where(has, n * common, 1)
    mean = np.where(has, total / mean_den, np.nan)
    mean_units = round_half_even_ratio(total, mean_den, decimals)
    if p is None:
        return mean, mean_units, np.full(n.shape, np.nan), np.zeros(n.shape, dtype=np.int64)
    ordered = np.sort(np.where(ok, scaled, np.iinfo(np.int64).max), axis=-1)
    q = 100 * p.denominator
    t = np.maximum(n - 1, 0) * p.numerator
    s0 = (t // q)[..., np.newaxis]
    r = t % q
    s1 = np.minimum(s0 + 1, np.maximum(n - 1, 0)[..., np.newaxis])
    lower = np.where(has, np.take_along_axis(ordered, s0, axis=-1)[..., 0], 0)
    upper = np.where(has, np.take_along_axis(ordered, s1, axis=-1)[..., 0], 0)
    pct_num = lower * q + (upper - lower) * r
    pct = np.where(has, pct_num / (common * q), np.nan)
    pct_units = round_half_even_ratio(pct_num, np.full(pct_num.shape, common * q), decimals)
    return mean, mean_units, pct, pct_units


def _figures_exact(
    numerator: NDArray[np.int64],
    denominator: NDArray[np.int64],
    ok: NDArray[np.bool_],
    p: Fraction | None,
    decimals: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    shape = numerator.shape[:-1]
    mean = np.full(shape, np.nan)
    pct = np.full(shape, np.nan)
    mean_units = np.zeros(shape, dtype=np.int64)
    pct_units = np.zeros(shape, dtype=np.int64)
    for index in np.ndindex(shape):
        row = [
            Fraction(int(a), int(b))
            for a, b, use in zip(numerator[index], denominator[index], ok[index], strict=True)
            if use
        ]
        if not row:
            continue
        exact_mean = sum(row, Fraction(0)) / len(row)
        mean[index] = float(exact_mean)
        mean_units[index] = int(round_half_even(exact_mean, decimals).scaleb(decimals))
        if p is None:
            continue
        _, _, exact_pct = _percentile_of_sorted(sorted(row), p)
        pct[index] = float(exact_pct)
        pct_units[index] = int(round_half_even(exact_pct, decimals).scaleb(decimals))
    return mean, mean_units, pct, pct_units


def _months_short(
    per_month: NDArray[np.int64], months: Sequence[int], item: AirPollutant, statistic: Statistic
) -> NDArray[np.int64]:
    rule = requirement(item, statistic)
    if rule.per_month is None:
        return np.zeros(per_month.shape[:-1], dtype=np.int64)
    february = rule.per_month if rule.per_february is None else rule.per_february
    needed = np.where(np.asarray(months) == 2, february, rule.per_month)
    short: NDArray[np.int64] = np.count_nonzero(per_month < needed, axis=-1).astype(np.int64)
    return short


def period_statistics(
    daily: ValidatedValues | ArrayLike,
    *,
    pollutant: str | AirPollutant,
    first_date: dt.date,
    period: str | Period = Period.YEAR,
    p: Number | None = None,
    excluded: ArrayLike | None = None,
    monthly_clause: bool = True,
    evaluation: str | EvaluationStandard = EvaluationStandard.HJ663_2013,
) -> PeriodStatistics:
    """Monthly, quarterly or annual mean and percentile of valid daily values, vectorised.

    .. math:: \\bar C = \\frac{1}{n} \\sum_{d \\text{ valid}} C_d, \\qquad
              m_p \\text{ per HJ 663 Appendix A (see :func:`percentile`)}

    Parameters
    ----------
    daily
        Daily values shaped ``(..., n_days)``: a :class:`ValidatedValues` (exact, e.g. from
        :func:`daily_means` or :func:`daily_max_8h`) or floats with NaN for invalid days (read
        on the carried grid, :data:`CARRIED_DECIMALS`). [µg/m³; CO mg/m³]
    pollutant
        Selects the minimum-data rule, percentile rank and reporting precision.
    first_date
        Local date of the first day.
    period
        ``"month"``, ``"quarter"`` or ``"year"``.
    p
        Percentile rank; default :data:`PERCENTILE_OF` (98 SO2/NO2, 95 PM/CO, 90 O3). HJ 663
        names none for NOx, TSP, Pb and BaP: without ``p`` their percentiles are NaN.
    excluded
        Days removed from the statistics (exceptional events, OQ-1), shaped like ``daily``;
        validity is still decided on the measured valid days.
    monthly_clause
        Apply the monthly clause of Table 4 to annual validity (see :func:`period_valid`).

    Returns
    -------
    PeriodStatistics
        Shaped ``(..., n_periods)``; figures only where the period is valid.

    References
    ----------
    [GB3095-2026] §3.12–§3.13, Table 4; [HJ663-2013] §4.2 and Appendix A (secondary).
    """
    item = parse_pollutant(pollutant)
    chosen = PERCENTILE_OF.get(item) if p is None else p
    rank = None if chosen is None else _percentile_rank(chosen)
    decimals = reporting_decimals(item, evaluation=evaluation)
    numerator, denominator, valid_day = _daily_exact(daily, item)
    used = valid_day
    if excluded is not None:
        used = valid_day & ~np.broadcast_to(np.asarray(excluded, dtype=np.bool_), valid_day.shape)
    periods = calendar_periods(first_date, valid_day.shape[-1], period)
    statistic = _PERIOD_STATISTIC[Period(period)]
    rank_denominator = 1 if rank is None else rank.denominator
    headroom = 10**decimals * max(100 * rank_denominator, valid_day.shape[-1])
    common = _common_denominator(numerator, denominator, used, headroom)
    shape = (*valid_day.shape[:-1], len(periods))
    out_int = {k: np.zeros(shape, dtype=np.int64) for k in ("days", "short", "used", "mu", "pu")}
    out_float = {k: np.full(shape, np.nan) for k in ("mean", "pct")}
    valid = np.zeros(shape, dtype=np.bool_)
    for j, cal in enumerate(periods):
        per_month = np.stack(
            [np.count_nonzero(valid_day[..., a:b], axis=-1) for _, a, b in cal.months], axis=-1
        )
        month_numbers = [m for m, _, _ in cal.months]
        valid[..., j] = period_valid(
            per_month,
            month_numbers,
            pollutant=item,
            statistic=statistic,
            monthly_clause=monthly_clause,
        )
        out_int["days"][..., j] = per_month.sum(axis=-1)
        out_int["short"][..., j] = _months_short(per_month, month_numbers, item, statistic)
        window = slice(cal.first, cal.stop)
        ok = used[..., window]
        out_int["used"][..., j] = np.count_nonzero(ok, axis=-1)
        if common is not None:
            figures = _figures_int64(common[0][..., window], common[1], ok, rank, decimals)
        else:
            figures = _figures_exact(
                numerator[..., window], denominator[..., window], ok, rank, decimals
            )
        (
            out_float["mean"][..., j],
            out_int["mu"][..., j],
            out_float["pct"][..., j],
            out_int["pu"][..., j],
        ) = figures
    show = valid & (out_int["used"] > 0)
    scale = 10**decimals
    return PeriodStatistics(
        pollutant=item,
        periods=periods,
        p=rank,
        decimals=decimals,
        valid_days=out_int["days"],
        months_short=out_int["short"],
        valid=valid,
        used_days=out_int["used"],
        mean=np.where(show, out_float["mean"], np.nan),
        mean_units=np.where(show, out_int["mu"], 0),
        mean_reported=np.where(show, out_int["mu"] / scale, np.nan),
        percentile=np.where(show, out_float["pct"], np.nan),
        percentile_units=np.where(show, out_int["pu"], 0),
        percentile_reported=np.where(show, out_int["pu"] / scale, np.nan),
    )


# --- attainment and evaluation (OQ-19) -------------------------------------------------------


def _limit_pair(
    item: AirPollutant, air_class: AirClass, limit_set: LimitSet
) -> tuple[Decimal | None, Decimal]:
    """(annual limit or None, limit the percentile is held against) of a basic item."""
    if item not in PERCENTILE_OF:
        raise UnknownNameError("evaluation item", item.value, [p.value for p in PERCENTILE_OF])
    annual = (
        limits(item, Averaging.ANNUAL, air_class, limit_set=limit_set)
        if Averaging.ANNUAL in averagings_of(item)
        else None
    )
    short_term = Averaging.MDA8 if item is AirPollutant.O3 else Averaging.DAILY
    return annual, limits(item, short_term, air_class, limit_set=limit_set)


@dataclass(frozen=True)
class Attainment:
    """Single-item evaluation (单项目评价) of one basic pollutant for one period.

    A pollutant attains only if its period mean is within the annual limit **and** its
    percentile within the daily limit (MDA8 limit for O3); CO and O3 have no annual limit and
    are judged on the percentile (OQ-19). ``None`` marks what cannot be decided (missing data).
    """

    pollutant: AirPollutant
    limit_set: LimitSet
    air_class: AirClass
    mean: Fraction | None
    mean_limit: Decimal | None
    mean_attains: bool | None
    percentile_rank: int
    percentile: Fraction | None
    percentile_limit: Decimal
    percentile_attains: bool | None
    attains: bool | None
    mean_exceedance: Decimal | None
    percentile_exceedance: Decimal | None


def _within(value: Fraction | None, limit: Decimal | None) -> bool | None:
    if value is None or limit is None:
        return None
    return value <= Fraction(limit)


def _all_of(parts: Iterable[bool | None]) -> bool | None:
    seen = list(parts)
    if any(part is False for part in seen):
        return False
    return None if any(part is None for part in seen) else True


def attainment(
    pollutant: str | AirPollutant,
    *,
    mean: Number | None,
    percentile: Number | None,
    air_class: int | AirClass,
    limit_set: str | LimitSet,
) -> Attainment:
    """Whether one basic pollutant attains GB 3095 over a period.

    Parameters
    ----------
    pollutant
        SO2, NO2, PM10, PM2.5, CO or O3.
    mean, percentile
        The **reported** period mean and percentile (:data:`PERCENTILE_OF`); the rounded figure
        is compared with the limit (GB/T 8170 修约值比较, Project rule). None or NaN: missing.
        ``mean`` is ignored for CO and O3. [µg/m³; CO mg/m³]
    air_class, limit_set
        Zone class and the limit set of the period (OQ-6).

    References
    ----------
    [GB3095-2026] Table 1; [HJ663-2013] (recalled, unconfirmed: reference §4.2, §4.7, OQ-19).
    """
    item = parse_pollutant(pollutant)
    zone = parse_air_class(air_class)
    chosen = parse_limit_set(limit_set)
    annual, short_term = _limit_pair(item, zone, chosen)
    c_mean = None if annual is None or _is_missing(mean) else _fraction_of(mean)  # type: ignore[arg-type]
    c_pct = None if _is_missing(percentile) else _fraction_of(percentile)  # type: ignore[arg-type]
    for name, value in (("mean", c_mean), ("percentile", c_pct)):
        if value is not None and value < 0:
            raise ValidationError(f"{item.value} {name} {value} is negative")
    mean_ok = _within(c_mean, annual)
    pct_ok = _within(c_pct, short_term)
    return Attainment(
        pollutant=item,
        limit_set=chosen,
        air_class=zone,
        mean=c_mean,
        mean_limit=annual,
        mean_attains=mean_ok,
        percentile_rank=PERCENTILE_OF[item],
        percentile=c_pct,
        percentile_limit=short_term,
        percentile_attains=pct_ok,
        attains=_all_of([pct_ok] if annual is None else [mean_ok, pct_ok]),
        mean_exceedance=None if annual is None else exceedance_multiple(c_mean, annual),
        percentile_exceedance=exceedance_multiple(c_pct, short_term),
    )


@dataclass(frozen=True)
class Evaluation:
    """Multi-item comprehensive evaluation (多项目综合评价) over the six basic items.

    ``attains`` is True when all six attain, False when any exceeds, None otherwise.
    """

    attains: bool | None
    exceeding: tuple[AirPollutant, ...]
    undetermined: tuple[AirPollutant, ...]
    items: Mapping[AirPollutant, Attainment]


def evaluate(
    means: Mapping[str, Number | None],
    percentiles: Mapping[str, Number | None],
    *,
    air_class: int | AirClass,
    limit_set: str | LimitSet,
) -> Evaluation:
    """Evaluate the six basic items of a period: an area attains only if all of them do.

    ``means`` and ``percentiles`` hold the reported statistics by pollutant name; an absent
    pollutant is missing. See :func:`attainment` (OQ-19).
    """
    for key in (*means, *percentiles):
        parse_pollutant(key)
    items = {
        p: attainment(
            p,
            mean=means.get(p.value),
            percentile=percentiles.get(p.value),
            air_class=air_class,
            limit_set=limit_set,
        )
        for p in BASIC_POLLUTANTS
    }
    exceeding = tuple(p for p, a in items.items() if a.attains is False)
    undetermined = tuple(p for p, a in items.items() if a.attains is None)
    return Evaluation(
        _all_of(a.attains for a in items.values()), exceeding, undetermined, MappingProxyType(items)
    )


@dataclass(frozen=True, eq=False)
class AttainmentArrays:
    """Vectorised :class:`Attainment` of one pollutant, ``(..., n_periods)``.

    ``determined`` is False where ``attains`` cannot be decided (missing statistics); there
    ``attains`` is False. Exceedance multiples are NaN unless the statistic exceeds.
    """

    pollutant: AirPollutant
    limit_sets: tuple[LimitSet, ...]
    mean_limit: NDArray[np.float64]
    percentile_limit: NDArray[np.float64]
    mean_attains: NDArray[np.bool_]
    percentile_attains: NDArray[np.bool_]
    attains: NDArray[np.bool_]
    determined: NDArray[np.bool_]
    mean_exceedance: NDArray[np.float64]
    percentile_exceedance: NDArray[np.float64]


def _held_against(
    units: NDArray[np.int64],
    decimals: int,
    present: NDArray[np.bool_],
    limit_num: NDArray[np.int64],
    limit_den: NDArray[np.int64],
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """(within the limit, exceedance multiple) of reported units against exact limits."""
    scale = 10**decimals
    # C ≤ S  ⇔  units·S_den ≤ S_num·10^d
    lhs = units * limit_den
    rhs = limit_num * scale
    within = present & (lhs <= rhs)
    exceeding = present & (lhs > rhs)
    multiple_decimals = _DECIMALS_HJ663_2013[DerivedQuantity.EXCEEDANCE_MULTIPLE.value]
    # B = (C − S)/S = (units·S_den − S_num·10^d) / (S_num·10^d)
    b_units = round_half_even_ratio(np.where(exceeding, lhs - rhs, 0), rhs, multiple_decimals)
    return within, np.where(exceeding, b_units / 10**multiple_decimals, np.nan)


def _limit_grid(
    item: AirPollutant, sets: Sequence[LimitSet], classes: NDArray[np.int64], which: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Exact limits (numerator, denominator) per station and period; None if not defined."""
    per_class = {c: [_limit_pair(item, c, s)[which] for s in sets] for c in AirClass}
    if any(limit is None for column in per_class.values() for limit in column):
        return None
    exact = {
        c: [Fraction(limit) for limit in column if limit is not None]
        for c, column in per_class.items()
    }
    cls = classes[..., np.newaxis]
    first, second = exact[AirClass.CLASS_1], exact[AirClass.CLASS_2]
    num = np.where(cls == 1, [f.numerator for f in first], [f.numerator for f in second])
    den = np.where(cls == 1, [f.denominator for f in first], [f.denominator for f in second])
    return num.astype(np.int64), den.astype(np.int64)


def period_attainment(
    statistics: PeriodStatistics,
    *,
    air_class: ArrayLike,
    limit_sets: Sequence[str | LimitSet] | str | LimitSet,
) -> AttainmentArrays:
    """Vectorised single-item attainment of one pollutant's :class:`PeriodStatistics`.

    The reported figures are compared with the limits, as in :func:`attainment` (OQ-19).

    Parameters
    ----------
    statistics
        Period statistics of SO2, NO2, PM10, PM2.5, CO or O3.
    air_class
        Zone class per station, broadcast to the leading shape.
    limit_sets
        One limit set for all periods, or one per period (OQ-6).
    """
    item = statistics.pollutant
    n_periods = len(statistics.periods)
    sets = (
        (parse_limit_set(limit_sets),) * n_periods
        if isinstance(limit_sets, str)
        else tuple(parse_limit_set(s) for s in limit_sets)
    )
    if len(sets) != n_periods:
        raise ValidationError(f"{len(sets)} limit sets given for {n_periods} periods")
    shape = statistics.valid.shape
    classes = np.broadcast_to(np.asarray(air_class), shape[:-1])
    if classes.dtype.kind not in "iu" or not np.all(np.isin(classes, [1, 2])):
        raise UnknownNameError("air class", np.asarray(air_class).tolist(), ["1", "2"])
    present = statistics.valid & (statistics.used_days > 0)
    short_term = _limit_grid(item, sets, classes.astype(np.int64), 1)
    annual = _limit_grid(item, sets, classes.astype(np.int64), 0)
    if short_term is None:
        raise UnknownNameError("evaluation item", item.value, [p.value for p in PERCENTILE_OF])
    pct_ok, pct_b = _held_against(
        statistics.percentile_units, statistics.decimals, present, *short_term
    )
    if annual is None:
        mean_limit = np.full(shape, np.nan)
        mean_ok = np.zeros(shape, dtype=np.bool_)
        mean_b = np.full(shape, np.nan)
        attains = pct_ok
    else:
        mean_limit = annual[0] / annual[1]
        mean_ok, mean_b = _held_against(
            statistics.mean_units, statistics.decimals, present, *annual
        )
        attains = mean_ok & pct_ok
    return AttainmentArrays(
        pollutant=item,
        limit_sets=sets,
        mean_limit=mean_limit,
        percentile_limit=short_term[0] / short_term[1],
        mean_attains=mean_ok,
        percentile_attains=pct_ok,
        attains=attains,
        # Mean and percentile come from the same valid days: both known, or both missing.
        determined=present,
        mean_exceedance=mean_b,
        percentile_exceedance=pct_b,
    )


# --- vectorised comprehensive index and spatial mean --------------------------------------


@dataclass(frozen=True, eq=False)
class IndexArrays:
    """Comprehensive index per station and period, ``(..., n_periods)``.

    ``valid`` where all six statistics are; ``exact`` and ``reported`` NaN elsewhere;
    ``units`` the reported index in hundredths (0 where not valid).
    """

    method: ComprehensiveIndexMethod
    valid: NDArray[np.bool_]
    exact: NDArray[np.float64]
    units: NDArray[np.int64]
    reported: NDArray[np.float64]


def comprehensive_indices(
    statistics: Mapping[AirPollutant, PeriodStatistics],
    *,
    method: ComprehensiveIndexMethod = RANK2018_UNWEIGHTED,
) -> IndexArrays:
    """:func:`comprehensive_index` vectorised over stations and periods, from the reported
    statistics (means of SO2, NO2, PM10, PM2.5; CO P95; O3 P90), exactly.

    .. math:: I = \\sum_i w_i \\frac{u_i 10^{-d_i}}{S_i} = \\frac{\\sum_i u_i m_i}{L}, \\quad
              m_i = L \\frac{w_i}{S_i 10^{d_i}}

    with u_i the reported units and L the common denominator of the factors.

    References
    ----------
    [RANK2018] (secondary, reference §5); OQ-18.
    """
    missing = [p.value for p in INDEX_STATISTIC if p not in statistics]
    if missing:
        raise ValidationError(f"the comprehensive index needs statistics of {', '.join(missing)}")
    denominators = method.denominators()
    factors = {
        p: method.weights[p] / (Fraction(denominators[p]) * 10 ** statistics[p].decimals)
        for p in INDEX_STATISTIC
    }
    common = math.lcm(*(f.denominator for f in factors.values()))
    shape = statistics[AirPollutant.PM25].valid.shape
    total = np.zeros(shape, dtype=np.int64)
    valid = np.ones(shape, dtype=np.bool_)
    for p, (kind, _) in INDEX_STATISTIC.items():
        stats = statistics[p]
        units = stats.mean_units if kind == "mean" else stats.percentile_units
        total = total + units * int(factors[p] * common)
        valid = valid & stats.valid & (stats.used_days > 0)
    decimals = _DECIMALS_HJ663_2013[DerivedQuantity.COMPREHENSIVE_INDEX.value]
    units = np.where(valid, round_half_even_ratio(total, np.full(total.shape, common), decimals), 0)
    return IndexArrays(
        method=method,
        valid=valid,
        exact=np.where(valid, total / common, np.nan),
        units=units,
        reported=np.where(valid, units / 10**decimals, np.nan),
    )


def spatial_mean(values: ValidatedValues, *, axis: int = 0) -> ValidatedValues:
    """City or county concentration: the mean of the stations' valid values (OQ-25).

    .. math:: C_{\\text{city}} = \\frac{1}{k} \\sum_{s \\text{ valid}} C_s

    Parameters
    ----------
    values
        Station values of one indicator, e.g. daily means or MDA8 ``(stations, days)``.
    axis
        The station axis.

    Returns
    -------
    ValidatedValues
        Exact means over the stations axis; ``count`` = stations included (k), valid with
        k ≥ 1. Stations without a valid value are excluded (their number is ``S − k``).

    References
    ----------
    [HJ663-2013] (unconfirmed, reference §4.7); HJ 633-2026 §4.2.2 [HJ633-2026]; OQ-25.
    """
    ok = np.moveaxis(values.valid, axis, -1)
    num = np.moveaxis(values.numerator, axis, -1)
    den = np.moveaxis(values.denominator, axis, -1)
    common = _common_denominator(num, den, ok, max(ok.shape[-1], 1))
    if common is None:
        raise EcowardenError("station values share no common denominator within 64-bit range")
    scaled, lcm = common
    count = np.count_nonzero(ok, axis=-1).astype(np.int64)
    valid = count >= 1
    numerator = np.where(valid, scaled.sum(axis=-1), 0)
    denominator = np.where(valid, count * lcm, 1)
    return ValidatedValues(
        value=np.where(valid, numerator / denominator, np.nan),
        count=count,
        valid=valid,
        numerator=numerator,
        denominator=denominator,
        minimum=1,
    )
