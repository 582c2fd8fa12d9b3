"""Answers and platform commands, HJ 212-2017 §6.5 and Appendix C [HJ212-2017].

Flows (§6.1, reference §6):

- upload: device sends data with the answer bit set -> platform answers 9014 (C.24), echoing
  QN, PW and MN with ``ST=91`` and a Flag carrying only the version bits;
- notice: 1013 time-calibration request (and the 2025 heartbeat 9015) -> 9013, then the
  platform sets the time with 1012 (C.4);
- request: platform sends a command (Flag answer bit set) -> device 9011 ``QnRtn`` -> data
  uploads for data requests -> 9012 ``ExeRtn`` with the request's QN (C.1, C.2, C.20).

Answers are built as :class:`~ecowarden.hj212.frame.Frame` and sent with
:func:`~ecowarden.hj212.frame.encode`. The gateway answers an upload only after the data is
durably committed (DESIGN §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ecowarden.errors import ValidationError
from ecowarden.hj212.codes import (
    DATA_UPLOAD_COMMANDS,
    NOTICE_COMMANDS,
    Command,
    ExeRtn,
    QnRtn,
    SystemCode,
    Version,
)
from ecowarden.hj212.frame import PLAIN_FRAME_FIELDS, Frame, make_frame, new_frame
from ecowarden.hj212.times import format_time

# Table 4: RtdInterval 30 <= n <= 3600 s; MinInterval one of these minutes [HJ212-2017].
REALTIME_INTERVAL_RANGE_S = (30, 3600)
MINUTE_INTERVALS_MIN = frozenset({1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30})
HISTORY_COMMANDS = frozenset(
    {Command.DAILY_DATA, Command.FACILITY_RUNTIME_DAILY, Command.MINUTE_DATA, Command.HOURLY_DATA}
)


# ST=91 (系统交互) of every answer, as the text the frame carries.
_ANSWER_ST: str = SystemCode.SYSTEM_INTERACTION.value
# CN of the answer to every upload, looked up once (an enum member lookup costs 0.1 µs).
_DATA_ANSWER = Command.DATA_ANSWER
# Flag of an answer: the version bits only (C.24: 4 in 2017).
_VERSION_FLAG: dict[Version, int] = {version: version.flag_bits << 2 for version in Version}


def _answer(incoming: Frame, cn: Command, cp: Mapping[str, str] | None = None) -> Frame:
    # ST=91 (系统交互) and Flag = version bits with answer and split bits clear (C.1, C.24).
    # The version is the incoming one, also for a 2025 frame without Flag.
    values = PLAIN_FRAME_FIELDS.copy()
    values["qn"] = incoming.qn
    values["st"] = _ANSWER_ST
    values["cn"] = int(cn)
    values["pw"] = incoming.pw
    values["mn"] = incoming.mn
    if incoming.flag is not None:
        values["flag"] = _VERSION_FLAG[incoming.version]
    values["cp"] = dict(cp) if cp else {}
    values["version"] = incoming.version
    values["header_extra"] = {}
    return new_frame(values)


def data_answer(upload: Frame) -> Frame:
    """9014 data answer to an upload (or to one sub-packet) [HJ212-2017] C.24, C.50.

    ``QN=<same>;ST=91;CN=9014;PW=<same>;MN=<same>;Flag=<version bits>;CP=&&&&``.
    """
    return _answer(upload, _DATA_ANSWER)


def notification_answer(notice: Frame) -> Frame:
    """9013 answer to a notice (1013, 2012, 2022; 9015 heartbeat in 2025) [HJ212-2017] C.4.

    Written with an empty CP ``&&&&``; the standard's examples print ``&& &&``, which decoders
    accept either way.
    """
    return _answer(notice, Command.NOTIFICATION_ANSWER)


def request_answer(request: Frame, qn_rtn: QnRtn = QnRtn.READY) -> Frame:
    """9011 request answer (``QnRtn``) to a request, same QN [HJ212-2017] C.1 (device side)."""
    return _answer(request, Command.REQUEST_ANSWER, {"QnRtn": str(int(qn_rtn))})


def execution_result(request: Frame, exe_rtn: ExeRtn = ExeRtn.SUCCESS) -> Frame:
    """9012 execution result (``ExeRtn``) of a request, same QN [HJ212-2017] C.1 (device side)."""
    return _answer(request, Command.EXECUTION_RESULT, {"ExeRtn": str(int(exe_rtn))})


def login_answer(login: Frame) -> Frame:
    """9022 answer to a 9021 login, a provincial extension (reference §4.2) [secondary]."""
    return _answer(login, Command.LOGIN_ANSWER)


def answer_for(frame: Frame, *, answer_login: bool = False) -> Frame | None:
    """What the platform sends back for a frame it received (reference §6.3), or ``None``.

    Parameters
    ----------
    frame : Frame
        A decoded frame from a device.
    answer_login : bool
        Answer 9021 logins with 9022 (per device profile; default: no answer).

    Returns
    -------
    Frame or None
        9014 for uploads with the answer bit set, 9013 for notices, 9022 for logins when
        configured; nothing for answers (9011-9014), unknown commands and uploads without the
        answer bit.
    """
    if frame.cn in DATA_UPLOAD_COMMANDS:
        return data_answer(frame) if frame.needs_ack else None
    if frame.cn in NOTICE_COMMANDS:
        return notification_answer(frame)
    if frame.cn == Command.LOGIN and answer_login:
        return login_answer(frame)
    return None


def answers_request(answer: Frame, request: Frame) -> bool:
    """Whether a 9011/9012 answer belongs to ``request``: same QN and MN (§6.5)."""
    return (
        answer.cn in (Command.REQUEST_ANSWER, Command.EXECUTION_RESULT)
        and answer.qn is not None
        and answer.qn == request.qn
        and answer.mn == request.mn
    )


@dataclass(frozen=True)
class CommandTarget:
    """The device a platform command goes to.

    Attributes
    ----------
    mn, pw : str
        Device number and its access password.
    st : str
        The device's system code (requests carry the station's ST, e.g. 32 in C.1).
    version : Version
        Edition the device speaks; sets the Flag version bits.
    """

    mn: str
    pw: str
    st: str
    version: Version = Version.HJ212_2017


def platform_request(
    target: CommandTarget, cn: int, qn: str, cp: Mapping[str, str] | None = None
) -> Frame:
    """A platform -> device request with the answer bit set (C.1: ``Flag=5`` in 2017).

    Parameters
    ----------
    target : CommandTarget
        Device address.
    cn : int
        Command code.
    qn : str
        Request number, see :func:`~ecowarden.hj212.times.make_qn`.
    cp : Mapping of str to str, optional
        CP fields.
    """
    return make_frame(
        cn,
        target.mn,
        st=target.st,
        pw=target.pw,
        qn=qn,
        flag=(target.version.flag_bits << 2) | 1,
        cp=cp,
    )


def _optional(pairs: Mapping[str, str | None]) -> dict[str, str]:
    return {name: value for name, value in pairs.items() if value is not None}


def set_timeout_retries(target: CommandTarget, qn: str, overtime_s: int, recount: int) -> Frame:
    """1000: answer timeout [s] and resend count, each 1..99 (Table 4, C.1)."""
    for name, value in (("OverTime", overtime_s), ("ReCount", recount)):
        if not 0 < value <= 99:
            raise ValidationError(f"{name}={value} outside 1..99")
    cp = {"OverTime": str(overtime_s), "ReCount": str(recount)}
    return platform_request(target, Command.SET_TIMEOUT_RETRIES, qn, cp)


def get_time(target: CommandTarget, qn: str, pol_id: str | None = None) -> Frame:
    """1011: ask for the field machine's time (of one instrument with ``PolId``)."""
    return platform_request(target, Command.GET_TIME, qn, _optional({"PolId": pol_id}))


def set_time(target: CommandTarget, qn: str, at: dt.datetime, pol_id: str | None = None) -> Frame:
    """1012: set the field machine's time to ``at`` (aware; sent as local SystemTime, C.4)."""
    cp = _optional({"PolId": pol_id, "SystemTime": format_time(at)})
    return platform_request(target, Command.SET_TIME, qn, cp)


def get_realtime_interval(target: CommandTarget, qn: str) -> Frame:
    """1061: ask for the real-time upload interval."""
    return platform_request(target, Command.GET_REALTIME_INTERVAL, qn)


def set_realtime_interval(target: CommandTarget, qn: str, interval_s: int) -> Frame:
    """1062: set the real-time upload interval, 30..3600 s (Table 4; App. A example ``30``)."""
    low, high = REALTIME_INTERVAL_RANGE_S
    if not low <= interval_s <= high:
        raise ValidationError(f"RtdInterval={interval_s} s outside {low}..{high}")
    cp = {"RtdInterval": str(interval_s)}
    return platform_request(target, Command.SET_REALTIME_INTERVAL, qn, cp)


def get_minute_interval(target: CommandTarget, qn: str) -> Frame:
    """1063: ask for the minute-data interval."""
    return platform_request(target, Command.GET_MINUTE_INTERVAL, qn)


def set_minute_interval(target: CommandTarget, qn: str, interval_min: int) -> Frame:
    """1064: set the minute-data interval [min], one of 1 2 3 4 5 6 10 12 15 20 30 (Table 4)."""
    if interval_min not in MINUTE_INTERVALS_MIN:
        raise ValidationError(
            f"MinInterval={interval_min} min not in {sorted(MINUTE_INTERVALS_MIN)}"
        )
    cp = {"MinInterval": str(interval_min)}
    return platform_request(target, Command.SET_MINUTE_INTERVAL, qn, cp)


def set_password(target: CommandTarget, qn: str, new_pw: str) -> Frame:
    """1072: set a new access password ``NewPW`` (C6 in Table 4)."""
    if not new_pw or not new_pw.isascii() or not new_pw.isalnum():
        raise ValidationError(f"NewPW={new_pw!r}: use letters and digits")
    return platform_request(target, Command.SET_PASSWORD, qn, {"NewPW": new_pw})


def start_realtime_data(target: CommandTarget, qn: str) -> Frame:
    """2011: start real-time data uploads."""
    return platform_request(target, Command.REALTIME_DATA, qn)


def stop_realtime_data(target: CommandTarget, qn: str) -> Frame:
    """2012: stop real-time data uploads (a notice: the device answers 9013)."""
    return platform_request(target, Command.STOP_REALTIME_DATA, qn)


def start_facility_state(target: CommandTarget, qn: str) -> Frame:
    """2021: start facility-state uploads."""
    return platform_request(target, Command.FACILITY_STATE, qn)


def stop_facility_state(target: CommandTarget, qn: str) -> Frame:
    """2022: stop facility-state uploads (a notice)."""
    return platform_request(target, Command.STOP_FACILITY_STATE, qn)


def history_request(
    target: CommandTarget, qn: str, cn: int, begin: dt.datetime, end: dt.datetime
) -> Frame:
    """2031 / 2041 / 2051 / 2061: ask for daily, facility-runtime, minute or hourly history.

    Parameters
    ----------
    target : CommandTarget
        Device.
    qn : str
        Request number; the device's closing 9012 echoes it (C.20).
    cn : int
        One of 2031, 2041, 2051, 2061.
    begin, end : datetime
        Aware window, ``begin <= end``; sent as local ``BeginTime`` / ``EndTime``.
    """
    if cn not in HISTORY_COMMANDS:
        raise ValidationError(f"CN={cn} is not a history request; use 2031, 2041, 2051 or 2061")
    cp = {"BeginTime": format_time(begin), "EndTime": format_time(end)}
    if begin > end:
        raise ValidationError(f"BeginTime {begin.isoformat()} after EndTime {end.isoformat()}")
    return platform_request(target, cn, qn, cp)


def calibrate(target: CommandTarget, qn: str, pol_id: str) -> Frame:
    """3011: zero/span calibration of the instrument ``PolId``."""
    return platform_request(target, Command.CALIBRATE, qn, {"PolId": pol_id})


def sample_now(target: CommandTarget, qn: str, pol_id: str) -> Frame:
    """3012: immediate sampling by the instrument ``PolId``."""
    return platform_request(target, Command.SAMPLE_NOW, qn, {"PolId": pol_id})


def get_field_machine_info(
    target: CommandTarget,
    qn: str,
    info_id: str,
    pol_id: str | None = None,
    begin: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Frame:
    """3020: ask for field-machine information ``InfoId`` (logs with a time window, C.40)."""
    if (begin is None) != (end is None):
        raise ValidationError("give both BeginTime and EndTime, or neither")
    cp = _optional(
        {
            "PolId": pol_id,
            "InfoId": info_id,
            "BeginTime": None if begin is None else format_time(begin),
            "EndTime": None if end is None else format_time(end),
        }
    )
    return platform_request(target, Command.FIELD_MACHINE_INFO, qn, cp)
