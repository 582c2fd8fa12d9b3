"""Frame -> readings for the gateway (DESIGN §2; reference §3.3, §4.4, §5.5)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ecowarden.errors import UnknownNameError
from ecowarden.hj212 import (
    LEGACY_2005_CODES,
    MalformedCP,
    Period,
    decode,
    make_frame,
    readings,
)

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SAMPLES = {
    s["id"]: str(s["packet"]).encode()
    for s in json.loads((REFERENCE / "hj212-samples.json").read_text("utf-8"))
}


def test_minute_data_take_the_average() -> None:
    rows = readings(decode(SAMPLES["flash520-2051-aqi"]))
    assert len(rows) == 11
    co = next(r for r in rows if r.code == "a21005")
    # DataTime=20220513162600 is the start of the minute, local time
    assert co.interval_start == dt.datetime(2022, 5, 13, 8, 26, tzinfo=dt.UTC)
    assert (co.period, co.value, co.text, co.value_field, co.flag) == (
        Period.MINUTE,
        Decimal("0.427"),
        "0.427",
        "Avg",
        "N",
    )


def test_realtime_data_take_rtd() -> None:
    rows = readings(decode(SAMPLES["rxlog-0872"]))
    assert rows[0].period is Period.REALTIME
    assert (rows[0].source_code, rows[0].value, rows[0].value_field) == (
        "831",
        Decimal("3.128"),
        "Rtd",
    )


def test_placeholder_zero_keeps_its_flag() -> None:
    # go-2051-subpacket-flag7: 0.000 with flag B is a placeholder, not a measured zero (§4.4)
    rows = readings(decode(SAMPLES["go-2051-subpacket-flag7"]))
    flow = rows[0]
    assert (flow.code, flow.value, flow.flag) == ("a00000", Decimal("0.000"), "B")
    nox = next(r for r in rows if r.code == "a21002")
    assert nox.fields["ZsCou"] == "0.000"  # non-standard suffix kept


def test_2005_codes_map_only_through_the_profile() -> None:
    frame = decode(SAMPLES["xy-generated-lowercase"])  # B01, 011, 060: flow, COD, NH3-N
    assert [r.code for r in readings(frame)] == ["011", "B01", "060"]
    mapped = readings(frame, code_map=LEGACY_2005_CODES)
    assert [(r.code, r.source_code) for r in mapped] == [
        ("w01018", "011"),
        ("w00000", "B01"),
        ("w21003", "060"),
    ]


def test_unmapped_codes_are_kept_verbatim() -> None:
    rows = readings(decode(SAMPLES["rxlog-0872"]), code_map=LEGACY_2005_CODES)
    codes = {r.source_code: r.code for r in rows}
    assert codes["023"] == "w20116"  # in the 2005 table
    assert codes["831"] == "831"  # local code, not in the table: kept, never dropped
    assert len(rows) == 31


def test_items_without_a_value_field_give_none() -> None:
    frame = make_frame(
        2061,
        "M1",
        st="32",
        pw="1",
        cp={"DataTime": "20260101010000", "w01018-Flag": "D", "w00000-Cou": "12.5"},
    )
    rows = readings(frame)
    assert [(r.code, r.value, r.value_field, r.flag) for r in rows] == [
        ("w01018", None, None, "D"),
        ("w00000", None, None, None),
    ]
    assert rows[0].period is Period.HOUR


def test_text_markers_are_not_numbers() -> None:
    frame = make_frame(
        2011, "M1", st="45", pw="1", cp={"DataTime": "20260101010000", "p99101-Rtd": "St"}
    )
    (row,) = readings(frame)
    assert (row.value, row.text) == (None, "St")


def test_noise_items_take_data() -> None:
    frame = make_frame(
        2031, "M1", st="23", pw="1", cp={"DataTime": "20260101000000", "Leq-Data": "55.2"}
    )
    (row,) = readings(frame)
    assert (row.period, row.value, row.value_field) == (Period.DAY, Decimal("55.2"), "Data")


def test_not_a_data_upload() -> None:
    with pytest.raises(UnknownNameError, match="2011, 2051, 2061, 2031"):
        readings(decode(SAMPLES["std-A-1062"]))


def test_upload_without_data_time() -> None:
    with pytest.raises(MalformedCP) as info:
        readings(make_frame(2051, "M1", st="32", pw="1", cp={"w01018-Avg": "1"}))
    assert info.value.reason == "missing_data_time"
