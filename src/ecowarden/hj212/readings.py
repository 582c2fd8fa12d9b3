"""Frame -> readings: what the gateway stores for a data upload (DESIGN §2).

A reading is keyed by (site, parameter, period, interval start); here the codec gives parameter
code, period (from CN), interval start (DataTime), value and data flag. DataTime is the start of
the period for 2051/2061/2031 and the sampling moment for 2011 (Table 4) [HJ212-2017].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from ecowarden.errors import UnknownNameError
from ecowarden.hj212.codes import PERIOD_BY_COMMAND, Command, Period
from ecowarden.hj212.errors import MalformedCP
from ecowarden.hj212.frame import Frame, decimal_or_none

# Which field carries the value, first present wins: Rtd for real-time data; Avg for statistics,
# Data for the noise items (C.26-C.28), Rtd for devices that send it in minute packets (§8 row 16).
VALUE_FIELDS: dict[Period, tuple[str, ...]] = {
    Period.REALTIME: ("Rtd",),
    Period.MINUTE: ("Avg", "Data", "Rtd"),
    Period.HOUR: ("Avg", "Data", "Rtd"),
    Period.DAY: ("Avg", "Data", "Rtd"),
}


class Reading(NamedTuple):
    """One value of one parameter for one period (an immutable tuple).

    Attributes
    ----------
    code : str
        Parameter code after the device's code map (HJ 212-2017 vocabulary where mapped).
    source_code : str
        The code as the device sent it.
    period : Period
        Real-time, minute, hour or day.
    interval_start : datetime
        Aware start of the period (sampling moment for real-time data).
    value : Decimal or None
        The value; ``None`` when the item has no value field or its text is not a number
        (markers such as ``St``), never zero.
    text : str or None
        The value text as sent.
    value_field : str or None
        Which field gave the value (``Rtd``, ``Avg``, ``Data``).
    flag : str or None
        Data flag (``-Flag``) verbatim; ``0.000`` with flag B or D is a placeholder, not a
        measured zero (reference §4.4).
    fields : Mapping of str to str
        All fields of the item (Min, Max, Cou, ZsAvg, EFlag …), verbatim.
    """

    code: str
    source_code: str
    period: Period
    interval_start: dt.datetime
    value: Decimal | None
    text: str | None
    value_field: str | None
    flag: str | None
    fields: Mapping[str, str]


def readings(frame: Frame, *, code_map: Mapping[str, str] | None = None) -> tuple[Reading, ...]:
    """The readings of a data upload (CN 2011, 2051, 2061, 2031), one per item, in wire order.

    Parameters
    ----------
    frame : Frame
        A decoded upload (one sub-packet is enough: rows are keyed per item, reference §3.3).
    code_map : Mapping of str to str, optional
        Device profile's code map, e.g.
        :data:`~ecowarden.hj212.factors.LEGACY_2005_CODES` for a device that sends HJ/T 212-2005
        codes. Codes not in the map are kept verbatim. Default: no mapping, because old codes
        collide with vendor channel numbers (reference §5.5).

    Returns
    -------
    tuple of Reading

    Raises
    ------
    UnknownNameError
        For a command that is not a data upload.
    MalformedCP
        ``reason="missing_data_time"`` when the upload has no DataTime.
    """
    try:
        period = PERIOD_BY_COMMAND[Command(frame.cn)]
    except (ValueError, KeyError):
        raise UnknownNameError(
            "data-upload command", frame.cn, [str(int(c)) for c in PERIOD_BY_COMMAND]
        ) from None
    start = frame.data_time
    if start is None:
        raise MalformedCP(
            "missing_data_time", f"CN={frame.cn} upload has no DataTime", frame.raw, frame.mn
        )
    candidates = VALUE_FIELDS[period]
    out = []
    for source_code, fields in frame.items.items():
        value_field = None
        for name in candidates:
            if name in fields:
                value_field = name
                break
        text = None if value_field is None else fields[value_field]
        out.append(
            Reading(
                code_map.get(source_code, source_code) if code_map else source_code,
                source_code,
                period,
                start,
                None if text is None else decimal_or_none(text),
                text,
                value_field,
                fields.get("Flag"),
                fields,
            )
        )
    return tuple(out)
