"""HJ 640-2012 grading tables and averages (reference §3.1–§3.2; N23, N25 in the vectors)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise import (
    Grade,
    RoadSegment,
    grade_regional,
    grade_road,
    regional_average,
    road_average,
)

# HJ 640-2012 Table 1 (regional) and Table 2 (road), dB(A): the last value of each grade and
# the first of the next, on the reported 0.1 dB value.
REGIONAL = {
    "day": [
        *[(50.0, "一级"), (50.1, "二级"), (55.0, "二级"), (55.1, "三级")],
        *[(60.0, "三级"), (60.1, "四级"), (65.0, "四级"), (65.1, "五级")],
    ],
    "night": [
        *[(40.0, "一级"), (40.1, "二级"), (45.0, "二级"), (45.1, "三级")],
        *[(50.0, "三级"), (50.1, "四级"), (55.0, "四级"), (55.1, "五级")],
    ],
}
ROAD = {
    "day": [
        *[(68.0, "一级"), (68.1, "二级"), (70.0, "二级"), (70.1, "三级")],
        *[(72.0, "三级"), (72.1, "四级"), (74.0, "四级"), (74.1, "五级")],
    ],
    "night": [
        *[(58.0, "一级"), (58.1, "二级"), (60.0, "二级"), (60.1, "三级")],
        *[(62.0, "三级"), (62.1, "四级"), (64.0, "四级"), (64.1, "五级")],
    ],
}


@pytest.mark.parametrize(
    ("period", "level", "grade"),
    [(p, level, g) for p, rows in REGIONAL.items() for level, g in rows],
)
def test_regional_table_1_boundaries(period: str, level: float, grade: str) -> None:
    result = grade_regional(level, period)
    assert result is not None
    assert result.grade is Grade(grade)


@pytest.mark.parametrize(
    ("period", "level", "grade"),
    [(p, level, g) for p, rows in ROAD.items() for level, g in rows],
)
def test_road_table_2_boundaries(period: str, level: float, grade: str) -> None:
    result = grade_road(level, period)
    assert result is not None
    assert result.grade is Grade(grade)


def test_grade_labels() -> None:
    assert [g.label for g in Grade] == ["好", "较好", "一般", "较差", "差"]


@pytest.mark.parametrize(
    ("level", "reported", "grade"),
    [
        (50.04, 50.0, Grade.GOOD),  # 50.04 → 50.0 → 一级
        (50.05, 50.0, Grade.GOOD),  # half to even → 50.0 → 一级
        (50.06, 50.1, Grade.FAIRLY_GOOD),  # 50.1 → 二级
    ],
)
def test_grades_read_the_reported_value(level: float, reported: float, grade: Grade) -> None:
    result = grade_regional(level, "day")
    assert result is not None
    assert (result.level_db, result.grade) == (reported, grade)


def test_grade_without_rounding_reads_the_raw_value() -> None:
    # decimals=None (N-Q2 switch): 50.04 > 50.0 → 二级
    result = grade_regional(50.04, "day", decimals=None)
    assert result is not None
    assert result.grade is Grade.FAIRLY_GOOD


def test_missing_level_is_not_graded() -> None:
    assert grade_road(None, "day") is None
    assert grade_road(math.nan, "night") is None


def test_unknown_period_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="day, night"):
        grade_road(70.0, "evening")


def test_grade_refuses_implausible_levels() -> None:
    with pytest.raises(ValidationError, match=r"level 300\.0 dB"):
        grade_regional(300.0, "day")


def test_road_average_is_length_weighted() -> None:
    # (100·70.0 + 300·66.0)/400 = (7000 + 19800)/400 = 67.0   HJ 640-2012
    average = road_average([RoadSegment(100, 70.0), RoadSegment(300, 66.0)])
    assert average.level_db == 67.0
    assert (average.length_m, average.segments, average.segments_missing) == (400.0, 2, 0)


def test_road_average_is_exact_at_a_half() -> None:
    # (1·70.1 + 1·70.2)/2 = 70.15 exactly → 70.2 (half to even: 1 is odd); a float mean
    # gives 70.14999… and would report 70.1
    average = road_average([RoadSegment(1.0, 70.1), RoadSegment(1.0, 70.2)])
    assert average.level_db == 70.2


def test_road_average_leaves_unmonitored_segments_out() -> None:
    # (200·68.0 + 200·72.0)/400 = 70.0; the 1 km segment without a level is counted missing
    average = road_average(
        [RoadSegment(200, 68.0), RoadSegment(1000, None), RoadSegment(200, 72.0)]
    )
    assert (average.level_db, average.length_m, average.segments_missing) == (70.0, 400.0, 1)


def test_road_average_of_nothing() -> None:
    average = road_average([RoadSegment(100, None)])
    assert average.level_db is None
    assert average.segments == 0


@pytest.mark.parametrize("length", [0.0, -5.0, math.inf, math.nan])
def test_road_segment_length_must_be_positive(length: float) -> None:
    with pytest.raises(ValidationError, match="road segment length"):
        road_average([RoadSegment(length, 70.0)])


def test_regional_average_skips_invalid_cells() -> None:
    # 101 valid cells: 100 at 55.0 and one at 56.0 → (5500 + 56)/101 = 55.0099 → 55.0;
    # 3 invalid (NaN) cells left out
    grid = np.array([55.0] * 100 + [56.0] + [np.nan] * 3).reshape(8, 13)
    average = regional_average(grid)
    assert average.level_db == 55.0
    assert (average.cells_valid, average.cells_missing) == (101, 3)
    assert average.enough_cells is True


def test_regional_average_sd() -> None:
    # 52, 54, 56, 58: mean 55, squares 9 + 1 + 1 + 9 = 20, SD = √(20/3) = 2.58 → 2.6
    average = regional_average([52.0, 54.0, 56.0, 58.0], min_valid_cells=4)
    assert average.level_db == 55.0
    assert average.sd_db == 2.6
    assert average.enough_cells is True


def test_regional_average_of_one_cell_has_no_sd() -> None:
    average = regional_average([53.3, None])
    assert (average.level_db, average.sd_db, average.cells_missing) == (53.3, None, 1)


def test_regional_average_of_nothing() -> None:
    average = regional_average([np.nan, np.nan])
    assert average.level_db is None
    assert average.enough_cells is False


def test_regional_average_unrounded_switch() -> None:
    # (52.3 + 55.1 + 49.8 + 57.1)/4 = 53.575 exactly
    assert regional_average([52.3, 55.1, 49.8, 57.1], decimals=None).level_db == 53.575
