"""Answers and platform commands, checked byte for byte against HJ 212-2017 Appendix A and C."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    LOCAL_TZ,
    Command,
    CommandTarget,
    ExeRtn,
    QnRtn,
    Version,
    answer_for,
    answers_request,
    calibrate,
    data_answer,
    decode,
    encode,
    execution_result,
    get_field_machine_info,
    get_minute_interval,
    get_realtime_interval,
    get_time,
    history_request,
    login_answer,
    make_frame,
    notification_answer,
    request_answer,
    sample_now,
    set_minute_interval,
    set_password,
    set_realtime_interval,
    set_time,
    set_timeout_retries,
    start_facility_state,
    start_realtime_data,
    stop_facility_state,
    stop_realtime_data,
)

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SAMPLES = {
    s["id"]: str(s["packet"]).encode()
    for s in json.loads((REFERENCE / "hj212-samples.json").read_text("utf-8"))
}
MN = "010000A8900016F000169DC0"
QN = "20160801085857223"
STATION = CommandTarget(mn=MN, pw="123456", st="32")


def test_data_answer_is_table_c24() -> None:
    # C.24: a device upload (2081 restart time, Flag=5) answered with
    # QN=<same>;ST=91;CN=9014;PW=<same>;MN=<same>;Flag=4;CP=&&&&  (std-C24-9014)
    upload = make_frame(
        2081,
        MN,
        st="32",
        pw="123456",
        qn=QN,
        flag=5,
        cp={"DataTime": "20160801085857", "RestartTime": "20160801085000"},
    )
    assert encode(data_answer(upload)) == SAMPLES["std-C24-9014"]
    answer = answer_for(upload)
    assert answer is not None
    assert encode(answer) == SAMPLES["std-C24-9014"]


def test_request_answer_is_table_c1() -> None:
    request = decode(SAMPLES["std-C1-1000-req"])
    assert encode(request_answer(request, QnRtn.READY)) == SAMPLES["std-C1-9011"]
    result = execution_result(request, ExeRtn.SUCCESS)
    assert result.cp == {"ExeRtn": "1"}
    assert answers_request(decode(SAMPLES["std-C1-9011"]), request)
    assert answers_request(result, request)
    assert not answers_request(request, request)


def test_set_timeout_retries_is_table_c1() -> None:
    assert encode(set_timeout_retries(STATION, QN, 5, 3)) == SAMPLES["std-C1-1000-req"]


def test_set_realtime_interval_is_appendix_a() -> None:
    station = CommandTarget(mn=MN, pw="100000", st="32")
    assert encode(set_realtime_interval(station, QN, 30)) == SAMPLES["std-A-1062"]


def test_answer_flag_keeps_only_the_version_bits() -> None:
    # 2025 Appendix C: answers carry Flag=8 (reference §3.2)
    upload = make_frame(2051, MN, st="31", pw="1", qn=QN, flag=11, pnum=2, pno=1)
    answer = data_answer(upload)
    assert (answer.flag, answer.version, answer.st, answer.cn) == (
        8,
        Version.HJ212_2025,
        "91",
        9014,
    )
    # 2005 packet without Flag: answered (when the profile says so) without Flag
    old = make_frame(2051, MN, st="32", pw="1")
    assert data_answer(old).flag is None


def test_each_subpacket_is_answered_with_its_own_qn() -> None:
    # C.50: sub-packets have their own QN; each gets its 9014
    parts = [
        make_frame(2051, MN, st="32", pw="1", qn=f"2016080108585722{i}", flag=7, pnum=2, pno=i)
        for i in (1, 2)
    ]
    assert [data_answer(p).qn for p in parts] == ["20160801085857221", "20160801085857222"]


@pytest.mark.parametrize(
    ("cn", "flag", "expected"),
    [
        (2011, 5, Command.DATA_ANSWER),
        (2051, 4, None),  # answer bit clear
        (3020, 5, Command.DATA_ANSWER),
        (1013, 5, Command.NOTIFICATION_ANSWER),  # C.4 time-calibration request
        (9015, 9, Command.NOTIFICATION_ANSWER),  # 2025 heartbeat (answer unconfirmed)
        (9011, 4, None),
        (9014, 4, None),
        (9021, 5, None),  # login: no answer unless the profile says so
        (8013, 5, None),  # unknown vendor command: stored, not answered
    ],
)
def test_answer_for(cn: int, flag: int, expected: Command | None) -> None:
    answer = answer_for(make_frame(cn, MN, st="32", pw="1", qn=QN, flag=flag))
    assert (None if answer is None else answer.cn) == expected


def test_login_answer_per_profile() -> None:
    login = decode(SAMPLES["sim-9021-login"])
    answer = answer_for(login, answer_login=True)
    assert answer is not None
    assert answer.cn == Command.LOGIN_ANSWER
    assert login_answer(login) == answer
    assert notification_answer(login).cn == Command.NOTIFICATION_ANSWER


def test_set_time_sends_local_system_time() -> None:
    at = dt.datetime(2016, 8, 1, 0, 58, 57, tzinfo=dt.UTC)  # 08:58:57 local
    frame = set_time(STATION, QN, at)
    assert frame.cp == {"SystemTime": "20160801085857"}
    assert (frame.cn, frame.flag, frame.needs_ack) == (1012, 5, True)
    assert set_time(STATION, QN, at, pol_id="w01018").cp["PolId"] == "w01018"


def test_history_request() -> None:
    begin = dt.datetime(2016, 8, 1, 0, 0, tzinfo=LOCAL_TZ)
    frame = history_request(STATION, QN, 2051, begin, begin + dt.timedelta(hours=1))
    assert frame.cp == {"BeginTime": "20160801000000", "EndTime": "20160801010000"}
    with pytest.raises(ValidationError, match="after"):
        history_request(STATION, QN, 2061, begin + dt.timedelta(hours=1), begin)
    with pytest.raises(ValidationError, match="history"):
        history_request(STATION, QN, 2011, begin, begin)
    with pytest.raises(ValidationError, match="naive"):
        history_request(STATION, QN, 2061, dt.datetime(2016, 8, 1), dt.datetime(2016, 8, 2))


@pytest.mark.parametrize(("value", "ok"), [(29, False), (30, True), (3600, True), (3601, False)])
def test_realtime_interval_range(value: int, ok: bool) -> None:
    # Table 4: RtdInterval 30 <= n <= 3600 s
    if ok:
        assert set_realtime_interval(STATION, QN, value).cp == {"RtdInterval": str(value)}
    else:
        with pytest.raises(ValidationError, match="RtdInterval"):
            set_realtime_interval(STATION, QN, value)


@pytest.mark.parametrize(
    ("value", "ok"), [(1, True), (7, False), (10, True), (30, True), (60, False)]
)
def test_minute_interval_values(value: int, ok: bool) -> None:
    if ok:
        assert set_minute_interval(STATION, QN, value).cp == {"MinInterval": str(value)}
    else:
        with pytest.raises(ValidationError, match="MinInterval"):
            set_minute_interval(STATION, QN, value)


def test_timeout_and_retries_ranges() -> None:
    with pytest.raises(ValidationError, match="OverTime"):
        set_timeout_retries(STATION, QN, 0, 3)
    with pytest.raises(ValidationError, match="ReCount"):
        set_timeout_retries(STATION, QN, 5, 100)


def test_other_builders() -> None:
    version_2025 = CommandTarget(mn=MN, pw="1", st="31", version=Version.HJ212_2025)
    assert get_time(version_2025, QN).flag == 9  # 2025 requests carry Flag=9
    assert get_realtime_interval(STATION, QN).cn == 1061
    assert get_minute_interval(STATION, QN).cn == 1063
    assert set_password(STATION, QN, "654321").cp == {"NewPW": "654321"}
    with pytest.raises(ValidationError):
        set_password(STATION, QN, "a;b")
    assert [
        f(STATION, QN).cn
        for f in (
            start_realtime_data,
            stop_realtime_data,
            start_facility_state,
            stop_facility_state,
        )
    ] == [2011, 2012, 2021, 2022]
    assert calibrate(STATION, QN, "w01018").cp == {"PolId": "w01018"}
    assert sample_now(STATION, QN, "w01018").cn == 3012
    begin = dt.datetime(2010, 3, 1, 14, 0, tzinfo=LOCAL_TZ)
    info = get_field_machine_info(
        STATION, QN, "i11001", "w01018", begin, begin + dt.timedelta(hours=1)
    )
    assert info.cp == {
        "PolId": "w01018",
        "InfoId": "i11001",
        "BeginTime": "20100301140000",
        "EndTime": "20100301150000",
    }
    with pytest.raises(ValidationError):
        get_field_machine_info(STATION, QN, "i11001", begin=begin)


def test_builders_encode_and_decode_back() -> None:
    frame = set_minute_interval(STATION, QN, 10)
    assert decode(encode(frame)) == frame
