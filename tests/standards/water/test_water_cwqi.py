"""CWQI per 环办监测〔2017〕51号 (reference §9, Q10; vectors W19, W21)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ecowarden.errors import ValidationError
from ecowarden.standards.water import (
    ChangeDirection,
    Item,
    city_cwqi,
    classify_sample,
    cwqi,
    cwqi_change,
    cwqi_item,
    excluded_from_change_ranking,
)

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


def water_vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    return next(v for v in vectors if v["id"] == vector_id)


def test_w19_section_cwqi() -> None:
    vector = water_vector("W19")
    values = vector["input"]["values"]
    result = cwqi(values, water_body=vector["input"]["water_body"])
    # pH (7.6−7)/2 = 0.3; DO 5/8.2 = 0.6097560…; CODMn 2.4/6 = 0.4; COD 10/20 = 0.5;
    # BOD5 1.6/4 = 0.4; NH3-N 0.18/1.0 = 0.18; TP 0.08/0.2 = 0.4; Cu 0.002/1.0 = 0.002;
    # Zn 0.01/1.0 = 0.01; F 0.25/1.0 = 0.25; Se 0.0002/0.01 = 0.02; As 0.001/0.05 = 0.02;
    # Hg 0.00002/0.0001 = 0.2; Cd 0.0001/0.005 = 0.02; Cr6 0.002/0.05 = 0.04;
    # Pb 0.001/0.05 = 0.02; CN 0.002/0.2 = 0.01; VP 0.0003/0.005 = 0.06; Oil 0.01/0.05 = 0.2;
    # LAS 0.025/0.2 = 0.125; S2 0.0025/0.2 = 0.0125
    # sum = 3.1695 (the 20 items other than DO) + 0.6097560… = 3.7792560… → 3.7793
    expected_sum = Fraction("3.1695") + Fraction(5) / Fraction("8.2")
    assert result.value == expected_sum
    assert result.display == Decimal(str(vector["expected"]["cwqi"]))
    assert result.missing == ()
    assert (
        classify_sample(values, water_body="river").water_class
        == (vector["expected"]["section_class"])
    )


def test_w19_sum_written_out() -> None:
    # the 20 items other than DO add up to 3.1695
    parts = [0.3, 0.4, 0.5, 0.4, 0.18, 0.4, 0.002, 0.01, 0.25, 0.02, 0.02, 0.2, 0.02, 0.04]
    parts += [0.02, 0.01, 0.06, 0.2, 0.125, 0.0125]
    assert sum(Fraction(str(p)) for p in parts) == Fraction("3.1695")


@pytest.mark.parametrize(
    ("item", "value", "body", "expected"),
    [
        ("pH", "6.5", "river", Fraction(1, 2)),  # (7 − 6.5)/(7 − 6) = 0.5
        ("pH", "7", "river", Fraction(0)),  # neutral
        ("pH", "8", "river", Fraction(1, 2)),  # (8 − 7)/(9 − 7) = 0.5
        ("pH", "5", "river", Fraction(2)),  # (7 − 5)/1 = 2
        ("DO", "10", "river", Fraction(1, 2)),  # 5/10
        ("DO", "2.5", "river", Fraction(2)),  # 5/2.5
        ("TP", "0.1", "river", Fraction(1, 2)),  # 0.1/0.2
        ("TP", "0.1", "lake", Fraction(2)),  # 0.1/0.05
        ("NH3-N", "1.5", "river", Fraction(3, 2)),  # 1.5/1.0
        ("Hg", "0.00005", "lake", Fraction(1, 2)),  # 0.00005/0.0001
    ],
)
def test_item_indices(item: str, value: str, body: str, expected: Fraction) -> None:
    assert cwqi_item(item, value, water_body=body) == expected


def test_items_outside_cwqi() -> None:
    for item in ("TN", "fecal_coliform", "water_temperature"):
        with pytest.raises(ValidationError, match="CWQI"):
            cwqi_item(item, 1.0)
    with pytest.raises(ValidationError, match="DO"):
        cwqi_item("DO", 0)
    assert cwqi_item("NH3-N", None) is None


def test_missing_item_gives_no_section_index() -> None:
    vector = water_vector("W19")
    values = dict(vector["input"]["values"])
    del values["Cd"]
    values["TN"] = 1.2
    result = cwqi(values)
    assert result.value is None
    assert result.display is None
    assert result.missing == (Item.CD,)
    assert result.excluded == (Item.TN,)
    assert len(result.per_item) == 20


def test_city_cwqi_weighted_by_sections() -> None:
    # (3 × 4.0 + 1 × 6.0)/4 = 4.5
    assert city_cwqi([(Fraction(4), 3), ("6.0", 1)]) == Fraction(9, 2)
    with pytest.raises(ValidationError):
        city_cwqi([(4.0, 0)])
    with pytest.raises(ValidationError):
        city_cwqi([(4.0, -1)])


def test_w21_cwqi_change() -> None:
    vector = water_vector("W21")
    change = cwqi_change(vector["input"]["cwqi_current"], vector["input"]["cwqi_base"])
    # (3.6 − 4.0)/4.0 × 100 = −10 %
    assert change.percent == Fraction(str(vector["expected"]["delta_cwqi_pct"]))
    assert change.direction == vector["expected"]["interpretation"]
    assert change.direction.zh == "改善"
    assert change.improvement_percent == 10


def test_cwqi_change_other_directions() -> None:
    # (4.4 − 4.0)/4.0 × 100 = +10 %
    assert cwqi_change(4.4, 4.0).direction is ChangeDirection.WORSENED
    assert cwqi_change(4.0, 4.0).direction is ChangeDirection.UNCHANGED
    with pytest.raises(ValidationError):
        cwqi_change(4.0, 0)


def test_cities_all_class_ii_are_not_ranked_by_change() -> None:
    # all sections ≤ II in both periods and targets met → left out of the ΔCWQI ranking
    assert excluded_from_change_ranking(["I", "II"], ["II", "II"], targets_met=True)
    assert not excluded_from_change_ranking(["I", "II"], ["II", "III"], targets_met=True)
    assert not excluded_from_change_ranking(["I", "II"], ["II", "II"], targets_met=False)
    with pytest.raises(ValidationError):
        excluded_from_change_ranking([], ["II"], targets_met=True)
