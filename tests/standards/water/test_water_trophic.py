"""Lake trophic state index TLI(Σ) (reference §6, Q15)."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest

from ecowarden.errors import ValidationError
from ecowarden.standards.water import (
    DEFAULT_RULES,
    TliParameter,
    TliWeights,
    TrophicBoundaryRule,
    TrophicGrade,
    tli,
    trophic_grade,
)

# 湖泊（水库）富营养化评价方法及分级技术规定 (reference §6): TLI(j) and r_ij.
# chla 10 mg/m³, TP 0.05 mg/L, TN 1.0 mg/L, SD 1.0 m, CODMn 4 mg/L:
TLI_CHLA = 10 * (2.5 + 1.086 * math.log(10))  # 25 + 10.86 × 2.302585 = 50.00607
TLI_TP = 10 * (9.436 + 1.624 * math.log(0.05))  # 94.36 − 16.24 × 2.995732 = 45.70931
TLI_TN = 10 * (5.453 + 1.694 * math.log(1.0))  # 54.53
TLI_SD = 10 * (5.118 - 1.94 * math.log(1.0))  # 51.18
TLI_COD = 10 * (0.109 + 2.661 * math.log(4))  # 1.09 + 26.61 × 1.386294 = 37.97929
R_SQUARED = (1.0, 0.84**2, 0.82**2, 0.83**2, 0.83**2)  # Σ = 3.7558


def test_single_parameter_indices() -> None:
    state = tli(10, 0.05, 1.0, 1.0, 4)
    expected = {
        TliParameter.CHLA: TLI_CHLA,
        TliParameter.TP: TLI_TP,
        TliParameter.TN: TLI_TN,
        TliParameter.SD: TLI_SD,
        TliParameter.CODMN: TLI_COD,
    }
    for parameter, value in expected.items():
        assert float(state.per_parameter[parameter]) == pytest.approx(value, abs=1e-9)


def test_tli_with_formula_weights() -> None:
    # W_j = r_ij² / Σ r_ij²: (50.00607 + 0.7056 × 45.70931 + 0.6724 × 54.53 + 0.6889 × 51.18
    # + 0.6889 × 37.97929) / 3.7558 = 180.34617 / 3.7558 = 48.01810 → 中营养 (30–50)
    parts = (TLI_CHLA, TLI_TP, TLI_TN, TLI_SD, TLI_COD)
    expected = sum(r * t for r, t in zip(R_SQUARED, parts, strict=True)) / sum(R_SQUARED)
    state = tli(10, 0.05, 1.0, 1.0, 4)
    assert state.value is not None
    assert float(state.value) == pytest.approx(expected, abs=1e-9)
    assert round(expected, 4) == 48.0181
    assert state.grade is TrophicGrade.MESOTROPHIC
    assert state.missing == ()


def test_tli_with_printed_weights() -> None:
    # 0.2663 × 50.00607 + 0.1879 × 45.70931 + 0.1790 × 54.53 + 0.1834 × (51.18 + 37.97929)
    # = 48.01808
    expected = 0.2663 * TLI_CHLA + 0.1879 * TLI_TP + 0.1790 * TLI_TN + 0.1834 * (TLI_SD + TLI_COD)
    rules = dataclasses.replace(DEFAULT_RULES, tli_weights=TliWeights.PRINTED)
    state = tli(10, 0.05, 1.0, 1.0, 4, rules=rules)
    assert state.value is not None
    assert float(state.value) == pytest.approx(expected, abs=1e-9)


def test_hypereutrophic_lake() -> None:
    # chla 100: 25 + 10.86 × 4.60517 = 75.01; TP 0.5: 94.36 − 16.24 × 0.69315 = 83.10;
    # TN 5: 54.53 + 16.94 × 1.60944 = 81.79; SD 0.2: 51.18 + 19.4 × 1.60944 = 82.40;
    # CODMn 15: 1.09 + 26.61 × 2.70805 = 73.15 → every TLI(j) > 70 → 重度富营养
    state = tli(100, 0.5, 5, 0.2, 15)
    assert state.grade is TrophicGrade.HYPEREUTROPHIC
    assert state.grade.is_eutrophic


@pytest.mark.parametrize(
    ("value", "table", "lower_closed"),
    [
        ("29.99", "贫营养", "贫营养"),
        ("30", "中营养", "中营养"),  # "30–50" includes 30 in both readings
        ("50", "中营养", "轻度富营养"),  # Q15: "> 50" is eutrophic, so 50 is 中营养
        ("50.01", "轻度富营养", "轻度富营养"),
        ("60", "轻度富营养", "中度富营养"),
        ("60.01", "中度富营养", "中度富营养"),
        ("70", "中度富营养", "重度富营养"),
        ("70.01", "重度富营养", "重度富营养"),
    ],
)
def test_grade_boundaries(value: str, table: str, lower_closed: str) -> None:
    assert trophic_grade(value) == table
    rules = dataclasses.replace(DEFAULT_RULES, tli_boundaries=TrophicBoundaryRule.LOWER_CLOSED)
    assert trophic_grade(value, rules=rules) == lower_closed


def test_missing_parameter_gives_no_index() -> None:
    state = tli(10, 0.05, None, 1.0, float("nan"))
    assert state.value is None
    assert state.grade is None
    assert state.missing == (TliParameter.TN, TliParameter.CODMN)
    assert set(state.per_parameter) == {TliParameter.CHLA, TliParameter.TP, TliParameter.SD}


@pytest.mark.parametrize("bad", [0, -1.0])
def test_non_positive_values_are_rejected(bad: float) -> None:
    with pytest.raises(ValidationError, match="TP"):
        tli(10, bad, 1.0, 1.0, 4)


def test_grade_of_decimal_value() -> None:
    assert not TrophicGrade.MESOTROPHIC.is_eutrophic
    assert trophic_grade(Decimal("48.0181")) is TrophicGrade.MESOTROPHIC
