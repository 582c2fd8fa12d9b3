"""DataTime against the receive time (reliability-security.md P8, §3 "clock skew"): future and
stale DataTimes are stored and flagged, never dropped; the per-MN clock offset is tracked; a
17-digit DataTime is accepted with a conformance warning; a malformed one is refused."""

from __future__ import annotations

import asyncio
import datetime as dt

from ingest_harness import (
    T0,
    DeviceClient,
    count,
    keys_of,
    refusals,
    running_gateway,
    stored_keys,
    upload,
)

from ecowarden.hj212 import crc16
from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.store import Store
from ecowarden.store.commands import AnomalyKind, PacketAnomalies

# The gateway's clock in this test: T0 + 90 s, i.e. 30 s after the end of the minute T0.
NOW = T0 + dt.timedelta(seconds=90)


def test_data_time_far_from_the_receive_time(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]
    future = T0 + dt.timedelta(days=1)
    stale = T0 - dt.timedelta(days=400)
    on_time = upload(device, T0)
    ahead = upload(device, future, qn="20260106080000001")
    behind = upload(device, stale, qn="20241201080000001")
    # DataTime with milliseconds (17 digits): truncated to the second, warning time_milliseconds.
    millis = upload(device, T0 + dt.timedelta(minutes=1), qn="20260105080100001").replace(
        b"DataTime=20260105080100", b"DataTime=20260105080100000"
    )
    millis = _recrc(millis)
    # DataTime that is no calendar time: refused as bad_time.
    bad = _recrc(
        upload(device, T0, qn="20260105080000009").replace(
            b"DataTime=20260105080000", b"DataTime=20261305080000"
        )
    )

    async def scenario() -> tuple[int, dict[str, float], int]:
        async with running_gateway(sqlite_store, wall_clock=NOW.timestamp) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(on_time)
            await client.receive(1)
            offset_on_time = gateway.stats.clock_offsets[device.mn].offset_s
            await client.send(ahead + behind + millis + bad)
            frames = await client.receive(4, timeout_s=1.0)
            await client.close()
            stats = gateway.stats
            return (
                len(frames),
                {"on_time": offset_on_time, "last": stats.clock_offsets[device.mn].offset_s},
                stats.warnings["time_milliseconds"],
            )

    answers, offsets, millisecond_warnings = asyncio.run(scenario())
    assert answers == 4  # on time, ahead, behind, with milliseconds; the bad one is refused
    # Offset = DataTime + 60 s (end of the minute) - receive time: T0 + 60 - (T0 + 90) = -30 s.
    assert offsets["on_time"] == -30.0
    # The last accepted packet (milliseconds) is for T0 + 1 min: T0 + 120 - (T0 + 90) = +30 s.
    assert offsets["last"] == 30.0
    assert millisecond_warnings == 1
    assert refusals(sqlite_store) == [None, None, None, None, "bad_time"]
    starts = [T0, future, stale, T0 + dt.timedelta(minutes=1)]
    assert stored_keys(sqlite_store) == keys_of(device, starts)
    with sqlite_store.snapshot() as snapshot:
        anomalies = PacketAnomalies(snapshot.connection).anomalies(mn=device.mn)
    assert [a.kind for a in anomalies] == [AnomalyKind.FUTURE_TIME, AnomalyKind.STALE_TIME]
    assert count(sqlite_store, "packet_anomalies") == 2


def test_items_the_store_cannot_hold_stay_in_the_archive(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    # A vendor code, a flag outside the vocabulary, a misaligned minute: kept as evidence, listed
    # as anomalies, answered (the packet is durably archived); the other items are stored.
    device = sqlite_devices[0]
    vendor = _recrc(upload(device, T0).replace(b"a21026-", b"x99999-"))
    flagged = _recrc(
        upload(device, T0 + dt.timedelta(minutes=1)).replace(b"a21002-Flag=N", b"a21002-Flag=Q")
    )
    misaligned = _recrc(
        upload(device, T0 + dt.timedelta(minutes=2)).replace(
            b"DataTime=20260105080200", b"DataTime=20260105080230"
        )
    )

    async def scenario() -> int:
        async with running_gateway(sqlite_store, wall_clock=NOW.timestamp) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(vendor + flagged + misaligned)
            frames = await client.receive(3)
            await client.close()
            return len(frames)

    assert asyncio.run(scenario()) == 3
    codes = [m.code for m in device.parameters]
    stored = stored_keys(sqlite_store)
    assert {(site, code) for site, code, _, start in stored if start == int(T0.timestamp())} == {
        (device.site, code) for code in codes if code != "a21026"
    }
    assert (
        device.site,
        "a21002",
        2051,
        int((T0 + dt.timedelta(minutes=1)).timestamp()),
    ) not in stored
    assert not [key for key in stored if key[3] == int((T0 + dt.timedelta(minutes=2)).timestamp())]
    with sqlite_store.snapshot() as snapshot:
        anomalies = PacketAnomalies(snapshot.connection).anomalies()
    assert [(a.kind, a.detail) for a in anomalies] == [
        (AnomalyKind.UNKNOWN_PARAMETER, "x99999"),
        (AnomalyKind.UNKNOWN_FLAG, "a21002-Flag=Q"),
        (
            AnomalyKind.MISALIGNED_TIME,
            "DataTime 2026-01-05T08:02:30+08:00: a minute interval starts on a whole minute",
        ),
    ]


def _recrc(packet: bytes) -> bytes:
    """``packet`` with its length and CRC recomputed after an edit of its data segment."""
    segment = packet[6 : packet.rindex(b"&&") + 2]
    return b"##%04d%s%04X\r\n" % (len(segment), segment, crc16(segment))
