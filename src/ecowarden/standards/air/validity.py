"""GB 3095 Table 4 minimum-data rules, and validated averages of hourly series.

GB 3095-2026 §6.4 [GB3095-2026]: data failing Table 4 are invalid, and all valid data must be
used. So an average with too few values is dropped (``None`` / NaN), never computed from fewer
values, and a valid average is the mean of all the valid values available (reference §3.6).

Hourly arrays follow one convention throughout: a float array shaped ``(..., n_hours)`` whose
index 0 is the hour 00:00–01:00 local (Asia/Shanghai) of the first day (interval start,
reference §3.8), NaN marking a missing or invalid hour. Hours before the first supplied hour
count as missing in moving windows.

Exactness. A reported figure is rounded once from its exact value (GB/T 8170 [GBT8170]), so the
vectorised functions carry every average as an exact rational ``numerator / denominator``
besides its float ``value``. Hourly values are taken on a grid of ``10**-decimals`` of their unit
(:data:`CARRIED_DECIMALS`; HJ 212 concentrations carry at most three decimals): the float sum of a
window is snapped to that grid, which recovers the exact decimal sum of on-grid input.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.editions import LimitSet, parse_limit_set
from ecowarden.standards.air.limits import (
    AirClass,
    AirPollutant,
    Averaging,
    limit_set_in_force,
    limits,
    parse_pollutant,
)
from ecowarden.standards.rounding import to_fraction


class Statistic(StrEnum):
    """Averages whose minimum data Table 4 (or a project rule filling its gaps) sets."""

    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    DAILY = "daily"
    HOUR_8 = "8h"
    HOUR_1 = "1h"
    MDA8 = "mda8"
    DAILY_MAX_1H = "daily max 1h"
    MOVING_24H = "24h moving"


class Coverage(StrEnum):
    """What the minimum of a :class:`DataRequirement` counts."""

    HOURS_PER_DAY = "hourly values per day"
    SAMPLING_HOURS_PER_DAY = "hours of sampling per day"
    HOURS_PER_WINDOW = "hourly values per moving window"
    MINUTES_PER_HOUR = "minutes of sampling per hour"
    WINDOWS_PER_DAY = "valid 8-h values among the 17 ending 08:00…24:00"
    DAYS_PER_PERIOD = "daily values per period"


@dataclass(frozen=True)
class DataRequirement:
    """One minimum-data rule: a row of GB 3095 Table 4, or a documented project rule.

    ``minimum`` counts over the whole averaging period (a day, window, quarter or year);
    ``per_month`` / ``per_february`` are the monthly clause of the row ("每月至少有27个日平均浓度
    值（二月至少有25个日平均浓度值）"), required of every calendar month of the period. A monthly
    statistic carries its rule in the monthly clause alone (``minimum`` 0).
    """

    pollutants: frozenset[AirPollutant]
    statistic: Statistic
    minimum: int
    coverage: Coverage
    source: str
    per_month: int | None = None
    per_february: int | None = None


_AUTOMATIC_PERIOD_ITEMS: Final = frozenset(
    {AirPollutant.SO2, AirPollutant.NO2, AirPollutant.PM10, AirPollutant.PM25, AirPollutant.NOX}
)
_MANUAL_ITEMS: Final = frozenset({AirPollutant.TSP, AirPollutant.BAP, AirPollutant.PB})
_HOURLY_ITEMS: Final = frozenset(
    {
        AirPollutant.SO2,
        AirPollutant.NO2,
        AirPollutant.CO,
        AirPollutant.PM10,
        AirPollutant.PM25,
        AirPollutant.NOX,
    }
)

#: GB 3095-2026 Table 4 [GB3095-2026] (the 2012 table has the same numbers [GB3095-2012]).
TABLE_4: Final[tuple[DataRequirement, ...]] = (
    DataRequirement(
        _AUTOMATIC_PERIOD_ITEMS, Statistic.ANNUAL, 324, Coverage.DAYS_PER_PERIOD,
        "GB 3095-2026 Table 4", per_month=27, per_february=25,
    ),
    DataRequirement(
        _MANUAL_ITEMS, Statistic.ANNUAL, 60, Coverage.DAYS_PER_PERIOD,
        "GB 3095-2026 Table 4", per_month=5, per_february=5,
    ),
    DataRequirement(
        frozenset({AirPollutant.PB}), Statistic.QUARTERLY, 15, Coverage.DAYS_PER_PERIOD,
        "GB 3095-2026 Table 4", per_month=5, per_february=5,
    ),
    DataRequirement(
        _HOURLY_ITEMS, Statistic.DAILY, 20, Coverage.HOURS_PER_DAY, "GB 3095-2026 Table 4"
    ),
    # "24小时连续采样时间": the whole day must be sampled.
    DataRequirement(
        _MANUAL_ITEMS, Statistic.DAILY, 24, Coverage.SAMPLING_HOURS_PER_DAY,
        "GB 3095-2026 Table 4",
    ),
    DataRequirement(
        frozenset({AirPollutant.O3}), Statistic.HOUR_8, 6, Coverage.HOURS_PER_WINDOW,
        "GB 3095-2026 Table 4",
    ),
    DataRequirement(
        frozenset({
            AirPollutant.SO2, AirPollutant.NO2, AirPollutant.CO, AirPollutant.O3, AirPollutant.NOX
        }),
        Statistic.HOUR_1, 45, Coverage.MINUTES_PER_HOUR, "GB 3095-2026 Table 4",
    ),
)  # fmt: skip

#: Rules Table 4 does not state, as documented in docs/decisions/0002-air-statistics.md.
GAP_RULES: Final[tuple[DataRequirement, ...]] = (
    # HJ 663 §6.1.2 [HJ663-2013] [HJ663-2026] (secondary, reference §3.7).
    DataRequirement(
        frozenset({AirPollutant.O3}), Statistic.MDA8, 14, Coverage.WINDOWS_PER_DAY,
        "HJ 663 §6.1.2 (secondary)",
    ),
    # Reference OQ-13: the monthly clause of the annual row used for monthly means.
    DataRequirement(
        _AUTOMATIC_PERIOD_ITEMS | {AirPollutant.CO, AirPollutant.O3}, Statistic.MONTHLY, 0,
        Coverage.DAYS_PER_PERIOD, "OQ-13", per_month=27, per_february=25,
    ),
    DataRequirement(
        _MANUAL_ITEMS, Statistic.MONTHLY, 0, Coverage.DAYS_PER_PERIOD, "OQ-13",
        per_month=5, per_february=5,
    ),
    # Reference OQ-13: a quarter is valid when each of its months is.
    DataRequirement(
        _AUTOMATIC_PERIOD_ITEMS | {AirPollutant.CO, AirPollutant.O3}, Statistic.QUARTERLY, 0,
        Coverage.DAYS_PER_PERIOD, "OQ-13", per_month=27, per_february=25,
    ),
    DataRequirement(
        _MANUAL_ITEMS - {AirPollutant.PB}, Statistic.QUARTERLY, 0, Coverage.DAYS_PER_PERIOD,
        "OQ-13", per_month=5, per_february=5,
    ),
    # CO (P95 of daily means) and O3 (P90 of MDA8) have no annual limit and so no Table 4
    # annual row; their annual statistics take the counts of the basic items' row.
    DataRequirement(
        frozenset({AirPollutant.CO, AirPollutant.O3}), Statistic.ANNUAL, 324,
        Coverage.DAYS_PER_PERIOD, "OQ-13", per_month=27, per_february=25,
    ),
    DataRequirement(
        frozenset({AirPollutant.O3}), Statistic.DAILY_MAX_1H, 20, Coverage.HOURS_PER_DAY, "OQ-13"
    ),
    DataRequirement(
        _HOURLY_ITEMS, Statistic.MOVING_24H, 20, Coverage.HOURS_PER_WINDOW, "OQ-13"
    ),
)  # fmt: skip

#: Decimals of its unit each pollutant's values are carried at (µg/m³; CO mg/m³).
CARRIED_DECIMALS: Final[Mapping[AirPollutant, int]] = MappingProxyType(
    {p: {AirPollutant.PB: 5, AirPollutant.BAP: 6}.get(p, 3) for p in AirPollutant}
)

#: The 17 windows of the MDA8 end at 08:00 … 24:00: interval-start hours 7 … 23 of the day.
MDA8_WINDOWS: Final = 17


def requirement(pollutant: str | AirPollutant, statistic: str | Statistic) -> DataRequirement:
    """The minimum-data rule for ``statistic`` of ``pollutant``.

    Raises
    ------
    UnknownNameError
        Unknown pollutant or statistic, or no rule for that pair (the valid ones are listed).
    """
    item = parse_pollutant(pollutant)
    try:
        kind = Statistic(statistic)
    except ValueError:
        raise UnknownNameError("statistic", statistic, [s.value for s in Statistic]) from None
    for rule in (*TABLE_4, *GAP_RULES):
        if rule.statistic is kind and item in rule.pollutants:
            return rule
    defined = [s.value for s in Statistic if _has_rule(item, s)]
    raise UnknownNameError(
        f"statistic with a minimum-data rule for {item.value}", kind.value, defined
    )


def _has_rule(item: AirPollutant, kind: Statistic) -> bool:
    return any(r.statistic is kind and item in r.pollutants for r in (*TABLE_4, *GAP_RULES))


# --- validated values ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ValidatedValues:
    """Averages with the coverage behind their validity, element-wise over ``(..., n)``.

    Attributes
    ----------
    value
        The average where valid, NaN where not. [µg/m³; CO mg/m³]
    count
        The coverage counted for the validity decision (valid hours, or valid 8-h windows).
    valid
        ``count`` meets ``minimum`` (or, for the MDA8, the exceedance exception applies).
    numerator, denominator
        The exact average ``numerator / denominator`` (0/1 where not valid).
    minimum
        The required count (:func:`requirement`).
    """

    value: NDArray[np.float64]
    count: NDArray[np.int64]
    valid: NDArray[np.bool_]
    numerator: NDArray[np.int64]
    denominator: NDArray[np.int64]
    minimum: int


@dataclass(frozen=True, eq=False)
class DailyMaxima8h(ValidatedValues):
    """Daily maximum 8-h means (MDA8) of O3, ``(..., n_days)``.

    ``count`` is the number of valid 8-h means among the 17 windows ending 08:00…24:00.

    Attributes
    ----------
    max_of_valid
        The largest valid 8-h mean of the day, NaN when there is none. [µg/m³]
    limit
        The MDA8 limit of the station's class in force that day (reference OQ-14). [µg/m³]
    """

    max_of_valid: NDArray[np.float64]
    limit: NDArray[np.float64]


@dataclass(frozen=True)
class Mda8:
    """The MDA8 of one natural day (scalar form of :class:`DailyMaxima8h`)."""

    value: float | None
    valid_windows: int
    max_of_valid: float | None
    limit: Decimal
    valid: bool


# --- scalar rules ------------------------------------------------------------------------------


def _fraction_of(value: float | int | Decimal | Fraction | np.number[Any]) -> Fraction:
    # NumPy scalars repr as "np.float64(…)", which the rounding module cannot read.
    if isinstance(value, np.floating):
        return to_fraction(float(value))
    if isinstance(value, np.integer):
        return Fraction(int(value))
    if isinstance(value, np.generic):
        raise ValidationError(f"expected a real number, got {value!r}")
    return to_fraction(value)


def _hourly_fractions(
    values: Iterable[float | int | None], length: int, item: AirPollutant
) -> list[Fraction | None]:
    result: list[Fraction | None] = []
    for index, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            result.append(None)
            continue
        exact = _fraction_of(value)
        if exact < 0:
            raise ValidationError(
                f"{item.value} hourly value {value!r} at hour {index} is negative"
            )
        result.append(exact)
    if len(result) != length:
        raise ValidationError(f"expected {length} {item.value} hourly values, got {len(result)}")
    return result


def _mean_if(values: list[Fraction | None], minimum: int) -> Fraction | None:
    present = [v for v in values if v is not None]
    if len(present) < minimum:
        return None
    return sum(present, Fraction(0)) / len(present)


def daily_mean(
    hourly_values: Iterable[float | int | None], *, pollutant: str | AirPollutant
) -> float | None:
    """Daily mean (日平均) of the 24 hourly means of one natural day.

    .. math:: \\bar C = \\frac{1}{n} \\sum_{h \\in \\text{valid}} C_h, \\quad n \\ge 20

    Parameters
    ----------
    hourly_values
        24 hourly means, 00:00 first; ``None`` or NaN marks a missing hour. [µg/m³; CO mg/m³]
    pollutant
        SO2, NO2, CO, PM10, PM2.5 or NOx (≥ 20 valid hours), or TSP, Pb or BaP (24 h sampled).

    Returns
    -------
    float or None
        The exact mean as the nearest float; None with fewer valid hours than Table 4 asks.

    References
    ----------
    [GB3095-2026] §3.11 and Table 4.
    """
    item = parse_pollutant(pollutant)
    rule = requirement(item, Statistic.DAILY)
    mean = _mean_if(_hourly_fractions(hourly_values, 24, item), rule.minimum)
    return None if mean is None else float(mean)


def moving_24h_mean(
    hourly_values: Iterable[float | int | None], *, pollutant: str | AirPollutant
) -> float | None:
    """24-h moving mean of the 24 hours ending at the current hour; valid with ≥ 20 (OQ-13)."""
    item = parse_pollutant(pollutant)
    rule = requirement(item, Statistic.MOVING_24H)
    mean = _mean_if(_hourly_fractions(hourly_values, 24, item), rule.minimum)
    return None if mean is None else float(mean)


def o3_8h_mean(hourly_values: Iterable[float | int | None]) -> float | None:
    """O3 8-h mean (8小时平均) of one window of 8 consecutive hours; valid with ≥ 6.

    References
    ----------
    [GB3095-2026] §3.8 and Table 4.
    """
    rule = requirement(AirPollutant.O3, Statistic.HOUR_8)
    mean = _mean_if(_hourly_fractions(hourly_values, 8, AirPollutant.O3), rule.minimum)
    return None if mean is None else float(mean)


def o3_daily_max_1h(hourly_values: Iterable[float | int | None]) -> float | None:
    """The O3 daily maximum 1-h mean (HJ 633-2012 daily report); valid with ≥ 20 hours (OQ-13)."""
    rule = requirement(AirPollutant.O3, Statistic.DAILY_MAX_1H)
    present = [v for v in _hourly_fractions(hourly_values, 24, AirPollutant.O3) if v is not None]
    return float(max(present)) if len(present) >= rule.minimum else None


def mda8_valid(
    valid_windows: int, max_of_valid: float | Decimal | Fraction | None, *, limit: float | Decimal
) -> bool:
    """MDA8 validity: ≥ 14 valid 8-h means among the 17 windows, or else the max exceeds the limit.

    HJ 663 §6.1.2 [HJ663-2013] [HJ663-2026] (secondary, reference §3.7); the limit is the
    station's class MDA8 limit in force that day (reference OQ-14). "Exceeds" is strict.
    """
    rule = requirement(AirPollutant.O3, Statistic.MDA8)
    if not 0 <= valid_windows <= MDA8_WINDOWS:
        raise ValidationError(f"valid 8-h windows must be 0…{MDA8_WINDOWS}, got {valid_windows}")
    if valid_windows >= rule.minimum:
        return True
    if max_of_valid is None or valid_windows == 0:
        return False
    return _fraction_of(max_of_valid) > _fraction_of(limit)


def mda8(
    hourly_values: Iterable[float | int | None],
    *,
    air_class: int | AirClass = AirClass.CLASS_2,
    on: dt.date | None = None,
    limit_set: str | LimitSet | None = None,
) -> Mda8:
    """The daily maximum 8-h mean (日最大8小时平均) of O3 for one natural day.

    The 17 windows ending 08:00, 09:00, …, 24:00 lie wholly inside the day; each 8-h mean needs
    ≥ 6 valid hours, and the MDA8 ≥ 14 valid means unless it exceeds the limit (:func:`mda8_valid`).

    Parameters
    ----------
    hourly_values
        The 24 hourly O3 means of the day, 00:00 first; None or NaN missing. [µg/m³]
    air_class
        The station's zone class, which picks the MDA8 limit (OQ-14: 160 class 2, 100 class 1).
    on, limit_set
        The day (selects the limit set in force) or a forced limit set, as for :func:`limits`.

    References
    ----------
    [GB3095-2026] §3.9 and Table 4; HJ 663 §6.1.2 [HJ663-2013] [HJ663-2026].
    """
    hours = _hourly_fractions(hourly_values, 24, AirPollutant.O3)
    minimum = requirement(AirPollutant.O3, Statistic.HOUR_8).minimum
    means = [_mean_if(hours[end - 7 : end + 1], minimum) for end in range(7, 24)]
    valid_means = [m for m in means if m is not None]
    limit = limits(AirPollutant.O3, Averaging.MDA8, air_class, on=on, limit_set=limit_set)
    top = max(valid_means) if valid_means else None
    valid = mda8_valid(len(valid_means), top, limit=limit)
    return Mda8(
        value=float(top) if valid and top is not None else None,
        valid_windows=len(valid_means),
        max_of_valid=None if top is None else float(top),
        limit=limit,
        valid=valid,
    )


# --- period validity ---------------------------------------------------------------------------


def period_valid(
    valid_days_per_month: ArrayLike,
    months: Sequence[int],
    *,
    pollutant: str | AirPollutant,
    statistic: str | Statistic,
    monthly_clause: bool = True,
) -> NDArray[np.bool_]:
    """Whether a monthly, quarterly or annual statistic has enough daily values.

    Valid when the period has at least the rule's ``minimum`` valid daily values and every
    calendar month at least ``per_month`` (February ``per_february``).

    Parameters
    ----------
    valid_days_per_month
        Valid daily values per calendar month of the period, shaped ``(..., len(months))``.
    months
        The calendar month numbers (1–12) of the last axis.
    pollutant, statistic
        Select the rule (:func:`requirement`): ``"monthly"``, ``"quarterly"`` or ``"annual"``.
    monthly_clause
        Apply the monthly clause of Table 4's annual row to annual statistics too (the text's
        reading, default); False checks the yearly count alone. Other periods always apply it.

    Returns
    -------
    numpy.ndarray of bool
        Shaped ``(...)``.

    References
    ----------
    [GB3095-2026] Table 4; reference OQ-13 for monthly and quarterly statistics.
    """
    rule = requirement(pollutant, statistic)
    counts = np.asarray(valid_days_per_month, dtype=np.int64)
    month_numbers = np.asarray(months, dtype=np.int64)
    if counts.ndim == 0 or counts.shape[-1] != month_numbers.size:
        raise ValidationError(
            f"valid_days_per_month has shape {counts.shape}; its last axis must have one entry "
            f"per month ({month_numbers.size})"
        )
    if np.any((month_numbers < 1) | (month_numbers > 12)):
        raise ValidationError(f"months must be 1…12, got {list(months)}")
    if np.any(counts < 0):
        raise ValidationError(f"valid day counts must not be negative, got {counts.min()}")
    enough = counts.sum(axis=-1) >= rule.minimum
    if rule.per_month is None or (rule.statistic is Statistic.ANNUAL and not monthly_clause):
        return np.asarray(enough, dtype=np.bool_)
    per_february = rule.per_month if rule.per_february is None else rule.per_february
    needed = np.where(month_numbers == 2, per_february, rule.per_month)
    each = np.all(counts >= needed, axis=-1)
    return np.asarray(enough & each, dtype=np.bool_)


def month_valid(valid_days: int, *, month: int, pollutant: str | AirPollutant) -> bool:
    """A monthly mean needs ≥ 27 valid daily values, February ≥ 25 (OQ-13; TSP, Pb, BaP ≥ 5)."""
    return bool(
        period_valid([valid_days], [month], pollutant=pollutant, statistic=Statistic.MONTHLY)
    )


def quarter_valid(
    valid_days_per_month: Sequence[int], *, quarter: int, pollutant: str | AirPollutant
) -> bool:
    """A quarterly statistic is valid when each month is (OQ-13; Pb: ≥ 15 and ≥ 5 per month)."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"quarter must be 1…4, got {quarter!r}")
    months = [3 * (quarter - 1) + k for k in (1, 2, 3)]
    return bool(
        period_valid(
            valid_days_per_month, months, pollutant=pollutant, statistic=Statistic.QUARTERLY
        )
    )


def annual_valid(
    valid_days_per_month: Sequence[int],
    *,
    pollutant: str | AirPollutant,
    monthly_clause: bool = True,
) -> bool:
    """An annual statistic needs ≥ 324 valid daily values (and, by default, each month ≥ 27,
    February ≥ 25, the monthly clause of the same Table 4 row). TSP, Pb, BaP: ≥ 60 and ≥ 5.

    ``valid_days_per_month`` holds the 12 monthly counts, January first.
    """
    return bool(
        period_valid(
            valid_days_per_month,
            range(1, 13),
            pollutant=pollutant,
            statistic=Statistic.ANNUAL,
            monthly_clause=monthly_clause,
        )
    )


# --- vectorised hourly series ----------------------------------------------------------------

# Window sums are snapped to the carried grid as integers; beyond 2**53 a float no longer holds
# every integer, so such sums are refused as implausible rather than silently rounded.
_EXACT_FLOAT_INT: Final = 2.0**53


def _scale_of(item: AirPollutant, decimals: int | None) -> int:
    places = CARRIED_DECIMALS[item] if decimals is None else decimals
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 9:
        raise ValidationError(f"decimals must be an integer 0…9, got {decimals!r}")
    return int(10**places)


def _hourly_array(
    hourly: ArrayLike, item: AirPollutant, *, whole_days: bool
) -> NDArray[np.float64]:
    series = np.asarray(hourly, dtype=np.float64)
    if series.ndim == 0 or series.shape[-1] == 0:
        raise ValidationError(
            f"{item.value} hourly values need an hour axis, got shape {series.shape}"
        )
    if whole_days and series.shape[-1] % 24:
        raise ValidationError(
            f"{item.value} hourly values must cover whole days: {series.shape[-1]} hours "
            "is not a multiple of 24"
        )
    negative = series < 0
    if negative.any():
        where = np.unravel_index(int(np.argmax(negative)), series.shape)
        raise ValidationError(
            f"{item.value} hourly value {float(series[where])!r} at index "
            f"{tuple(map(int, where))} is negative"
        )
    return series


def _refuse_unbounded(
    total: NDArray[np.float64], scale: int, series: NDArray[np.float64], item: AirPollutant
) -> None:
    if np.all(total * scale < _EXACT_FLOAT_INT):
        return
    implausible = ~(np.abs(series) * scale * 24 < _EXACT_FLOAT_INT) & ~np.isnan(series)
    where = np.unravel_index(int(np.argmax(implausible)), series.shape)
    raise ValidationError(
        f"{item.value} hourly value {float(series[where])!r} at index "
        f"{tuple(map(int, where))} is not a finite plausible concentration"
    )


def _moving_sums(
    filled: NDArray[np.float64], present: NDArray[np.bool_], width: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Sums and counts over the ``width`` hours ending at each hour of the last axis."""
    total = filled.copy()
    count = present.astype(np.int64)
    for lag in range(1, min(width, filled.shape[-1])):
        total[..., lag:] += filled[..., :-lag]
        count[..., lag:] += present[..., :-lag]
    return total, count


def _validated(
    total: NDArray[np.float64], count: NDArray[np.int64], minimum: int, scale: int
) -> ValidatedValues:
    valid = count >= minimum
    numerator = np.where(valid, np.rint(total * scale), 0.0).astype(np.int64)
    denominator = np.where(valid, count * scale, 1).astype(np.int64)
    value = np.where(valid, numerator / denominator, np.nan)
    return ValidatedValues(value, count, valid, numerator, denominator, minimum)


def daily_means(
    hourly: ArrayLike, *, pollutant: str | AirPollutant, decimals: int | None = None
) -> ValidatedValues:
    """Daily means (日平均) with validity, vectorised over ``(..., n_hours)`` → ``(..., n_days)``.

    .. math:: \\bar C_d = \\frac{1}{n_d} \\sum_{h \\in d, \\text{valid}} C_h, \\quad
              \\text{valid} \\iff n_d \\ge 20

    Parameters
    ----------
    hourly
        Hourly means, interval start, index 0 = 00:00 of the first day, NaN missing.
        [µg/m³; CO mg/m³]
    pollutant
        SO2, NO2, CO, PM10, PM2.5, NOx (≥ 20 hours), or TSP, Pb, BaP (24 h).
    decimals
        Grid the hourly values are carried on (default :data:`CARRIED_DECIMALS`).

    Returns
    -------
    ValidatedValues
        ``count`` = valid hours of each day.

    References
    ----------
    [GB3095-2026] §3.11, Table 4.
    """
    item = parse_pollutant(pollutant)
    rule = requirement(item, Statistic.DAILY)
    scale = _scale_of(item, decimals)
    series = _hourly_array(hourly, item, whole_days=True)
    days = series.reshape(*series.shape[:-1], series.shape[-1] // 24, 24)
    present = ~np.isnan(days)
    count = np.count_nonzero(present, axis=-1).astype(np.int64, copy=False)
    total = np.sum(days, axis=-1, where=present)
    _refuse_unbounded(total, scale, series, item)
    return _validated(total, count, rule.minimum, scale)


def _moving_means(
    hourly: ArrayLike, item: AirPollutant, statistic: Statistic, width: int, decimals: int | None
) -> ValidatedValues:
    rule = requirement(item, statistic)
    scale = _scale_of(item, decimals)
    series = _hourly_array(hourly, item, whole_days=False)
    present = ~np.isnan(series)
    total, count = _moving_sums(np.where(present, series, 0.0), present, width)
    _refuse_unbounded(total, scale, series, item)
    return _validated(total, count, rule.minimum, scale)


def moving_8h_means(hourly: ArrayLike, *, decimals: int | None = None) -> ValidatedValues:
    """O3 8-h moving means, ``(..., n_hours)`` → ``(..., n_hours)``.

    Element ``i`` averages hours ``i-7 … i`` (the window ending at the end of hour ``i``);
    valid with ≥ 6 valid hours ([GB3095-2026] §3.8, Table 4). ``count`` = valid hours.
    """
    return _moving_means(hourly, AirPollutant.O3, Statistic.HOUR_8, 8, decimals)


def moving_24h_means(
    hourly: ArrayLike, *, pollutant: str | AirPollutant, decimals: int | None = None
) -> ValidatedValues:
    """24-h moving means (HJ 633-2012 real-time report), ``(..., n_hours)`` → ``(..., n_hours)``.

    Element ``i`` averages hours ``i-23 … i``; valid with ≥ 20 valid hours (OQ-13).
    """
    return _moving_means(hourly, parse_pollutant(pollutant), Statistic.MOVING_24H, 24, decimals)


def daily_max_1h(hourly: ArrayLike, *, decimals: int | None = None) -> ValidatedValues:
    """O3 daily maximum 1-h means, ``(..., n_hours)`` → ``(..., n_days)``; valid with ≥ 20 hours.

    The HJ 633-2012 daily report indexes it [HJ633-2012]; its minimum data is OQ-13.
    """
    rule = requirement(AirPollutant.O3, Statistic.DAILY_MAX_1H)
    scale = _scale_of(AirPollutant.O3, decimals)
    series = _hourly_array(hourly, AirPollutant.O3, whole_days=True)
    days = series.reshape(*series.shape[:-1], series.shape[-1] // 24, 24)
    present = ~np.isnan(days)
    count = np.count_nonzero(present, axis=-1).astype(np.int64, copy=False)
    top = np.max(days, axis=-1, where=present, initial=-np.inf)
    valid = count >= rule.minimum
    _refuse_unbounded(np.where(valid, top, 0.0), scale, series, AirPollutant.O3)
    numerator = np.where(valid, np.rint(top * scale), 0.0).astype(np.int64)
    denominator = np.full(count.shape, scale, dtype=np.int64)
    value = np.where(valid, numerator / denominator, np.nan)
    return ValidatedValues(value, count, valid, numerator, denominator, rule.minimum)


def _air_classes(air_class: ArrayLike, shape: tuple[int, ...]) -> NDArray[np.int64]:
    classes = np.asarray(air_class)
    valid_names = [str(c.value) for c in AirClass]
    if classes.dtype.kind not in "iu":
        raise UnknownNameError("air class", air_class, valid_names)
    bad = ~np.isin(classes, [c.value for c in AirClass])
    if bad.any():
        raise UnknownNameError("air class", classes[bad].flat[0].item(), valid_names)
    try:
        return np.broadcast_to(classes.astype(np.int64), shape)
    except ValueError:
        raise ValidationError(
            f"air_class of shape {classes.shape} does not match the stations {shape}"
        ) from None


def limit_sets_by_day(
    first_date: dt.date, n_days: int, *, limit_set: str | LimitSet | None = None
) -> tuple[LimitSet, ...]:
    """The GB 3095 limit set for each of ``n_days`` days from ``first_date`` (or the forced one)."""
    if limit_set is not None:
        return (parse_limit_set(limit_set),) * n_days
    return tuple(limit_set_in_force(first_date + dt.timedelta(days=d)) for d in range(n_days))


def daily_max_8h(
    hourly: ArrayLike,
    *,
    first_date: dt.date,
    air_class: ArrayLike = AirClass.CLASS_2,
    limit_set: str | LimitSet | None = None,
    decimals: int | None = None,
) -> DailyMaxima8h:
    """O3 MDA8 with validity, vectorised over ``(..., n_hours)`` → ``(..., n_days)``.

    .. math:: \\mathrm{MDA8}_d = \\max_{e = 8, \\dots, 24} \\bar C_{[e-8, e)}

    over the 17 windows wholly inside day d with ≥ 6 valid hours each; valid with ≥ 14 valid
    windows, or fewer when the MDA8 exceeds the station's MDA8 limit in force that day (OQ-14).

    Parameters
    ----------
    hourly
        O3 hourly means, interval start, index 0 = 00:00 of ``first_date``, NaN missing. [µg/m³]
    first_date
        Local date of the first day; each day's limit set is the one in force on it.
    air_class
        Zone class per station, broadcast to ``hourly.shape[:-1]``.
    limit_set
        Force one limit set for every day.

    References
    ----------
    [GB3095-2026] §3.9, Table 4; HJ 663 §6.1.2 [HJ663-2013] [HJ663-2026] (secondary).
    """
    window_minimum = requirement(AirPollutant.O3, Statistic.HOUR_8).minimum
    rule = requirement(AirPollutant.O3, Statistic.MDA8)
    scale = _scale_of(AirPollutant.O3, decimals)
    series = _hourly_array(hourly, AirPollutant.O3, whole_days=True)
    classes = _air_classes(air_class, series.shape[:-1])
    days = series.reshape(*series.shape[:-1], series.shape[-1] // 24, 24)
    present = ~np.isnan(days)
    total, count = _moving_sums(np.where(present, days, 0.0), present, 8)
    total, count = total[..., 24 - MDA8_WINDOWS :], count[..., 24 - MDA8_WINDOWS :]
    _refuse_unbounded(total, scale, series, AirPollutant.O3)
    windows = _validated(total, count, window_minimum, scale)
    ranked = np.where(windows.valid, windows.value, -np.inf)
    best = np.argmax(ranked, axis=-1)[..., np.newaxis]
    top_num = np.take_along_axis(windows.numerator, best, axis=-1)[..., 0]
    top_den = np.take_along_axis(windows.denominator, best, axis=-1)[..., 0]
    n_valid = np.count_nonzero(windows.valid, axis=-1).astype(np.int64, copy=False)

    sets = limit_sets_by_day(first_date, days.shape[-2], limit_set=limit_set)
    by_class = {
        c: [to_fraction(limits(AirPollutant.O3, Averaging.MDA8, c, limit_set=s)) for s in sets]
        for c in AirClass
    }
    cls = classes[..., np.newaxis]
    lim_num = np.where(
        cls == 1,
        [f.numerator for f in by_class[AirClass.CLASS_1]],
        [f.numerator for f in by_class[AirClass.CLASS_2]],
    ).astype(np.int64)
    lim_den = np.where(
        cls == 1,
        [f.denominator for f in by_class[AirClass.CLASS_1]],
        [f.denominator for f in by_class[AirClass.CLASS_2]],
    ).astype(np.int64)
    exceeds = top_num * lim_den > lim_num * top_den
    valid = (n_valid >= rule.minimum) | ((n_valid > 0) & exceeds)
    top = np.where(n_valid > 0, top_num / top_den, np.nan)
    return DailyMaxima8h(
        value=np.where(valid, top, np.nan),
        count=n_valid,
        valid=valid,
        numerator=np.where(valid, top_num, 0),
        denominator=np.where(valid, top_den, 1),
        minimum=rule.minimum,
        max_of_valid=top,
        limit=lim_num / lim_den,
    )
