"""GB 3838-2002 Tables 1 and 2, the 2011 item roles, status labels and assessment precision.

Declared data only; the code that walks it lives in :mod:`.classify`. Limits are exact decimals
written as in the standard, so that a value on a limit compares equal in exact arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from ecowarden.standards.water.items import Item, SupplementaryItem, WaterBody, WaterClass


class Direction(StrEnum):
    """How a Table 1 limit reads (GB 3838-2002 Table 1 column headings)."""

    NOT_HIGHER = "≤"  # 不高于 / ≤: every numeric item except DO
    NOT_LOWER = "≥"  # 不低于 / ≥: dissolved oxygen only
    RANGE = "range"  # pH 6–9, one range for all classes
    CHANGE_RULE = "rule"  # water temperature: a change rule, not a class limit


def _limits(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


@dataclass(frozen=True)
class Table1Row:
    """One row of GB 3838-2002 Table 1: direction and the Class I … V limits per water body.

    ``river`` / ``lake`` is ``None`` where the row gives no limit for that water body
    (TN: "湖、库" only; water temperature: no class limits).
    """

    direction: Direction
    river: tuple[Decimal, ...] | None
    lake: tuple[Decimal, ...] | None

    def limits(self, water_body: WaterBody) -> tuple[Decimal, ...] | None:
        """Class I … V limits for ``water_body``, or ``None`` if the row has none."""
        return self.river if water_body is WaterBody.RIVER else self.lake


def _same(direction: Direction, *values: str) -> Table1Row:
    limits = _limits(*values)
    return Table1Row(direction, limits, limits)


_LE = Direction.NOT_HIGHER

# GB 3838-2002 §4 Table 1 [GB3838-2002] [read], Class I, II, III, IV, V; mg/L unless stated.
TABLE1: Mapping[Item, Table1Row] = MappingProxyType(
    {
        # ℃: weekly mean max rise ≤ 1, max fall ≤ 2 against natural conditions; no classes.
        Item.WATER_TEMPERATURE: Table1Row(Direction.CHANGE_RULE, None, None),
        Item.PH: _same(Direction.RANGE, "6", "9"),  # dimensionless, 6–9 for every class
        # DO Class I: "饱和率 90 %（或 7.5）"; 7.5 mg/L is the default (reference §13 Q1).
        Item.DO: _same(Direction.NOT_LOWER, "7.5", "6", "5", "3", "2"),
        Item.CODMN: _same(_LE, "2", "4", "6", "10", "15"),
        Item.COD: _same(_LE, "15", "15", "20", "30", "40"),
        Item.BOD5: _same(_LE, "3", "3", "4", "6", "10"),
        Item.NH3N: _same(_LE, "0.15", "0.5", "1.0", "1.5", "2.0"),
        # TP (as P): rivers; "湖、库" lakes and reservoirs have their own row.
        Item.TP: Table1Row(
            _LE,
            _limits("0.02", "0.1", "0.2", "0.3", "0.4"),
            _limits("0.01", "0.025", "0.05", "0.1", "0.2"),
        ),
        # TN (as N): "湖、库" only.
        Item.TN: Table1Row(_LE, None, _limits("0.2", "0.5", "1.0", "1.5", "2.0")),
        Item.CU: _same(_LE, "0.01", "1.0", "1.0", "1.0", "1.0"),
        Item.ZN: _same(_LE, "0.05", "1.0", "1.0", "2.0", "2.0"),
        Item.F: _same(_LE, "1.0", "1.0", "1.0", "1.5", "1.5"),  # as F⁻
        Item.SE: _same(_LE, "0.01", "0.01", "0.01", "0.02", "0.02"),
        Item.AS: _same(_LE, "0.05", "0.05", "0.05", "0.1", "0.1"),
        Item.HG: _same(_LE, "0.00005", "0.00005", "0.0001", "0.001", "0.001"),
        Item.CD: _same(_LE, "0.001", "0.005", "0.005", "0.005", "0.01"),
        Item.CR6: _same(_LE, "0.01", "0.05", "0.05", "0.05", "0.1"),
        Item.PB: _same(_LE, "0.01", "0.01", "0.05", "0.05", "0.1"),
        Item.CN: _same(_LE, "0.005", "0.05", "0.2", "0.2", "0.2"),
        Item.VOLATILE_PHENOL: _same(_LE, "0.002", "0.002", "0.005", "0.01", "0.1"),
        Item.PETROLEUM: _same(_LE, "0.05", "0.05", "0.05", "0.5", "1.0"),
        Item.LAS: _same(_LE, "0.2", "0.2", "0.2", "0.3", "0.3"),
        Item.SULFIDE: _same(_LE, "0.05", "0.1", "0.2", "0.5", "1.0"),
        Item.FECAL_COLIFORM: _same(_LE, "200", "2000", "10000", "20000", "40000"),  # 个/L
    }
)

CLASSES_I_TO_V: tuple[WaterClass, ...] = (
    WaterClass.I,
    WaterClass.II,
    WaterClass.III,
    WaterClass.IV,
    WaterClass.V,
)

# pH Table 1 range 6–9 (dimensionless) [GB3838-2002]; the physical scale bounds input.
PH_RANGE: tuple[Decimal, Decimal] = (Decimal(6), Decimal(9))
PH_SCALE: tuple[Decimal, Decimal] = (Decimal(0), Decimal(14))

# GB 3838-2002 Table 2 single limits for drinking-water surface sources [GB3838-2002], mg/L.
TABLE2: Mapping[SupplementaryItem, Decimal] = MappingProxyType(
    {
        SupplementaryItem.SULFATE: Decimal("250"),  # as SO4²⁻
        SupplementaryItem.CHLORIDE: Decimal("250"),  # as Cl⁻
        SupplementaryItem.NITRATE: Decimal("10"),  # as N
        SupplementaryItem.IRON: Decimal("0.3"),
        SupplementaryItem.MANGANESE: Decimal("0.1"),
    }
)

# 环办〔2011〕22号 §5.1 [WQA2011]: water temperature, TN and fecal coliform are reference items
# "作为参考指标单独评价（河流总氮除外）"; the other 21 Table 1 items are assessed.
REFERENCE_ITEMS: frozenset[Item] = frozenset({Item.WATER_TEMPERATURE, Item.TN, Item.FECAL_COLIFORM})
ASSESSED_ITEMS: tuple[Item, ...] = tuple(i for i in Item if i not in REFERENCE_ITEMS)

# [WQA2011] §5.4: no exceedance multiple for water temperature, pH and DO.
NO_EXCEEDANCE_MULTIPLE: frozenset[Item] = frozenset({Item.WATER_TEMPERATURE, Item.PH, Item.DO})

# Decimal places of assessment values, reference §8 (as implemented by sm1lewc/SurfaceWater
# [secondary]). pH: 2, not the listed 0 (reference §13 Q7). Water temperature (1) and fecal
# coliform (0, a count) are not listed in the reference: ecowarden's choice, decision 0003.
ASSESSMENT_DECIMALS: Mapping[Item, int] = MappingProxyType(
    {
        Item.WATER_TEMPERATURE: 1,
        Item.PH: 2,
        Item.DO: 1,
        Item.CODMN: 1,
        Item.COD: 1,
        Item.BOD5: 1,
        Item.NH3N: 2,
        Item.TP: 3,
        Item.TN: 2,
        Item.CU: 3,
        Item.ZN: 3,
        Item.F: 3,
        Item.SE: 4,
        Item.AS: 4,
        Item.HG: 5,
        Item.CD: 5,
        Item.CR6: 3,
        Item.PB: 3,
        Item.CN: 3,
        Item.VOLATILE_PHENOL: 4,
        Item.PETROLEUM: 2,
        Item.LAS: 2,
        Item.SULFIDE: 3,
        Item.FECAL_COLIFORM: 0,
    }
)


class Colour(StrEnum):
    """Colours of 环办〔2011〕22号 Table 1 [WQA2011]."""

    BLUE = "blue"
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def zh(self) -> str:
        """The Chinese colour name (``"蓝"``)."""
        return _COLOUR_ZH[self]


_COLOUR_ZH: Mapping[Colour, str] = MappingProxyType(
    {
        Colour.BLUE: "蓝",
        Colour.GREEN: "绿",
        Colour.YELLOW: "黄",
        Colour.ORANGE: "橙",
        Colour.RED: "红",
    }
)


class QualityStatus(StrEnum):
    """水质状况 of 环办〔2011〕22号 Table 1 [WQA2011]; values are the bulletin words."""

    EXCELLENT = "优"
    GOOD = "良好"
    SLIGHTLY_POLLUTED = "轻度污染"
    MODERATELY_POLLUTED = "中度污染"
    SEVERELY_POLLUTED = "重度污染"

    @property
    def colour(self) -> Colour:
        """The colour the method assigns to this status."""
        return STATUS_COLOUR[self]


# [WQA2011] Table 1: class → status; status → colour.
STATUS_BY_CLASS: Mapping[WaterClass, QualityStatus] = MappingProxyType(
    {
        WaterClass.I: QualityStatus.EXCELLENT,
        WaterClass.II: QualityStatus.EXCELLENT,
        WaterClass.III: QualityStatus.GOOD,
        WaterClass.IV: QualityStatus.SLIGHTLY_POLLUTED,
        WaterClass.V: QualityStatus.MODERATELY_POLLUTED,
        WaterClass.WORSE_THAN_V: QualityStatus.SEVERELY_POLLUTED,
    }
)
STATUS_COLOUR: Mapping[QualityStatus, Colour] = MappingProxyType(
    {
        QualityStatus.EXCELLENT: Colour.BLUE,
        QualityStatus.GOOD: Colour.GREEN,
        QualityStatus.SLIGHTLY_POLLUTED: Colour.YELLOW,
        QualityStatus.MODERATELY_POLLUTED: Colour.ORANGE,
        QualityStatus.SEVERELY_POLLUTED: Colour.RED,
    }
)
