"""The noise vectors of shared/reference/water-noise-vectors.json (reference §8).

Each expected value is also derived by hand in a comment. N27–N35 are propagation and emission
vectors (ISO 9613-2, HJ 2.4, CNOSSOS-EU) of the propagation modules, tested with them
(tests/standards/test_iso9613.py, test_hj24.py), not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecowarden.standards.noise import (
    Verdict,
    compliance_rates,
    db_subtract,
    grade_regional,
    grade_road,
    lden,
    ldn,
    leq,
    leq_from_statistical_levels,
    regional_average,
    zone_compliance,
    zone_limits,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"
VECTORS: dict[str, dict[str, Any]] = {
    v["id"]: v
    for v in json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    if v["id"].startswith("N")
}
TESTED_HERE = {"N01", "N03", "N05", "N07", "N09", "N11", "N13", "N15", "N17", "N19", "N21"}
TESTED_HERE |= {"N23", "N25"}
PROPAGATION = {"N27", "N29", "N31", "N33", "N35"}  # iso9613, hj24 and cnossos tests


def test_every_noise_vector_has_an_owner() -> None:
    # A new noise vector in the reference fails here until a test takes it.
    assert set(VECTORS) == TESTED_HERE | PROPAGATION


def test_n01_leq_of_equal_intervals() -> None:
    v = VECTORS["N01"]
    # 10·lg((10^5 + 10^6 + 10^7)/3) = 10·lg(3.7·10^6) = 65.68
    assert float(leq(v["input"]["levels_dB"])) == pytest.approx(v["expected"]["Leq"], abs=0.005)
    assert float(leq(v["input"]["levels_dB"])) == pytest.approx(65.68, abs=0.005)


def test_n03_background_subtraction() -> None:
    v = VECTORS["N03"]
    # 10·lg(10^6.5 − 10^6) = 10·lg(3 162 278 − 1 000 000) = 10·lg(2 162 278) = 63.35
    result = db_subtract(v["input"]["total_dB"], v["input"]["background_dB"])
    assert float(result) == pytest.approx(v["expected"]["source_dB"], abs=0.005)
    assert float(result) == pytest.approx(63.35, abs=0.005)


def test_n05_time_weighted_leq() -> None:
    v = VECTORS["N05"]
    segments = v["input"]["segments"]
    # 10·lg((45·10^6 + 15·10^7)/60) = 10·lg(3.25·10^6) = 65.12
    result = leq([s["Leq"] for s in segments], [s["minutes"] for s in segments])
    assert float(result) == pytest.approx(v["expected"]["Leq"], abs=0.005)
    assert float(result) == pytest.approx(65.12, abs=0.005)


def test_n07_textbook_ldn() -> None:
    v = VECTORS["N07"]
    # 10·lg((16·10^5.84856 + 8·10^5.60836)/24) = 10·lg((16·705 598 + 8·405 839)/24) = 57.82
    result = ldn(v["input"]["Ld"], v["input"]["Ln"])
    assert float(result) == pytest.approx(v["expected"]["Ldn"], abs=0.005)
    assert float(result) == pytest.approx(57.82, abs=0.005)


def test_n09_eu_lden() -> None:
    v = VECTORS["N09"]
    i = v["input"]
    # 10·lg((12·10^6.5 + 4·10^6.7 + 8·10^6.5)/24) = 10·lg(83 293 042/24) = 65.40
    result = lden(i["Lday"], i["Levening"], i["Lnight"])
    assert float(result) == pytest.approx(v["expected"]["Lden"], abs=0.005)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_n11_zone_compliance(index: int) -> None:
    v = VECTORS["N11"]
    case, expected = v["input"]["cases"][index], v["expected"]["results"][index]
    # 2: 58.3 ≤ 60, 51.2 − 50 = 1.2;  1: 55.0 = 55 and 45.0 = 45 comply;  4a: 69.8 ≤ 70,
    # 55.4 − 55 = 0.4   GB 3096-2008 Table 1
    verdict = zone_compliance(case["zone"], ld=case["Ld"], ln=case["Ln"])
    assert verdict.day.verdict == Verdict(expected["day"])
    assert verdict.night.verdict == Verdict(expected["night"])
    assert verdict.night.excess_db == expected.get("night_excess_dB")


def test_n13_existing_railway_background_limit() -> None:
    v = VECTORS["N13"]
    # The vector's railway text "existing trunk line through urban area, background without
    # trains" is GB 3096-2008 §5.3: 70 / 55; 58.0 > 55 exceeds by 3.0.
    assert v["input"]["railway"].startswith("existing")
    verdict = zone_compliance(v["input"]["zone"], ln=v["input"]["Ln"], railway="existing")
    assert verdict.night.limit_db == v["expected"]["limit"] == 55
    assert verdict.night.verdict == Verdict(v["expected"]["night"])
    assert zone_limits("4b", railway="existing").night_db == 55


def test_n15_hourly_profile_to_ld_ln_and_verdict() -> None:
    v = VECTORS["N15"]
    e = v["expected"]
    # Ld = 10·lg(mean of 10^(0.1·L) over 06–21) = 58.4856 → 58.5; 58.5 − 55 = 3.5
    # Ln = 10·lg(mean over 22, 23, 00–05: 50 48 45 44 43 43 44 46) = 46.0836 → 46.1; 1.1
    verdict = zone_compliance(v["input"]["zone"], hourly_leq=v["input"]["hourly_Leq_00_to_23"])
    assert (verdict.day.level_db, verdict.night.level_db) == (e["Ld"], e["Ln"]) == (58.5, 46.1)
    assert verdict.day.verdict == Verdict(e["day"])
    assert verdict.night.verdict == Verdict(e["night"])
    assert verdict.day.excess_db == e["day_excess_dB"] == 3.5
    assert verdict.night.excess_db == e["night_excess_dB"] == 1.1
    assert (verdict.day.hours_valid, verdict.night.hours_valid) == (16, 8)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_n17_night_lmax_fifteen_db(index: int) -> None:
    v = VECTORS["N17"]
    case, expected = v["input"]["cases"][index], v["expected"]["results"][index]
    # 60.0 − 45 = 15.0 complies (not higher than 15); 60.5 − 45 = 15.5 and 72 − 55 = 17
    # exceed   GB 3096-2008 §5.4. The vector's "violation" is Verdict.EXCEEDS.
    verdict = zone_compliance(case["zone"], lmax_night=case["Lmax"])
    assert verdict.lmax is not None
    assert verdict.lmax.limit_db == case["night_limit"]
    assert verdict.lmax.excess_over_limit_db == expected["excess_over_limit_dB"]
    names = {"compliant": Verdict.COMPLIANT, "violation": Verdict.EXCEEDS}
    assert verdict.lmax.verdict is names[expected["verdict"]]


def test_n19_point_time_rates_pooled() -> None:
    v = VECTORS["N19"]
    point_times = []
    for zone, counts in v["input"]["by_class"].items():
        limits = zone_limits(zone)
        for i in range(counts["n"]):
            # A compliant point-time sits on the limit, an exceeding one 1 dB above it.
            ld = limits.day_db + (0 if i < counts["day_ok"] else 1)
            ln = limits.night_db + (0 if i < counts["night_ok"] else 1)
            point_times.append(zone_compliance(zone, ld=ld, ln=ln))
    rates = compliance_rates(point_times)
    e = v["expected"]
    # class 2 day 11/12 = 91.67 → 91.7; class 4a day 5/6 = 83.33 → 83.3; night 4/6 → 66.7
    for zone, pct in e["class_rates_day_pct"].items():
        assert rates.by_zone[zone].day.rate_pct == pct
    for zone, pct in e["class_rates_night_pct"].items():
        assert rates.by_zone[zone].night.rate_pct == pct
    # pooled: day (6 + 11 + 5 + 5)/29 = 27/29 = 93.10 → 93.1; night 22/29 = 75.86 → 75.9
    assert rates.overall.day.rate_pct == e["overall_day_pct"] == 93.1
    assert rates.overall.night.rate_pct == e["overall_night_pct"] == 75.9


def test_n21_leq_approximation() -> None:
    v = VECTORS["N21"]
    i = v["input"]
    # 63 + (70 − 58)²/60 = 63 + 144/60 = 65.4
    result = leq_from_statistical_levels(i["L10"], i["L50"], i["L90"])
    assert float(result) == pytest.approx(v["expected"]["Leq_approx"], abs=1e-9)


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_n23_road_grades(index: int) -> None:
    v = VECTORS["N23"]
    case, expected = v["input"]["cases"][index], v["expected"]["results"][index]
    # day 68.0 ≤ 68.0 一级; 72.5 in 72.1–74.0 四级; 74.1 > 74.0 五级; night 61.0 in 60.1–62.0
    # 三级   HJ 640-2012 Table 2
    result = grade_road(case["level_dB"], case["period"])
    assert result is not None
    assert (result.grade.value, result.label) == (expected["grade"], expected["label"])


def test_n25_regional_mean_and_grade() -> None:
    v = VECTORS["N25"]
    # (52.3 + 55.1 + 49.8 + 57.1)/4 = 214.3/4 = 53.575 → 53.6; day 50.1–55.0 → 二级 较好.
    # Four cells are fewer than the 101 a survey needs: averaged, flagged.
    average = regional_average(v["input"]["grid_Leq"])
    assert average.level_db == v["expected"]["mean"] == 53.6
    assert average.enough_cells is False
    grade = grade_regional(average.level_db, "day")
    assert grade is not None
    assert (grade.grade.value, grade.label) == (v["expected"]["grade"], v["expected"]["label"])
