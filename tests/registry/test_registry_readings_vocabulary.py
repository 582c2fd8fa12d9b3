"""Periods, HJ 212 data flags and the reading record."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import DataFlag, Period, Reading, parse_flag, parse_period

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("period", "command"),
    [
        (Period.REAL_TIME, 2011),  # HJ 212-2017 Table 9: 实时数据
        (Period.MINUTE, 2051),
        (Period.HOUR, 2061),
        (Period.DAY, 2031),
    ],
)
def test_period_commands(period: Period, command: int) -> None:
    assert period.command == command
    assert Period.from_command(command) is period


def test_realtime_spelling_of_the_codec_is_accepted() -> None:
    assert parse_period("realtime") is Period.REAL_TIME
    with pytest.raises(UnknownNameError, match="real-time, minute, hour, day"):
        parse_period("weekly")


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("N", "仪器工作正常"),  # HJ 212-2017 Table 8
        ("F", "仪器停运"),
        ("M", "维护期间产生的数据"),
        ("S", "手工输入的设定值"),
        ("D", "仪器故障"),
        ("C", "校准状态"),
        ("T", "采样数值超过测量上限"),
        ("B", "仪器与数采仪通讯异常"),
    ],
)
def test_table_8_flags_and_labels(code: str, label: str) -> None:
    assert parse_flag(code).label == label


def test_unknown_flag_is_rejected_listing_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="N, F, M") as caught:
        parse_flag("X")
    assert "St" in caught.value.valid
    with pytest.raises(UnknownNameError):
        parse_flag("ST")  # flags are case-sensitive: CEMS start-up is "St"


def test_reading_nan_means_missing() -> None:
    reading = Reading(
        "A1", "a34004", Period.HOUR, dt.datetime(2025, 1, 1, tzinfo=CST), math.nan, DataFlag.NORMAL
    )
    assert reading.value is None


@pytest.mark.parametrize(
    ("start", "period", "message"),
    [
        (dt.datetime(2025, 1, 1), Period.HOUR, "no UTC offset"),
        (dt.datetime(2025, 1, 1, 0, 0, 0, 500, tzinfo=CST), Period.REAL_TIME, "whole second"),
        (dt.datetime(2025, 1, 1, 0, 30, tzinfo=CST), Period.HOUR, "whole hour"),
        (dt.datetime(2025, 1, 1, 0, 0, 30, tzinfo=CST), Period.MINUTE, "whole minute"),
        # 2025-01-01T00:00Z is 08:00 in Asia/Shanghai: not a local midnight.
        (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), Period.DAY, "local midnight"),
    ],
)
def test_reading_start_must_begin_its_interval(
    start: dt.datetime, period: Period, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Reading("A1", "a34004", period, start, 1.0, DataFlag.NORMAL)


def test_local_midnight_given_in_utc_starts_a_day() -> None:
    # 2024-12-31T16:00Z = 2025-01-01T00:00+08:00
    start = dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC)
    assert Reading("A1", "a34004", Period.DAY, start, 1.0, DataFlag.NORMAL).start == start


def test_infinite_value_is_rejected() -> None:
    with pytest.raises(ValidationError, match="not finite"):
        Reading(
            "A1",
            "a34004",
            Period.HOUR,
            dt.datetime(2025, 1, 1, tzinfo=CST),
            math.inf,
            DataFlag.NORMAL,
        )


def test_resends_share_the_natural_key() -> None:
    # Same instant written in two offsets: one key (site, parameter, period, start).
    first = Reading(
        "A1", "a34004", Period.HOUR, dt.datetime(2025, 1, 1, tzinfo=CST), 1.0, DataFlag.NORMAL
    )
    resend = Reading(
        "A1",
        "a34004",
        Period.HOUR,
        dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC),
        2.0,
        DataFlag.FAULT,
    )
    assert first.key == resend.key
