"""Reference vectors of kinds iaqi, iaqi_pipeline, aqi, aqi_publish and category (reference §11).

Each vector was re-derived by hand from the standards' tables (derivations below); all agree
with the texts of HJ 633-2012 and HJ 633-2026, so none is overridden. Both the scalar and the
array path are checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ecowarden.standards.air.aqi import aqi, category, pollutants_in
from ecowarden.standards.air.iaqi import iaqi, iaqi_detail

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
VECTORS = json.loads((REFERENCE / "air-quality-vectors.json").read_text(encoding="utf-8"))

# The derivation of every expected value, written out (table cells from HJ 633-2012 Table 1
# and HJ 633-2026 Table 3; the ceiling of HJ 633-2012 §6.2 / HJ 633-2026 §4.2.6).
DERIVATIONS = {
    "iaqi-pm25-55-2012": "50 + 50·(55 − 35)/(75 − 35) = 75",
    "iaqi-pm25-75-2012": "on the breakpoint 75 → 100",
    "iaqi-pm25-36-2012": "50 + 50·1/40 = 51.25 → 52",
    "iaqi-pm10-151-2012": "100 + 50·1/100 = 100.5 → 101",
    "iaqi-pm10-120-2026": "on the 2026 breakpoint 120 → 100",
    "iaqi-so2-1h-300": "50 + 50·(300 − 150)/(500 − 150) = 71.43 → 72",
    "iaqi-no2-1h-250": "100 + 50·(250 − 200)/(700 − 200) = 105",
    "iaqi-co-1h-12": "100 + 50·(12 − 10)/(35 − 10) = 104",
    "iaqi-o3-1h-180": "50 + 50·(180 − 160)/(200 − 160) = 75",
    "iaqi-no2-1h-3840": "top breakpoint 3840 → 500",
    "iaqi-pm25-0": "0 + 50·0/35 = 0",
    "iaqi-so2-1h-850-2026": "HJ 633-2026 Table 3 note b: above 800 → 200",
    "iaqi-o3-8h-850-2026": "HJ 633-2026 Table 3 note c: above 800 → 300",
    "pipeline-pm25-35p4-2026": "35.4 → 35 (GB/T 8170) → on the breakpoint 35 → 50",
    "pipeline-pm25-36p5-2026": "36.5 → 36 (exact 5, even 6 kept) → 50 + 50·1/25 = 52",
    "aqi-daily-tie-2012": (
        "PM2.5 55 → 75; PM10 100: 50 + 50·50/100 = 75; SO2 10: 50·10/50 = 10; "
        "NO2 30: 50·30/40 = 37.5 → 38; CO 0.8: 50·0.8/2 = 20; O3 8-h 90: 50·90/100 = 45; "
        "O3 1-h 150: 50·150/160 = 46.875 → 47; AQI 75, PM2.5 and PM10 tie"
    ),
    "aqi-exactly-50": (
        "PM2.5 35 → 50 (on the breakpoint; multiply before dividing); others lower; "
        "AQI 50 is not > 50 → no primary pollutant"
    ),
    "aqi-exceeding-2012": (
        "PM2.5 80: 100 + 50·5/40 = 106.25 → 107; PM10 160: 100 + 50·10/100 = 105; "
        "O3 8-h 150: 50 + 50·50/60 = 91.67 → 92; both PM above 100 → exceeding"
    ),
    "aqi-daily-o3-1h-2012": (
        "O3 1-h 250: 100 + 50·50/100 = 125; PM2.5 50: 50 + 50·15/40 = 68.75 → 69; "
        "PM10 70: 50 + 50·20/100 = 60; AQI 125 decided by O3 1-h"
    ),
    "aqi-hourly-2012": (
        "SO2 1-h 20: 50·20/150 = 6.67 → 7; NO2 1-h 80: 50·80/100 = 40; CO 1-h 1.0: 50·1/5 "
        "= 10; O3 1-h 120: 50·120/160 = 37.5 → 38; O3 8-h 100 → 50; PM10 24-h 70 → 60; "
        "PM2.5 24-h 50 → 69; PM 1-h not indexed; AQI 69"
    ),
    "aqi-missing-pollutant-low-2026": (
        "PM10 70: 50 + 50·20/70 = 64.29 → 65; O3 8-h 150 → 92; AQI of the others 92 ≤ 100 "
        "with PM2.5 missing → not published (HJ 633-2026 §5.3.1)"
    ),
    "category-aqi-50": "0(1)–50 优 一级 绿色",
    "category-aqi-100": "51–100 良 二级 黄色",
    "category-aqi-200": "151–200 中度污染 四级 红色",
    "category-aqi-300": "201–300 重度污染 五级 紫色",
}
KINDS = ("iaqi", "iaqi_pipeline", "aqi", "aqi_publish", "category")


def _vectors(*kinds: str) -> list[Any]:
    return [pytest.param(v, id=v["id"]) for v in VECTORS if v["kind"] in kinds]


def test_every_vector_of_these_kinds_has_a_derivation() -> None:
    ids = {v["id"] for v in VECTORS if v["kind"] in KINDS}
    assert ids == set(DERIVATIONS)


@pytest.mark.parametrize("vector", _vectors("iaqi"))
def test_iaqi_vector(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]["iaqi"]
    assert iaqi(given["item"], given["concentration"], standard=given["standard"]) == expected
    array = iaqi(
        given["item"], np.array([given["concentration"]], float), standard=given["standard"]
    )
    assert array[0] == expected


@pytest.mark.parametrize("vector", _vectors("iaqi_pipeline"))
def test_iaqi_pipeline_vector(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    detail = iaqi_detail(given["item"], given["raw_daily_mean"], standard=given["standard"])
    assert detail.concentration == expected["rounded_concentration"]
    assert detail.iaqi == expected["iaqi"]
    array = iaqi(given["item"], np.array([given["raw_daily_mean"]]), standard=given["standard"])
    assert array[0] == expected["iaqi"]


def _report(given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    # "hourly (实时报)" → "hourly"; PM 1-h values "not_indexed" are shown items.
    concentrations = {**given["concentrations"], **given.get("not_indexed", {})}
    concentrations.pop("note", None)
    report = "hourly" if given["report"].startswith("hourly") else "daily"
    return concentrations, {"standard": given["standard"], "report": report}


@pytest.mark.parametrize("vector", _vectors("aqi"))
def test_aqi_vector(vector: dict[str, Any]) -> None:
    concentrations, options = _report(vector["input"])
    expected = vector["expected"]
    result = aqi(concentrations, **options)
    assert result.aqi == expected["aqi"]
    assert set(result.primary_pollutants) == set(expected["primary_pollutants"])
    if "category" in expected:
        assert result.category == expected["category"]
    if "level" in expected:
        assert result.level == expected["level"]
    if "iaqi" in expected:
        assert {k.value: v for k, v in result.iaqi.items()} == expected["iaqi"]
    if "non_attainment_pollutants" in expected:
        assert result.exceeding_pollutants is not None
        assert set(result.exceeding_pollutants) == set(expected["non_attainment_pollutants"])
    arrays = {k: np.array([float(v)]) for k, v in concentrations.items()}
    columns = aqi(arrays, **options)
    assert columns.aqi[0] == expected["aqi"]
    assert set(pollutants_in(columns.primary_pollutants[0])) == set(expected["primary_pollutants"])
    if "iaqi" in expected:
        assert {k.value: int(v[0]) for k, v in columns.iaqi.items()} == expected["iaqi"]


@pytest.mark.parametrize("vector", _vectors("aqi_publish"))
def test_aqi_publish_vector(vector: dict[str, Any]) -> None:
    concentrations, options = _report(vector["input"])
    expected = vector["expected"]
    result = aqi(concentrations, **options)
    assert result.aqi_from_available == expected["aqi_from_others"]
    assert result.publishable is expected["publish_aqi"]
    assert expected["aqi"] == "NA"
    assert result.aqi is None
    assert result.category is None
    assert all(result.iaqi[item] is not None for item in result.iaqi if item not in result.missing)
    arrays = {k: np.array([np.nan if v is None else float(v)]) for k, v in concentrations.items()}
    columns = aqi(arrays, **options)
    assert columns.aqi_from_available[0] == expected["aqi_from_others"]
    assert bool(columns.publishable[0]) is expected["publish_aqi"]
    assert columns.aqi[0] is np.ma.masked


@pytest.mark.parametrize("vector", _vectors("category"))
def test_category_vector(vector: dict[str, Any]) -> None:
    expected = vector["expected"]
    level, name, rgb = category(vector["input"]["aqi"])
    assert (level, name, list(rgb)) == (expected["level"], expected["category"], expected["rgb"])
    assert category(vector["input"]["aqi"]).colour == expected["color"]
