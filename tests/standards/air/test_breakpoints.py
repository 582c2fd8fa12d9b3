"""The declared HJ 633 tables against their transcription in the reference (§2.1, §2.2, §2.8–§2.10).

The tables below are typed again from air-quality-standards.md in the standard's own units
(CO in mg/m³), so that a slip in the declared, integer-scaled data cannot hide behind itself.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from ecowarden.standards.air.breakpoints import (
    AQI_BANDS,
    BREAKPOINT_COLUMN,
    BREAKPOINTS,
    IAQI_ROWS,
    ITEM_BIT,
    ITEM_POLLUTANT,
    OVER_800,
    OVER_800_SUBSTITUTE_2012,
    OVER_800_UG_M3,
    POLLUTANT_BIT,
    REPORT_COMPOSITIONS,
    ROUNDING_DECIMALS_2026,
    SENSITIVE_GROUPS_2026,
    TABLE_UNITS_PER_UNIT,
    Item,
    Pollutant,
    Profile,
    Report,
)
from ecowarden.standards.air.editions import AqiStandard

# HJ 633-2012 Table 1, reference §2.1 (µg/m³, CO mg/m³); None = no cell printed.
TABLE_1_2012: dict[str, tuple[int | None, ...]] = {
    "SO2_24H": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1H": (0, 150, 500, 650, 800, None, None, None),
    "NO2_24H": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1H": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "PM10_24H": (0, 50, 150, 250, 350, 420, 500, 600),
    "CO_24H": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1H": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1H": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8H": (0, 100, 160, 215, 265, 800, None, None),
    "PM25_24H": (0, 35, 75, 115, 150, 250, 350, 500),
}
# HJ 633-2026 Table 3, reference §2.2: only PM10 and PM2.5 at IAQI 100 differ (120, 60).
TABLE_3_2026 = {
    **TABLE_1_2012,
    "PM10_24H": (0, 50, 120, 250, 350, 420, 500, 600),
    "PM25_24H": (0, 35, 60, 115, 150, 250, 350, 500),
}


@pytest.mark.parametrize(
    ("standard", "table"),
    [(AqiStandard.HJ633_2012, TABLE_1_2012), (AqiStandard.HJ633_2026, TABLE_3_2026)],
)
def test_declared_columns_equal_the_printed_tables(
    standard: AqiStandard, table: dict[str, tuple[int | None, ...]]
) -> None:
    declared = BREAKPOINTS[standard]
    assert {item.value for item in declared} == set(table)
    for name, printed in table.items():
        item = Item(name)
        cells = [c for c in printed if c is not None]
        in_units = [Decimal(v) / TABLE_UNITS_PER_UNIT[item.pollutant] for v in declared[item]]
        assert in_units == [Decimal(c) for c in cells], name


def test_only_the_pm_iaqi_100_cells_changed_in_2026() -> None:
    changed = {
        (item, row)
        for item, column in BREAKPOINTS[AqiStandard.HJ633_2012].items()
        for row, value in enumerate(column)
        if BREAKPOINTS[AqiStandard.HJ633_2026][item][row] != value
    }
    assert changed == {(Item.PM10_24H, 2), (Item.PM25_24H, 2)}
    assert IAQI_ROWS[2] == 100


def test_breakpoints_rise_strictly() -> None:
    for columns in BREAKPOINTS.values():
        for item, column in columns.items():
            assert all(a < b for a, b in pairwise(column)), item
    assert all(a < b for a, b in pairwise(IAQI_ROWS))


def test_table_units_are_the_2026_rounding_quantum() -> None:
    # CO is held in 0.1 mg/m³ and rounded to 1 decimal; the others in 1 µg/m³, integers.
    for pollutant in Pollutant:
        assert TABLE_UNITS_PER_UNIT[pollutant] == 10 ** ROUNDING_DECIMALS_2026[pollutant]


def test_over_800_items_end_their_tables_at_800() -> None:
    # "高于 800" rules replace the part of the column the table does not print.
    for standard in AqiStandard:
        for item in OVER_800[standard]:
            assert BREAKPOINTS[standard][item][-1] == OVER_800_UG_M3
    assert dict(OVER_800[AqiStandard.HJ633_2026]) == {Item.SO2_1H: 200, Item.O3_8H: 300}
    assert dict(OVER_800[AqiStandard.HJ633_2012]) == {Item.SO2_1H: None, Item.O3_8H: None}
    assert dict(OVER_800_SUBSTITUTE_2012) == {Item.SO2_1H: Item.SO2_24H, Item.O3_8H: Item.O3_1H}


def test_pm_1h_columns() -> None:
    # HJ 633-2026 §4.2.4: PM 1-h on the 日平均 columns; HJ 633-2012 has none.
    assert BREAKPOINT_COLUMN[AqiStandard.HJ633_2026][Item.PM25_1H] is Item.PM25_24H
    assert BREAKPOINT_COLUMN[AqiStandard.HJ633_2026][Item.PM10_1H] is Item.PM10_24H
    assert Item.PM25_1H not in BREAKPOINT_COLUMN[AqiStandard.HJ633_2012]
    assert Item.PM10_1H not in BREAKPOINT_COLUMN[AqiStandard.HJ633_2012]


def test_items_and_pollutants() -> None:
    assert [p.value for p in Pollutant] == ["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]
    assert len(Item) == 12
    assert ITEM_POLLUTANT[Item.PM25_1H] is Pollutant.PM25
    assert Item.CO_24H.pollutant is Pollutant.CO
    assert (Item.O3_8H.averaging_h, Item.SO2_24H.averaging_h, Item.NO2_1H.averaging_h) == (
        8,
        24,
        1,
    )
    assert Pollutant.CO.unit == "mg/m³"
    assert Pollutant.PM25.unit == "µg/m³"
    assert Pollutant.O3.label == "臭氧"
    assert sorted(POLLUTANT_BIT.values()) == [1, 2, 4, 8, 16, 32]
    assert sorted(ITEM_BIT.values()) == [1 << i for i in range(12)]


def _composition(standard: str, report: str, profile: str = "text") -> tuple[set[str], ...]:
    c = REPORT_COMPOSITIONS[(AqiStandard(standard), Report(report), Profile(profile))]
    return (
        {i.value for i in c.indexed},
        {i.value for i in c.shown},
        {i.value for i in c.auxiliary},
    )


def test_report_compositions_follow_section_2_10() -> None:
    daily_2012 = {"SO2_24H", "NO2_24H", "PM10_24H", "PM25_24H", "CO_24H", "O3_1H", "O3_8H"}
    assert _composition("HJ 633-2012", "daily") == (daily_2012, set(), set())
    assert _composition("HJ 633-2026", "daily") == (daily_2012 - {"O3_1H"}, set(), set())
    hourly_2012 = {"SO2_1H", "NO2_1H", "CO_1H", "O3_1H", "O3_8H", "PM10_24H", "PM25_24H"}
    assert _composition("HJ 633-2012", "hourly") == (
        hourly_2012,
        {"PM10_1H", "PM25_1H"},
        {"SO2_24H"},
    )
    six_1h = {"SO2_1H", "NO2_1H", "CO_1H", "O3_1H", "PM10_1H", "PM25_1H"}
    assert _composition("HJ 633-2026", "hourly") == (six_1h, set(), set())


def test_national_release_profile_changes_only_the_2012_hourly_report() -> None:
    indexed, shown, auxiliary = _composition("HJ 633-2012", "hourly", "national-release")
    assert indexed == {"SO2_1H", "NO2_1H", "CO_1H", "O3_1H", "PM10_1H", "PM25_1H"}
    assert shown == {"PM10_24H", "PM25_24H", "O3_8H"}
    assert auxiliary == {"SO2_24H"}
    assert "O3_8H" not in indexed
    composition = REPORT_COMPOSITIONS[
        (AqiStandard.HJ633_2012, Report.HOURLY, Profile.NATIONAL_RELEASE)
    ]
    assert dict(composition.columns) == {
        Item.PM10_1H: Item.PM10_24H,
        Item.PM25_1H: Item.PM25_24H,
    }
    for standard, report in (
        (AqiStandard.HJ633_2012, Report.DAILY),
        (AqiStandard.HJ633_2026, Report.DAILY),
        (AqiStandard.HJ633_2026, Report.HOURLY),
    ):
        assert (
            REPORT_COMPOSITIONS[(standard, report, Profile.NATIONAL_RELEASE)]
            == REPORT_COMPOSITIONS[(standard, report, Profile.TEXT)]
        )


def test_bands_cover_0_to_beyond_300_without_gaps() -> None:
    assert [(b.low, b.high) for b in AQI_BANDS] == [
        (0, 50),
        (51, 100),
        (101, 150),
        (151, 200),
        (201, 300),
        (301, None),
    ]
    assert [b.code for b in AQI_BANDS] == [1, 2, 3, 4, 5, 6]
    # HJ 633-2026 Table A.1 CMYK of 优 and 严重污染
    assert AQI_BANDS[0].cmyk == (40, 0, 100, 0)
    assert AQI_BANDS[5].cmyk == (30, 100, 100, 30)


def test_sensitive_groups_of_table_2() -> None:
    assert set(SENSITIVE_GROUPS_2026) == set(Pollutant)
    assert SENSITIVE_GROUPS_2026[Pollutant.CO] == "患有心血管系统疾病的人"
    assert SENSITIVE_GROUPS_2026[Pollutant.SO2] == "患有哮喘的人、青少年儿童以及老年人"
    assert SENSITIVE_GROUPS_2026[Pollutant.PM10] == SENSITIVE_GROUPS_2026[Pollutant.PM25]
