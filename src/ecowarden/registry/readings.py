"""The reading vocabulary: periods, HJ 212 data flags and the reading record.

A reading is one value of one parameter at one site for one period (DESIGN §2). Its natural key
is (site, parameter, period, interval start); the interval start is a timezone-aware instant in
whole seconds. Local days are Asia/Shanghai days.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from ecowarden.errors import UnknownNameError, ValidationError

LOCAL_ZONE: Final = ZoneInfo("Asia/Shanghai")


class Period(StrEnum):
    """Reading periods and the HJ 212 upload command that carries each [HJ212-2017].

    DataTime is the sampling moment for 2011 and the start of the period for 2051, 2061 and 2031
    (HJ 212-2017 Table 4, ``DataTime``).
    """

    REAL_TIME = "real-time"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def command(self) -> int:
        """The HJ 212 command code (CN) of the upload: 2011, 2051, 2061 or 2031."""
        return _PERIOD_COMMANDS[self]

    @property
    def label(self) -> str:
        """Chinese name (实时数据 …), as HJ 212-2017 Table 9 names the uploads."""
        return _PERIOD_LABELS[self]

    @classmethod
    def from_command(cls, command: int) -> Period:
        """The period uploaded by a command code (2061 → hour)."""
        for period, code in _PERIOD_COMMANDS.items():
            if code == command:
                return period
        raise UnknownNameError(
            "period command", command, [str(code) for code in _PERIOD_COMMANDS.values()]
        )


# HJ 212-2017 Table 9: 2011 实时数据, 2051 分钟数据, 2061 小时数据, 2031 日数据.
_PERIOD_COMMANDS: Final = {
    Period.REAL_TIME: 2011,
    Period.MINUTE: 2051,
    Period.HOUR: 2061,
    Period.DAY: 2031,
}
_PERIOD_LABELS: Final = {
    Period.REAL_TIME: "实时数据",
    Period.MINUTE: "分钟数据",
    Period.HOUR: "小时数据",
    Period.DAY: "日数据",
}
# Spellings accepted on input besides the enum values ("realtime" is the HJ 212 codec's).
_PERIOD_ALIASES: Final = {"realtime": Period.REAL_TIME}


def parse_period(name: str | Period) -> Period:
    """A period by name: ``real-time`` (also ``realtime``), ``minute``, ``hour`` or ``day``."""
    if isinstance(name, Period):
        return name
    try:
        return Period(name)
    except ValueError:
        alias = _PERIOD_ALIASES.get(name)
        if alias is None:
            raise UnknownNameError("period", name, [p.value for p in Period]) from None
        return alias


class DataFlag(StrEnum):
    """Data flags carried with each value (``xxxxxx-Flag``).

    N, F, M, S, D, C, T, B are HJ 212-2017 §6.6.4 Table 8 [HJ212-2017]. P is the HJ/T 212-2005
    power-fault flag [HJ212-2005] (secondary); St, Sd, Md are CEMS practice of the HJ 75-2017 era
    and H (有效数据不足) is used by some platforms (hj212-protocol.md §4.4, secondary). Flags are
    case-sensitive: ``St`` is not ``ST``.
    """

    NORMAL = "N"
    STOPPED = "F"
    MAINTENANCE = "M"
    MANUAL_SETTING = "S"
    FAULT = "D"
    CALIBRATION = "C"
    OVER_RANGE = "T"
    COMMUNICATION_FAULT = "B"
    POWER_FAULT = "P"
    FURNACE_STARTUP = "St"
    FURNACE_SHUTDOWN = "Sd"
    NO_DATA = "Md"
    INSUFFICIENT_DATA = "H"

    @property
    def label(self) -> str:
        """Chinese meaning of the flag."""
        return _FLAG_LABELS[self]


_FLAG_LABELS: Final = {
    # HJ 212-2017 Table 8
    DataFlag.NORMAL: "仪器工作正常",
    DataFlag.STOPPED: "仪器停运",
    DataFlag.MAINTENANCE: "维护期间产生的数据",
    DataFlag.MANUAL_SETTING: "手工输入的设定值",
    DataFlag.FAULT: "仪器故障",
    DataFlag.CALIBRATION: "校准状态",
    DataFlag.OVER_RANGE: "采样数值超过测量上限",
    DataFlag.COMMUNICATION_FAULT: "仪器与数采仪通讯异常",
    # HJ/T 212-2005 pollution-source dialect
    DataFlag.POWER_FAULT: "电源故障",
    # CEMS practice
    DataFlag.FURNACE_STARTUP: "启炉过程",
    DataFlag.FURNACE_SHUTDOWN: "停炉过程",
    DataFlag.NO_DATA: "系统无数据",
    # platform practice
    DataFlag.INSUFFICIENT_DATA: "有效数据不足",
}

FLAG_CODES: Final = tuple(flag.value for flag in DataFlag)


def parse_flag(code: str | DataFlag) -> DataFlag:
    """A data flag by its code; an unknown code raises :class:`UnknownNameError`."""
    if isinstance(code, DataFlag):
        return code
    try:
        return DataFlag(code)
    except ValueError:
        raise UnknownNameError("data flag", code, FLAG_CODES) from None


def period_alignment_error(period: Period, start: dt.datetime) -> str | None:
    """Why ``start`` cannot begin an interval of ``period``, or None when it can.

    Minute intervals start on a whole minute, hours on a whole hour and days at local midnight
    (Asia/Shanghai), since DataTime is the start of the period (HJ 212-2017 Table 4). Real-time
    values are sampling moments and need no alignment.
    """
    local = start.astimezone(LOCAL_ZONE)
    if period is Period.MINUTE and local.second != 0:
        return "a minute interval starts on a whole minute"
    if period is Period.HOUR and (local.minute, local.second) != (0, 0):
        return "an hour interval starts on a whole hour"
    if period is Period.DAY and (local.hour, local.minute, local.second) != (0, 0, 0):
        return "a day interval starts at local midnight (Asia/Shanghai)"
    return None


def check_interval_start(period: Period, start: dt.datetime) -> dt.datetime:
    """Validate an interval start: timezone-aware, whole seconds, aligned to its period."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValidationError(f"interval start {start.isoformat()} has no UTC offset")
    if start.microsecond:
        raise ValidationError(f"interval start {start.isoformat()} is not a whole second")
    misaligned = period_alignment_error(period, start)
    if misaligned is not None:
        raise ValidationError(f"interval start {start.isoformat()}: {misaligned}")
    return start


@dataclass(frozen=True, slots=True)
class ReadingKey:
    """The natural key of a reading (DESIGN §2)."""

    site: str
    parameter: str
    period: Period
    start: dt.datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", parse_period(self.period))
        check_interval_start(self.period, self.start)


@dataclass(frozen=True, slots=True)
class Reading:
    """One value with its flag. ``value`` None means the device reported no value (missing).

    Parameters
    ----------
    site
        Site code from the registry.
    parameter
        Parameter code, HJ 212-2017 Appendix B (``a34004``, ``w01018``, ``Leq`` …) [HJ212-2017].
    period
        Length of the interval.
    start
        Interval start (the sampling moment for real-time values), timezone-aware, whole seconds.
    value
        The value in the parameter's unit; NaN is read as missing and stored as None.
    flag
        The HJ 212 data flag.
    """

    site: str
    parameter: str
    period: Period
    start: dt.datetime
    value: float | None
    flag: DataFlag

    def __post_init__(self) -> None:
        if not self.site:
            raise ValidationError("reading: site code is empty")
        if not self.parameter:
            raise ValidationError("reading: parameter code is empty")
        object.__setattr__(self, "period", parse_period(self.period))
        object.__setattr__(self, "flag", parse_flag(self.flag))
        check_interval_start(self.period, self.start)
        value = self.value
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(f"reading value {value!r} is not a number")
            if math.isnan(value):
                object.__setattr__(self, "value", None)
            elif math.isinf(value):
                raise ValidationError(f"reading value {value!r} is not finite")
            else:
                object.__setattr__(self, "value", float(value))

    @property
    def key(self) -> ReadingKey:
        """The natural key (site, parameter, period, start)."""
        return ReadingKey(self.site, self.parameter, self.period, self.start)
