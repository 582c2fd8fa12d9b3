"""From decoded frames to reading rows (services/ingest.py): periods, flags, legacy codes,
DataTime flags, and the policies' checks."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    LEGACY_2005_CODES,
    LOCAL_TZ,
    Frame,
    decode,
    encode,
    format_time,
    make_frame,
    readings,
)
from ecowarden.ingest.limits import GatewayLimits
from ecowarden.registry.readings import FLAG_CODES, DataFlag
from ecowarden.services.ingest import IngestPolicy, archived_mn, packet_rows
from ecowarden.store.commands import AnomalyKind

START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=LOCAL_TZ)
IDS = {"a21026": 1, "a34013": 2, "w01018": 3}


def frame(cn: int, cp: dict[str, str], mn: str = "MN1") -> Frame:
    return decode(
        encode(make_frame(cn, mn, st="31", pw="pw", qn="20260105080000001", flag=5, cp=cp))
    )


def test_rows_of_a_minute_upload() -> None:
    upload = frame(
        2051,
        {
            "DataTime": format_time(START),
            "a21026-Avg": "12.50",
            "a21026-Flag": "D",
            "a34013-Min": "1",  # no Avg: stored as a missing value, never zero
            "w01018-Avg": "3",
        },
    )
    received = START.timestamp() + 75
    rows = packet_rows(upload, IDS, received, IngestPolicy())
    start_s = int(START.timestamp())
    assert rows.rows == [
        (1, 2051, start_s, 12.5, "D"),
        (2, 2051, start_s, None, "N"),  # no -Flag: the policy's flag (N by default)
        (3, 2051, start_s, 3.0, "N"),
    ]
    # End of the minute (DataTime + 60 s) minus receive time (DataTime + 75 s) = -15 s.
    assert rows.offset_s == -15.0
    assert rows.anomalies == ()


def test_the_missing_flag_is_a_policy() -> None:
    upload = frame(2061, {"DataTime": format_time(START), "a21026-Avg": "1"})
    policy = IngestPolicy(missing_flag=DataFlag.INSUFFICIENT_DATA)
    rows = packet_rows(upload, IDS, START.timestamp(), policy)
    assert rows.rows[0][4] == "H"


def test_legacy_codes_are_mapped_for_devices_whose_profile_says_so() -> None:
    # HJ/T 212-2005: 02 is SO2, a21026 in 2017 (Table B.2, 原编码 column).
    cp = {"DataTime": format_time(START), "02-Avg": "40.0", "02-Flag": "N"}
    policy = IngestPolicy(legacy_code_mns=frozenset({"OLD1"}))
    old = packet_rows(frame(2051, cp, mn="OLD1"), IDS, START.timestamp(), policy)
    other = packet_rows(frame(2051, cp, mn="NEW1"), IDS, START.timestamp(), policy)
    assert [row[0] for row in old.rows] == [1]
    assert other.rows == []
    assert [(a.kind, a.detail) for a in other.anomalies] == [(AnomalyKind.UNKNOWN_PARAMETER, "02")]


@pytest.mark.parametrize(
    ("delta_s", "kind"),
    [
        (601.0, AnomalyKind.FUTURE_TIME),  # DataTime more than 10 min ahead of the receive time
        (599.0, None),
        (-7 * 86400 - 1.0, AnomalyKind.STALE_TIME),  # older than the 7-day backfill window
        (-7 * 86400 + 1.0, None),
    ],
)
def test_data_time_thresholds(delta_s: float, kind: AnomalyKind | None) -> None:
    upload = frame(2051, {"DataTime": format_time(START), "a21026-Avg": "1"})
    received = START.timestamp() - delta_s
    rows = packet_rows(upload, IDS, received, IngestPolicy())
    assert [a.kind for a in rows.anomalies] == ([] if kind is None else [kind])
    assert len(rows.rows) == 1  # stored either way


def test_other_commands_give_no_rows() -> None:
    info = frame(3020, {"DataTime": format_time(START), "i12001-Info": "1"})
    assert packet_rows(info, IDS, START.timestamp(), IngestPolicy()).rows == []


def test_archived_mn() -> None:
    assert archived_mn("A" * 24) == "A" * 24
    assert archived_mn("A" * 25) is None  # the archive column holds 24; the bytes keep it all
    assert archived_mn(None) is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: GatewayLimits(max_connections=0), "max_connections=0 must be positive"),
        (lambda: GatewayLimits(idle_timeout_s=-1.0), "idle_timeout_s"),
        (lambda: GatewayLimits(max_segment_bytes=10_000), "at most 9999"),
        (lambda: GatewayLimits(buffer_cap_bytes=5000), "cannot hold a packet"),
        (lambda: GatewayLimits(group_max_delay_s=True), "group_max_delay_s"),
        (lambda: IngestPolicy(future_after_s=0.0), "future_after_s"),
    ],
)
def test_limits_and_policies_are_checked(make: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()  # type: ignore[operator]


MIDNIGHT = dt.datetime(2026, 1, 5, tzinfo=LOCAL_TZ)  # begins a minute, an hour and a day
FIELD_NAMES = st.tuples(
    st.sampled_from(["a21026", "a34013", "w01018", "x12345", "02", ""]),
    st.sampled_from(["Avg", "Data", "Rtd", "Min", "Flag", "Cou", "ZsAvg"]),
).map("-".join)
FIELD_TEXTS = st.one_of(
    st.sampled_from(["N", "D", "St", "Q", "1e5", "nan", " 1", "+.5", "-0.", "9" * 400]),
    st.from_regex(r"-?[0-9]{0,4}(\.[0-9]{0,3})?", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(
    fields=st.dictionaries(FIELD_NAMES, FIELD_TEXTS, max_size=12),
    cn=st.sampled_from([2011, 2031, 2051, 2061]),
    legacy=st.booleans(),
)
def test_rows_agree_with_the_codec_readings(fields: dict[str, str], cn: int, legacy: bool) -> None:
    # packet_rows reads the CP in one pass; ecowarden.hj212.readings is the reference reading.
    upload = make_frame(
        cn,
        "MN1",
        st="31",
        pw="pw",
        qn="20260105000000001",
        flag=5,
        cp={"DataTime": format_time(MIDNIGHT), **fields},
    )
    policy = IngestPolicy(legacy_code_mns=frozenset({"MN1"} if legacy else set()))
    rows = packet_rows(upload, IDS, MIDNIGHT.timestamp(), policy)
    expected = []
    for item in readings(upload, code_map=LEGACY_2005_CODES if legacy else None):
        flag = item.flag or "N"
        value = None if item.value is None else float(item.value)
        if item.code in IDS and flag in FLAG_CODES and (value is None or math.isfinite(value)):
            expected.append((IDS[item.code], cn, int(MIDNIGHT.timestamp()), value, flag))
    assert rows.rows == expected
