"""Time fields: local Asia/Shanghai, YYYYMMDDhhmmss; QN with milliseconds."""

from __future__ import annotations

import datetime as dt

import pytest

from ecowarden.errors import ValidationError
from ecowarden.hj212.errors import MalformedCP
from ecowarden.hj212.times import LOCAL_TZ, format_time, make_qn, parse_time

UTC = dt.UTC


def test_data_time_is_local_time() -> None:
    # 2016-08-01 08:40:00 in Asia/Shanghai (UTC+8) is 00:40:00 UTC
    at = parse_time("20160801084000")
    assert at == dt.datetime(2016, 8, 1, 0, 40, tzinfo=UTC)
    assert at.tzinfo is LOCAL_TZ


def test_milliseconds_are_truncated() -> None:
    # scair-1012-broken-length sends SystemTime=20250221141050696
    assert parse_time("20250221141050696", name="SystemTime") == parse_time("20250221141050")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2016080108400",
        "20161301000000",
        "20160230120000",
        "2016080108400x",
        "２０１６０８０１０８４０００",
        "20160801 84000",
    ],
)
def test_bad_times_name_the_field(text: str) -> None:
    with pytest.raises(MalformedCP, match="BeginTime") as info:
        parse_time(text, name="BeginTime")
    assert info.value.reason == "bad_time"


def test_format_time_converts_to_local() -> None:
    assert format_time(dt.datetime(2024, 5, 20, 13, 6, tzinfo=UTC)) == "20240520210600"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="naive"):
        format_time(dt.datetime(2024, 5, 20, 21, 6))


def test_qn_has_milliseconds() -> None:
    at = dt.datetime(2016, 8, 1, 8, 58, 57, 223_456, tzinfo=LOCAL_TZ)
    assert make_qn(at) == "20160801085857223"  # Table C.1 QN
