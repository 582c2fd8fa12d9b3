"""GB 3095 Tables 1 and 2 for the three limit sets (reference §3.1, §3.2)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from ecowarden.errors import StandardNotFound, UnknownNameError, ValidationError
from ecowarden.standards.air.limits import (
    LIMIT_TABLE,
    AirClass,
    AirPollutant,
    averagings_of,
    limits,
)

S12 = "GB 3095-2012"
TR = "GB 3095-2026 transitional"
FI = "GB 3095-2026 final"

# Transcribed from reference §3.1 (Table 1) and §3.2 (Table 2): pollutant, averaging,
# 2012 (cl.1, cl.2), 2026 transitional (cl.1, cl.2), 2026 final (cl.1, cl.2). µg/m³, CO mg/m³.
TABLE = [
    ("SO2", "annual", ("20", "60"), ("20", "60"), ("20", "20")),
    ("SO2", "daily", ("50", "150"), ("50", "150"), ("50", "50")),
    ("SO2", "1h", ("150", "500"), ("150", "500"), ("150", "150")),
    ("NO2", "annual", ("40", "40"), ("40", "40"), ("30", "30")),
    ("NO2", "daily", ("80", "80"), ("80", "80"), ("50", "50")),
    ("NO2", "1h", ("200", "200"), ("200", "200"), ("200", "200")),
    ("CO", "daily", ("4", "4"), ("4", "4"), ("4", "4")),
    ("CO", "1h", ("10", "10"), ("10", "10"), ("10", "10")),
    ("O3", "mda8", ("100", "160"), ("100", "160"), ("100", "160")),
    ("O3", "8h", ("100", "160"), ("100", "160"), ("100", "160")),
    ("O3", "1h", ("160", "200"), ("160", "200"), ("160", "200")),
    ("PM10", "annual", ("40", "70"), ("40", "60"), ("20", "50")),
    ("PM10", "daily", ("50", "150"), ("50", "120"), ("50", "100")),
    ("PM2.5", "annual", ("15", "35"), ("15", "30"), ("10", "25")),
    ("PM2.5", "daily", ("35", "75"), ("35", "60"), ("25", "50")),
    ("TSP", "annual", ("80", "200"), ("80", "200"), ("80", "200")),
    ("TSP", "daily", ("120", "300"), ("120", "300"), ("120", "300")),
    # NOx 2026: 40 / 70, with footnotes a, b keeping 50 / 100 until 2030-12-31
    ("NOx", "annual", ("50", "50"), ("50", "50"), ("40", "40")),
    ("NOx", "daily", ("100", "100"), ("100", "100"), ("70", "70")),
    ("NOx", "1h", ("250", "250"), ("250", "250"), ("250", "250")),
    ("Pb", "annual", ("0.5", "0.5"), ("0.5", "0.5"), ("0.5", "0.5")),
    ("Pb", "quarterly", ("1", "1"), ("1.0", "1.0"), ("1.0", "1.0")),
    ("BaP", "annual", ("0.001", "0.001"), ("0.001", "0.001"), ("0.001", "0.001")),
    ("BaP", "daily", ("0.0025", "0.0025"), ("0.0025", "0.0025"), ("0.0025", "0.0025")),
]

CELLS = [
    pytest.param(p, a, cls, limit_set, Decimal(by_set[cls - 1]), id=f"{p}-{a}-cl{cls}-{limit_set}")
    for p, a, *columns in TABLE
    for limit_set, by_set in zip((S12, TR, FI), columns, strict=True)
    for cls in (1, 2)
]


@pytest.mark.parametrize(("pollutant", "averaging", "air_class", "limit_set", "expected"), CELLS)
def test_every_table_cell(
    pollutant: str, averaging: str, air_class: int, limit_set: str, expected: Decimal
) -> None:
    assert limits(pollutant, averaging, air_class, limit_set=limit_set) == expected


def test_table_has_no_cell_beyond_the_reference() -> None:
    for limit_set in (S12, TR, FI):
        declared = {(p.value, a.value) for p, a in LIMIT_TABLE[limit_set]}  # type: ignore[index]
        assert declared == {(p, a) for p, a, *_ in TABLE}


@pytest.mark.parametrize(
    ("pollutant", "averaging", "air_class", "expected"),
    [
        # PM2.5 annual class 2: 35 → 30 → 25
        ("PM2.5", "annual", 2, ("35", "30", "25")),
        # PM10 daily class 2: 150 → 120 → 100
        ("PM10", "daily", 2, ("150", "120", "100")),
        # NO2 annual: 40 → 40 → 30
        ("NO2", "annual", 2, ("40", "40", "30")),
        # SO2 class 2 in the final phase equals class 1: annual 20, daily 50, 1h 150
        ("SO2", "annual", 2, ("60", "60", "20")),
        ("SO2", "daily", 2, ("150", "150", "50")),
        ("SO2", "1h", 2, ("500", "500", "150")),
        # NOx footnotes: the transitional phase keeps 50 / 100
        ("NOx", "annual", 2, ("50", "50", "40")),
        ("NOx", "daily", 1, ("100", "100", "70")),
    ],
)
def test_phase_changes_by_date(
    pollutant: str, averaging: str, air_class: int, expected: tuple[str, str, str]
) -> None:
    days = (dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2031, 1, 1))
    got = tuple(limits(pollutant, averaging, air_class, on=day) for day in days)
    assert got == tuple(Decimal(v) for v in expected)
    # last day of the transitional phase
    assert limits(pollutant, averaging, air_class, on=dt.date(2030, 12, 31)) == Decimal(expected[1])


def test_limit_set_forces_over_the_date() -> None:
    # MEE re-evaluated 2025 data under the new limits (reference OQ-6): force the set.
    assert limits("PM2.5", "annual", 2, on=dt.date(2025, 6, 1), limit_set=TR) == Decimal("30")


def test_enum_arguments_are_accepted() -> None:
    assert limits(AirPollutant.CO, "daily", AirClass.CLASS_1, limit_set=S12) == Decimal("4")


def test_units_and_labels() -> None:
    assert AirPollutant.CO.unit == "mg/m³"
    assert AirPollutant.PM25.unit == "µg/m³"
    assert AirPollutant.O3.label == "臭氧"
    assert AirClass.CLASS_1.label == "一类区"


def test_unknown_pollutant_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown pollutant 'PM1'.*PM2\.5.*BaP"):
        limits("PM1", "daily", 2, limit_set=S12)


def test_unknown_averaging_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="'weekly'; valid: annual, quarterly, daily"):
        limits("SO2", "weekly", 2, limit_set=S12)


@pytest.mark.parametrize("bad_class", [3, 0, True, "2"])
def test_unknown_class_lists_valid_names(bad_class: object) -> None:
    with pytest.raises(UnknownNameError, match=r"air class.*valid: 1, 2"):
        limits("SO2", "daily", bad_class, limit_set=S12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pollutant", "averaging", "defined"),
    [
        ("CO", "annual", "daily, 1h"),  # CO has no annual limit
        ("O3", "daily", "mda8, 8h, 1h"),  # O3 has no daily-mean limit
        ("Pb", "daily", "annual, quarterly"),
        ("PM2.5", "1h", "annual, daily"),
    ],
)
def test_combination_the_table_does_not_define(
    pollutant: str, averaging: str, defined: str
) -> None:
    expected = re.escape(
        f"for {pollutant} in GB 3095-2012 Tables 1–2 '{averaging}'; valid: {defined}"
    )
    with pytest.raises(UnknownNameError, match=expected + "$"):
        limits(pollutant, averaging, 2, limit_set=S12)
    assert ", ".join(a.value for a in averagings_of(pollutant)) == defined


def test_unknown_limit_set() -> None:
    with pytest.raises(StandardNotFound, match="GB 3095-2026 final"):
        limits("SO2", "daily", 2, limit_set="GB 3095-1996")


def test_needs_a_date_or_a_limit_set() -> None:
    with pytest.raises(ValidationError, match="on="):
        limits("SO2", "daily", 2)
