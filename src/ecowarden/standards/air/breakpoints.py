"""HJ 633 IAQI breakpoints, report compositions, AQI bands and sensitive groups, as data.

Everything here is declared, not computed: HJ 633-2012 Table 1 and Table 2 [HJ633-2012],
HJ 633-2026 Tables 1, 2 and 3 [HJ633-2026]. Concentrations are held as integers in *table
units*: µg/m³ for SO2, NO2, O3, PM10 and PM2.5, and **0.1 mg/m³ for CO**, so that every
breakpoint is an integer and the rounded 2026 concentrations index the tables exactly.
:data:`TABLE_UNITS_PER_UNIT` converts from the unit of the standard (µg/m³; CO mg/m³).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from ecowarden.standards.air.editions import AqiStandard

__all__ = [
    "AQI_BANDS",
    "BREAKPOINTS",
    "BREAKPOINT_COLUMN",
    "IAQI_ROWS",
    "ITEM_AVERAGING_H",
    "ITEM_BIT",
    "ITEM_POLLUTANT",
    "OVER_800",
    "OVER_800_SUBSTITUTE_2012",
    "OVER_800_UG_M3",
    "POLLUTANT_BIT",
    "POLLUTANT_LABELS",
    "REPORT_COMPOSITIONS",
    "ROUNDING_DECIMALS_2026",
    "SENSITIVE_GROUPS_2026",
    "SENSITIVE_GROUPS_IAQI_ABOVE",
    "TABLE_UNITS_PER_UNIT",
    "AqiBand",
    "AqiLevel",
    "Item",
    "Pollutant",
    "Profile",
    "Report",
    "ReportComposition",
]


class Pollutant(StrEnum):
    """The six pollutants of the AQI, by the names the standards print.

    The member order (GB 3095 Table 1 order) is the order of the bits in pollutant bitmasks
    (:data:`POLLUTANT_BIT`) and of pollutant tuples in results.
    """

    SO2 = "SO2"
    NO2 = "NO2"
    CO = "CO"
    O3 = "O3"
    PM10 = "PM10"
    PM25 = "PM2.5"

    @property
    def label(self) -> str:
        """Chinese name, as in HJ 633-2026 Table 3."""
        return POLLUTANT_LABELS[self]

    @property
    def unit(self) -> str:
        """Unit of the concentrations the standards print: µg/m³, CO mg/m³."""
        return "mg/m³" if self is Pollutant.CO else "µg/m³"


class Item(StrEnum):
    """An IAQI indicator: pollutant and averaging time, coded as in the reference vectors.

    ``_24H`` is the 24-hour mean of HJ 633-2012 and the 日平均 of HJ 633-2026, and also the
    PM 24-h moving average of the 2012 real-time report; ``O3_8H`` is the 8-hour (moving)
    average, the daily maximum 8-h average in daily reports (reference §2.10, §7).
    """

    SO2_1H = "SO2_1H"
    SO2_24H = "SO2_24H"
    NO2_1H = "NO2_1H"
    NO2_24H = "NO2_24H"
    PM10_1H = "PM10_1H"
    PM10_24H = "PM10_24H"
    PM25_1H = "PM25_1H"
    PM25_24H = "PM25_24H"
    CO_1H = "CO_1H"
    CO_24H = "CO_24H"
    O3_1H = "O3_1H"
    O3_8H = "O3_8H"

    @property
    def pollutant(self) -> Pollutant:
        """The pollutant the indicator measures."""
        return ITEM_POLLUTANT[self]

    @property
    def averaging_h(self) -> int:
        """Averaging time. [h]"""
        return ITEM_AVERAGING_H[self]


ITEM_POLLUTANT: Mapping[Item, Pollutant] = MappingProxyType(
    {
        Item.SO2_1H: Pollutant.SO2,
        Item.SO2_24H: Pollutant.SO2,
        Item.NO2_1H: Pollutant.NO2,
        Item.NO2_24H: Pollutant.NO2,
        Item.PM10_1H: Pollutant.PM10,
        Item.PM10_24H: Pollutant.PM10,
        Item.PM25_1H: Pollutant.PM25,
        Item.PM25_24H: Pollutant.PM25,
        Item.CO_1H: Pollutant.CO,
        Item.CO_24H: Pollutant.CO,
        Item.O3_1H: Pollutant.O3,
        Item.O3_8H: Pollutant.O3,
    }
)
#: Averaging time of each item [h]: 1-h mean, 8-h (moving) mean, 24-h mean / 日平均.
ITEM_AVERAGING_H: Mapping[Item, int] = MappingProxyType(
    {
        **dict.fromkeys(
            (Item.SO2_1H, Item.NO2_1H, Item.PM10_1H, Item.PM25_1H, Item.CO_1H, Item.O3_1H), 1
        ),
        Item.O3_8H: 8,
        **dict.fromkeys(
            (Item.SO2_24H, Item.NO2_24H, Item.PM10_24H, Item.PM25_24H, Item.CO_24H), 24
        ),
    }
)

POLLUTANT_LABELS: Mapping[Pollutant, str] = MappingProxyType(
    {
        Pollutant.SO2: "二氧化硫",
        Pollutant.NO2: "二氧化氮",
        Pollutant.CO: "一氧化碳",
        Pollutant.O3: "臭氧",
        Pollutant.PM10: "颗粒物（粒径小于等于10μm）",
        Pollutant.PM25: "颗粒物（粒径小于等于2.5μm）",
    }
)

#: Bit of each pollutant in pollutant bitmasks (primary and exceeding pollutants of arrays).
POLLUTANT_BIT: Mapping[Pollutant, int] = MappingProxyType(
    {pollutant: 1 << i for i, pollutant in enumerate(Pollutant)}
)
#: Bit of each item in item bitmasks (missing, invalid, beyond-table flags of arrays).
ITEM_BIT: Mapping[Item, int] = MappingProxyType({item: 1 << i for i, item in enumerate(Item)})

#: Table units per unit of the standard: CO breakpoints are held in 0.1 mg/m³.
TABLE_UNITS_PER_UNIT: Mapping[Pollutant, int] = MappingProxyType(
    {p: 10 if p is Pollutant.CO else 1 for p in Pollutant}
)

#: GB/T 8170 rounding of concentrations before the index, HJ 633-2026 §4.2.2 (daily) and
#: §4.2.3 (real-time): "SO2、NO2、O3、PM10、PM2.5 保留整数，CO 保留 1 位小数" [decimal places].
ROUNDING_DECIMALS_2026: Mapping[Pollutant, int] = MappingProxyType(
    {p: 1 if p is Pollutant.CO else 0 for p in Pollutant}
)

#: The IAQI rows shared by every column of HJ 633-2012 Table 1 and HJ 633-2026 Table 3.
IAQI_ROWS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

_TABLE_1_2012: dict[Item, tuple[int, ...]] = {
    # HJ 633-2012 Table 1 [HJ633-2012]; µg/m³, CO in 0.1 mg/m³; row i ↔ IAQI_ROWS[i].
    Item.SO2_24H: (0, 50, 150, 475, 800, 1600, 2100, 2620),
    # note (2): SO2 1-h above 800 gives no IAQI from the 1-h value (OVER_800 below)
    Item.SO2_1H: (0, 150, 500, 650, 800),
    Item.NO2_24H: (0, 40, 80, 180, 280, 565, 750, 940),
    Item.NO2_1H: (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    Item.PM10_24H: (0, 50, 150, 250, 350, 420, 500, 600),
    Item.CO_24H: (0, 20, 40, 140, 240, 360, 480, 600),
    Item.CO_1H: (0, 50, 100, 350, 600, 900, 1200, 1500),
    Item.O3_1H: (0, 160, 200, 300, 400, 800, 1000, 1200),
    # note (3): O3 8-h above 800 gives no IAQI from the 8-h value
    Item.O3_8H: (0, 100, 160, 215, 265, 800),
    Item.PM25_24H: (0, 35, 75, 115, 150, 250, 350, 500),
}

_TABLE_3_2026: dict[Item, tuple[int, ...]] = {
    **_TABLE_1_2012,
    # HJ 633-2026 Table 3 [HJ633-2026]: only the IAQI-100 cells of PM10 (150 → 120) and
    # PM2.5 (75 → 60) differ from 2012; every other column is printed identically.
    Item.PM10_24H: (0, 50, 120, 250, 350, 420, 500, 600),
    Item.PM25_24H: (0, 35, 60, 115, 150, 250, 350, 500),
}

#: Breakpoint columns in table units, by edition; row i of a column has IAQI ``IAQI_ROWS[i]``.
BREAKPOINTS: Mapping[AqiStandard, Mapping[Item, tuple[int, ...]]] = MappingProxyType(
    {
        AqiStandard.HJ633_2012: MappingProxyType(_TABLE_1_2012),
        AqiStandard.HJ633_2026: MappingProxyType(_TABLE_3_2026),
    }
)

#: The breakpoint column each item is indexed on. HJ 633-2026 §4.2.4: a PM10 or PM2.5 1-h
#: mean takes BP_Hi and BP_Lo from the 日平均 column. HJ 633-2012 has no PM 1-h column: its
#: real-time report shows PM 1-h values without indexing them (§5.1.3, Table 4).
BREAKPOINT_COLUMN: Mapping[AqiStandard, Mapping[Item, Item]] = MappingProxyType(
    {
        AqiStandard.HJ633_2012: MappingProxyType({i: i for i in _TABLE_1_2012}),
        AqiStandard.HJ633_2026: MappingProxyType(
            {
                **{i: i for i in _TABLE_3_2026},
                Item.PM10_1H: Item.PM10_24H,
                Item.PM25_1H: Item.PM25_24H,
            }
        ),
    }
)

#: "高于 800 µg/m³" (strictly above) rules. HJ 633-2026 Table 3 notes b, c: the IAQI is
#: counted as 200 (SO2 1-h) and 300 (O3 8-h). HJ 633-2012 Table 1 notes (2), (3): no IAQI
#: from that value (None); the substitute of :data:`OVER_800_SUBSTITUTE_2012` is reported.
OVER_800_UG_M3 = 800
OVER_800: Mapping[AqiStandard, Mapping[Item, int | None]] = MappingProxyType(
    {
        AqiStandard.HJ633_2012: MappingProxyType({Item.SO2_1H: None, Item.O3_8H: None}),
        AqiStandard.HJ633_2026: MappingProxyType({Item.SO2_1H: 200, Item.O3_8H: 300}),
    }
)
#: HJ 633-2012 note (2): the SO2 IAQI "按 24 小时平均浓度计算的分指数"; note (3): the O3
#: IAQI is the one of the 1-h average.
OVER_800_SUBSTITUTE_2012: Mapping[Item, Item] = MappingProxyType(
    {Item.SO2_1H: Item.SO2_24H, Item.O3_8H: Item.O3_1H}
)


class Report(StrEnum):
    """The two reports of HJ 633: 日报 and 实时报 (the hourly report)."""

    DAILY = "daily"
    HOURLY = "hourly"


class Profile(StrEnum):
    """How the indicators of a report are chosen.

    ``TEXT`` follows the standard's text. ``NATIONAL_RELEASE`` reproduces the national
    real-time release platform of the HJ 633-2012 era: PM10 and PM2.5 1-h values indexed on
    the 24-h columns and no O3 8-h indicator (decision record 0001). It changes only the
    HJ 633-2012 hourly report; elsewhere it equals ``TEXT``.
    """

    TEXT = "text"
    NATIONAL_RELEASE = "national-release"


@dataclass(frozen=True)
class ReportComposition:
    """Which indicators a report indexes, shows, and consults (reference §2.10).

    Attributes
    ----------
    indexed
        Indicators whose IAQIs enter the AQI, in the order of the report table.
    shown
        Indicators reported without an IAQI.
    auxiliary
        Inputs used only by a rule: the SO2 24-h (moving) average that replaces an SO2
        1-h value above 800 under HJ 633-2012 (reference OQ-11).
    columns
        Breakpoint column of each indexed item, when it differs from the edition's
        :data:`BREAKPOINT_COLUMN` (the national-release PM 1-h items).
    """

    indexed: tuple[Item, ...]
    shown: tuple[Item, ...] = ()
    auxiliary: tuple[Item, ...] = ()
    columns: Mapping[Item, Item] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def accepted(self) -> tuple[Item, ...]:
        """Every item a caller may supply for this report."""
        return (*self.indexed, *self.shown, *self.auxiliary)


_DAILY_2012 = ReportComposition(
    # HJ 633-2012 §5.1.2, Table 3: seven indicators, O3 twice (daily max 1-h and max 8-h).
    indexed=(
        Item.SO2_24H,
        Item.NO2_24H,
        Item.PM10_24H,
        Item.CO_24H,
        Item.O3_1H,
        Item.O3_8H,
        Item.PM25_24H,
    )
)
_DAILY_2026 = ReportComposition(
    # HJ 633-2026 §4.2.2, Table 4: six 日平均 / O3 日最大8小时平均; the O3 1-h max is dropped.
    indexed=(Item.SO2_24H, Item.NO2_24H, Item.CO_24H, Item.O3_8H, Item.PM10_24H, Item.PM25_24H)
)
_HOURLY_2012 = ReportComposition(
    # HJ 633-2012 §5.1.3, Table 4: PM from the 24-h moving averages, O3 8-h moving average;
    # the PM 1-h values are shown but not indexed.
    indexed=(
        Item.SO2_1H,
        Item.NO2_1H,
        Item.PM10_24H,
        Item.CO_1H,
        Item.O3_1H,
        Item.O3_8H,
        Item.PM25_24H,
    ),
    shown=(Item.PM10_1H, Item.PM25_1H),
    auxiliary=(Item.SO2_24H,),
)
_HOURLY_2012_NATIONAL_RELEASE = ReportComposition(
    indexed=(Item.SO2_1H, Item.NO2_1H, Item.PM10_1H, Item.CO_1H, Item.O3_1H, Item.PM25_1H),
    shown=(Item.PM10_24H, Item.O3_8H, Item.PM25_24H),
    auxiliary=(Item.SO2_24H,),
    columns=MappingProxyType({Item.PM10_1H: Item.PM10_24H, Item.PM25_1H: Item.PM25_24H}),
)
_HOURLY_2026 = ReportComposition(
    # HJ 633-2026 §4.2.3, §4.2.4, Table 5: the six current 1-h means; PM 1-h on the daily
    # columns; no O3 8-h value and no PM 24-h moving average.
    indexed=(Item.SO2_1H, Item.NO2_1H, Item.CO_1H, Item.O3_1H, Item.PM10_1H, Item.PM25_1H)
)

#: Report compositions by (edition, report, profile), reference §2.10.
REPORT_COMPOSITIONS: Mapping[tuple[AqiStandard, Report, Profile], ReportComposition] = (
    MappingProxyType(
        {
            (AqiStandard.HJ633_2012, Report.DAILY, Profile.TEXT): _DAILY_2012,
            (AqiStandard.HJ633_2012, Report.DAILY, Profile.NATIONAL_RELEASE): _DAILY_2012,
            (AqiStandard.HJ633_2012, Report.HOURLY, Profile.TEXT): _HOURLY_2012,
            (
                AqiStandard.HJ633_2012,
                Report.HOURLY,
                Profile.NATIONAL_RELEASE,
            ): _HOURLY_2012_NATIONAL_RELEASE,
            (AqiStandard.HJ633_2026, Report.DAILY, Profile.TEXT): _DAILY_2026,
            (AqiStandard.HJ633_2026, Report.DAILY, Profile.NATIONAL_RELEASE): _DAILY_2026,
            (AqiStandard.HJ633_2026, Report.HOURLY, Profile.TEXT): _HOURLY_2026,
            (AqiStandard.HJ633_2026, Report.HOURLY, Profile.NATIONAL_RELEASE): _HOURLY_2026,
        }
    )
)


class AqiLevel(StrEnum):
    """空气质量指数级别, HJ 633-2012 Table 2 / HJ 633-2026 Table 1."""

    LEVEL_1 = "一级"
    LEVEL_2 = "二级"
    LEVEL_3 = "三级"
    LEVEL_4 = "四级"
    LEVEL_5 = "五级"
    LEVEL_6 = "六级"


@dataclass(frozen=True)
class AqiBand:
    """One AQI band: level, category, colour (HJ 633 Table 2 / Table 1 and Table A.1).

    Attributes
    ----------
    code
        1 … 6, the small integer used for category columns of arrays.
    low, high
        AQI range of the band; ``high`` of the last band is None (> 300).
    """

    code: int
    low: int
    high: int | None
    level: AqiLevel
    category: str
    colour: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]


#: HJ 633-2012 Table 2 + Table A.1 and HJ 633-2026 Table 1 + Table A.1: the bands, names and
#: colours are the same in both editions (2012 starts at 0～50, 2026 at 1～50).
AQI_BANDS: tuple[AqiBand, ...] = (
    AqiBand(1, 0, 50, AqiLevel.LEVEL_1, "优", "绿色", (0, 228, 0), (40, 0, 100, 0)),
    AqiBand(2, 51, 100, AqiLevel.LEVEL_2, "良", "黄色", (255, 255, 0), (0, 0, 100, 0)),
    AqiBand(3, 101, 150, AqiLevel.LEVEL_3, "轻度污染", "橙色", (255, 126, 0), (0, 52, 100, 0)),
    AqiBand(4, 151, 200, AqiLevel.LEVEL_4, "中度污染", "红色", (255, 0, 0), (0, 100, 100, 0)),
    AqiBand(5, 201, 300, AqiLevel.LEVEL_5, "重度污染", "紫色", (153, 0, 76), (10, 100, 40, 30)),
    AqiBand(6, 301, None, AqiLevel.LEVEL_6, "严重污染", "褐红色", (126, 0, 35), (30, 100, 100, 30)),
)

#: 敏感人群, HJ 633-2026 Table 2: measures are advised when the pollutant's IAQI > 100.
SENSITIVE_GROUPS_2026: Mapping[Pollutant, str] = MappingProxyType(
    {
        Pollutant.SO2: "患有哮喘的人、青少年儿童以及老年人",
        Pollutant.NO2: "患有呼吸系统疾病（如哮喘）的人、青少年儿童以及老年人",
        Pollutant.CO: "患有心血管系统疾病的人",
        Pollutant.O3: "患有呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
        Pollutant.PM10: (
            "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人"
        ),
        Pollutant.PM25: (
            "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人"
        ),
    }
)
#: HJ 633-2026 Table 2: the groups are named for a pollutant whose IAQI exceeds this.
SENSITIVE_GROUPS_IAQI_ABOVE = 100
