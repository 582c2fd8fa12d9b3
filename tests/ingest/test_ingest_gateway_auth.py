"""Device authentication by MN + PW: refusals, audit, alert, throttling, the verified-pair cache,
onboarding while running, and one MN on two connections (reliability-security.md P6, P7)."""

from __future__ import annotations

import asyncio

from ingest_harness import (
    CHEAP_HASHER,
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

from ecowarden.ingest.simulator import VirtualDevice, register_devices, virtual_device
from ecowarden.store import Store


def test_wrong_password_and_unknown_mn(store: Store, devices: list[VirtualDevice]) -> None:
    # P6: 10 wrong-PW packets from a known MN, 10 from an unknown MN; alert after 5 in 10 min.
    device = devices[0]
    wrong = [upload(device, minute(i), password="Wrong-pw-1") for i in range(10)]
    stranger = [upload(device, minute(i), mn="UNKNOWN0000000001") for i in range(10)]
    config = gateway_config(limit_auth_failure_threshold=5, limit_auth_failure_window_s=600.0)

    async def scenario() -> tuple[int, dict[str, int], bool, str | None]:
        async with running_gateway(store, config) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(b"".join(wrong + stranger))
            await wait_for(lambda: gateway.stats.packets_committed >= 20)
            closed = await client.closed_by_peer()
            await client.close()
            stats = gateway.stats
            # The address is throttled now: a new connection is closed at once.
            late = await DeviceClient.connect(gateway.port)
            refused_again = await late.closed_by_peer()
            await late.close()
            verifications = dict(stats.auth_verifications)
            return (
                stats.alerts["auth_failures"],
                verifications,
                closed and refused_again,
                next(iter(stats.connections_refused), None),
            )

    alerts, verifications, throttled, refused_reason = asyncio.run(scenario())
    # The fifth failure reaches the threshold: one alert, the address is throttled and its
    # connection closed. The packets already read are still archived and audited, one each.
    assert refusals(store) == ["wrong_password"] * 10 + ["unknown_mn"] * 10
    assert alerts == 1
    assert throttled
    assert refused_reason == "ip_throttled"
    # One Argon2id verification: the same wrong pair is then refused from the cache.
    assert verifications == {"failed": 1}
    assert count(store, "readings") == 0
    with store.snapshot() as snapshot:
        events = [record.event for record in snapshot.audit.records()]
    refused = [e for e in events if e.action == "device.authenticate"]
    assert [(e.outcome.value, e.object_id, e.detail["reason"]) for e in refused] == [
        ("refused", device.mn, "wrong_password")
    ] * 10 + [("refused", "UNKNOWN0000000001", "unknown_mn")] * 10
    assert all(e.source_ip == "127.0.0.1" for e in refused)
    assert [e.action for e in events].count("alert.auth_failures") == 1
    assert "Wrong-pw-1" not in str([e.detail for e in events])


def test_unknown_mn_is_refused_without_throttling_below_the_threshold(
    store: Store, devices: list[VirtualDevice]
) -> None:
    packets = [upload(devices[0], minute(i), mn="UNKNOWN0000000001") for i in range(3)]

    async def scenario() -> int:
        async with running_gateway(store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(b"".join(packets) + upload(devices[0], minute(9)))
            frames = await client.receive(1)
            await client.close()
            return len(frames)

    assert asyncio.run(scenario()) == 1
    assert refusals(store) == ["unknown_mn"] * 3 + [None]
    assert stored_keys(store) == keys_of(devices[0], [minute(9)])


def test_a_verified_pair_is_not_hashed_again(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]

    async def scenario() -> tuple[int, int, int]:
        async with running_gateway(sqlite_store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            for i in range(30):
                await client.send(upload(device, minute(i)))
            frames = await client.receive(30)
            await client.close()
            stats = gateway.stats
            return len(frames), stats.auth_verifications["ok"], stats.auth_cache_hits

    assert asyncio.run(scenario()) == (30, 1, 30)


def test_a_device_registered_while_the_gateway_runs_is_accepted(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # Onboarding: `ecowarden devices add` while the gateway runs; the first packet of the new MN
    # makes the gateway reload the registry (at most every registry_refresh_s).
    with sqlite_store.snapshot() as snapshot:
        site = snapshot.registry.site("DA003")
    assert site is not None
    newcomer = virtual_device(site, 99, seed=99)
    config = gateway_config(limit_registry_refresh_s=0.05)

    async def scenario() -> int:
        async with running_gateway(sqlite_store, config) as gateway:
            await asyncio.sleep(0.1)
            register_devices(
                sqlite_store, [newcomer], actor="test", password_hash=CHEAP_HASHER.hash
            )
            client = await DeviceClient.connect(gateway.port)
            await client.send(upload(newcomer, minute(0)))
            frames = await client.receive(1)
            await client.close()
            return len(frames)

    assert asyncio.run(scenario()) == 1
    assert stored_keys(sqlite_store) == keys_of(newcomer, [minute(0)])


def test_one_mn_on_two_connections_raises_a_collision_alert(
    store: Store, devices: list[VirtualDevice]
) -> None:
    # P7: the same MN + PW from two concurrent connections; both streams are stored, each
    # packet archived with its own peer.
    device = devices[0]

    async def scenario() -> int:
        async with running_gateway(store) as gateway:
            first = await DeviceClient.connect(gateway.port)
            second = await DeviceClient.connect(gateway.port)
            await first.send(upload(device, minute(0)))
            await first.receive(1)
            await second.send(upload(device, minute(1)))
            await second.receive(1)
            await first.send(upload(device, minute(2)))
            await first.receive(2)
            await first.close()
            await second.close()
            return gateway.stats.alerts["mn_collision"]

    assert asyncio.run(scenario()) == 1
    assert stored_keys(store) == keys_of(device, [minute(0), minute(1), minute(2)])
    peers = [row[0] for row in rows(store, "SELECT peer FROM raw_packets ORDER BY id")]
    assert len(set(peers)) == 2
    with store.snapshot() as snapshot:
        alerts = [
            r.event for r in snapshot.audit.records() if r.event.action == "alert.mn_collision"
        ]
    assert [(a.object_id, len(a.detail["peers"])) for a in alerts] == [(device.mn, 2)]  # type: ignore[arg-type]
