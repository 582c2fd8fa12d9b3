"""Reference vectors of kinds validity, percentile, good_day_rate, yoy_change,
comprehensive_index, exceedance_multiple and rounding (air-quality-vectors.json, reference §11).

Each id's derivation is written out below; the tests check the implementation against the
file's expected values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ecowarden.standards.air.statistics import (
    comprehensive_index,
    exceedance_multiple,
    good_day_rate,
    percentile,
    reporting_decimals,
    year_on_year,
)
from ecowarden.standards.air.validity import (
    annual_valid,
    daily_mean,
    mda8_valid,
    month_valid,
    o3_8h_mean,
)
from ecowarden.standards.rounding import round_half_even

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
KINDS = (
    "validity",
    "percentile",
    "good_day_rate",
    "yoy_change",
    "comprehensive_index",
    "exceedance_multiple",
    "rounding",
)

# Derivations, written out from the rules (reference §3.6, §3.7, §4.3–§4.7, §5, §2.5).
DERIVATIONS = {
    "valid-daily-19h": "19 valid hours < 20 (Table 4) → invalid, no daily mean",
    "valid-o3-8h-5of8": "5 valid of 8 < 6 (Table 4) → invalid",
    "valid-mda8-13-below": "13 windows < 14 and max 150 ≤ 160 → invalid (HJ 663 §6.1.2)",
    "valid-month-feb-25": "February: 25 ≥ 25 → valid (OQ-13)",
    "valid-year-323": "323 < 324 → invalid (Table 4)",
    "pct-o3-90-n10": "sorted 95…200; k = 1 + 9·0.9 = 9.1; X(9) = 180, X(10) = 200; "
    "180 + 0.1·(200 − 180) = 182",
    "pct-co-95-n20": "sorted 0.5…2.4; k = 1 + 19·0.95 = 19.05; X(19) = 2.3, X(20) = 2.4; "
    "2.3 + 0.05·0.1 = 2.305 → 1 decimal: first discarded digit 0 → 2.3",
    "pct-n1": "n = 1: k = 1 + 0 = 1 → X(1) = 137",
    "gdr-naiman-q1": "86 / 91 × 100 = 94.505… → 94.5 (first discarded digit 0)",
    "yoy-pm25": "(21.5 − 22.2) / 22.2 × 100 = −0.7/22.2 × 100 = −3.153… → −3.2 → 下降3.2%",
    "ci-unweighted-2012-limits": "21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 "
    "= 0.6 + 0.5571 + 0.15 + 0.375 + 1.2 + 0.175 = 3.0571 → 3.06",
    "exceed-multiple-pm25": "(42 − 35) / 35 = 7/35 = 0.20",
    "round-22.5-0": "22.5: discarded exactly 5, kept 2 even → 22",
    "round-22.51-0": "22.51: discarded 51 > half → 23",
    "round-1.35-1": "1.35: discarded exactly 5, kept 3 odd → 1.4",
}


def _vectors() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (REFERENCE / "air-quality-vectors.json").read_text(encoding="utf-8")
    )
    return [v for v in data if v["kind"] in KINDS]


VECTORS = _vectors()


def _validity(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    average = given["average"]
    if average == "daily":
        n = given["valid_hourly_values"]
        hours = [50.0] * n + [None] * (24 - n)
        mean = daily_mean(hours, pollutant=given["pollutant"])
        assert (mean is not None) is expected["valid"]
        assert mean == expected["daily_mean"]
    elif average == "8-h moving":
        value = o3_8h_mean(given["hourly_values"])
        assert (value is not None) is expected["valid"]
        assert value == expected["value"]
    elif average == "daily max 8-h":
        got = mda8_valid(
            given["valid_8h_values_between_08_and_24"], given["max_of_valid"], limit=given["limit"]
        )
        assert got is expected["valid"]
    elif average == "monthly":
        got = month_valid(
            given["valid_daily_values"], month=given["month"], pollutant=given["pollutant"]
        )
        assert got is expected["valid"]
    else:
        assert average == "annual"
        total = given["valid_daily_values"]
        # Spread over the months so that each meets the monthly clause (Feb ≥ 25, others
        # ≥ 27): the yearly count alone decides, under either reading of Table 4.
        months = [27] * 12
        months[1] = 25
        months[0] += total - sum(months)
        assert sum(months) == total
        assert min(months) >= 25
        for clause in (True, False):
            got = annual_valid(months, pollutant=given["pollutant"], monthly_clause=clause)
            assert got is expected["valid"]


def _percentile(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    decimals = reporting_decimals("CO") if given.get("unit") == "mg/m3" else 0
    result = percentile(given["values"], given["p"], decimals=decimals)
    assert result.exact == Decimal(str(expected["value"]))
    if "k" in expected:
        assert result.k == Decimal(str(expected["k"]))
    if "s" in expected:
        assert result.s == expected["s"]
    if "reported" in expected:
        assert result.reported == Decimal(str(expected["reported"]))


def _good_day_rate(vector: dict[str, Any]) -> None:
    given = vector["input"]
    good = given["days_aqi_le_100"]
    days = [80] * good + [120] * (given["valid_days"] - good)
    result = good_day_rate(days)
    assert (result.good_days, result.valid_days) == (good, given["valid_days"])
    assert result.rate == Decimal(str(vector["expected"]["rate_percent"]))


def _yoy(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    result = year_on_year(given["current"], given["previous"], kind="concentration")
    assert result.change == Decimal(str(expected["change_percent"]))
    assert result.wording == expected["wording"]


def _comprehensive(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    stats = {
        "PM2.5": given["PM2.5_mean"],
        "PM10": given["PM10_mean"],
        "SO2": given["SO2_mean"],
        "NO2": given["NO2_mean"],
        "O3": given["O3_8h_p90"],
        "CO": given["CO_p95"],
    }
    result = comprehensive_index(stats, standard="GB 3095-2012")
    # the vector's denominators are the GB 3095-2012 class-2 limits of the default method
    denominators = {p.value: float(s) for p, s in result.method.denominators().items()}
    assert denominators == {k if k != "O3_8h" else "O3": v for k, v in given["limits"].items()}
    assert given["weights"] == "all 1"
    assert result.index == Decimal(str(expected["index"]))
    assert result.exact is not None
    assert round_half_even(result.exact, 4) == Decimal(str(expected["exact"]))


def _exceedance(vector: dict[str, Any]) -> None:
    given = vector["input"]
    got = exceedance_multiple(given["PM2.5_annual"], given["limit"])
    assert got == Decimal(str(vector["expected"]["multiple"]))


def _rounding(vector: dict[str, Any]) -> None:
    given = vector["input"]
    got = round_half_even(given["value"], given["decimals"])
    assert got == Decimal(str(vector["expected"]["rounded"]))


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "validity": _validity,
    "percentile": _percentile,
    "good_day_rate": _good_day_rate,
    "yoy_change": _yoy,
    "comprehensive_index": _comprehensive,
    "exceedance_multiple": _exceedance,
    "rounding": _rounding,
}


def test_every_vector_of_these_kinds_has_a_derivation() -> None:
    assert sorted(v["id"] for v in VECTORS) == sorted(DERIVATIONS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    CHECKS[vector["kind"]](vector)
