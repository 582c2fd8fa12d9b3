"""Code tables: editions, ST, CN, QnRtn, ExeRtn, flags, factors and the 2005 mapping."""

from __future__ import annotations

import pytest

from ecowarden.hj212.codes import (
    PERIOD_BY_COMMAND,
    Command,
    DataFlag,
    ExeRtn,
    Period,
    QnRtn,
    SystemCode,
    Version,
    is_encrypted_command,
)
from ecowarden.hj212.factors import FACTORS, LEGACY_2005_CODES

# HJ 212-2017 §5.5 of the reference (原编码 columns of Tables B.1 and B.2), written out.
WATER_2005 = (
    "B01 w00000, 001 w01001, 002 w01002, 003 w01012, 010 w01017, 011 w01018, 015 w01020, "
    "020 w20111, 021 w20113, 022 w20115, 023 w20116, 024 w20117, 026 w20119, 027 w20120, "
    "028 w20121, 029 w20122, 030 w20123, 031 w20124, 032 w20125, 033 w20126, 034 w20127, "
    "035 w20128, 036 w20092, 037 w20023, 038 w20061, 039 w20012, 040 w20038, 041 w20089, "
    "060 w21003, 061 w99001, 062 w21004, 063 w21006, 064 w21007, 065 w21001, 070 w21016, "
    "071 w21019, 072 w21017, 080 w22001, 090 w21022, 101 w21011, 110 w23002, 350 w33001, "
    "351 w33007, 520 w19002, 540 w25043, 550 w02003, 570 w03001, 571 w03002"
)
AIR_2005 = (
    "B02 a00000, 01 a34013, 02 a21026, 03 a21002, 04 a21005, 05 a21028, 06 a21018, "
    "07 a21017, 08 a21024, 09 a34038, 10 a21001, 11 a21022, 12 a99051, 13 a30022, "
    "14 a34039, 15 a34040, 17 a25003, 18 a25005, 19 a31001, 20 a25044, 21 a26001, "
    "22 a25023, 23 a25010, 24 a99049, 25 a24087, 26 a31002, 27 a23001, 28 a30001, "
    "29 a24046, 30 a05001, 31 a20057, 32 a20043, 33 a20025, 34 a20091, 35 a20063, "
    "36 a20016, 37 a01010, S01 a19001, S02 a01011, S03 a01012, S04 a01017, S05 a01014, "
    "S06 a01015, S07 a01016, S08 a01013"
)


def _pairs(text: str) -> dict[str, str]:
    return dict(pair.split() for pair in text.split(", "))


def test_legacy_map_walked_from_the_tables_equals_the_published_list() -> None:
    assert _pairs(WATER_2005) | _pairs(AIR_2005) == LEGACY_2005_CODES


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("011", "w01018"),
        ("060", "w21003"),
        ("065", "w21001"),
        ("101", "w21011"),
        ("01", "a34013"),
        ("02", "a21026"),
        ("03", "a21002"),
        ("S01", "a19001"),
    ],
)
def test_core_legacy_codes(old: str, new: str) -> None:
    # the bold entries of reference §5.5: COD, NH3-N, TN, TP, dust, SO2, NOx, O2
    assert LEGACY_2005_CODES[old] == new


def test_factor_rows() -> None:
    cod = FACTORS["w01018"]
    assert (cod.name, cod.unit, cod.amount_unit, cod.data_type) == (
        "化学需氧量",
        "mg/L",
        "kg",
        "N5.1",
    )
    assert FACTORS["w01001"].unit is None  # pH is dimensionless
    assert FACTORS["a34004"].doubtful_unit  # printed ng/m³ (reference §5, †)
    assert FACTORS["Leq"].unit == "dB"


def test_flag_version_bits() -> None:
    # reference §3.2: V5..V0 = 000000 (2005), 000001 (2017), 000010 (2025)
    assert [v.flag_bits for v in Version] == [0, 1, 2]
    assert Version("2025") is Version.HJ212_2025


def test_labels_are_the_standard_texts() -> None:
    assert SystemCode("91").label == "系统交互"
    assert Command(9014).label == "数据应答"
    assert QnRtn(9).label == "CRC 校验错误"
    assert ExeRtn(100).label == "没有数据"
    assert DataFlag("B").label == "仪器与数采仪通讯异常"
    assert Version.HJ212_2017.label.startswith("HJ 212-2017")


def test_every_member_has_a_label() -> None:
    for enum in (SystemCode, Command, QnRtn, ExeRtn, DataFlag):
        for member in enum:
            assert member.label


def test_periods_by_command() -> None:
    assert PERIOD_BY_COMMAND == {
        Command.REALTIME_DATA: Period.REALTIME,
        Command.MINUTE_DATA: Period.MINUTE,
        Command.HOURLY_DATA: Period.HOUR,
        Command.DAILY_DATA: Period.DAY,
    }


@pytest.mark.parametrize(
    ("cn", "expected"),
    [(2051, True), (1014, True), (3020, True), (1011, False), (9014, False), (3019, False)],
)
def test_encrypted_commands_of_hj212_2025(cn: int, expected: bool) -> None:
    # HJ 212-2025 §6.4.4: CN 2000-2999, 1014 and 3020
    assert is_encrypted_command(cn) is expected
