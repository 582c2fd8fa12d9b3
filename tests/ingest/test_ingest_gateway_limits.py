"""Limits: connections (global, per address), idle and slow-packet time-outs, back-pressure,
fairness between a flooding client and a normal device, unread answers (reliability-security.md
§3 "connection floods", P10 in a bounded form)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from ingest_harness import (
    DeviceClient,
    count,
    gateway_config,
    keys_of,
    minute,
    running_gateway,
    stored_keys,
    upload,
    wait_for,
)
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ecowarden.ingest.gateway import DeviceConnection, IngestQueue, QueuedPacket
from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.services.ingest import PacketRecord, PacketRows
from ecowarden.store import Store, StoreTransaction


async def open_connections(port: int, n: int) -> list[DeviceClient]:
    return [await DeviceClient.connect(port) for _ in range(n)]


def test_connection_limits(sqlite_store: Store, sqlite_devices: list[VirtualDevice]) -> None:
    async def attempt(**limits: Any) -> tuple[int, dict[str, int]]:
        config = gateway_config(**{f"limit_{k}": v for k, v in limits.items()})
        async with running_gateway(sqlite_store, config) as gateway:
            clients = await open_connections(gateway.port, 8)
            closed = [await c.closed_by_peer(timeout_s=0.2) for c in clients]
            for client in clients:
                await client.close()
            return sum(closed), dict(gateway.stats.connections_refused)

    assert asyncio.run(attempt(max_connections=5, max_connections_per_ip=5)) == (
        3,
        {"max_connections": 3},
    )
    assert asyncio.run(attempt(max_connections=10, max_connections_per_ip=6)) == (
        2,
        {"max_connections_per_ip": 2},
    )


def test_idle_and_slow_connections_are_closed(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # P10 in small: an idle socket is closed at the idle time-out; a slowloris client sending a
    # packet a byte at a time is closed at the packet time-out; a device sending every 0.1 s stays.
    device = sqlite_devices[0]
    packet = upload(device, minute(0))
    config = gateway_config(limit_idle_timeout_s=0.4, limit_packet_timeout_s=0.4)

    async def scenario() -> tuple[bool, bool, int, dict[str, int]]:
        async with running_gateway(sqlite_store, config) as gateway:
            idle = await DeviceClient.connect(gateway.port)
            slow = await DeviceClient.connect(gateway.port)
            active = await DeviceClient.connect(gateway.port)
            for i in range(12):
                with contextlib.suppress(ConnectionError):  # closed half-way, as it should be
                    await slow.send(packet[i : i + 1])
                await active.send(upload(device, minute(i)))
                await asyncio.sleep(0.1)
            answers = len(await active.receive(12))
            idle_closed = await idle.closed_by_peer(timeout_s=0.5)
            slow_closed = await slow.closed_by_peer(timeout_s=0.5)
            for client in (idle, slow, active):
                await client.close()
            return idle_closed, slow_closed, answers, dict(gateway.stats.connections_closed)

    idle_closed, slow_closed, answers, reasons = asyncio.run(scenario())
    assert (idle_closed, slow_closed, answers) == (True, True, 12)
    assert reasons["idle_timeout"] == 1
    assert reasons["packet_timeout"] == 1


def test_a_flooding_client_cannot_starve_a_device(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # Back-pressure: a small queue and in-flight cap; one client writes 600 packets at once. The
    # gateway stops reading it while its packets wait, stores every one of them (nothing is
    # answered and dropped), and another device's packets are answered within a second.
    flooder, device = sqlite_devices[0], sqlite_devices[1]
    burst = b"".join(upload(flooder, minute(i)) for i in range(600))
    config = gateway_config(
        limit_queue_capacity=40,
        limit_max_in_flight_per_connection=16,
        limit_group_max_packets=20,
    )

    async def scenario() -> tuple[int, float, int]:
        async with running_gateway(sqlite_store, config) as gateway:
            loop = asyncio.get_running_loop()
            flood = await DeviceClient.connect(gateway.port)
            normal = await DeviceClient.connect(gateway.port)
            flood.writer.write(burst)
            worst = 0.0
            for i in range(10):
                sent = loop.time()
                await normal.send(upload(device, minute(i)))
                await normal.receive(i + 1)
                worst = max(worst, loop.time() - sent)
                await asyncio.sleep(0.02)
            answered = len(await flood.receive(600, timeout_s=30.0))
            await flood.close()
            await normal.close()
            return answered, worst, gateway.stats.queue_full

    answered, worst, _ = asyncio.run(scenario())
    assert answered == 600
    assert worst < 1.0
    assert stored_keys(sqlite_store) == keys_of(flooder, [minute(i) for i in range(600)]) | (
        keys_of(device, [minute(i) for i in range(10)])
    )


def test_a_full_queue_stops_reading_until_the_writer_catches_up(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # queue_capacity 8 < what 20 devices send at once: connections wait, none is refused.
    config = gateway_config(
        limit_queue_capacity=8, limit_max_in_flight_per_connection=4, limit_group_max_packets=4
    )
    devices = sqlite_devices

    async def scenario() -> tuple[int, int]:
        async with running_gateway(sqlite_store, config) as gateway:
            clients = await open_connections(gateway.port, len(devices))
            for client, device in zip(clients, devices, strict=True):
                client.writer.write(b"".join(upload(device, minute(i)) for i in range(20)))
            answered = 0
            for client in clients:
                answered += len(await client.receive(20, timeout_s=20.0))
                await client.close()
            return answered, gateway.stats.queue_full

    answered, queue_full = asyncio.run(scenario())
    assert answered == 20 * len(devices)
    assert queue_full > 0
    assert count(sqlite_store, "raw_packets") == 20 * len(devices)


class StuckTransport(asyncio.Transport):
    """A transport whose peer never reads: everything written stays buffered."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False
        self.reading = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 40000) if name == "peername" else default

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def get_write_buffer_size(self) -> int:
        return len(self.written)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


def test_a_client_that_does_not_read_is_paused_then_closed(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    config = gateway_config(limit_write_buffer_cap_bytes=1000)

    async def scenario() -> tuple[bool, bool, bool, bool]:
        async with running_gateway(sqlite_store, config) as gateway:
            transport = StuckTransport()
            connection = DeviceConnection(gateway)
            connection.connection_made(transport)
            connection.pause_writing()  # the transport's buffer passed its high-water mark
            paused = not transport.reading
            connection.resume_writing()
            resumed = transport.reading
            kept = connection.write(b"x" * 1000) and not transport.closed
            connection.write(b"x")
            closed = transport.closed and gateway.stats.connections_closed["write_buffer_cap"] == 1
            return paused, resumed, kept, closed

    assert asyncio.run(scenario()) == (True, True, True, True)


def test_commits_are_grouped(sqlite_store: Store, sqlite_devices: list[VirtualDevice]) -> None:
    device = sqlite_devices[0]
    config = gateway_config(limit_group_max_packets=10, limit_group_max_delay_s=0.05)

    async def scenario() -> tuple[int, int]:
        async with running_gateway(sqlite_store, config) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(b"".join(upload(device, minute(i)) for i in range(50)))
            await client.receive(50)
            await wait_for(lambda: gateway.stats.packets_committed >= 50)
            await client.close()
            return gateway.stats.commits, gateway.stats.packets_committed

    commits, committed = asyncio.run(scenario())
    assert committed == 50
    # At most 10 packets per commit, and far fewer commits than packets.
    assert 5 <= commits <= 25


class GroupsOverEightFail(Store):
    """A store whose commits fail when they hold more than 8 packets (as PostgreSQL does when
    a group needs more locks than its shared lock table holds: "out of shared memory")."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.refused = 0

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        with super().transaction() as transaction:
            before = transaction.connection.execute(text("SELECT count(*) FROM raw_packets"))
            first = int(before.scalar_one())
            yield transaction
            after = transaction.connection.execute(text("SELECT count(*) FROM raw_packets"))
            if int(after.scalar_one()) - first > 8:
                self.refused += 1
                raise OperationalError("COMMIT", {}, Exception("out of shared memory"))


def test_groups_shrink_after_a_failure_until_they_commit(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    failing = GroupsOverEightFail(sqlite_store)
    packets = {d.mn: [upload(d, minute(i)) for i in range(10)] for d in sqlite_devices}
    config = gateway_config(limit_group_max_delay_s=0.05)

    async def scenario() -> int:
        async with running_gateway(failing, config) as gateway:
            clients = {mn: await DeviceClient.connect(gateway.port) for mn in packets}
            for _ in range(8):  # each round the devices resend what is still unanswered
                for mn, client in clients.items():
                    answered = {f.qn for f in client.frames}
                    for packet in packets[mn]:
                        if (
                            packet[packet.index(b"QN=") + 3 : packet.index(b";ST")].decode()
                            not in answered
                        ):
                            await client.send(packet)
                for client in clients.values():
                    await client.receive(10, timeout_s=0.3)
                if all(len({f.qn for f in c.frames}) == 10 for c in clients.values()):
                    break
            for client in clients.values():
                await client.close()
            return gateway.stats.commit_failures

    failures = asyncio.run(scenario())
    assert failures >= 1
    assert failing.refused == failures
    expected = set().union(*(keys_of(d, [minute(i) for i in range(10)]) for d in sqlite_devices))
    assert stored_keys(sqlite_store) == expected


def test_a_group_holds_at_most_the_reading_rows_allowed() -> None:
    async def scenario() -> list[int]:
        queue = IngestQueue(100)
        for rows in (5, 5, 5, 20, 1):
            record = PacketRecord(
                b"", "p", 0, None, rows=PacketRows([(1, 2051, 0, 1.0, "N")] * rows, (), None)
            )
            queue.put(QueuedPacket(cast(DeviceConnection, None), record))
        sizes = []
        while len(queue):
            group = await queue.take(10, 12, 0.0, 0.1)
            sizes.append(sum(len(item.record.rows.rows) for item in group))
        return sizes

    # 5+5 fit 12, the third 5 would not; 5 alone; 20 alone (a group holds at least one); 1.
    assert asyncio.run(scenario()) == [10, 5, 20, 1]
