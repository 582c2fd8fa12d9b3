"""Gateway counters and their Prometheus text exposition (format version 0.0.4)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from ingest_harness import DeviceClient, minute, running_gateway, upload, wait_for

from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.ingest.stats import OTHER_MN, GatewayStats, parse_prometheus_text
from ecowarden.store import Store


def test_exposition_format() -> None:
    stats = GatewayStats()
    stats.frames = 3
    stats.refuse("crc_mismatch", 'M"N\\1')
    stats.record_offset("MN2", -30.5, 1_700_000_000.0)
    stats.stage_seconds["parse"] = 0.25
    text = stats.prometheus_text()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert "# TYPE ecowarden_gateway_frames_total counter" in lines
    assert "ecowarden_gateway_frames_total 3" in lines
    assert "# TYPE ecowarden_gateway_connections_open gauge" in lines
    # Label values escape backslash and double quote (exposition format 0.0.4).
    assert 'ecowarden_gateway_refused_by_mn_total{mn="M\\"N\\\\1",reason="crc_mismatch"} 1' in lines
    assert 'ecowarden_gateway_refused_total{reason="crc_mismatch"} 1' in lines
    assert 'ecowarden_gateway_clock_offset_seconds{mn="MN2"} -30.5' in lines
    assert 'ecowarden_gateway_stage_seconds_total{stage="parse"} 0.25' in lines
    # Every sample belongs to a family announced by # HELP and # TYPE.
    families = {line.split()[2] for line in lines if line.startswith("# TYPE")}
    samples = parse_prometheus_text(text)
    assert all(series.split("{")[0] in families for series in samples)


def test_per_mn_series_are_capped() -> None:
    stats = GatewayStats(max_tracked_mns=2)
    for mn in ("A", "B", "C", "D"):
        stats.refuse("unknown_mn", mn)
    assert dict(stats.refused_by_mn) == {
        ("A", "unknown_mn"): 1,
        ("B", "unknown_mn"): 1,
        (OTHER_MN, "unknown_mn"): 2,
    }


def test_the_endpoint_serves_the_counters(
    sqlite_store: Store, sqlite_devices: list[VirtualDevice]
) -> None:
    device = sqlite_devices[0]

    async def scenario() -> tuple[str, int]:
        async with running_gateway(sqlite_store) as gateway:
            client = await DeviceClient.connect(gateway.port)
            await client.send(upload(device, minute(0)) + b"garbage##12")
            await client.receive(1)
            await client.close()
            await wait_for(lambda: gateway.stats.connections_open == 0)
            url = f"http://127.0.0.1:{gateway.stats_port}/metrics"
            body = await asyncio.to_thread(_get, url)
            missing = await asyncio.to_thread(_status, f"http://127.0.0.1:{gateway.stats_port}/x")
            return body, missing

    body, missing = asyncio.run(scenario())
    samples = parse_prometheus_text(body)
    assert samples["ecowarden_gateway_frames_total"] == 1
    assert samples['ecowarden_gateway_answers_total{cn="9014"}'] == 1
    assert samples['ecowarden_gateway_readings_total{outcome="new"}'] == len(device.parameters)
    assert samples["ecowarden_gateway_connections_accepted_total"] == 1
    assert samples['ecowarden_gateway_connections_closed_total{reason="peer_closed"}'] == 1
    assert missing == 404


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return str(response.read().decode("utf-8"))


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
