"""HJ 212 time fields: ``YYYYMMDDhhmmss`` local time (Asia/Shanghai), QN with milliseconds.

Table 4 (SystemTime, DataTime, BeginTime, EndTime, RestartTime: N14) and Table 3 (QN:
``YYYYMMDDhhmmsszzz``) [HJ212-2017]. Devices keep local time; ecowarden works with timezone-aware
datetimes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from ecowarden.errors import ValidationError
from ecowarden.hj212.errors import MalformedCP

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=4096)
def _parse_digits(text: str) -> dt.datetime | None:
    # Many devices share the same DataTime each minute; the cache makes the repeats free.
    if len(text) not in (14, 17) or not text.isascii() or not text.isdigit():
        return None
    try:
        return dt.datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            tzinfo=LOCAL_TZ,
        )
    except ValueError:
        return None


def parse_time(text: str, *, name: str = "DataTime") -> dt.datetime:
    """A time field as a timezone-aware datetime.

    Parameters
    ----------
    text : str
        ``YYYYMMDDhhmmss`` (N14) local time; a 17-digit value with milliseconds is accepted and
        truncated to the second (reference §8 row 16; the caller records the warning).
    name : str
        Field name for the error message.

    Returns
    -------
    datetime.datetime
        Aware, in Asia/Shanghai.

    Raises
    ------
    MalformedCP
        ``reason="bad_time"`` when the text is not 14 or 17 digits or not a calendar time.
    """
    parsed = _parse_digits(text)
    if parsed is None:
        raise MalformedCP("bad_time", f"{name}={text!r} is not a YYYYMMDDhhmmss local time")
    return parsed


def format_time(at: dt.datetime) -> str:
    """``YYYYMMDDhhmmss`` in Asia/Shanghai for an aware datetime.

    Raises
    ------
    ValidationError
        For a naive datetime (its zone would be a guess).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError(f"naive datetime {at!r}: pass a timezone-aware datetime")
    return at.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def make_qn(at: dt.datetime) -> str:
    """A request number QN, ``YYYYMMDDhhmmsszzz`` local time with milliseconds (Table 3).

    Parameters
    ----------
    at : datetime.datetime
        Aware instant of the request (the caller's clock: the codec reads none).
    """
    return format_time(at) + f"{at.microsecond // 1000:03d}"
