"""The HJ 212-2017 Appendix B parameter vocabulary [HJ212-2017]."""

from __future__ import annotations

import pytest

from ecowarden.errors import UnknownNameError
from ecowarden.registry import PARAMETERS, Medium, parameter, parameter_vocabulary
from ecowarden.registry.parameters import (
    AIR_TABLE_B2,
    NOISE_TABLE_B3,
    SUSPECTED_MISPRINTS,
    WATER_TABLE_B1,
)


def test_table_sizes_as_printed() -> None:
    # hj212-protocol.md §5.1: Table B.1 has 31 full rows of two entries and one half row = 63.
    assert len(WATER_TABLE_B1) == 63
    # §5.2: Table B.2 has 60 full rows of two entries and one half row = 121.
    assert len(AIR_TABLE_B2) == 121
    # §5.3: LA, L5, L10, L50, L90, L95, Leq, LMx, LMn, Ldn, Ld, Ln.
    assert len(NOISE_TABLE_B3) == 12


def test_codes_are_unique_and_cover_every_table() -> None:
    vocabulary = parameter_vocabulary()
    codes = [p.code for p in vocabulary]
    assert len(codes) == len(set(codes))
    # 63 + 121 + O3 (a05024, in use but not in Table B.2) + 12 = 197
    assert len(codes) == 197


@pytest.mark.parametrize(
    ("code", "name_zh", "unit", "code_2005"),
    [
        ("w01018", "化学需氧量", "mg/L", "011"),  # COD, 2005 code 011 (§5.5)
        ("w21003", "氨氮", "mg/L", "060"),
        ("w00000", "污水", "L/s", "B01"),
        ("a34013", "烟尘", "mg/m³", "01"),
        ("a19001", "氧气含量", "%", "S01"),
        ("a21026", "二氧化硫", "mg/m³", "02"),
        ("Leq", "等效声级", "dB", None),
    ],
)
def test_rows_as_printed(code: str, name_zh: str, unit: str, code_2005: str | None) -> None:
    found = parameter(code)
    assert (found.name_zh, found.unit, found.code_2005) == (name_zh, unit, code_2005)


def test_ambient_ng_misprints_are_corrected_by_default() -> None:
    # Table B.2 prints PM2.5 in ng/m³; the documented choice reads µg/m³ and keeps the print.
    pm25 = parameter("a34004")
    assert (pm25.unit, pm25.printed_unit) == ("µg/m³", "ng/m³")
    assert len(SUSPECTED_MISPRINTS) == 10


def test_units_exactly_as_printed_when_asked() -> None:
    printed = {p.code: p for p in parameter_vocabulary(correct_suspected_misprints=False)}
    assert printed["a34004"].unit == "ng/m³"
    assert printed["a34004"].printed_unit is None


def test_ozone_is_in_the_vocabulary_although_not_in_table_b2() -> None:
    ozone = parameter("a05024")
    assert (ozone.name_zh, ozone.unit, ozone.medium) == ("臭氧", "µg/m³", Medium.AIR)


def test_noise_codes_are_case_sensitive() -> None:
    assert parameter("LMx").medium is Medium.NOISE
    with pytest.raises(UnknownNameError):
        parameter("lmx")


def test_unknown_code_lists_valid_codes() -> None:
    with pytest.raises(UnknownNameError, match="w01018") as caught:
        parameter("w99999")
    assert "w01018" in caught.value.valid
    assert set(caught.value.valid) == set(PARAMETERS)


def test_every_parameter_has_an_english_name() -> None:
    assert all(p.name_en.strip() for p in parameter_vocabulary())
