"""Drinking-water source compliance (reference §10, Q11, Q12; vector W23)."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.water import (
    DEFAULT_RULES,
    DrinkingWaterSource,
    Item,
    Reading,
    drinking_water_compliance,
    evaluated_items,
    source_compliance,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


def water_vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    return next(v for v in vectors if v["id"] == vector_id)


def clean_reservoir(**changes: Reading) -> dict[str, Reading]:
    """A reservoir month whose worst evaluated Table 1 class is II, Table 2 within limits."""
    values: dict[str, Reading] = {
        "pH": 7.4,
        "DO": 7.0,  # 6 ≤ 7.0 < 7.5 → II
        "CODMn": 2.5,  # 2 < 2.5 ≤ 4 → II
        "BOD5": 1.0,
        "NH3-N": 0.2,  # 0.15 < 0.2 ≤ 0.5 → II
        "TP": 0.02,  # lake: 0.01 < 0.02 ≤ 0.025 → II
        "Cu": 0.005,
        "Zn": 0.02,
        "F": 0.3,
        "Se": 0.0005,
        "As": 0.002,
        "Hg": 0.00002,
        "Cd": 0.0005,
        "Cr6": 0.004,
        "Pb": 0.002,
        "CN": 0.002,
        "volatile_phenol": 0.0005,
        "petroleum": 0.01,
        "LAS": 0.05,
        "S2-": 0.005,
        "SO4": 20,  # Table 2: ≤ 250
        "Cl": 10,  # ≤ 250
        "NO3-N": 1.0,  # ≤ 10
        "Fe": 0.05,  # ≤ 0.3
        "Mn": 0.02,  # ≤ 0.1
    }
    values.update(changes)
    return values


def test_default_item_set_has_20_table1_items() -> None:
    # Q11: 21 assessed items minus COD
    items = evaluated_items()
    assert len(items) == 20
    assert Item.COD not in items
    assert Item.TN not in items
    rules = dataclasses.replace(DEFAULT_RULES, drinking_exclude_cod=False)
    assert Item.COD in evaluated_items(rules)


def test_w23_tn_is_reference_only() -> None:
    vector = water_vector("W23")
    source = vector["input"]["sources"][0]
    # the vector gives "worst Table 1 class (TN excluded) II" and TN 1.5 (lake: 1.0 < 1.5 ≤ 1.5
    # → IV, worse than III): built here as a full reservoir month at Class II plus that TN
    values = clean_reservoir(TN=source["TN"], fecal_coliform=30000, water_temperature=24.0)
    result = source_compliance(DrinkingWaterSource(source["name"], values, water_body="lake"))
    assert result.compliant is vector["expected"]["compliant"]
    assert result.failures == ()
    assert set(result.not_evaluated) == {"TN", "fecal_coliform", "water_temperature"}


def test_cod_is_excluded_by_default() -> None:
    # COD 25: 20 < 25 ≤ 30 → IV, but not evaluated (Q11)
    values = clean_reservoir(COD=25)
    assert source_compliance(DrinkingWaterSource("s", values)).compliant is True
    rules = dataclasses.replace(DEFAULT_RULES, drinking_exclude_cod=False)
    result = source_compliance(DrinkingWaterSource("s", values), rules=rules)
    assert result.compliant is False
    assert [(f.item, f.water_class) for f in result.failures] == [("COD", "IV")]


def test_table1_failure_above_class_iii() -> None:
    # NH3-N 1.2: 1.0 < 1.2 ≤ 1.5 → IV > III: not compliant
    result = source_compliance(DrinkingWaterSource("s", clean_reservoir(**{"NH3-N": 1.2})))
    assert result.compliant is False
    assert result.failures[0].item == "NH3-N"
    # DO 4.0: 3 ≤ 4.0 < 5 → IV
    assert source_compliance(DrinkingWaterSource("s", clean_reservoir(DO=4.0))).compliant is False


def test_target_class_is_configurable() -> None:
    # NH3-N 0.8 → III: compliant against III, not against II
    values = clean_reservoir(**{"NH3-N": 0.8})
    assert source_compliance(DrinkingWaterSource("s", values)).compliant is True
    strict = DrinkingWaterSource("s", values, target_class="II")
    assert source_compliance(strict).compliant is False


def test_table2_limits() -> None:
    # iron 0.31 > 0.3 mg/L (GB 3838-2002 Table 2)
    result = source_compliance(DrinkingWaterSource("s", clean_reservoir(Fe=0.31)))
    assert result.compliant is False
    assert [(f.item, f.water_class) for f in result.failures] == [("Fe", None)]
    # exactly on the limit complies
    assert source_compliance(DrinkingWaterSource("s", clean_reservoir(Fe=0.3))).compliant is True


def test_table3_items_are_configured_per_source() -> None:
    # Q12: Table 3 limits are not encoded; the source passes the selected items and limits.
    # The limit below is a test value, not a GB 3838-2002 Table 3 figure.
    limits = {"苯": "0.01"}
    ok = DrinkingWaterSource("s", clean_reservoir(苯=0.008), table3_limits=limits)
    bad = DrinkingWaterSource("s", clean_reservoir(苯=0.012), table3_limits=limits)
    absent = DrinkingWaterSource("s", clean_reservoir(), table3_limits=limits)
    assert source_compliance(ok).compliant is True
    assert source_compliance(bad).compliant is False
    assert source_compliance(absent).compliant is None
    assert source_compliance(absent).missing == ("苯",)


def test_missing_items_leave_the_source_undetermined() -> None:
    values = clean_reservoir()
    del values["Hg"]
    result = source_compliance(DrinkingWaterSource("s", values))
    assert result.compliant is None
    assert result.missing == ("Hg",)
    # a failure is a failure even with items missing
    values["NH3-N"] = 1.6
    assert source_compliance(DrinkingWaterSource("s", values)).compliant is False


def test_rates_by_count_and_volume() -> None:
    # Quzhou, June 2016: 7/7 sources and 1057.3 of 1057.3 (万吨) → 100 % by both
    volumes = ["300", "250.5", "200", "150.8", "80", "46", "30"]
    assert sum(Fraction(v) for v in volumes) == Fraction("1057.3")
    sources = [
        DrinkingWaterSource(f"source {i}", clean_reservoir(), withdrawal=v)
        for i, v in enumerate(volumes)
    ]
    result = drinking_water_compliance(sources)
    assert result.by_count == 1
    assert result.by_volume == 1
    assert result.total_volume == Fraction("1057.3")


def test_rates_with_a_failing_and_an_undetermined_source() -> None:
    incomplete = clean_reservoir()
    del incomplete["Pb"]
    sources = [
        DrinkingWaterSource("a", clean_reservoir(), withdrawal=300),
        DrinkingWaterSource("b", clean_reservoir(TP=0.06), withdrawal=100),  # lake 0.05 < 0.06
        DrinkingWaterSource("c", clean_reservoir(), withdrawal=100),
        DrinkingWaterSource("d", incomplete, withdrawal=50),
    ]
    result = drinking_water_compliance(sources)
    assert (result.n_sources, result.n_determined, result.n_undetermined) == (4, 3, 1)
    # by count 2 of the 3 determined; by volume (300 + 100)/(300 + 100 + 100) = 0.8
    assert result.by_count == Fraction(2, 3)
    assert result.by_volume == Fraction(4, 5)


def test_river_source_uses_river_tp() -> None:
    # TP 0.15 in a river source: 0.1 < 0.15 ≤ 0.2 → III complies; in a reservoir → 劣V
    values = clean_reservoir(TP=0.15)
    assert source_compliance(DrinkingWaterSource("r", values, water_body="river")).compliant
    assert source_compliance(DrinkingWaterSource("l", values)).compliant is False


def test_unknown_volume_gives_no_volume_rate() -> None:
    sources = [
        DrinkingWaterSource("a", clean_reservoir(), withdrawal=300),
        DrinkingWaterSource("b", clean_reservoir()),
    ]
    result = drinking_water_compliance(sources)
    assert result.by_count == 1
    assert result.by_volume is None
    assert drinking_water_compliance([]).by_count is None


def test_bad_input() -> None:
    with pytest.raises(UnknownNameError, match="Fe"):
        source_compliance(DrinkingWaterSource("s", {"benzene": 0.1}))
    with pytest.raises(ValidationError, match="negative"):
        drinking_water_compliance([DrinkingWaterSource("s", clean_reservoir(), withdrawal=-1)])
    with pytest.raises(ValidationError, match="Mn"):
        source_compliance(DrinkingWaterSource("s", clean_reservoir(Mn=-0.1)))
