"""The gateway's main flow on SQLite and PostgreSQL: store, archive, answer after the commit.

Rows D1 (no answer before the commit), D5a (durable settings), D7 (resends), D8 (conflicting
resends) of reliability-security.md §8.1; answers per hj212-protocol.md §6.3.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from ingest_harness import (
    DeviceClient,
    count,
    gateway_config,
    keys_of,
    minute,
    refusals,
    rows,
    running_gateway,
    stored_keys,
    upload,
    wait_for,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ecowarden.errors import ValidationError
from ecowarden.hj212 import encode, format_time, make_frame
from ecowarden.ingest.gateway import Gateway
from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.store import EngineRole, Store, StoreTransaction


def test_upload_is_archived_stored_and_answered(store: Store, devices: list[VirtualDevice]) -> None:
    device = devices[0]
    packet = upload(device, minute(0), qn="20260105080000123")

    async def scenario() -> list[object]:
        async with running_gateway(store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(packet)
            frames = await client.receive(1)
            await client.close()
            return list(frames)

    (answer,) = asyncio.run(scenario())
    # C.24: QN=<same>;ST=91;CN=9014;PW=<same>;MN=<same>;Flag=4 (2017 version bits);CP=&&&&
    assert (answer.qn, answer.st, answer.cn, answer.pw, answer.mn, answer.flag) == (
        "20260105080000123",
        "91",
        9014,
        device.password,
        device.mn,
        4,
    )
    assert dict(answer.cp) == {}
    assert stored_keys(store) == keys_of(device, [minute(0)])
    assert refusals(store) == [None]
    # The archive holds the packet verbatim: "##" to the CRC (the tail is not part of it).
    assert bytes(rows(store, "SELECT payload FROM raw_packets")[0][0]) == packet[:-2]


def test_resends_are_no_ops_and_each_gets_its_answer(
    store: Store, devices: list[VirtualDevice]
) -> None:
    # D7: every packet sent 1 + 0..3 times (seed 2024), some again after a gateway restart.
    seed = 2024
    print(f"seed {seed}")
    rng = random.Random(seed)
    plan = [(device, minute(m)) for device in devices for m in range(5)]
    sends = [(d, start) for d, start in plan for _ in range(1 + rng.randint(0, 3))]
    rng.shuffle(sends)
    again = plan[:6]

    async def send_all(gateway: Gateway, items: list[tuple[VirtualDevice, object]]) -> int:
        clients = {d.mn: await DeviceClient.connect(gateway.port) for d in devices}
        for d, start in items:
            await clients[d.mn].send(upload(d, start))  # type: ignore[arg-type]
        received = 0
        for d in devices:
            expected = sum(1 for other, _ in items if other is d)
            received += len(await clients[d.mn].receive(expected))
            await clients[d.mn].close()
        return received

    async def scenario() -> tuple[int, int, int]:
        async with running_gateway(store) as gateway:
            first = await send_all(gateway, sends)  # type: ignore[arg-type]
        async with running_gateway(store) as gateway:
            second = await send_all(gateway, again)  # type: ignore[arg-type]
            identical = gateway.stats.readings["identical"]
        return first, second, identical

    first, second, identical = asyncio.run(scenario())
    assert (first, second) == (len(sends), len(again))
    expected = set().union(*(keys_of(d, [start]) for d, start in plan))
    assert stored_keys(store) == expected
    assert count(store, "readings") == len(expected)
    assert count(store, "reading_revisions") == 0
    # The second gateway saw only resends: each of their readings is identical, none new.
    assert identical == sum(len(d.parameters) for d, _ in again)


def test_conflicting_resends_are_kept_and_alerted_once_per_device(
    store: Store, devices: list[VirtualDevice]
) -> None:
    # D8: 50 stored keys resent with altered values.
    device = devices[1]  # water outlet: w01018 (COD) first
    starts = [minute(m) for m in range(50)]
    originals = [upload(device, start) for start in starts]
    altered = [upload(device, start, values={"w01018": "99.9"}) for start in starts]

    async def scenario() -> tuple[int, int]:
        async with running_gateway(store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            for packet in originals:
                await client.send(packet)
            await client.receive(50)
            for packet in altered:
                await client.send(packet)
            frames = await client.receive(100)
            await client.close()
            return len(frames), gateway.stats.alerts["conflicting_resend"]

    answers, alerts = asyncio.run(scenario())
    assert answers == 100  # the altered resends are kept as evidence, so they are answered too
    assert alerts == 1
    # The originals stay the current value: COD 30.0 (the device's level written with 1 decimal).
    values = rows(
        store,
        "SELECT r.value, r.conflict FROM readings r JOIN parameters p ON p.id = r.parameter_id "
        "WHERE p.code = 'w01018'",
    )
    assert sorted(values) == [(30.0, True)] * 50
    revisions = rows(store, "SELECT kind, value FROM reading_revisions")
    assert sorted(revisions) == [("resend", 99.9)] * 50
    with store.snapshot() as snapshot:
        actions = [record.event.action for record in snapshot.audit.records()]
    assert actions.count("alert.conflicting_resend") == 1


class CommitFails(Store):
    """A store whose next ``failures`` transactions fail at commit (rolled back)."""

    def __init__(self, store: Store, failures: int) -> None:
        super().__init__(store.engine)
        self.failures = failures

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        with super().transaction() as transaction:
            yield transaction
            if self.failures > 0:
                self.failures -= 1
                raise OperationalError("COMMIT", {}, Exception("disk I/O error"))


def test_no_answer_for_a_commit_that_fails(store: Store, devices: list[VirtualDevice]) -> None:
    # D1: the commit fails -> no answer, no row; the device resends -> stored and answered.
    failing = CommitFails(store, failures=2)
    device = devices[0]
    packet = upload(device, minute(0))

    async def scenario() -> list[tuple[int, int, int]]:
        steps = []
        async with running_gateway(failing) as gateway:
            client = await DeviceClient.connect(gateway.port)
            stats = gateway.stats
            for _ in range(3):  # the device resends after each missing answer
                await client.send(packet)
                await wait_for(lambda: stats.commits + stats.commit_failures >= len(steps) + 1)
                await asyncio.sleep(0.1)
                received = len(await client.receive(1, timeout_s=0.2))
                steps.append((received, stats.commits, stats.answers["9014"]))
            await client.close()
            assert stats.answers_withheld["commit_failed"] == 2
            assert stats.alerts["store_unavailable"] == 1
        return steps

    steps = asyncio.run(scenario())
    # (answers received, successful commits, answers sent) after each send.
    assert steps == [(0, 0, 0), (0, 0, 0), (1, 1, 1)]
    assert all(sent <= commits for _, commits, sent in steps)
    assert stored_keys(store) == keys_of(device, [minute(0)])
    assert refusals(store) == [None]  # the failed attempts left nothing behind


def test_a_store_that_does_not_commit_durably_is_refused(database_url: str) -> None:
    # D5a: SQLite with synchronous=NORMAL (a reader engine), PostgreSQL with
    # synchronous_commit=off: the gateway refuses to start, acknowledgements would not be durable.
    if database_url.startswith("sqlite"):
        lax = Store.open(database_url, role=EngineRole.READER)
    else:
        url = make_url(database_url)
        options = f"{url.query.get('options', '')} -csynchronous_commit=off".strip()
        lax = Store(create_engine(url.update_query_dict({"options": options})))

    async def scenario() -> None:
        gateway = Gateway(lax, gateway_config())
        await gateway.start()

    with pytest.raises(ValidationError, match="does not commit durably"):
        asyncio.run(scenario())
    lax.close()


def test_notices_heartbeats_and_other_uploads(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]
    # 9015 heartbeat of HJ 212-2025 (Flag=9: 2025, answer): 9013 with Flag=8 (version bits).
    heartbeat = encode(
        make_frame(
            9015, device.mn, st=device.st, pw=device.password, qn="20260105080000001", flag=9
        )
    )
    # 2081 restart time: an upload without readings, answered once archived.
    restart = encode(
        make_frame(
            2081,
            device.mn,
            st=device.st,
            pw=device.password,
            qn="20260105080000002",
            flag=5,
            cp={"DataTime": format_time(minute(0)), "RestartTime": format_time(minute(-3))},
        )
    )
    # HJ/T 212-2005 style: no QN, no Flag -> stored, not answered (reference §8 row 13).
    legacy_frame = make_frame(
        2051,
        device.mn,
        st=device.st,
        pw=device.password,
        cp={"DataTime": format_time(minute(1)), "a21026-Avg": "12.5", "a21026-Flag": "N"},
    )
    legacy = encode(legacy_frame)

    async def scenario() -> list[tuple[int, str | None, int | None]]:
        async with running_gateway(sqlite_store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(heartbeat + restart + legacy)
            await wait_for(lambda: gateway.stats.packets_committed >= 3)
            frames = await client.receive(2, timeout_s=1.0)
            await client.close()
            return [(f.cn, f.qn, f.flag) for f in frames]

    answers = asyncio.run(scenario())
    assert answers == [(9013, "20260105080000001", 8), (9014, "20260105080000002", 4)]
    assert stored_keys(sqlite_store) == {(device.site, "a21026", 2051, int(minute(1).timestamp()))}
    assert refusals(sqlite_store) == [None, None, None]


def test_real_time_values_are_stored_at_their_sampling_moment(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]
    at = minute(0).replace(second=17)  # 2011 DataTime is the sampling moment: no alignment
    packet = encode(
        make_frame(
            2011,
            device.mn,
            st=device.st,
            pw=device.password,
            qn="20260105080017000",
            flag=5,
            cp={"DataTime": format_time(at), "a21026-Rtd": "33.1", "a21026-Flag": "N"},
        )
    )

    async def scenario() -> int:
        async with running_gateway(sqlite_store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(packet)
            frames = await client.receive(1)
            await client.close()
            return len(frames)

    assert asyncio.run(scenario()) == 1
    assert rows(sqlite_store, "SELECT period, start_s, value, flag FROM readings") == [
        (2011, int(at.timestamp()), 33.1, "N")
    ]
