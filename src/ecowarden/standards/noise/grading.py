"""HJ 640-2012 routine urban monitoring: regional and road-traffic averages and grades.

Averages (reference §3.1) [HJ640-2012]: the regional value S is the arithmetic mean of the valid
grid-cell Leq; the road-traffic value L is the length-weighted mean of the segment Leq. Both
are computed exactly from the written values and reported to 0.1 dB (round half to even,
N-Q2). Grades (reference §3.2, HJ 640-2012 Tables 1–2) are read on the reported value:
50.04 → 50.0 → 一级.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Final

import numpy as np

from ecowarden.errors import ValidationError
from ecowarden.standards.noise.levels import (
    LevelsLike,
    as_levels,
    optional_level,
    reported_level,
)
from ecowarden.standards.noise.periods import Period, parse_period
from ecowarden.standards.rounding import round_half_even, to_fraction


class Grade(StrEnum):
    """HJ 640-2012 grades of environmental noise [HJ640-2012]."""

    GOOD = "一级"
    FAIRLY_GOOD = "二级"
    FAIR = "三级"
    POOR = "四级"
    BAD = "五级"

    @property
    def label(self) -> str:
        """Chinese assessment: 好 / 较好 / 一般 / 较差 / 差."""
        return _GRADE_LABELS[self]


_GRADE_LABELS: Final = {
    Grade.GOOD: "好",
    Grade.FAIRLY_GOOD: "较好",
    Grade.FAIR: "一般",
    Grade.POOR: "较差",
    Grade.BAD: "差",
}

_GRADES_IN_ORDER: Final = tuple(Grade)

#: HJ 640-2012 Table 1, 城市区域声环境质量等级: inclusive upper bounds of 一级 … 四级 on the
#: reported value; above the last bound 五级. [dB(A)]
REGIONAL_GRADE_UPPER_DB: Final[Mapping[Period, tuple[Decimal, ...]]] = MappingProxyType(
    {
        Period.DAY: (Decimal("50.0"), Decimal("55.0"), Decimal("60.0"), Decimal("65.0")),
        Period.NIGHT: (Decimal("40.0"), Decimal("45.0"), Decimal("50.0"), Decimal("55.0")),
    }
)

#: HJ 640-2012 Table 2, 道路交通噪声强度等级: inclusive upper bounds of 一级 … 四级 on the
#: reported value; above the last bound 五级. [dB(A)]
ROAD_GRADE_UPPER_DB: Final[Mapping[Period, tuple[Decimal, ...]]] = MappingProxyType(
    {
        Period.DAY: (Decimal("68.0"), Decimal("70.0"), Decimal("72.0"), Decimal("74.0")),
        Period.NIGHT: (Decimal("58.0"), Decimal("60.0"), Decimal("62.0"), Decimal("64.0")),
    }
)

#: HJ 640-2012 (reference §3.1, N-Q8): a regional survey needs more than 100 valid cells.
MIN_VALID_GRID_CELLS: Final = 101


@dataclass(frozen=True)
class GradeResult:
    """A graded level: reported level [dB(A)], its period and grade."""

    period: Period
    level_db: float
    grade: Grade

    @property
    def label(self) -> str:
        """Chinese assessment of the grade (好 … 差)."""
        return self.grade.label


def grade_regional(
    level: float | None, period: Period | str, *, decimals: int | None = 1
) -> GradeResult | None:
    """Grade of a regional environmental-noise level S (HJ 640-2012 Table 1) [HJ640-2012].

    Parameters
    ----------
    level
        Day S_d or night S_n. [dB(A)] None / NaN → None (not graded).
    period
        "day" or "night".
    decimals
        Reporting precision read against the table (N-Q2); None reads the raw level.

    Returns
    -------
    :class:`GradeResult`, e.g. day 53.6 → 二级 较好; None for a missing level.
    """
    return _grade(level, parse_period(period), REGIONAL_GRADE_UPPER_DB, decimals)


def grade_road(
    level: float | None, period: Period | str, *, decimals: int | None = 1
) -> GradeResult | None:
    """Grade of a road-traffic noise level L (HJ 640-2012 Table 2) [HJ640-2012].

    Parameters
    ----------
    level
        Day L_d or night L_n. [dB(A)] None / NaN → None (not graded).
    period
        "day" or "night".
    decimals
        Reporting precision read against the table (N-Q2); None reads the raw level.

    Returns
    -------
    :class:`GradeResult`, e.g. day 72.5 → 四级 较差; None for a missing level.
    """
    return _grade(level, parse_period(period), ROAD_GRADE_UPPER_DB, decimals)


def _grade(
    level: float | None,
    period: Period,
    table: Mapping[Period, tuple[Decimal, ...]],
    decimals: int | None,
) -> GradeResult | None:
    value = optional_level(level, "level")
    if value is None:
        return None
    reported = reported_level(value, decimals)
    bounds = table[period]
    index = next((i for i, bound in enumerate(bounds) if reported <= bound), len(bounds))
    return GradeResult(period, float(reported), _GRADES_IN_ORDER[index])


@dataclass(frozen=True)
class RoadSegment:
    """One monitored road segment: length [m] and its Leq [dB(A)] (None = not monitored)."""

    length_m: float
    leq_db: float | None


@dataclass(frozen=True)
class RoadAverage:
    """Length-weighted road-traffic level.

    ``level_db`` reported [dB(A)] (None when no segment has a level); ``length_m`` the length
    of the segments with a level [m]; ``segments`` / ``segments_missing`` their counts.
    """

    level_db: float | None
    length_m: float
    segments: int
    segments_missing: int


def road_average(segments: Iterable[RoadSegment], *, decimals: int | None = 1) -> RoadAverage:
    r"""Length-weighted road-traffic noise level (HJ 640-2012; reference §3.1) [HJ640-2012].

    .. math:: L = \frac{\sum_i l_i L_i}{\sum_i l_i}

    Parameters
    ----------
    segments
        Road segments with length l_i [m] (> 0) and Leq L_i [dB(A)]. Segments without a
        level are left out of both sums and counted as missing.
    decimals
        Reporting precision (N-Q2); None keeps the exact mean.

    Returns
    -------
    :class:`RoadAverage`, computed in exact rational arithmetic from the written values.
    """
    weighted = Fraction(0)
    total_length = Fraction(0)
    used = missing = 0
    for segment in segments:
        length = segment.length_m
        if not isinstance(length, int | float) or isinstance(length, bool):
            raise ValidationError(f"road segment length {length!r} must be a number of metres")
        if not (math.isfinite(length) and length > 0):
            raise ValidationError(f"road segment length {length!r} m must be finite and > 0")
        level = optional_level(segment.leq_db, "road segment Leq")
        if level is None:
            missing += 1
            continue
        weighted += to_fraction(length) * to_fraction(level)
        total_length += to_fraction(length)
        used += 1
    mean = None if used == 0 else _report(weighted / total_length, decimals)
    return RoadAverage(mean, float(total_length), used, missing)


@dataclass(frozen=True)
class RegionalAverage:
    """Regional environmental-noise level S of a grid survey.

    ``level_db`` is the reported mean [dB(A)] (None with no valid cell), ``sd_db`` the standard
    deviation of the cell Leq [dB] (reported; None with fewer than two cells),
    ``enough_cells`` whether the count of valid cells meets the minimum (N-Q8).
    """

    level_db: float | None
    sd_db: float | None
    cells_valid: int
    cells_missing: int
    enough_cells: bool


def regional_average(
    grid: LevelsLike,
    *,
    min_valid_cells: int = MIN_VALID_GRID_CELLS,
    decimals: int | None = 1,
) -> RegionalAverage:
    r"""Regional environmental noise level: arithmetic mean of valid grid-cell Leq.

    .. math:: S = \frac{1}{n} \sum_{i=1}^{n} L_i, \quad
              SD = \sqrt{\frac{1}{n-1} \sum_{i=1}^{n} (L_i - S)^2}

    (HJ 640-2012, GB 3096-2008 Annex B.3; reference §1.4, §3.1) [HJ640-2012].

    Parameters
    ----------
    grid
        10-min Leq of the grid cells, any shape. [dB(A)] NaN / None = invalid cell (100 %
        water, > 50 % not built up, not measured), left out.
    min_valid_cells
        Valid cells a survey needs (default 101: "more than 100", N-Q8). A smaller survey
        is still averaged; ``enough_cells`` is then False.
    decimals
        Reporting precision (N-Q2); None keeps the exact mean.

    Returns
    -------
    :class:`RegionalAverage`; the mean is exact (rational) from the written values.
    """
    cells = as_levels(grid, "grid-cell Leq").ravel()
    valid = [float(v) for v in cells if not np.isnan(v)]
    missing = cells.size - len(valid)
    enough = len(valid) >= min_valid_cells
    if not valid:
        return RegionalAverage(None, None, 0, missing, enough)
    exact = [to_fraction(v) for v in valid]
    mean = sum(exact, Fraction(0)) / len(exact)
    sd = None
    if len(exact) > 1:
        variance = sum(((v - mean) ** 2 for v in exact), Fraction(0)) / (len(exact) - 1)
        sd = _report_float(math.sqrt(variance), decimals)
    return RegionalAverage(_report(mean, decimals), sd, len(valid), missing, enough)


def _report(value: Fraction, decimals: int | None) -> float:
    if decimals is None:
        return float(value)
    return float(round_half_even(value, decimals))


def _report_float(value: float, decimals: int | None) -> float:
    if decimals is None:
        return value
    return float(round_half_even(value, decimals))
