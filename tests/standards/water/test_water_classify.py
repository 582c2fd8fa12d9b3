"""GB 3838-2002 Table 1 classification, section class, main pollutants, labels.

Every table cell is checked on its limit (equality belongs to the class) and just past it.
Vectors W01–W13 of water-noise-vectors.json are run as written.
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
    Colour,
    Item,
    NotDetected,
    QualityStatus,
    WaterClass,
    class_limits,
    classify_item,
    classify_sample,
    exceedance_multiple,
    meets_target,
    quality_label,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


def water_vectors() -> dict[str, dict[str, Any]]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    return {v["id"]: v for v in vectors if v["id"].startswith("W")}


# Vector ids exercised in this test tree (file that runs each in brackets).
COVERED_VECTORS = {
    "W01",  # here
    "W03",  # here
    "W05",  # here
    "W07",  # here
    "W09",  # here
    "W11",  # here
    "W13",  # here
    "W15",  # test_water_statistics.py
    "W17",  # test_water_assessment.py
    "W19",  # test_water_cwqi.py
    "W21",  # test_water_cwqi.py
    "W23",  # test_water_drinking.py
    "W25",  # test_water_statistics.py
}


def test_every_water_vector_is_covered() -> None:
    assert set(water_vectors()) == COVERED_VECTORS


# GB 3838-2002 Table 1, typed again from the reference §2 (not imported from the code):
# Class I, II, III, IV, V limits, "not higher than" items, mg/L (fecal coliform 个/L).
TABLE1_LE_RIVER = {
    "CODMn": ("2", "4", "6", "10", "15"),
    "COD": ("15", "15", "20", "30", "40"),
    "BOD5": ("3", "3", "4", "6", "10"),
    "NH3-N": ("0.15", "0.5", "1.0", "1.5", "2.0"),
    "TP": ("0.02", "0.1", "0.2", "0.3", "0.4"),
    "Cu": ("0.01", "1.0", "1.0", "1.0", "1.0"),
    "Zn": ("0.05", "1.0", "1.0", "2.0", "2.0"),
    "F": ("1.0", "1.0", "1.0", "1.5", "1.5"),
    "Se": ("0.01", "0.01", "0.01", "0.02", "0.02"),
    "As": ("0.05", "0.05", "0.05", "0.1", "0.1"),
    "Hg": ("0.00005", "0.00005", "0.0001", "0.001", "0.001"),
    "Cd": ("0.001", "0.005", "0.005", "0.005", "0.01"),
    "Cr6": ("0.01", "0.05", "0.05", "0.05", "0.1"),
    "Pb": ("0.01", "0.01", "0.05", "0.05", "0.1"),
    "CN": ("0.005", "0.05", "0.2", "0.2", "0.2"),
    "volatile_phenol": ("0.002", "0.002", "0.005", "0.01", "0.1"),
    "petroleum": ("0.05", "0.05", "0.05", "0.5", "1.0"),
    "LAS": ("0.2", "0.2", "0.2", "0.3", "0.3"),
    "S2-": ("0.05", "0.1", "0.2", "0.5", "1.0"),
    "fecal_coliform": ("200", "2000", "10000", "20000", "40000"),
}
TABLE1_LE_LAKE_ONLY = {
    "TP": ("0.01", "0.025", "0.05", "0.1", "0.2"),  # "湖、库" row
    "TN": ("0.2", "0.5", "1.0", "1.5", "2.0"),  # "湖、库" only
}
DO_LIMITS = ("7.5", "6", "5", "3", "2")  # "not lower than"; Class I 7.5 (Q1)
CLASSES = ("I", "II", "III", "IV", "V")
EPSILON = Decimal("1E-9")  # far below every limit's last digit


def _le_cells() -> list[tuple[str, str, str, str, str]]:
    """(item, water body, value, expected class, why) for every cell of the ≤ items."""
    cells = []
    tables = [("river", TABLE1_LE_RIVER), ("lake", TABLE1_LE_LAKE_ONLY)]
    for body, table in tables:
        for item, limits in table.items():
            for k, limit in enumerate(limits):
                # on the limit: the best class whose limit is this value (shared limits)
                best = CLASSES[limits.index(limit)]
                cells.append((item, body, limit, best, f"{item} = {limit} ≤ {best} limit"))
                # just above: the first class whose limit is larger, else 劣V
                above = next((CLASSES[j] for j in range(k, 5) if limits[j] != limit), "劣V")
                value = str(Decimal(limit) + EPSILON)
                cells.append((item, body, value, above, f"{item} = {value} > {limit}"))
    return cells


@pytest.mark.parametrize(("item", "body", "value", "expected", "why"), _le_cells())
def test_table1_not_higher_than_cells(
    item: str, body: str, value: str, expected: str, why: str
) -> None:
    assert classify_item(item, value, water_body=body) == expected, why


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7.5", "I"),  # on the Class I limit: "not lower than" is inclusive
        ("7.499999999", "II"),
        ("6", "II"),
        ("5.999999999", "III"),
        ("5", "III"),
        ("4.999999999", "IV"),
        ("3", "IV"),
        ("2.999999999", "V"),
        ("2", "V"),
        ("1.999999999", "劣V"),
        ("0", "劣V"),
        ("12", "I"),
    ],
)
def test_do_is_reversed(value: str, expected: str) -> None:
    assert classify_item("DO", value) == expected


def test_do_saturation_variant_is_switchable() -> None:
    # Q1 alternative: Class I when DO ≥ 90 % of saturation; saturation 9.0 → limit 8.1 mg/L
    assert classify_item("DO", "8.1", do_saturation_mg_per_l="9.0") == "I"
    assert classify_item("DO", "8.0", do_saturation_mg_per_l="9.0") == "II"
    # default 7.5 mg/L: 8.0 is Class I
    assert classify_item("DO", "8.0") == "I"
    with pytest.raises(ValidationError, match="saturation"):
        classify_item("DO", "8.0", do_saturation_mg_per_l=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6", "I"), ("9", "I"), ("7.4", "I"), ("5.99", "劣V"), ("9.01", "劣V"), ("0", "劣V")],
)
def test_ph_range(value: str, expected: str) -> None:
    # Q2: inside 6–9 pH shows "I" and never limits; outside → 劣V
    assert classify_item("pH", value) == expected


def test_tp_depends_on_water_body() -> None:
    # TP 0.12: river 0.1 < 0.12 ≤ 0.2 → III; lake 0.1 < 0.12 ≤ 0.2 → V   GB 3838-2002 Table 1
    assert classify_item("TP", 0.12, water_body="river") == "III"
    assert classify_item("TP", 0.12, water_body="lake") == "V"


def test_tn_and_water_temperature_have_no_river_classes() -> None:
    with pytest.raises(ValidationError, match="湖、库"):
        classify_item("TN", 1.0, water_body="river")
    with pytest.raises(ValidationError, match="change rule"):
        classify_item("water_temperature", 20)
    assert classify_item("TN", 1.0, water_body="lake") == "III"


def test_float_input_is_read_as_written() -> None:
    # 0.1 + 0.2 would be 0.30000000000000004; the written 0.3 is exactly the TP IV limit
    assert classify_item("TP", 0.3) == "IV"
    assert classify_item("TP", 0.1 + 0.2) == "V"


def test_missing_values_give_none() -> None:
    assert classify_item("NH3-N", None) is None
    assert classify_item("NH3-N", float("nan")) is None
    assert classify_item("NH3-N", Decimal("NaN")) is None


def test_non_detect_counts_as_half_detection_limit() -> None:
    # Q8: ND with DL 0.04 → 0.02 ≤ 0.02 → TP Class I (river)
    assert classify_item("TP", NotDetected("0.04")) == "I"
    # DL 0.06 → 0.03: 0.02 < 0.03 ≤ 0.1 → II
    assert classify_item("TP", NotDetected("0.06")) == "II"
    rules = dataclasses.replace(DEFAULT_RULES, non_detect_factor=Fraction(1))
    assert classify_item("TP", NotDetected("0.04"), rules=rules) == "II"
    with pytest.raises(ValidationError):
        NotDetected(0)


@pytest.mark.parametrize(
    ("item", "value", "match"),
    [
        ("NH3-N", -0.1, "NH3-N.*-0.1"),
        ("pH", 14.5, "pH.*14.5"),
        ("pH", -1, "pH.*-1"),
        ("COD", float("inf"), "COD"),
        ("COD", "abc", "COD"),
    ],
)
def test_bad_values_name_item_and_value(item: str, value: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        classify_item(item, value)  # type: ignore[arg-type]


def test_unknown_names() -> None:
    with pytest.raises(UnknownNameError, match="NH3-N"):
        classify_item("ammonia", 1.0)
    with pytest.raises(UnknownNameError, match="lake"):
        classify_item("TP", 0.1, water_body="sea")


# --- shared vectors W01–W07: single items -----------------------------------------------


@pytest.mark.parametrize("vector_id", ["W01", "W03", "W05", "W07"])
def test_single_item_vectors(vector_id: str) -> None:
    vector = water_vectors()[vector_id]
    for case, expected in zip(vector["input"]["cases"], vector["expected"]["results"], strict=True):
        got = classify_item(case["item"], case["value_mg_per_L"], water_body=case["water_body"])
        assert got == expected["class"], case["case"]


def test_w01_and_w03_classify_the_value_as_given() -> None:
    # W01.2 CODMn 2.01 → II and W03.2 NH3-N 0.151 → II: a single value is classified as
    # given. Rounding to the assessment precision (CODMn 1 dp, NH3-N 2 dp) applies to period
    # means (reference §8), done by period_mean before classification.
    assert classify_item("CODMn", 2.01) == "II"
    assert classify_item("NH3N", 0.151) == "II"


# --- shared vectors W09, W11: samples ---------------------------------------------------


@pytest.mark.parametrize("vector_id", ["W09", "W11"])
def test_multi_item_vectors(vector_id: str) -> None:
    vector = water_vectors()[vector_id]
    result = classify_sample(vector["input"]["values"], water_body=vector["input"]["water_body"])
    expected = vector["expected"]
    assert {k.value: v.value for k, v in result.per_item.items()} == {
        Item(_canonical(k)).value: v for k, v in expected["per_item"].items()
    }
    assert result.water_class == expected["section_class"]
    assert result.label == expected["qualitative"]
    if "limiting_items" in expected:
        assert [i.value for i in result.limiting_items] == [
            _canonical(i) for i in expected["limiting_items"]
        ]


def _canonical(name: str) -> str:
    return {"NH3N": "NH3-N"}.get(name, name)


def test_w09_main_pollutant_in_bulletin_form() -> None:
    vector = water_vectors()["W09"]
    result = classify_sample(vector["input"]["values"], water_body="lake")
    # lake TP 0.12, C_III = 0.05: (0.12 − 0.05)/0.05 = 1.4 → "总磷(1.4)"
    assert result.main_pollutants_bulletin == "总磷(1.4)"
    assert result.colour is Colour.ORANGE
    # 7 of the 21 assessed items were given: the other 14 are reported missing
    assert len(result.missing) == 14
    assert Item.CU in result.missing


def test_w11_limiting_items_and_no_main_pollutants() -> None:
    vector = water_vectors()["W11"]
    result = classify_sample(vector["input"]["values"], water_body="river")
    # NH3-N 0.21 (0.15 < 0.21 ≤ 0.5) and TP 0.06 (0.02 < 0.06 ≤ 0.1) are Class II
    assert result.limiting_items == (Item.NH3N, Item.TP)
    # 优: no main pollutants are determined for Class ≤ III
    assert result.main_pollutants == ()
    assert result.colour is Colour.BLUE


# --- section rules ----------------------------------------------------------------------


def test_missing_items_never_count_as_class_i() -> None:
    result = classify_sample({"NH3-N": None, "TP": float("nan")})
    assert result.water_class is None
    assert result.label is None
    assert result.colour is None
    assert Item.NH3N in result.missing
    assert Item.TP in result.missing


def test_ph_in_range_alone_gives_no_class() -> None:
    # pH inside 6–9 never limits (Q2); with no other item the section cannot be classified
    result = classify_sample({"pH": 7.0})
    assert result.per_item[Item.PH] == "I"
    assert result.water_class is None


def test_ph_outside_range_limits_the_section() -> None:
    result = classify_sample({"pH": 5.5, "NH3-N": 0.1})
    assert result.water_class == "劣V"
    assert result.limiting_items == (Item.PH,)
    # pH has no exceedance multiple: listed by name only
    assert result.main_pollutants_bulletin == "pH"


def test_reference_items_do_not_change_the_class() -> None:
    # TN 3.0 (lake: > 2.0 → 劣V) and fecal coliform 50000 (> 40000 → 劣V) are reference
    # items (环办〔2011〕22号); the section stays at NH3-N's Class II
    values = {"NH3-N": 0.3, "TN": 3.0, "fecal_coliform": 50000, "water_temperature": 18.5}
    lake = classify_sample(values, water_body="lake")
    assert lake.water_class == "II"
    reference = {r.item: r.water_class for r in lake.reference_only}
    assert reference == {
        Item.WATER_TEMPERATURE: None,
        Item.TN: WaterClass.WORSE_THAN_V,
        Item.FECAL_COLIFORM: WaterClass.WORSE_THAN_V,
    }
    river = classify_sample(values, water_body="river")
    assert river.water_class == "II"
    # rivers do not report a TN class ("河流总氮除外")
    assert {r.item: r.water_class for r in river.reference_only}[Item.TN] is None


def test_same_item_twice_is_rejected() -> None:
    with pytest.raises(ValidationError, match="twice"):
        classify_sample({"NH3N": 0.1, "NH3-N": 0.2})


def test_non_detects_are_flagged() -> None:
    result = classify_sample({"Hg": NotDetected("0.00004"), "NH3-N": 0.1})
    assert result.non_detects == (Item.HG,)
    # 0.00004 / 2 = 0.00002 ≤ 0.00005 → I
    assert result.per_item[Item.HG] == "I"
    assert result.values[Item.HG] == Decimal("0.00002")


# --- main pollutants (Q5, Q6, Q18) ------------------------------------------------------


def test_main_pollutants_rank_by_class_then_multiple() -> None:
    values = {
        "NH3-N": 2.5,  # > 2.0 → 劣V; (2.5 − 1.0)/1.0 = 1.5
        "TP": 0.46,  # > 0.4 → 劣V; (0.46 − 0.2)/0.2 = 1.3
        "CODMn": 8.4,  # 6 < 8.4 ≤ 10 → IV; (8.4 − 6)/6 = 0.4
        "BOD5": 9.0,  # 6 < 9 ≤ 10 → V; (9 − 4)/4 = 1.25 → 1.2 (half-even)
        "DO": 2.5,  # 2 ≤ 2.5 < 3 → V; no multiple
    }
    result = classify_sample(values)
    assert result.water_class == "劣V"
    assert result.label is QualityStatus.SEVERELY_POLLUTED
    # 劣V first (NH3-N 1.5 before TP 1.3), then V (BOD5 with a multiple before DO without);
    # at most three
    assert result.main_pollutants_bulletin == "氨氮(1.5)、总磷(1.3)、五日生化需氧量(1.2)"
    assert "Q5" in result.main_pollutant_rule


def test_heavy_metals_and_cyanide_are_always_listed() -> None:
    values = {
        "NH3-N": 2.5,  # 劣V, 1.5
        "TP": 0.46,  # 劣V, 1.3
        "CODMn": 16,  # 劣V, (16 − 6)/6 = 1.67 → 1.7
        "Cd": 0.006,  # 0.005 < 0.006 ≤ 0.01 → V; (0.006 − 0.005)/0.005 = 0.2
        "Zn": 1.5,  # 1.0 < 1.5 ≤ 2.0 → IV; not in the always-listed set
    }
    result = classify_sample(values)
    assert result.main_pollutants_bulletin == "高锰酸盐指数(1.7)、氨氮(1.5)、总磷(1.3)、镉(0.2)"
    # switched off: only the top three
    rules = dataclasses.replace(DEFAULT_RULES, always_listed=frozenset())
    assert len(classify_sample(values, rules=rules).main_pollutants) == 3


def test_main_pollutant_tp_uses_the_section_water_body() -> None:
    # Q18: lake TP 0.3: 0.2 < 0.3 → 劣V; (0.3 − 0.05)/0.05 = 5.0
    result = classify_sample({"TP": 0.3}, water_body="lake")
    assert result.main_pollutants_bulletin == "总磷(5.0)"


# --- exceedance multiple ----------------------------------------------------------------


def test_w13_exceedance_multiples() -> None:
    vector = water_vectors()["W13"]
    names = {"NH3N": ("NH3-N", "river"), "TP(river)": ("TP", "river"), "CODMn": ("CODMn", "river")}
    for case, expected in zip(vector["input"]["cases"], vector["expected"]["results"], strict=True):
        item, body = names[case["item"]]
        assert class_limits(item, body)[2] == Decimal(str(case["class_III_limit"]))
        multiple = exceedance_multiple(item, case["value"], water_body=body)
        assert multiple == Decimal(str(expected["exceedance_multiple"])), case["case"]


def test_exceedance_multiple_rules() -> None:
    # (1.25 − 1.0)/1.0 = 0.25 → 0.2 (half-even, Q6)
    assert exceedance_multiple("NH3-N", 1.25) == Decimal("0.2")
    # (1.35 − 1.0)/1.0 = 0.35 → 0.4
    assert exceedance_multiple("NH3-N", 1.35) == Decimal("0.4")
    # against Class II: (0.75 − 0.5)/0.5 = 0.5
    assert exceedance_multiple("NH3-N", 0.75, target_class="II") == Decimal("0.5")
    # not above the limit, or missing: no multiple
    assert exceedance_multiple("NH3-N", 1.0) is None
    assert exceedance_multiple("NH3-N", None) is None
    rules = dataclasses.replace(DEFAULT_RULES, exceedance_decimals=2)
    assert exceedance_multiple("NH3-N", 1.25, rules=rules) == Decimal("0.25")
    for item in ("pH", "DO", "water_temperature"):
        with pytest.raises(ValidationError, match="exceedance"):
            exceedance_multiple(item, 1.0)
    with pytest.raises(ValidationError, match="劣V"):
        exceedance_multiple("NH3-N", 3.0, target_class="劣V")


# --- labels and targets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("water_class", "label", "colour"),
    [
        ("I", "优", "blue"),
        ("II", "优", "blue"),
        ("III", "良好", "green"),
        ("IV", "轻度污染", "yellow"),
        ("V", "中度污染", "orange"),
        ("劣V", "重度污染", "red"),
    ],
)
def test_quality_label_and_colour(water_class: str, label: str, colour: str) -> None:
    # 环办〔2011〕22号 Table 1
    status = quality_label(water_class)
    assert status == label
    assert status.colour == colour


def test_colour_chinese_names() -> None:
    assert [c.zh for c in Colour] == ["蓝", "绿", "黄", "橙", "红"]


def test_meets_target() -> None:
    assert meets_target("II", "III")
    assert meets_target("III", "III")
    assert not meets_target("IV", "III")
    assert not meets_target("劣V", "V")
