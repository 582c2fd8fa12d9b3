"""Item names, aliases, water-body types and water classes (reference §2, §13 Q13)."""

from __future__ import annotations

import pytest

from ecowarden.errors import UnknownNameError
from ecowarden.standards.water import (
    ASSESSED_ITEMS,
    REFERENCE_ITEMS,
    Item,
    SupplementaryItem,
    WaterBody,
    WaterClass,
    parse_any_item,
    parse_item,
    parse_water_body,
    parse_water_class,
)


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("NH3-N", Item.NH3N),  # canonical
        ("NH3N", Item.NH3N),  # spelling of the shared vectors W03, W09
        ("nh3-n", Item.NH3N),  # case-insensitive
        ("w21003", Item.NH3N),  # HJ 212 code, reference §2 [secondary]
        ("氨氮", Item.NH3N),  # Chinese name
        ("Oil", Item.PETROLEUM),  # W07, W19
        ("石油类", Item.PETROLEUM),
        ("VP", Item.VOLATILE_PHENOL),  # W19
        ("S2", Item.SULFIDE),  # W19
        ("S2-", Item.SULFIDE),
        ("Cr6", Item.CR6),
        ("w01001", Item.PH),
        ("w01009", Item.DO),
        ("fecal_coliform", Item.FECAL_COLIFORM),
        ("粪大肠菌群", Item.FECAL_COLIFORM),
    ],
)
def test_item_aliases(name: str, item: Item) -> None:
    assert parse_item(name) is item


def test_unknown_item_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError) as caught:
        parse_item("NH4")
    message = str(caught.value)
    assert "NH4" in message
    assert "NH3-N" in message
    assert "fecal_coliform" in message


def test_supplementary_items_are_not_table1_items() -> None:
    assert parse_any_item("硫酸盐") is SupplementaryItem.SULFATE
    assert parse_any_item("w20124") is SupplementaryItem.MANGANESE
    with pytest.raises(UnknownNameError):
        parse_item("Fe")


def test_chinese_names_for_bulletins() -> None:
    assert Item.NH3N.zh == "氨氮"
    assert Item.TP.zh == "总磷"
    assert Item.CODMN.zh == "高锰酸盐指数"
    assert SupplementaryItem.NITRATE.zh == "硝酸盐"


def test_table1_has_24_items_21_assessed() -> None:
    # GB 3838-2002 Table 1: 24 basic items; 环办〔2011〕22号: minus water temperature, TN,
    # fecal coliform = 21 assessed
    assert len(Item) == 24
    assert len(ASSESSED_ITEMS) == 21
    assert {Item.WATER_TEMPERATURE, Item.TN, Item.FECAL_COLIFORM} == REFERENCE_ITEMS


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("river", WaterBody.RIVER),
        ("lake", WaterBody.LAKE),
        ("lake_or_reservoir", WaterBody.LAKE),  # spelling of vector W09
        ("reservoir", WaterBody.LAKE),
        ("水库", WaterBody.LAKE),
    ],
)
def test_water_body_aliases(name: str, body: WaterBody) -> None:
    assert parse_water_body(name) is body


def test_unknown_water_body_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="river"):
        parse_water_body("sea")


@pytest.mark.parametrize(
    ("text", "water_class"),
    [
        ("III", WaterClass.III),
        ("Ⅲ", WaterClass.III),
        ("Ⅲ类", WaterClass.III),
        ("劣V", WaterClass.WORSE_THAN_V),
        ("劣Ⅴ类", WaterClass.WORSE_THAN_V),
    ],
)
def test_water_class_spellings(text: str, water_class: WaterClass) -> None:
    assert parse_water_class(text) is water_class


def test_water_class_codes_order_classes() -> None:
    codes = [c.code for c in WaterClass]
    assert codes == [1, 2, 3, 4, 5, 6]
    assert all(WaterClass.from_code(c.code) is c for c in WaterClass)
    assert WaterClass.WORSE_THAN_V.is_worse_than(WaterClass.V)
    assert not WaterClass.II.is_worse_than(WaterClass.III)
    with pytest.raises(UnknownNameError):
        WaterClass.from_code(7)
    with pytest.raises(UnknownNameError):
        parse_water_class("VI")
