"""IAQI of one indicator: HJ 633-2012 §4.2 and HJ 633-2026 §4.2.2–§4.2.6 (reference §2)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import StandardNotFound, UnknownNameError, ValidationError
from ecowarden.standards.air.breakpoints import (
    BREAKPOINT_COLUMN,
    BREAKPOINTS,
    IAQI_ROWS,
    TABLE_UNITS_PER_UNIT,
    Item,
)
from ecowarden.standards.air.editions import AqiStandard
from ecowarden.standards.air.iaqi import (
    BeyondTable,
    IAQIValue,
    IndexPolicy,
    iaqi,
    iaqi_detail,
    reported_concentration,
    round_half_even_array,
)
from ecowarden.standards.rounding import round_half_even

Y2012 = "HJ 633-2012"
Y2026 = "HJ 633-2026"


def _both_paths(item: str, value: float | str, standard: str) -> tuple[int | None, int | None]:
    scalar = iaqi(item, value, standard=standard)
    element = iaqi(item, np.array([float(value)]), standard=standard)[0]
    return (
        None if scalar is None else int(scalar),
        None if element is np.ma.masked else int(element),
    )


# --- every table cell ------------------------------------------------------------------------

CELLS = [
    (standard.value, item.value, str(Decimal(bp) / TABLE_UNITS_PER_UNIT[item.pollutant]), row)
    for standard, columns in BREAKPOINTS.items()
    for item, column in columns.items()
    for bp, row in zip(column, IAQI_ROWS, strict=False)
]


@pytest.mark.parametrize(("standard", "item", "concentration", "expected"), CELLS)
def test_iaqi_on_every_breakpoint_is_the_table_iaqi(
    standard: str, item: str, concentration: str, expected: int
) -> None:
    # On a breakpoint both adjacent segments give the printed IAQI (reference §2.4).
    assert _both_paths(item, concentration, standard) == (expected, expected)


@pytest.mark.parametrize(
    ("item", "concentration", "expected"),
    [
        ("PM25_1H", "60", 100),  # HJ 633-2026 §4.2.4: PM 1-h on the 日平均 column
        ("PM25_1H", "115", 150),
        ("PM10_1H", "120", 100),
        ("PM10_1H", "600", 500),
    ],
)
def test_pm_1h_cells_under_2026_use_the_daily_column(
    item: str, concentration: str, expected: int
) -> None:
    assert _both_paths(item, concentration, Y2026) == (expected, expected)


# --- worked values with their derivation (reference §2.4, §11) -------------------------------


@pytest.mark.parametrize(
    ("item", "concentration", "standard", "expected"),
    [
        # 50 + 50·(55 − 35)/(75 − 35) = 75      HJ 633-2012 Table 1
        ("PM25_24H", 55, Y2012, 75),
        # 50 + 50·(55 − 35)/(60 − 35) = 90      HJ 633-2026 Table 3
        ("PM25_24H", 55, Y2026, 90),
        # 50 + 50·1/40 = 51.25 → ceiling 52 (not 51)
        ("PM25_24H", 36, Y2012, 52),
        # 50 + 50·1/25 = 52
        ("PM25_24H", 36, Y2026, 52),
        # 100 + 50·1/100 = 100.5 → 101
        ("PM10_24H", 151, Y2012, 101),
        # 100 + 50·31/130 = 111.92 → 112
        ("PM10_24H", 151, Y2026, 112),
        # 50 + 50·(100 − 50)/(150 − 50) = 75
        ("SO2_24H", 100, Y2012, 75),
        ("SO2_24H", 100, Y2026, 75),
        # 100 + 50·(300 − 150)/(475 − 150) = 123.08 → 124
        ("SO2_24H", 300, Y2012, 124),
        ("SO2_24H", 300, Y2026, 124),
        # 100 + 50·(250 − 200)/(700 − 200) = 105
        ("NO2_1H", 250, Y2012, 105),
        ("NO2_1H", 250, Y2026, 105),
        # CO 2.2 mg/m³: 50 + 50·0.2/2 = 55 exactly; binary floats give 55.000…01 → 56
        ("CO_24H", 2.2, Y2012, 55),
        ("CO_24H", 2.2, Y2026, 55),
        # 50 + 50·0.5/2 = 62.5 → 63
        ("CO_24H", 2.5, Y2012, 63),
        ("CO_24H", 2.5, Y2026, 63),
        # 100 + 50·(170 − 160)/(215 − 160) = 109.09 → 110
        ("O3_8H", 170, Y2012, 110),
        ("O3_8H", 170, Y2026, 110),
        # 2012 indexes 35.1 as written: 50 + 50·0.1/40 = 50.125 → 51
        ("PM25_24H", 35.1, Y2012, 51),
        # 2026 rounds 35.1 → 35 first (GB/T 8170): 50
        ("PM25_24H", 35.1, Y2026, 50),
        # round once from the exact value: 35.46 → 35 (not 35.46 → 35.5 → 36) → 50
        ("PM25_24H", 35.46, Y2026, 50),
        # half to even: 36.5 → 36 → 52; 37.5 → 38 → 50 + 50·3/25 = 56
        ("PM25_24H", 36.5, Y2026, 52),
        ("PM25_24H", 37.5, Y2026, 56),
        # PM2.5 1-h 90 on the daily column: 100 + 50·(90 − 60)/(115 − 60) = 127.27 → 128
        ("PM25_1H", 90, Y2026, 128),
        # CO to 0.1 half to even: 1.35 → 1.4 → 50·1.4/2 = 35; 1.25 → 1.2 → 30
        ("CO_24H", 1.35, Y2026, 35),
        ("CO_24H", 1.25, Y2026, 30),
        # 2.05 → 2.0 → 50; 2.15 → 2.2 → 55
        ("CO_24H", 2.05, Y2026, 50),
        ("CO_24H", 2.15, Y2026, 55),
        # 2012 has no pre-rounding: 50 + 50·0.05/2 = 51.25 → 52
        ("CO_24H", 2.05, Y2012, 52),
        # exact lattice point: 35.8 gives 50 + 50·0.8/40 = 51 exactly (float 35.8 is not)
        ("PM25_24H", 35.8, Y2012, 51),
        # the next float above 35.8 is above the lattice point: 51.000…1 → 52
        ("PM25_24H", math.nextafter(35.8, math.inf), Y2012, 52),
        # 50·2.2/2 + … : the next float above 2.2 → just above 55 → 56
        ("CO_24H", math.nextafter(2.2, math.inf), Y2012, 56),
        ("PM25_24H", 0, Y2012, 0),
        ("PM25_24H", 0, Y2026, 0),
        ("NO2_1H", 3840, Y2012, 500),
    ],
)
def test_iaqi_worked_values(item: str, concentration: float, standard: str, expected: int) -> None:
    assert _both_paths(item, concentration, standard) == (expected, expected)


def test_decimal_and_string_inputs_are_exact() -> None:
    # 50 + 50·(35.1 − 35)/40 = 50.125 → 51
    assert iaqi("PM25_24H", Decimal("35.1"), standard=Y2012) == 51
    assert iaqi("PM25_24H", "35.1", standard=Y2012) == 51
    # a string with more digits than a float holds: just above the lattice point 35.8
    assert iaqi("PM25_24H", "35.80000000000000000001", standard=Y2012) == 52
    assert iaqi("PM25_24H", np.float64(55.0)) == 90
    assert iaqi("PM25_24H", np.int32(55)) == 90


# --- rules above 800 µg/m³ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "concentration", "expected", "special"),
    [
        ("SO2_1H", 850, 200, True),  # HJ 633-2026 Table 3 note b
        ("O3_8H", 850, 300, True),  # note c
        ("SO2_1H", 800, 200, False),  # "高于" is strict: 800 is the table cell
        ("O3_8H", 800, 300, False),
        ("SO2_1H", 800.4, 200, False),  # rounded to 800 first
        ("SO2_1H", 800.5, 200, False),  # half to even: 800
        ("SO2_1H", 800.6, 200, True),  # rounded to 801: above 800
    ],
)
def test_2026_rules_above_800(
    item: str, concentration: float, expected: int, special: bool
) -> None:
    detail = iaqi_detail(item, concentration, standard=Y2026)
    assert detail.iaqi == expected
    assert detail.special_rule_800 is special
    assert detail.iaqi is not None
    assert detail.iaqi.special_rule_800 is special
    assert not detail.beyond_table
    array = iaqi_detail(item, np.array([concentration]), standard=Y2026)
    assert array.iaqi[0] == expected
    assert bool(array.special_rule_800[0]) is special


@pytest.mark.parametrize(("item", "concentration"), [("SO2_1H", 850), ("O3_8H", 800.001)])
def test_2012_value_above_800_gives_no_index(item: str, concentration: float) -> None:
    # HJ 633-2012 notes (2), (3): no IAQI from that value; aqi() substitutes.
    detail = iaqi_detail(item, concentration, standard=Y2012)
    assert detail.iaqi is None
    assert detail.special_rule_800
    assert not detail.missing
    assert detail.concentration == Decimal(str(concentration))
    assert iaqi(item, concentration, standard=Y2012) is None
    array = iaqi_detail(item, np.array([concentration, 800.0]), standard=Y2012)
    assert array.iaqi.mask.tolist() == [True, False]
    # at 800 the table applies: SO2 1-h 800 → 200, O3 8-h 800 → 300
    assert array.iaqi[1] == (200 if item == "SO2_1H" else 300)
    assert array.special_rule_800.tolist() == [True, False]
    assert array.missing.tolist() == [False, False]


# --- above the table, zero, missing ----------------------------------------------------------


@pytest.mark.parametrize("standard", [Y2012, Y2026])
def test_above_the_table_is_500_with_a_flag_and_the_raw_concentration(standard: str) -> None:
    # Reference OQ-9: never extrapolate; 500 with beyond_table; concentration kept.
    detail = iaqi_detail("PM25_24H", 600, standard=standard)
    assert detail.iaqi == 500
    assert detail.iaqi is not None
    assert detail.iaqi.beyond_table
    assert detail.beyond_table
    assert detail.concentration == Decimal(600)
    array = iaqi_detail("PM25_24H", np.array([600.0, 500.0]), standard=standard)
    assert array.iaqi.tolist() == [500, 500]
    assert array.beyond_table.tolist() == [True, False]


def test_just_above_the_top_breakpoint() -> None:
    # 2026 rounds 3840.4 to 3840 (the top cell, 500, not beyond); 3840.6 → 3841 beyond.
    assert not iaqi_detail("NO2_1H", 3840.4, standard=Y2026).beyond_table
    assert iaqi_detail("NO2_1H", 3840.6, standard=Y2026).beyond_table
    # 2012 indexes as written: 3840.4 is beyond the table.
    assert iaqi_detail("NO2_1H", 3840.4, standard=Y2012).beyond_table
    # CO 1-h: 150.04 → 150.0 (top), 150.06 → 150.1 beyond
    assert not iaqi_detail("CO_1H", 150.04).beyond_table
    assert iaqi_detail("CO_1H", 150.06).beyond_table
    values = np.array([3840.4, 3840.6, 1e300])
    assert iaqi_detail("NO2_1H", values).beyond_table.tolist() == [False, True, True]


def test_beyond_table_policy_no_index() -> None:
    policy = IndexPolicy(beyond_table=BeyondTable.NO_INDEX)
    detail = iaqi_detail("PM25_24H", 600, policy=policy)
    assert detail.iaqi is None
    assert detail.beyond_table
    array = iaqi_detail("PM25_24H", np.array([600.0, 55.0]), policy=policy)
    assert array.iaqi.mask.tolist() == [True, False]
    assert array.iaqi[1] == 90
    assert array.beyond_table.tolist() == [True, False]


@pytest.mark.parametrize("missing", [None, float("nan"), Decimal("NaN")])
def test_missing_scalar_gives_none_not_zero(missing: float | Decimal | None) -> None:
    assert iaqi("PM25_24H", missing) is None
    detail = iaqi_detail("PM25_24H", missing)
    assert detail.missing
    assert detail.concentration is None


def test_missing_array_elements_are_masked() -> None:
    result = iaqi("PM25_24H", np.array([np.nan, 55.0, np.nan]))
    assert result.mask.tolist() == [True, False, True]
    assert result[1] == 90
    detail = iaqi_detail("PM25_24H", np.array([np.nan, 55.0]))
    assert detail.missing.tolist() == [True, False]
    assert not detail.invalid.any()
    assert detail.problems == ""


def test_array_shape_and_dtype() -> None:
    values = np.array([[35.0, 60.0], [np.nan, 0.0]])
    result = iaqi("PM25_24H", values)
    assert result.shape == (2, 2)
    assert result.dtype == np.int16
    assert result.filled(-9).tolist() == [[50, 100], [-9, 0]]
    assert iaqi("PM25_24H", np.array([55, 60], dtype=np.int64)).tolist() == [90, 100]


# --- bad input -------------------------------------------------------------------------------


def test_unknown_item_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="PM25_24H") as info:
        iaqi("PM2.5", 55)
    assert "PM2.5" in str(info.value)


def test_unknown_standard_lists_valid_names() -> None:
    with pytest.raises(StandardNotFound, match="HJ 633-2012, HJ 633-2026"):
        iaqi("PM25_24H", 55, standard="HJ 633-2019")


def test_pm_1h_has_no_index_under_2012() -> None:
    # HJ 633-2012 §5.1.3: PM 1-h values are shown, not indexed; no invented index.
    with pytest.raises(UnknownNameError, match="shown, not indexed") as info:
        iaqi("PM25_1H", 90, standard=Y2012)
    assert "PM25_24H" in info.value.valid
    assert "PM25_1H" not in info.value.valid


def test_explicit_column_of_the_same_pollutant() -> None:
    # The national-release profile: PM2.5 1-h on the 2012 24-h column;
    # 90 lies in 75–115: 100 + 50·(90 − 75)/(115 − 75) = 118.75 → 119
    detail = iaqi_detail("PM25_1H", 90, standard=Y2012, column="PM25_24H")
    assert detail.iaqi == 119
    assert detail.column is Item.PM25_24H
    with pytest.raises(ValidationError, match="PM25_1H"):
        iaqi_detail("PM25_1H", 90, standard=Y2012, column="PM10_24H")


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        (-1, r"PM25_24H: negative concentration -1"),
        (-0.5, r"PM25_24H: negative concentration -0\.5"),
        ("abc", r"PM25_24H: .*'abc'"),
        (True, r"PM25_24H: .*True"),
        (float("inf"), r"PM25_24H: .*inf"),
        ([55], r"PM25_24H: .*list"),
    ],
)
def test_bad_scalar_values_raise_naming_item_and_value(value: object, pattern: str) -> None:
    with pytest.raises(ValidationError, match=pattern):
        iaqi("PM25_24H", value)  # type: ignore[call-overload]


def test_bad_array_values() -> None:
    values = np.array([55.0, -3.0, np.inf, np.nan, -np.inf])
    with pytest.raises(ValidationError, match=r"PM25_24H: 3 negative or infinite values"):
        iaqi("PM25_24H", values)
    detail = iaqi_detail("PM25_24H", values)
    assert detail.invalid.tolist() == [False, True, True, False, True]
    assert detail.missing.tolist() == [False, False, False, True, False]
    assert detail.iaqi.mask.tolist() == [False, True, True, True, True]
    assert not detail.beyond_table.any()
    assert detail.problems == "PM25_24H: 3 negative or infinite values, first -3.0 at index 1"
    with pytest.raises(ValidationError, match="PM25_24H: expected a numeric array"):
        iaqi("PM25_24H", np.array(["55"]))
    with pytest.raises(ValidationError, match="dtype bool"):
        iaqi("PM25_24H", np.array([True]))


# --- the int that carries flags, reported concentrations, array rounding ---------------------


def test_iaqi_value_is_an_int() -> None:
    value = IAQIValue(52, beyond_table=False, special_rule_800=True)
    assert value == 52
    assert isinstance(value, int)
    assert str(value) == "52"
    assert f"{value}" == "52"
    assert hash(value) == hash(52)
    assert value + 1 == 53
    assert value.special_rule_800
    assert not value.beyond_table


@pytest.mark.parametrize(
    ("item", "value", "standard", "expected"),
    [
        ("PM25_24H", 36.5, Y2026, "36"),
        ("PM25_24H", 35.46, Y2026, "35"),
        ("CO_24H", 1.35, Y2026, "1.4"),
        ("CO_24H", "0.95", Y2026, "1.0"),
        ("PM25_24H", 35.1, Y2012, "35.1"),
        ("CO_24H", 1.35, Y2012, "1.35"),
    ],
)
def test_reported_concentration(item: str, value: float, standard: str, expected: str) -> None:
    assert reported_concentration(item, value, standard=standard) == Decimal(expected)


def test_reported_concentration_missing() -> None:
    assert reported_concentration("PM25_24H", None, standard=Y2026) is None


@pytest.mark.parametrize(
    ("values", "decimals", "expected"),
    [
        # GB/T 8170: 36.5 → 36, 35.46 → 35, 22.5 → 22, 23.5 → 24, 22.51 → 23, 0.5 → 0
        ([36.5, 35.46, 22.5, 23.5, 22.51, 0.5], 0, [36, 35, 22, 24, 23, 0]),
        # 1.35 → 1.4 (the float is 1.3500000000000000888), 1.25 → 1.2, 2.05 → 2.0,
        # 2.15 → 2.2, 0.05 → 0.0, 0.15 → 0.2, 0.3 → 0.3
        ([1.35, 1.25, 2.05, 2.15, 0.05, 0.15, 0.3], 1, [14, 12, 20, 22, 0, 2, 3]),
    ],
)
def test_round_half_even_array_examples(
    values: list[float], decimals: int, expected: list[int]
) -> None:
    assert round_half_even_array(np.array(values), decimals).tolist() == expected


def test_np_round_is_not_gbt8170_on_the_written_value() -> None:
    # Why the array path does not use numpy.round for 0.1 mg/m³: it rounds the binary
    # product v·10, whose rounding can land on the half the written value is not on.
    # 0.8500000000000001 is written above 0.85 → 0.9; 3.3499999999999996 below 3.35 → 3.3.
    written = [0.8500000000000001, 3.3499999999999996]
    assert [int(round_half_even(v, 1) * 10) for v in written] == [9, 33]
    assert np.round(np.array(written), 1).tolist() == [0.8, 3.4]
    assert round_half_even_array(np.array(written), 1).tolist() == [9, 33]


# --- properties ------------------------------------------------------------------------------

ITEMS_2012 = sorted(BREAKPOINT_COLUMN[AqiStandard.HJ633_2012])
ITEMS_2026 = sorted(BREAKPOINT_COLUMN[AqiStandard.HJ633_2026])
# Written decimals with halves: integers, tenths (x.5), hundredths (x.x5), and any float.
WRITTEN = st.one_of(
    st.integers(0, 8000).map(float),
    st.integers(0, 80000).map(lambda k: k / 10),
    st.integers(0, 400000).map(lambda k: k / 100),
    st.integers(0, 4000000).map(lambda k: k / 1000),
    st.floats(0, 5000, allow_nan=False, allow_infinity=False),
    # the floats next to written halves and lattice points
    st.tuples(st.integers(0, 400000), st.sampled_from([-math.inf, math.inf])).map(
        lambda kd: abs(math.nextafter(kd[0] / 100, kd[1]))
    ),
)
PAIRS = st.one_of(
    st.tuples(st.just(Y2012), st.sampled_from(ITEMS_2012)),
    st.tuples(st.just(Y2026), st.sampled_from(ITEMS_2026)),
)


@settings(max_examples=300, deadline=None)
@given(PAIRS, st.lists(WRITTEN, min_size=1, max_size=20))
def test_array_path_equals_scalar_path(pair: tuple[str, Item], values: list[float]) -> None:
    standard, item = pair
    array = iaqi_detail(item, np.array(values), standard=standard)
    for i, value in enumerate(values):
        scalar = iaqi_detail(item, value, standard=standard)
        element = array.iaqi[i]
        assert (None if element is np.ma.masked else int(element)) == scalar.iaqi, value
        assert bool(array.beyond_table[i]) == scalar.beyond_table
        assert bool(array.special_rule_800[i]) == scalar.special_rule_800


@settings(max_examples=300, deadline=None)
@given(PAIRS, WRITTEN, WRITTEN)
def test_iaqi_is_monotone_and_within_0_to_500(pair: tuple[str, Item], a: float, b: float) -> None:
    standard, item = pair
    low, high = sorted((a, b))
    first = iaqi(item, low, standard=standard)
    second = iaqi(item, high, standard=standard)
    if first is not None and second is not None:
        assert 0 <= first <= second <= 500
    elif first is None:  # only the HJ 633-2012 >800 rule gives no index
        assert second is None


@settings(max_examples=200, deadline=None)
@given(PAIRS, WRITTEN)
def test_iaqi_is_the_ceiling_of_the_exact_formula(pair: tuple[str, Item], value: float) -> None:
    standard, item = pair
    detail = iaqi_detail(item, value, standard=standard)
    if detail.exact is None or detail.beyond_table or detail.special_rule_800:
        return
    assert detail.iaqi == math.ceil(detail.exact)
    assert detail.exact > detail.iaqi - 1
    assert isinstance(detail.exact, Fraction)
