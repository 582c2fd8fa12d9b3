"""The public API of ecowarden.standards.air named in the issue is importable by those names."""

from __future__ import annotations

import ecowarden.standards.air as air

CONTRACT = (
    "iaqi", "aqi", "AQIResult", "category", "round_half_even", "percentile", "good_day_rate",
    "exceedance_multiple", "comprehensive_index", "year_on_year", "limits", "standard_for",
    "daily_mean", "o3_8h_mean",
)  # fmt: skip


def test_contract_names_are_exported() -> None:
    missing = [name for name in CONTRACT if not callable(getattr(air, name, None))]
    assert missing == []


def test_all_lists_only_real_names() -> None:
    assert [name for name in air.__all__ if not hasattr(air, name)] == []


def test_contract_through_the_package() -> None:
    # HJ 633-2026 Table 3: PM2.5 daily 55 → 50 + 50·(55 − 35)/(60 − 35) = 90
    assert air.iaqi("PM25_24H", 55) == 90
    result = air.aqi({"PM25_24H": 55, "PM10_24H": 40, "SO2_24H": 8, "NO2_24H": 20,
                      "CO_24H": 0.5, "O3_8H": 90})  # fmt: skip
    assert (result.aqi, result.primary_pollutants, result.category) == (90, ("PM2.5",), "良")
