"""Decoding and encoding single packets: header, Flag, versions, tolerances, refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    BadLength,
    CrcMismatch,
    CrcVariant,
    DecodePolicy,
    Dialect,
    Frame,
    MalformedCP,
    MalformedHeader,
    Oversize,
    ProtocolError,
    Version,
    crc_text,
    decimal_or_none,
    decode,
    encode,
    make_frame,
)

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SAMPLES = {s["id"]: s for s in json.loads((REFERENCE / "hj212-samples.json").read_text("utf-8"))}
MN = "010000A8900016F000169DC0"


def sample(sample_id: str) -> bytes:
    return str(SAMPLES[sample_id]["packet"]).encode()


def packet(segment: str | bytes, crc: bytes | None = None, tail: bytes = b"\r\n") -> bytes:
    data = segment.encode() if isinstance(segment, str) else segment
    return b"##%04d%s%s%s" % (len(data), data, crc or crc_text(data), tail)


def test_appendix_a_example() -> None:
    frame = decode(sample("std-A-1062"))
    assert (frame.qn, frame.st, frame.cn, frame.pw, frame.mn) == (
        "20160801085857223",
        "32",
        1062,
        "100000",
        MN,
    )
    # Flag=5 = 000001 0 1: HJ 212-2017, not split, answer required
    assert (frame.flag, frame.version, frame.is_split, frame.needs_ack) == (5, "2017", False, True)
    assert frame.cp == {"RtdInterval": "30"}
    assert frame.warnings == ()
    assert frame.raw == sample("std-A-1062")[:-2]


def test_flag_9_is_2025_answer_required_not_split() -> None:
    # HJ 212-2025 Table 3: "Flag=9 的二进制编码00001001，表示版本号为本次修订，
    # 需要应答且数据段不包含拆分包"
    frame = decode(packet(f"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN={MN};Flag=9;CP=&&&&"))
    assert (frame.version, frame.needs_ack, frame.is_split) == (Version.HJ212_2025, True, False)


def test_version_bits_are_not_the_low_six_bits() -> None:
    # reference §3.2: reading V5..V0 as the low six bits would make Flag=9 version 001001
    frame = decode(packet(f"QN=1;ST=32;CN=2011;PW=1;MN={MN};Flag=11;PNUM=2;PNO=1;CP=&&&&"))
    assert (frame.version, frame.needs_ack, frame.pnum, frame.pno) == ("2025", True, 2, 1)


def test_unknown_version_bits_are_refused() -> None:
    with pytest.raises(MalformedHeader) as info:
        decode(packet(f"QN=1;ST=32;CN=2011;PW=1;MN={MN};Flag=13;CP=&&&&"))  # version 3
    assert info.value.reason == "unknown_version"
    assert info.value.mn == MN


def test_2005_dialect_without_qn_and_flag() -> None:
    frame = decode(sample("rxlog-0872"))
    assert (frame.qn, frame.flag, frame.version, frame.needs_ack) == (None, None, "2005", False)
    assert decode(sample("rxlog-0872"), policy=DecodePolicy(answer_when_flag_absent=True)).needs_ack


def test_dialect_from_the_device_profile_overrides_the_bits() -> None:
    # Flag 8/9 in packets dated before 2025 (reference §3.2, §8 row 14)
    data = packet(f"QN=20200101000000000;ST=32;CN=2011;PW=1;MN={MN};Flag=9;CP=&&&&")
    frame = decode(data, policy=DecodePolicy(dialect=Dialect.HJ212_2017))
    assert frame.version == "2017"
    assert "version_bits_mismatch" in frame.warnings


def test_field_order_is_free() -> None:
    frame = decode(sample("chada-2051-lf-qn-after-cn"))  # QN after CN, LF tail
    assert frame.qn == "20190424002721168"
    assert frame.cn == 2051
    assert "header_field_order" in frame.warnings


def test_pno_before_pnum_zero_padded() -> None:
    frame = decode(sample("libem-2051-pno-before-pnum"))
    assert (frame.pnum, frame.pno, frame.flag) == (2, 2, None)
    assert frame.items["a01006"]["ValidNum"] == "10"  # non-standard suffix kept


def test_resend_marker_rf() -> None:
    # HJ 212-2025 Table 3: RF=1 after PNO, before CP; absent when not a resend
    frame = decode(
        packet(f"QN=1;ST=31;CN=2051;PW=1;MN={MN};Flag=8;RF=1;CP=&&DataTime=20260101000000&&")
    )
    assert frame.resend
    assert not decode(sample("std-A-1062")).resend
    zero = decode(packet(f"QN=1;ST=31;CN=2051;PW=1;MN={MN};Flag=8;RF=0;CP=&&&&"))
    assert not zero.resend
    assert "rf_zero" in zero.warnings
    with pytest.raises(MalformedHeader, match="RF"):
        decode(packet(f"QN=1;ST=31;CN=2051;PW=1;MN={MN};Flag=8;RF=2;CP=&&&&"))


def test_flag_inside_cp_does_not_touch_the_header_flag() -> None:
    frame = decode(packet(f"QN=1;ST=31;CN=2011;PW=1;MN={MN};Flag=4;CP=&&Flag=N;a-Rtd=1&&"))
    assert frame.flag == 4
    assert frame.cp["Flag"] == "N"


@pytest.mark.parametrize(
    ("segment", "reason"),
    [
        (f"QN=1;CN=2011;PW=1;MN={MN};CP=&&&&", "missing_field"),  # no ST
        (f"QN=1;ST=32;PW=1;MN={MN};CP=&&&&", "missing_field"),  # no CN
        (f"QN=1;ST=32;CN=2011;MN={MN};CP=&&&&", "missing_field"),  # no PW
        ("QN=1;ST=32;CN=2011;PW=1;CP=&&&&", "missing_field"),  # no MN
        ("QN=1;ST=32;CN=2011;PW=1;MN=;CP=&&&&", "missing_field"),  # empty MN
        (f"QN=1;ST=32;CN=2011;PW=1;MN={MN};", "missing_field"),  # no CP
        (f"QN=1;ST=32;CN=2011;CN=2051;PW=1;MN={MN};CP=&&&&", "duplicate_field"),
        (f"QN=1;ST=3;CN=2011;PW=1;MN={MN};CP=&&&&", "bad_st"),
        (f"QN=1;ST=32;CN=201;PW=1;MN={MN};CP=&&&&", "bad_cn"),
        (f"QN=1;ST=32;CN=2011;PW=1;MN={MN};Flag=256;CP=&&&&", "bad_flag"),
        (f"QN=1;ST=32;CN=2011;PW=1;MN={MN};Flag=x;CP=&&&&", "bad_flag"),
        (f"QN=1;ST=32;CN=2011;PW=1;MN={MN};PNUM=2;CP=&&&&", "bad_subpacket"),
        (f"QN=1;ST=32;CN=2011;PW=1;MN={MN};PNUM=2;PNO=3;CP=&&&&", "bad_subpacket"),
        (f"QN=1;ST;CN=2011;PW=1;MN={MN};CP=&&&&", "bad_header_field"),
    ],
)
def test_bad_headers_are_refused_with_a_reason(segment: str, reason: str) -> None:
    data = packet(segment)
    with pytest.raises(MalformedHeader) as info:
        decode(data)
    assert info.value.reason == reason
    assert info.value.data == data[:-2]


def test_tolerated_header_deviations() -> None:
    # 3-character ST, empty QN, empty PW, unknown vendor field (reference §8 rows 11, 12, 18)
    frame = decode(packet(f"QN=;ST=101;CN=2011;PW=;MN={MN};Vendor=7;CP=&&&&"))
    assert (frame.st, frame.qn, frame.pw) == ("101", "", "")
    assert frame.header_extra == {"Vendor": "7"}
    assert {"st_nonstandard", "qn_format", "unknown_header_field"} <= set(frame.warnings)


def test_crc_mismatch_names_both_values() -> None:
    with pytest.raises(CrcMismatch, match=r"4980.*3C00") as info:
        decode(sample("xy-readme-0136-badcrc"))
    assert info.value.reason == "crc_mismatch"
    assert info.value.mn == "LD130133000015"


def test_lowercase_crc_is_accepted_with_a_warning_or_refused_by_policy() -> None:
    frame = decode(sample("xy-generated-lowercase"))
    assert "crc_lowercase" in frame.warnings
    with pytest.raises(CrcMismatch):
        decode(sample("xy-generated-lowercase"), policy=DecodePolicy(accept_lowercase_crc=False))


def test_modbus_crc_only_for_devices_configured_for_it() -> None:
    with pytest.raises(CrcMismatch):
        decode(sample("rxlog-0868"))
    policy = DecodePolicy(
        crc_variants=lambda mn: (CrcVariant.MODBUS_LOW_FIRST,) if mn == "4201003" else ()
    )
    frame = decode(sample("rxlog-0868"), policy=policy)
    assert frame.crc_variant is CrcVariant.MODBUS_LOW_FIRST
    assert "crc_modbus_low_first" in frame.warnings
    with pytest.raises(CrcMismatch):  # another device does not get the variant
        decode(sample("xy-readme-0136-badcrc"), policy=policy)


def test_crc_check_can_be_switched_off_explicitly() -> None:
    frame = decode(sample("xy-readme-0136-badcrc"), policy=DecodePolicy(verify_crc=False))
    assert "crc_unverified" in frame.warnings


def test_oversized_segment_is_accepted_with_a_warning() -> None:
    # bocon-2051-subpacket-2005codes: 1045 bytes > 1024 (Table 2), no sub-packet splitting
    frame = decode(sample("bocon-2051-subpacket-2005codes"))
    assert "segment_over_1024" in frame.warnings
    with pytest.raises(Oversize) as info:
        decode(
            sample("bocon-2051-subpacket-2005codes"), policy=DecodePolicy(max_segment_length=1024)
        )
    assert info.value.reason == "oversize_segment"


def test_length_field_counted_in_characters_is_recovered() -> None:
    # std-C40-3020-utf8 written with the character count 0144 instead of 152 bytes
    data = sample("std-C40-3020-utf8").replace(b"##0152", b"##0144")
    frame = decode(data)
    assert frame.cp["i11001-Info"] == "//清洗管路//"
    assert "length_counts_characters" in frame.warnings
    with pytest.raises(BadLength) as info:
        decode(data, policy=DecodePolicy(recover_length_anomaly=False))
    assert info.value.reason == "length_mismatch"


def test_broken_length_field_is_refused_or_recovered_by_policy() -> None:
    data = sample("scair-1012-broken-length")
    with pytest.raises(BadLength) as info:
        decode(data)
    assert info.value.reason == "bad_length_field"
    frame = decode(data, policy=DecodePolicy(recover_bad_length_field=True))
    assert (frame.cn, frame.qn, frame.flag) == (1012, "", None)
    assert "bad_length_field" in frame.warnings
    # the 17-digit SystemTime reads with its milliseconds dropped
    # 2025-02-21 14:10:50.696 local = 06:10:50 UTC
    assert frame.time("SystemTime") == dt.datetime(2025, 2, 21, 6, 10, 50, tzinfo=dt.UTC)


def test_trailing_comma_sample_is_a_length_mismatch() -> None:
    # misc-2051-trailing-comma: the length says 96, 95 bytes are present, the CRC fails
    with pytest.raises(BadLength) as info:
        decode(sample("misc-2051-trailing-comma"))
    assert info.value.reason == "length_mismatch"


def test_three_digit_crc_is_a_malformed_crc_field() -> None:
    # xiaoyao9184/hj-t212-parser #25: "880" written for "0880"
    data = packet(f"QN=1;ST=32;CN=2011;PW=1;MN={MN};CP=&&&&", crc=b"880")
    with pytest.raises(CrcMismatch) as info:
        decode(data)
    assert info.value.reason == "malformed_crc_field"


def test_data_time_and_typed_accessors() -> None:
    frame = decode(sample("flash520-2051-aqi"))
    assert frame.data_time == dt.datetime(2022, 5, 13, 8, 26, tzinfo=dt.UTC)  # 16:26 local
    assert frame.decimal("a21005", "Avg") == Decimal("0.427")
    assert frame.decimal("a21005", "Max") is None  # missing, never zero
    assert frame.items["a05024"] == {"Avg": "63", "Flag": "N"}
    assert frame.time("BeginTime") is None


def test_non_numeric_value_is_an_error_only_when_asked_as_a_number() -> None:
    frame = decode(
        packet(
            f"QN=1;ST=44;CN=2011;PW=1;MN={MN};Flag=8;CP=&&DataTime=20260101000000;p99101-Rtd=St&&"
        )
    )
    assert frame.cp["p99101-Rtd"] == "St"  # 2025 working-condition marker, kept as text
    with pytest.raises(MalformedCP, match="p99101-Rtd"):
        frame.decimal("p99101", "Rtd")


def test_bad_data_time_refuses_the_packet() -> None:
    with pytest.raises(MalformedCP) as info:
        decode(packet(f"QN=1;ST=32;CN=2051;PW=1;MN={MN};Flag=4;CP=&&DataTime=20161301000000&&"))
    assert info.value.reason == "bad_time"
    assert info.value.mn == MN


def test_data_time_with_milliseconds_warns() -> None:
    frame = decode(
        packet(f"QN=1;ST=32;CN=2051;PW=1;MN={MN};Flag=4;CP=&&DataTime=20160801084000123&&")
    )
    assert frame.data_time == dt.datetime(2016, 8, 1, 0, 40, tzinfo=dt.UTC)  # 08:40:00.123 local
    assert "time_milliseconds" in frame.warnings


def test_gbk_text_is_read_with_a_warning_and_crc_over_bytes() -> None:
    # mutoushirana/HJ212Virtual writes GBK logs (reference §8 row 24)
    segment = f"QN=1;ST=32;CN=3020;PW=1;MN={MN};Flag=4;CP=&&i11001-Info=//清洗管路//&&".encode(
        "gbk"
    )
    frame = decode(packet(segment))
    assert frame.cp["i11001-Info"] == "//清洗管路//"
    assert "gbk_text" in frame.warnings
    with pytest.raises(MalformedCP) as info:
        decode(packet(segment), policy=DecodePolicy(gbk_fallback=False))
    assert info.value.reason == "undecodable_text"


def test_trailing_bytes_after_one_packet() -> None:
    with pytest.raises(BadLength) as info:
        decode(sample("std-A-1062") + b"xx")
    assert info.value.reason == "trailing_bytes"


def test_not_a_packet() -> None:
    with pytest.raises(MalformedHeader) as info:
        decode(b"QN=1")
    assert info.value.reason == "missing_header"


@pytest.mark.parametrize("tail", [b"\r\n", b"\n", b"\r", b""])
def test_every_tail_variant_decodes(tail: bytes) -> None:
    assert decode(sample("std-A-1062")[:-2] + tail) == decode(sample("std-A-1062"))


def test_encode_reproduces_the_standard_packet() -> None:
    frame = decode(sample("std-C1-1000-req"))
    assert encode(frame) == sample("std-C1-1000-req")


def test_encode_refuses_fields_that_cannot_travel() -> None:
    with pytest.raises(ValidationError):
        encode(make_frame(2011, "A;B", st="32", pw="1"))
    with pytest.raises(ValidationError):
        encode(make_frame(2011, MN, st="32", pw="1", header_extra={"QN": "dup"}))
    big = {f"a{i:05d}-Rtd": "1.000" for i in range(800)}
    with pytest.raises(ValidationError, match="9999"):
        encode(make_frame(2011, MN, st="32", pw="1", cp=big))


def test_make_frame_checks_ranges() -> None:
    with pytest.raises(ValidationError):
        make_frame(20110, MN, st="32", pw="1")
    with pytest.raises(ValidationError):
        make_frame(2011, MN, st="32", pw="1", flag=300)
    with pytest.raises(ValidationError):
        make_frame(2011, MN, st="32", pw="1", pnum=2, pno=3)
    with pytest.raises(ValidationError, match="DataTime"):
        make_frame(2011, MN, st="32", pw="1", cp={"DataTime": "yesterday"})


# Property: decode(encode(f)) == f for frames the encoder accepts.
_TEXT = st.from_regex(r"[A-Za-z0-9_]{1,24}", fullmatch=True)
_CP = st.dictionaries(
    st.from_regex(r"[aw][0-9]{5}-(Rtd|Avg|Min|Max|Cou|Flag)", fullmatch=True),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,4})?|[NTSFMDCB]", fullmatch=True),
    max_size=20,
)


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    version_bits = draw(st.sampled_from([None, 0, 1, 2]))
    flag = None if version_bits is None else (version_bits << 2) | draw(st.integers(0, 1))
    split = flag is not None and draw(st.booleans())
    pnum = draw(st.integers(1, 99)) if split else None
    pno = draw(st.integers(1, pnum)) if pnum is not None else None
    if flag is not None and split:
        flag |= 2
    cp = draw(_CP)
    if draw(st.booleans()):
        day = draw(
            st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1))
        )
        cp = {"DataTime": day.strftime("%Y%m%d%H%M%S"), **cp}
    return make_frame(
        draw(st.sampled_from([2011, 2051, 2061, 2031, 3020, 9014, 1062])),
        draw(_TEXT),
        st=draw(st.sampled_from(["21", "22", "31", "32", "91", "101"])),
        pw=draw(st.from_regex(r"[A-Za-z0-9]{0,24}", fullmatch=True)),
        qn=draw(st.none() | st.from_regex(r"[0-9]{17}", fullmatch=True)),
        flag=flag,
        cp=cp,
        pnum=pnum,
        pno=pno,
        resend=version_bits == 2 and draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(frames(), st.sampled_from([b"\r\n", b"\n", b""]))
def test_decode_encode_round_trip(frame: Frame, tail: bytes) -> None:
    decoded = decode(encode(frame, tail=tail))
    assert decoded == frame
    assert encode(decoded, tail=tail) == encode(frame, tail=tail)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_raise_protocol_error(data: bytes) -> None:
    outcome: Frame | ProtocolError
    try:
        outcome = decode(b"##" + data)
    except ProtocolError as exc:
        outcome = exc
    assert isinstance(outcome, Frame) or outcome.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "1"),
        ("-1.5", "-1.5"),
        ("+.5", "0.5"),
        ("27.299999", "27.299999"),
        ("1e5", None),
        ("nan", None),
        ("1_0", None),
        (" 1", None),
        ("1.2.3", None),
        ("-", None),
    ],
)
def test_decimal_or_none_takes_plain_decimals_only(text: str, expected: str | None) -> None:
    assert decimal_or_none(text) == (None if expected is None else Decimal(expected))
