"""Black-and-odorous grading [BOW2015]: thresholds from secondary copies of the 2015 guideline's
table (reference water Q16, decision 0003-water.md) — tests of the documented choice."""

from __future__ import annotations

import pytest

from ecowarden.errors import ValidationError
from ecowarden.standards.water import (
    BlackOdorousGrade,
    BlackOdorousThresholds,
    black_odorous_grade,
    black_odorous_point_grade,
)

NONE, LIGHT, SEVERE = BlackOdorousGrade.NONE, BlackOdorousGrade.LIGHT, BlackOdorousGrade.SEVERE
CLEAN = {"transparency_cm": 40, "do": 5.0, "orp_mv": 150, "nh3n": 1.0}


def _grade(**changes: float) -> BlackOdorousGrade:
    return black_odorous_grade(**{**CLEAN, **changes}).grade  # type: ignore[arg-type]


def test_clean_water_is_not_black_odorous() -> None:
    assert _grade() is NONE


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        # transparency: 轻度 25～10, 重度 < 10 — the boundary 25 is 轻度's upper end, 10 its lower
        ("transparency_cm", 25.1, NONE),
        ("transparency_cm", 24.9, LIGHT),
        ("transparency_cm", 10, LIGHT),
        ("transparency_cm", 9.9, SEVERE),
        # DO: 轻度 0.2～2.0, 重度 < 0.2
        ("do", 2.01, NONE),
        ("do", 2.0, LIGHT),
        ("do", 0.2, LIGHT),
        ("do", 0.19, SEVERE),
        # ORP: 轻度 −200～50, 重度 < −200
        ("orp_mv", 51, NONE),
        ("orp_mv", 50, LIGHT),
        ("orp_mv", -200, LIGHT),
        ("orp_mv", -201, SEVERE),
        # NH3-N: 轻度 8.0～15, 重度 > 15
        ("nh3n", 7.99, NONE),
        ("nh3n", 8.0, LIGHT),
        ("nh3n", 15, LIGHT),
        ("nh3n", 15.01, SEVERE),
    ],
)
def test_each_item_boundary(item: str, value: float, expected: BlackOdorousGrade) -> None:
    assert _grade(**{item: value}) is expected


def test_worst_item_decides_the_sample() -> None:
    result = black_odorous_grade(20, 1.0, -250, 3.0)
    assert result.grade is SEVERE
    assert result.per_item == {
        "透明度": LIGHT,
        "溶解氧": LIGHT,
        "氧化还原电位": SEVERE,
        "氨氮": NONE,
    }


def test_shallow_water_uses_40_percent_of_depth() -> None:
    # depth 20 cm < 25 cm: both transparency limits become 0.4 × 20 = 8 cm
    assert black_odorous_grade(9, 5.0, 150, 1.0, depth_cm=20).grade is NONE
    assert black_odorous_grade(7.9, 5.0, 150, 1.0, depth_cm=20).grade is SEVERE


def test_thresholds_are_switchable() -> None:
    # the dissenting copy's 重度 ammonia limit "> 8.0"
    strict = BlackOdorousThresholds(nh3n_severe_mg_l=BlackOdorousThresholds().nh3n_light_mg_l)
    assert black_odorous_grade(40, 5.0, 150, 9.0, thresholds=strict).grade is SEVERE


def test_point_grade_one_item_in_60_percent_of_samples() -> None:
    severe = black_odorous_grade(5, 5.0, 150, 1.0)  # transparency 重度 only
    light = black_odorous_grade(20, 5.0, 150, 1.0)
    # 3 of 5 = 60 % at 重度 → 重度; 2 of 5 = 40 % with one item → 轻度
    assert black_odorous_point_grade([severe] * 3 + [light] * 2) is SEVERE
    assert black_odorous_point_grade([severe] * 2 + [light] * 3) is LIGHT


def test_point_grade_two_items_in_30_percent_of_samples() -> None:
    both = black_odorous_grade(5, 0.1, 150, 1.0)  # transparency and DO at 重度
    clean = black_odorous_grade(**CLEAN)  # type: ignore[arg-type]
    # 3 of 10 = 30 % for two items → 重度
    assert black_odorous_point_grade([both] * 3 + [clean] * 7) is SEVERE
    assert black_odorous_point_grade([both] * 2 + [clean] * 8) is LIGHT
    assert black_odorous_point_grade([clean] * 4) is NONE


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((-1, 5.0, 150, 1.0), "transparency"),
        ((40, -0.1, 150, 1.0), "DO"),
        ((40, 5, 150, -2), "NH3-N"),
    ],
)
def test_negative_values_are_refused(args: tuple[float, ...], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        black_odorous_grade(*args)


def test_point_without_samples_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one sample"):
        black_odorous_point_grade([])
