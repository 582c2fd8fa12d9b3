"""GB 3095 concentration limits: Table 1 (basic items) and Table 2 (other items).

Three limit sets are declared: GB 3095-2012 [GB3095-2012] (values from a republished copy,
reference OQ-20), and the transitional and final phases of GB 3095-2026 [GB3095-2026] §4.4:
"本标准自实施之日起至 2030 年 12 月 31 日，环境空气污染物基本项目实施过渡阶段浓度限值；2031 年
1 月 1 日起，在全国范围内实施基本项目浓度限值。" Units: µg/m³, CO mg/m³.

The limits are versioned separately from the HJ 633 breakpoints (reference §1.2, OQ-21); the set
in force on a date is :func:`ecowarden.standards.air.editions.standard_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.editions import LimitSet, parse_limit_set, standard_for


class AirPollutant(StrEnum):
    """GB 3095 pollutant items (污染物项目), valued by the names the standard prints."""

    SO2 = "SO2"
    NO2 = "NO2"
    CO = "CO"
    O3 = "O3"
    PM10 = "PM10"
    PM25 = "PM2.5"
    TSP = "TSP"
    NOX = "NOx"
    PB = "Pb"
    BAP = "BaP"

    @property
    def label(self) -> str:
        """The Chinese name printed in GB 3095 Tables 1 and 2."""
        return _POLLUTANT_LABELS[self]

    @property
    def unit(self) -> str:
        """The unit of the limits and of the reported concentrations."""
        return "mg/m³" if self is AirPollutant.CO else "µg/m³"


_POLLUTANT_LABELS: Final[Mapping[AirPollutant, str]] = MappingProxyType(
    {
        AirPollutant.SO2: "二氧化硫",
        AirPollutant.NO2: "二氧化氮",
        AirPollutant.CO: "一氧化碳",
        AirPollutant.O3: "臭氧",
        AirPollutant.PM10: "颗粒物（粒径小于等于10μm）",
        AirPollutant.PM25: "颗粒物（粒径小于等于2.5μm）",
        AirPollutant.TSP: "总悬浮颗粒物",
        AirPollutant.NOX: "氮氧化物",
        AirPollutant.PB: "铅",
        AirPollutant.BAP: "苯并[a]芘",
    }
)

#: The six basic items of GB 3095 Table 1, in the order of HJ 663 evaluation.
BASIC_POLLUTANTS: Final[tuple[AirPollutant, ...]] = (
    AirPollutant.SO2,
    AirPollutant.NO2,
    AirPollutant.PM10,
    AirPollutant.PM25,
    AirPollutant.CO,
    AirPollutant.O3,
)


class Averaging(StrEnum):
    """Averaging times (平均时间) of GB 3095 Tables 1 and 2."""

    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    DAILY = "daily"
    MDA8 = "mda8"
    HOUR_8 = "8h"
    HOUR_1 = "1h"

    @property
    def label(self) -> str:
        """The Chinese term of GB 3095-2026 §3.7–§3.13."""
        return _AVERAGING_LABELS[self]


_AVERAGING_LABELS: Final[Mapping[Averaging, str]] = MappingProxyType(
    {
        Averaging.ANNUAL: "年平均",
        Averaging.QUARTERLY: "季平均",
        Averaging.DAILY: "日平均",
        Averaging.MDA8: "日最大8小时平均",
        Averaging.HOUR_8: "8小时平均",
        Averaging.HOUR_1: "1小时平均",
    }
)


class AirClass(IntEnum):
    """Functional zone classes, GB 3095-2026 §4.1–§4.2."""

    CLASS_1 = 1
    CLASS_2 = 2

    @property
    def label(self) -> str:
        """一类区 or 二类区."""
        return "一类区" if self is AirClass.CLASS_1 else "二类区"


# One row per (item, averaging): (class 1, class 2) for each limit set, as decimal text.
_Row = tuple[AirPollutant, Averaging, tuple[str, str], tuple[str, str], tuple[str, str]]

# GB 3095-2012 Table 1 [GB3095-2012] and GB 3095-2026 Table 1 [GB3095-2026], basic items.
# Columns: pollutant, averaging, 2012 (cl.1, cl.2), 2026 transitional (cl.1, cl.2),
# 2026 final (cl.1, cl.2). Unit µg/m³; CO mg/m³. The 2012 "24小时平均" is the 2026 "日平均".
_TABLE_1: Final[tuple[_Row, ...]] = (
    (AirPollutant.SO2, Averaging.ANNUAL, ("20", "60"), ("20", "60"), ("20", "20")),
    (AirPollutant.SO2, Averaging.DAILY, ("50", "150"), ("50", "150"), ("50", "50")),
    (AirPollutant.SO2, Averaging.HOUR_1, ("150", "500"), ("150", "500"), ("150", "150")),
    (AirPollutant.NO2, Averaging.ANNUAL, ("40", "40"), ("40", "40"), ("30", "30")),
    (AirPollutant.NO2, Averaging.DAILY, ("80", "80"), ("80", "80"), ("50", "50")),
    (AirPollutant.NO2, Averaging.HOUR_1, ("200", "200"), ("200", "200"), ("200", "200")),
    (AirPollutant.CO, Averaging.DAILY, ("4", "4"), ("4", "4"), ("4", "4")),
    (AirPollutant.CO, Averaging.HOUR_1, ("10", "10"), ("10", "10"), ("10", "10")),
    (AirPollutant.O3, Averaging.MDA8, ("100", "160"), ("100", "160"), ("100", "160")),
    (AirPollutant.O3, Averaging.HOUR_1, ("160", "200"), ("160", "200"), ("160", "200")),
    (AirPollutant.PM10, Averaging.ANNUAL, ("40", "70"), ("40", "60"), ("20", "50")),
    (AirPollutant.PM10, Averaging.DAILY, ("50", "150"), ("50", "120"), ("50", "100")),
    (AirPollutant.PM25, Averaging.ANNUAL, ("15", "35"), ("15", "30"), ("10", "25")),
    (AirPollutant.PM25, Averaging.DAILY, ("35", "75"), ("35", "60"), ("25", "50")),
)

# GB 3095-2012 Table 2 [GB3095-2012] and GB 3095-2026 Table 2 [GB3095-2026], other items, µg/m³.
# The 2026 table has one column; its NOx footnotes a and b keep 50 (annual) and 100 (daily)
# "过渡阶段" until 2030-12-31, so the transitional set carries them and the final set 40 and 70.
_TABLE_2: Final[tuple[_Row, ...]] = (
    (AirPollutant.TSP, Averaging.ANNUAL, ("80", "200"), ("80", "200"), ("80", "200")),
    (AirPollutant.TSP, Averaging.DAILY, ("120", "300"), ("120", "300"), ("120", "300")),
    (AirPollutant.NOX, Averaging.ANNUAL, ("50", "50"), ("50", "50"), ("40", "40")),
    (AirPollutant.NOX, Averaging.DAILY, ("100", "100"), ("100", "100"), ("70", "70")),
    (AirPollutant.NOX, Averaging.HOUR_1, ("250", "250"), ("250", "250"), ("250", "250")),
    (AirPollutant.PB, Averaging.ANNUAL, ("0.5", "0.5"), ("0.5", "0.5"), ("0.5", "0.5")),
    (AirPollutant.PB, Averaging.QUARTERLY, ("1", "1"), ("1.0", "1.0"), ("1.0", "1.0")),
    (
        AirPollutant.BAP,
        Averaging.ANNUAL,
        ("0.001", "0.001"),
        ("0.001", "0.001"),
        ("0.001", "0.001"),
    ),
    (
        AirPollutant.BAP,
        Averaging.DAILY,
        ("0.0025", "0.0025"),
        ("0.0025", "0.0025"),
        ("0.0025", "0.0025"),
    ),
)

# GB 3095 gives the O3 limit for the 日最大8小时平均 only. An 8-h moving mean (GB 3095-2026 §3.8)
# is held against that same value: the day's MDA8 is within the limit exactly when each of its
# 8-h means is (Project rule).
_SAME_LIMIT_AS: Final[Mapping[tuple[AirPollutant, Averaging], Averaging]] = MappingProxyType(
    {(AirPollutant.O3, Averaging.HOUR_8): Averaging.MDA8}
)


def _build_limit_table() -> Mapping[
    LimitSet, Mapping[tuple[AirPollutant, Averaging], tuple[Decimal, Decimal]]
]:
    columns = (LimitSet.GB3095_2012, LimitSet.GB3095_2026_TRANSITIONAL, LimitSet.GB3095_2026_FINAL)
    table: dict[LimitSet, dict[tuple[AirPollutant, Averaging], tuple[Decimal, Decimal]]] = {
        limit_set: {} for limit_set in columns
    }
    for pollutant, averaging, *by_set in (*_TABLE_1, *_TABLE_2):
        for limit_set, (class_1, class_2) in zip(columns, by_set, strict=True):
            table[limit_set][(pollutant, averaging)] = (Decimal(class_1), Decimal(class_2))
    for limit_set in columns:
        for alias, averaging in _SAME_LIMIT_AS.items():
            table[limit_set][alias] = table[limit_set][(alias[0], averaging)]
    return MappingProxyType({k: MappingProxyType(v) for k, v in table.items()})


#: ``LIMIT_TABLE[limit_set][(pollutant, averaging)] == (class_1, class_2)``, exact decimals in
#: the pollutant's unit (µg/m³; CO mg/m³).
LIMIT_TABLE: Final = _build_limit_table()


def parse_pollutant(name: str | AirPollutant) -> AirPollutant:
    """A GB 3095 pollutant name, or :class:`UnknownNameError` listing the valid ones."""
    try:
        return AirPollutant(name)
    except ValueError:
        raise UnknownNameError("pollutant", name, [p.value for p in AirPollutant]) from None


def parse_averaging(name: str | Averaging) -> Averaging:
    """A GB 3095 averaging time, or :class:`UnknownNameError` listing the valid ones."""
    try:
        return Averaging(name)
    except ValueError:
        raise UnknownNameError("averaging", name, [a.value for a in Averaging]) from None


def parse_air_class(value: int | AirClass) -> AirClass:
    """A functional zone class (1 or 2), or :class:`UnknownNameError` listing the valid ones."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnknownNameError("air class", value, [str(c.value) for c in AirClass])
    try:
        return AirClass(value)
    except ValueError:
        raise UnknownNameError("air class", value, [str(c.value) for c in AirClass]) from None


def limit_set_in_force(on: dt.date | dt.datetime) -> LimitSet:
    """The GB 3095 limit set in force on the (local) date ``on`` [GB3095-2026] §4.4."""
    return standard_for(on).limits


def averagings_of(pollutant: str | AirPollutant) -> tuple[Averaging, ...]:
    """The averaging times GB 3095 Tables 1–2 define for ``pollutant`` (all sets alike)."""
    item = parse_pollutant(pollutant)
    return tuple(a for a in Averaging if (item, a) in LIMIT_TABLE[LimitSet.GB3095_2012])


def limits(
    pollutant: str | AirPollutant,
    averaging: str | Averaging,
    air_class: int | AirClass,
    *,
    on: dt.date | None = None,
    limit_set: str | LimitSet | None = None,
) -> Decimal:
    """The GB 3095 concentration limit S in force.

    Parameters
    ----------
    pollutant
        ``"SO2"``, ``"NO2"``, ``"CO"``, ``"O3"``, ``"PM10"``, ``"PM2.5"``, ``"TSP"``, ``"NOx"``,
        ``"Pb"`` or ``"BaP"``.
    averaging
        ``"annual"``, ``"quarterly"``, ``"daily"``, ``"mda8"``, ``"8h"`` or ``"1h"``. ``"8h"``
        (O3 only) is held against the MDA8 limit.
    air_class
        Functional zone class, 1 or 2 (GB 3095-2026 §4.1–§4.2).
    on
        Local date of the data; selects the limit set in force (GB 3095-2012 until 2026-02-28,
        GB 3095-2026 transitional until 2030-12-31, GB 3095-2026 final from 2031-01-01).
    limit_set
        Forces a limit set (``"GB 3095-2012"``, ``"GB 3095-2026 transitional"``,
        ``"GB 3095-2026 final"``); when given it wins over ``on``.

    Returns
    -------
    Decimal
        The limit S. [µg/m³; CO mg/m³]

    Raises
    ------
    UnknownNameError
        Unknown pollutant, averaging or class, or an averaging the tables do not define for
        this pollutant (the message lists those they do).
    StandardNotFound
        Unknown limit set.
    ValidationError
        Neither ``on`` nor ``limit_set`` given.

    References
    ----------
    [GB3095-2012] Tables 1–2; [GB3095-2026] Tables 1–2 and §4.4.

    Examples
    --------
    PM2.5 annual, class 2: 35 (2012), 30 (2026 transitional), 25 (2026 final).
    """
    item = parse_pollutant(pollutant)
    period = parse_averaging(averaging)
    zone = parse_air_class(air_class)
    if limit_set is not None:
        chosen = parse_limit_set(limit_set)
    elif on is not None:
        chosen = limit_set_in_force(on)
    else:
        raise ValidationError("limits() needs the date of the data (on=) or a limit_set=")
    row = LIMIT_TABLE[chosen].get((item, period))
    if row is None:
        raise UnknownNameError(
            f"averaging for {item.value} in {chosen.value} Tables 1–2",
            period.value,
            [a.value for a in averagings_of(item)],
        )
    return row[zone - 1]
