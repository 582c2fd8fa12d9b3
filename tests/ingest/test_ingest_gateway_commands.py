"""Platform commands: queued per MN, delivered while the device is connected, 9011/9012 answers
recorded, resends and time-outs (HJ 212-2017 §6.1, §6.5, Table 1, Appendix C.1 and C.4)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from ingest_harness import DeviceClient, gateway_config, minute, rows, running_gateway, upload

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.hj212 import ExeRtn, QnRtn, encode, execution_result, make_frame, request_answer
from ecowarden.ingest.commands import TRANSITIONS, CommandEvent, CommandTiming
from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.services.ingest import PLATFORM_COMMANDS, queue_platform_command
from ecowarden.store import Store
from ecowarden.store.commands import CommandQueue, CommandStatus, PlatformCommand

FAST = CommandTiming(answer_timeout_s=0.15, resends=2, execution_timeout_s=0.3, poll_s=0.02)


def command_state(store: Store, command_id: int) -> PlatformCommand:
    with store.snapshot() as snapshot:
        command = CommandQueue(snapshot.connection).command(command_id)
    assert command is not None
    return command


def test_a_queued_command_is_delivered_and_its_answers_recorded(
    store: Store, devices: list[VirtualDevice]
) -> None:
    device = devices[0]
    queued = queue_platform_command(store, device.mn, 1064, {"MinInterval": "5"}, actor="op")
    assert queued.status is CommandStatus.QUEUED

    async def scenario() -> list[tuple[int, str | None, int | None, dict[str, str]]]:
        async with running_gateway(store, gateway_config(commands=FAST)) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(upload(device, minute(0)))  # the device is connected from here
            frames = await client.receive(2)
            request = frames[1]
            # C.1: the device answers 9011 QnRtn=1, executes, then 9012 ExeRtn=1, same QN.
            await client.send(encode(request_answer(request, QnRtn.READY)))
            await client.send(encode(execution_result(request, ExeRtn.SUCCESS)))
            await asyncio.sleep(0.2)
            await client.close()
            return [(f.cn, f.qn, f.flag, dict(f.cp)) for f in frames]

    answer, request = asyncio.run(scenario())
    assert answer[0] == 9014
    # The request carries the queued QN, Flag=5 (2017 + answer bit, C.1) and the CP.
    assert request == (1064, queued.qn, 5, {"MinInterval": "5"})
    done = command_state(store, queued.id)
    assert (done.status, done.attempts, done.qn_rtn, done.exe_rtn) == (
        CommandStatus.DONE,
        1,
        1,
        1,
    )
    with store.snapshot() as snapshot:
        answers = CommandQueue(snapshot.connection).answers(queued.id)
    assert [(a.cn, a.code) for a in answers] == [(9011, 1), (9012, 1)]
    archived = {int(row[0]) for row in rows(store, "SELECT id FROM raw_packets")}
    assert {a.raw_packet_id for a in answers} <= archived


@pytest.mark.parametrize(
    ("answers", "status", "deliveries"),
    [
        # No 9011 within OverTime: resent (same QN) ReCount times, then failed.
        ((), CommandStatus.FAILED, 3),
        # 9011 QnRtn=1 but no 9012 within the execution time-out: expired.
        ((9011,), CommandStatus.EXPIRED, 1),
        # 9011 QnRtn=3 (PW 错误): refused.
        ((9013,), CommandStatus.REFUSED, 1),
    ],
)
def test_commands_that_do_not_complete(
    sqlite_store: Store,
    sqlite_devices: list[VirtualDevice],
    answers: tuple[int, ...],
    status: CommandStatus,
    deliveries: int,
) -> None:
    device = sqlite_devices[0]
    queued = queue_platform_command(sqlite_store, device.mn, 1011, {}, actor="op")

    async def scenario() -> list[str | None]:
        async with running_gateway(sqlite_store, gateway_config(commands=FAST)) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(upload(device, minute(0)))
            frames = await client.receive(2)
            for kind in answers:
                code = QnRtn.READY if kind == 9011 else QnRtn.BAD_PW
                await client.send(encode(request_answer(frames[1], code)))
            frames = await client.receive(1 + deliveries + 1, timeout_s=0.8)
            await client.close()
            return [f.qn for f in frames if f.cn == 1011]

    requests = asyncio.run(scenario())
    assert requests == [queued.qn] * deliveries
    final = command_state(sqlite_store, queued.id)
    assert (final.status, final.attempts) == (status, deliveries)


def test_a_time_calibration_request_is_answered_then_the_time_is_set(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # C.4: device 1013 (notice) -> platform 9013, then a 1012 request with SystemTime.
    device = sqlite_devices[0]
    notice = encode(
        make_frame(
            1013, device.mn, st=device.st, pw=device.password, qn="20260105080000001", flag=5
        )
    )

    async def scenario() -> list[tuple[int, str | None]]:
        async with running_gateway(sqlite_store, gateway_config(commands=FAST)) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(notice)
            frames = await client.receive(2)
            await client.close()
            return [(f.cn, f.cp.get("SystemTime")) for f in frames]

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    (notice_answer, set_time) = asyncio.run(scenario())
    after = dt.datetime.now(dt.UTC)
    assert notice_answer == (9013, None)
    assert set_time[0] == 1012
    assert set_time[1] is not None
    sent = dt.datetime.strptime(set_time[1], "%Y%m%d%H%M%S").replace(
        tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert before <= sent <= after


def test_queueing_checks_the_command_and_the_device(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]
    with pytest.raises(UnknownNameError, match="1064"):
        queue_platform_command(sqlite_store, device.mn, 9014, {}, actor="op")
    # 1072 would change the password behind the registry's back (decision record).
    with pytest.raises(UnknownNameError, match="platform command CN"):
        queue_platform_command(sqlite_store, device.mn, 1072, {"NewPW": "x1"}, actor="op")
    with pytest.raises(UnknownNameError, match="device MN"):
        queue_platform_command(sqlite_store, "NOBODY", 1011, {}, actor="op")
    with pytest.raises(ValidationError, match="contains a separator"):
        queue_platform_command(sqlite_store, device.mn, 1062, {"RtdInterval": "3;0"}, actor="op")
    first = queue_platform_command(sqlite_store, device.mn, 1011, {}, actor="op")
    second = queue_platform_command(sqlite_store, device.mn, 1011, {}, actor="op")
    assert first.qn != second.qn  # QN and MN name the request (§6.5)
    with sqlite_store.snapshot() as snapshot:
        actions = [r.event.action for r in snapshot.audit.records()]
    assert actions.count("device_command.queue") == 2


def test_the_transition_table() -> None:
    assert 1072 not in PLATFORM_COMMANDS
    assert TRANSITIONS[(CommandStatus.QUEUED, CommandEvent.DELIVER)] is CommandStatus.SENT
    # Every transition leads from an open status; closed statuses have none.
    assert all(status.is_open for status, _ in TRANSITIONS)
    with pytest.raises(ValidationError, match="resends"):
        CommandTiming(resends=100)
