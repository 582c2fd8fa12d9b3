"""River status (proportion and mean methods), compliance rate, change over time.

环办〔2011〕22号 §5.3–§5.6; open questions Q3, Q4, Q14; vector W17.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.water import (
    DEFAULT_RULES,
    ChangeVerdict,
    Item,
    QualityStatus,
    RiverMethod,
    WaterClass,
    class_share_change,
    river_status,
    section_compliance,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


def water_vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    return next(v for v in vectors if v["id"] == vector_id)


def _classes(**counts: int) -> list[str]:
    names = {"I": "I", "II": "II", "III": "III", "IV": "IV", "V": "V", "worse": "劣V"}
    return [names[k] for k, n in counts.items() for _ in range(n)]


def test_w17_mean_method_for_four_sections() -> None:
    vector = water_vector("W17")
    nh3n = vector["input"]["NH3N_by_section"]
    # "other items all Class I": CODMn 1.5 ≤ 2 and DO 8 ≥ 7.5 in every section
    sections = [{"NH3N": v, "CODMn": 1.5, "DO": 8.0} for v in nh3n]
    # section classes: 0.3 II, 0.4 II, 1.2 IV (1.0 < 1.2 ≤ 1.5), 0.5 II
    status = river_status(["II", "II", "IV", "II"], section_values=sections)
    assert status.method is RiverMethod.MEAN
    assert status.mean_classification is not None
    # (0.3 + 0.4 + 1.2 + 0.5)/4 = 0.6 → 0.5 < 0.6 ≤ 1.0 → III → 良好
    assert status.mean_classification.values[Item.NH3N] == Decimal("0.60")
    assert Decimal(str(vector["expected"]["mean_NH3N"])) == Decimal("0.6")
    assert status.water_class == vector["expected"]["river_class"]
    assert status.status == vector["expected"]["status"]
    assert status.colour == "green"


def test_mean_method_needs_section_values() -> None:
    with pytest.raises(ValidationError, match="section_values"):
        river_status(["II", "II", "IV", "II"])
    with pytest.raises(ValidationError, match="section_values"):
        river_status(["II", "II"], section_values=[{"NH3-N": 0.3}])


def test_exactly_five_sections_use_the_proportion_method() -> None:
    # Q3: "5个（含5个）以上" → proportion method at 5
    status = river_status(["II"] * 5)
    assert status.method is RiverMethod.PROPORTION
    assert status.status is QualityStatus.EXCELLENT
    assert status.water_class is None
    # switched to the "大于5个" reading: 5 sections → mean method
    rules = dataclasses.replace(DEFAULT_RULES, proportion_min_sections=6)
    mean = river_status(["II"] * 5, section_values=[{"NH3-N": 0.3}] * 5, rules=rules)
    assert mean.method is RiverMethod.MEAN
    assert mean.water_class == "II"


@pytest.mark.parametrize(
    ("classes", "expected", "why"),
    [
        (_classes(II=9, IV=1), "优", "I–III 9/10 = 90 % ≥ 90 %"),
        (_classes(II=8, IV=2), "良好", "75 % ≤ 80 % < 90 %"),
        (_classes(II=15, worse=5), "良好", "I–III 15/20 = 75 %: 良好 whatever the 劣V share"),
        (_classes(II=7, IV=2, worse=1), "轻度污染", "I–III 70 % < 75 %, 劣V 10 % < 20 %"),
        (_classes(II=7, worse=2, IV=1), "中度污染", "劣V 2/10 = 20 % ≥ 20 %"),
        (_classes(II=3, worse=3, IV=4), "中度污染", "20 % ≤ 劣V 30 % < 40 %"),
        (_classes(II=5, V=1, worse=4), "重度污染", "I–III 50 % < 60 %, 劣V 40 %"),
        (_classes(II=6, worse=4), "重度污染", "Q4: 劣V 40 % alone → 重度 (I–III exactly 60 %)"),
        (_classes(IV=10), "轻度污染", "I–III 0 %, 劣V 0 %"),
        (_classes(worse=10), "重度污染", "劣V 100 %"),
    ],
)
def test_proportion_method(classes: list[str], expected: str, why: str) -> None:
    status = river_status(classes)
    assert status.method is RiverMethod.PROPORTION
    assert status.status == expected, why


def test_q4_alternative_reading_leaves_60_40_unclassified() -> None:
    # "I–III < 60 % and 劣V ≥ 40 %": exactly 60 % / 40 % falls in no row of the table
    rules = dataclasses.replace(DEFAULT_RULES, severe_max_good_share=Fraction(3, 5))
    assert river_status(_classes(II=6, worse=4), rules=rules).status is None
    assert river_status(_classes(II=5, V=1, worse=4), rules=rules).status == "重度污染"


def test_shares_are_exact_fractions() -> None:
    status = river_status(_classes(II=2, III=1, worse=3))
    # 3 of 6 sections in I–III, 3 of 6 in 劣V
    assert status.shares.good_share == Fraction(1, 2)
    assert status.shares.inferior_v_share == Fraction(1, 2)
    assert status.shares.class_counts[WaterClass.WORSE_THAN_V] == 3


def test_river_status_bad_input() -> None:
    with pytest.raises(ValidationError, match="section"):
        river_status([])
    with pytest.raises(UnknownNameError, match="劣V"):
        river_status(["VI"] * 5)


def test_section_compliance_rate() -> None:
    result = section_compliance([("II", "III"), ("IV", "III"), (None, "II"), ("III", "III")])
    # the None section is not assessed: 2 compliant of 3 assessed
    assert (result.n_assessed, result.n_compliant) == (3, 2)
    assert result.rate == Fraction(2, 3)
    assert section_compliance([(None, "III")]).rate is None


@pytest.mark.parametrize(
    ("base", "current", "difference", "verdict"),
    [
        # ΔG = 60 − 50 = +10, ΔD = 0: |10| ≤ 10 → 无明显变化
        (_classes(II=5, IV=5), _classes(II=6, IV=4), 10, ChangeVerdict.NO_CHANGE),
        # ΔG = +20, ΔD = 0: 10 < 20 ≤ 20 → 有所好转
        (_classes(II=5, IV=5), _classes(II=7, IV=3), 20, ChangeVerdict.SLIGHTLY_BETTER),
        # ΔG = 80 − 60 = +20, ΔD = 10 − 20 = −10: 30 > 20 → 明显好转
        (_classes(II=6, IV=2, worse=2), _classes(II=8, IV=1, worse=1), 30, "明显好转"),
        # ΔG = 70 − 80 = −10, ΔD = 5 − 0 = +5 (20 sections): −15 → 有所变差
        (_classes(II=16, IV=4), _classes(II=14, IV=5, worse=1), -15, "有所变差"),
        # ΔG = −20, ΔD = +10: −30 → 明显变差
        (_classes(II=8, IV=2), _classes(II=6, IV=3, worse=1), -30, "明显变差"),
    ],
)
def test_combined_class_proportion_change(
    base: list[str], current: list[str], difference: int, verdict: str
) -> None:
    change = class_share_change(base, current)
    assert change.difference_pp == difference
    assert change.difference_pp == change.delta_good_pp - change.delta_inferior_pp
    assert change.verdict == verdict


def test_change_thresholds_are_switchable() -> None:
    rules = dataclasses.replace(DEFAULT_RULES, change_thresholds_pp=(Fraction(5), Fraction(15)))
    change = class_share_change(_classes(II=5, IV=5), _classes(II=6, IV=4), rules=rules)
    # +10: 5 < 10 ≤ 15 → 有所好转 under the switched thresholds
    assert change.verdict is ChangeVerdict.SLIGHTLY_BETTER
