"""HJ 212 CRC (HJ 212-2017 Appendix A) and the CRC-16/MODBUS variant (reference §2.3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.hj212.crc import (
    CRC_TABLE,
    CrcVariant,
    crc16,
    crc16_modbus,
    crc_text,
    is_hj212_crc_value,
)


def crc16_by_the_text(data: bytes) -> int:
    # HJ 212-2017 Appendix A, step by step: register FFFF; per byte, "XOR the temp register
    # with the high byte of the CRC register" (R <- (R >> 8) ^ b); then 8 shifts, XOR A001
    # whenever the bit shifted out is 1.
    r = 0xFFFF
    for b in data:
        r = (r >> 8) ^ b
        for _ in range(8):
            r = (r >> 1) ^ 0xA001 if r & 1 else r >> 1
    return r


def crc16_modbus_by_the_text(data: bytes) -> int:
    # CRC-16/MODBUS: R <- R ^ b (into the low byte), then the same 8 shifts.
    r = 0xFFFF
    for b in data:
        r ^= b
        for _ in range(8):
            r = (r >> 1) ^ 0xA001 if r & 1 else r >> 1
    return r


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        # HJ 212-2017 Appendix A worked example (std-A-1062): 1C80 (one PDF copy misprints 1C08)
        (
            b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
            b"CP=&&RtdInterval=30&&",
            "1C80",
        ),
        # HJ 212-2025 A.1 example, Flag=9
        (
            b"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
            b"CP=&&&&",
            "2200",
        ),
        # Table C.1 request and answer, Table C.24 data answer (reference §2.3 table)
        (
            b"QN=20160801085857223;ST=32;CN=1000;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
            b"CP=&&OverTime=5;ReCount=3&&",
            "CAC1",
        ),
        (
            b"QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
            b"CP=&&QnRtn=1&&",
            "1B00",
        ),
        (
            b"QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
            b"CP=&&&&",
            "3240",
        ),
        # Table C.40 log upload, UTF-8 bytes of 清洗管路
        (
            "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
            "CP=&&DataTime=20100301145000;PolId=w01018;i11001-Info=//清洗管路//&&".encode(),
            "9741",
        ),
    ],
)
def test_crc16_worked_values(segment: bytes, expected: str) -> None:
    assert crc_text(segment) == expected.encode()
    assert crc16(segment) == crc16_by_the_text(segment) == int(expected, 16)


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        # reference §2.3: the MODBUS form of the same two segments, for contrast
        (
            b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
            b"CP=&&RtdInterval=30&&",
            0x0759,
        ),
        (
            b"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
            b"CP=&&&&",
            0xCCF4,
        ),
    ],
)
def test_crc16_modbus_differs_from_hj212(segment: bytes, expected: int) -> None:
    assert crc16_modbus(segment) == crc16_modbus_by_the_text(segment) == expected
    assert crc16(segment) != expected


def test_crc16_modbus_check_value() -> None:
    # CRC-16/MODBUS catalogue check value: "123456789" -> 4B37
    assert crc16_modbus(b"123456789") == 0x4B37


def test_crc_text_variants_byte_order() -> None:
    data = b"123456789"
    assert crc_text(data, CrcVariant.MODBUS_HIGH_FIRST) == b"4B37"
    assert crc_text(data, CrcVariant.MODBUS_LOW_FIRST) == b"374B"


def test_empty_segment_keeps_the_initial_register() -> None:
    assert crc16(b"") == crc16_by_the_text(b"") == 0xFFFF


@settings(max_examples=300)
@given(st.binary(max_size=2500))
def test_fast_crc16_equals_the_bytewise_algorithm(data: bytes) -> None:
    assert crc16(data) == crc16_by_the_text(data)


def test_fast_crc16_on_long_input_beyond_the_precomputed_fold() -> None:
    data = bytes(range(256)) * 80  # 20 480 bytes: folds with masks computed on the fly
    assert crc16(data) == crc16_by_the_text(data)


def test_high_byte_map_is_a_permutation_of_order_eight() -> None:
    # The speed-up rests on H(x) = T[x] >> 8 being a bijection with H^8 = identity.
    high = [t >> 8 for t in CRC_TABLE]
    assert sorted(high) == list(range(256))
    x = list(range(256))
    for _ in range(8):
        x = [high[v] for v in x]
    assert x == list(range(256))


def test_only_256_values_and_eight_low_bytes() -> None:
    # reference §2.3 (derived): every HJ 212 CRC is an entry of T;
    # its low byte is one of 00 01 40 41 80 81 C0 C1
    assert {t & 0xFF for t in CRC_TABLE} == {0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xC0, 0xC1}
    assert all(is_hj212_crc_value(t) for t in CRC_TABLE)
    assert not is_hj212_crc_value(0xFFFF)  # misc-bad-too-short
    assert not is_hj212_crc_value(0xA6EC)  # rxlog-0868, a MODBUS logger


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=300), st.data())
def test_every_single_byte_substitution_is_detected(data: bytes, draw: st.DataObject) -> None:
    # reference §2.3 (derived): the register update is a bijection of the high byte
    i = draw.draw(st.integers(0, len(data) - 1))
    b = draw.draw(st.integers(0, 255).filter(lambda v: v != data[i]))
    assert crc16(data[:i] + bytes([b]) + data[i + 1 :]) != crc16(data)
