"""MQTT ingest: payload parsing, and the subscriber against the real Mosquitto broker (marker
``mqtt``; skipped with a reason only when no broker answers — CI starts one).

D12 (reliability-security.md §8.1): fixed client id, clean_session=False, QoS 1, manual
acknowledgement after commit; the subscriber is killed with SIGKILL mid-stream and restarted:
no acknowledged message is lost and none is stored twice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import text

from ecowarden.ingest.mqtt import MqttIngest, Refusal, broker_address, parse_message
from ecowarden.registry.enterprises import Enterprise, ManagementCategory
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.registry.uscc import check_character
from ecowarden.services.supervision import register_equipment, register_monitors
from ecowarden.store import Store
from ecowarden.store.telemetry import MeterRow, NoiseRow, PositionRow
from ecowarden.store.testing import provision
from ecowarden.supervision.electricity import Equipment, EquipmentRole
from ecowarden.supervision.noise_windows import MonitorKind, NoiseMonitor

BROKER = os.environ.get("ECOWARDEN_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
CREDIT = "91341799A12345678" + check_character("91341799A12345678")
T = "2026-06-01T10:00:00+08:00"
T_S = int(dt.datetime(2026, 6, 1, 10, tzinfo=LOCAL_ZONE).timestamp())


def parse(topic: str, body: object) -> object:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_message(topic, payload, equipment=frozenset({"M1"}), monitors=frozenset({"CS01"}))


def test_meter_position_noise_payloads() -> None:
    assert parse("ecowarden/meter/M1", {"time": T, "power_kw": 12.5, "on": True}) == MeterRow(
        "M1", T_S, 12.5, None, True
    )
    assert parse("ecowarden/noise/CS01", {"time": T, "leq_dba": 61.2, "lmax_dba": 70}) == NoiseRow(
        "CS01", T_S, 60, 61.2, 70.0
    )
    fix = parse(
        "ecowarden/position/AIS",
        {"time": T, "object": "boat-1", "kind": "vessel", "lon": 118.3, "lat": 30.2},
    )
    assert fix == PositionRow("AIS", "boat-1", T_S * 10**6, "vessel", 118.3, 30.2, "WGS84", "gnss")


def test_gcj02_position_is_converted() -> None:
    # eviltransform vector (Beijing): GCJ-02 (116.38404722455657, 39.91334545536069)
    # is WGS-84 (116.377817, 39.911954).
    fix = parse(
        "ecowarden/position/CAM1",
        {
            "time": T,
            "object": "truck",
            "kind": "vehicle",
            "lon": 116.38404722455657,
            "lat": 39.91334545536069,
            "datum": "GCJ02",
            "source": "camera",
        },
    )
    assert isinstance(fix, PositionRow)
    assert (fix.lon, fix.lat) == pytest.approx((116.377817, 39.911954), abs=1e-9)
    assert (fix.datum, fix.source) == ("GCJ02", "camera")


@pytest.mark.parametrize(
    ("topic", "body", "reason", "detail"),
    [
        ("ecowarden/weather/X", {"time": T}, "unknown_topic", "ecowarden/meter/{id}"),
        ("other/meter/M1", {"time": T}, "unknown_topic", "'other/meter/M1'"),
        ("ecowarden/meter/M1", {"time": T, "power": 1}, "unknown_field", "'power'"),
        ("ecowarden/meter/M1", {"time": T}, "missing_field", "none of power_kw"),
        ("ecowarden/meter/M9", {"time": T, "power_kw": 1}, "unknown_device", "'M9'"),
        ("ecowarden/meter/M1", {"time": "2026-06-01T10:00", "power_kw": 1}, "bad_value", "offset"),
        ("ecowarden/meter/M1", {"time": T, "power_kw": -1}, "bad_value", "power_kw -1"),
        ("ecowarden/noise/CS01", {"time": T, "leq_dba": 60, "interval_s": 10}, "bad_value", "10"),
        ("ecowarden/noise/CS01", {"leq_dba": 60}, "missing_field", "time"),
        ("ecowarden/meter/M1", b"\xff\xfe", "not_json", "UTF-8"),
        ("ecowarden/meter/M1", [1, 2], "not_object", "object"),
        (
            "ecowarden/position/A",
            {"time": T, "object": "b", "kind": "v", "lon": 1, "lat": 2, "datum": "BD09"},
            "bad_value",
            "BD09",
        ),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(
    topic: str, body: object, reason: str, detail: str
) -> None:
    refusal = parse(topic, body)
    assert isinstance(refusal, Refusal)
    assert refusal.reason == reason
    assert detail in refusal.detail


def test_broker_url() -> None:
    assert broker_address("mqtt://10.0.0.5") == ("10.0.0.5", 1883)
    with pytest.raises(ValueError, match="mqtt://host"):
        broker_address("tcp://x:1")


# -- against the broker -------------------------------------------------------------------------


@pytest.fixture
def broker() -> str:
    host, port = broker_address(BROKER)
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as error:
        pytest.skip(f"no MQTT broker answers at {BROKER} ({error}); CI starts Mosquitto")
    return BROKER


@pytest.fixture
def publisher(broker: str) -> Iterator[mqtt.Client]:
    host, port = broker_address(broker)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.max_inflight_messages_set(100)
    client.connect(host, port)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def publish(client: mqtt.Client, messages: list[tuple[str, bytes]]) -> None:
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(10)


def count(store: Store, table: str) -> int:
    with store.snapshot() as snapshot:
        return int(snapshot.connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def wait_until(condition: object, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.mark.mqtt
def test_ingest_stores_and_drops_malformed_without_blocking(
    store: Store, broker: str, publisher: mqtt.Client
) -> None:
    with store.transaction() as transaction:
        transaction.registry.save_enterprise(
            Enterprise(CREDIT, "青溪县测试化工有限公司", ManagementCategory.KEY)
        )
    register_equipment(
        store, [Equipment("M1", CREDIT, "L1", EquipmentRole.PRODUCTION, "磨机")], actor="t"
    )
    register_monitors(
        store, [NoiseMonitor("CS01", "工地", 118.4, 30.2, MonitorKind.CONSTRUCTION)], actor="t"
    )
    root = f"ew-test-{uuid.uuid4().hex[:8]}"
    ingest = MqttIngest(store, broker=broker, client_id=f"ingest-{root}", root=root)
    stop = threading.Event()
    runner = threading.Thread(target=ingest.run, kwargs={"stop": stop})
    runner.start()
    try:
        wait_until(ingest._connected.is_set)
        messages = []
        for k in range(30):
            at = (
                dt.datetime(2026, 6, 1, 10, tzinfo=LOCAL_ZONE) + dt.timedelta(minutes=k)
            ).isoformat()
            messages.append(
                (f"{root}/meter/M1", json.dumps({"time": at, "power_kw": 100 + k}).encode())
            )
            messages.append(
                (f"{root}/noise/CS01", json.dumps({"time": at, "leq_dba": 60.0}).encode())
            )
            if k == 10:  # malformed in the middle of the stream
                messages.append((f"{root}/meter/M1", b"not json"))
                messages.append((f"{root}/meter/M1", json.dumps({"time": at, "kw": 1}).encode()))
                messages.append((f"{root}/smell/X", b"{}"))
        publish(publisher, messages)
        publish(publisher, messages[:5])  # redelivered by a device: duplicates, stored once
        wait_until(lambda: ingest.stats.received == len(messages) + 5)
    finally:
        stop.set()
        runner.join(10)
    assert ingest.stats.refused == {"not_json": 1, "unknown_field": 1, "unknown_topic": 1}
    assert (ingest.stats.stored, ingest.stats.duplicates) == (60, 5)
    assert count(store, "meter_readings") == 30
    assert count(store, "noise_levels") == 30
    with store.snapshot() as snapshot:
        refused = (
            snapshot.connection.execute(
                text("SELECT refusal FROM raw_packets WHERE refusal IS NOT NULL ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert refused == ["not_json", "unknown_field", "unknown_topic"]


@pytest.mark.mqtt
def test_sigkill_mid_stream_loses_nothing(
    database_url: str, broker: str, publisher: mqtt.Client, tmp_path: Path
) -> None:
    store = provision(database_url)
    root = f"ew-d12-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable,
        "-c",
        "from ecowarden.cli import main; main()",
        "mqtt",
        "--broker",
        broker,
        "--client-id",
        f"ingest-{root}",
        "--topic-root",
        root,
        "--database",
        database_url,
    ]

    def start(name: str, *extra: str) -> subprocess.Popen[bytes]:
        log = tmp_path / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen([*command, *extra], stdout=output, stderr=subprocess.STDOUT)
        wait_until(lambda: "subscribed to" in log.read_text(encoding="utf-8"))
        return process

    t0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    messages = [
        (
            f"{root}/position/AIS",
            json.dumps(
                {
                    "time": (t0 + dt.timedelta(seconds=k)).isoformat(),
                    "object": f"boat-{k % 7}",
                    "kind": "vessel",
                    "lon": 118.3,
                    "lat": 30.2,
                }
            ).encode(),
        )
        for k in range(2000)
    ]
    # Mosquitto queues at most 1,000 messages for a stopped session (max_queued_messages): keep
    # what is in flight at the kill plus what is published meanwhile well under that, so the
    # broker drops nothing and every loss would be ecowarden's.
    try:
        first = start("first")
        try:
            for chunk in range(0, 1400, 200):
                publish(publisher, messages[chunk : chunk + 200])
                wait_until(lambda chunk=chunk: count(store, "positions") >= chunk)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            stored_at_kill = count(store, "positions")
            # Published while no subscriber runs: the broker queues them for the session.
            publish(publisher, messages[1400:])
        finally:
            first.kill()
            first.wait(10)
        second = start("second", "--idle-exit", "5")
        try:
            second.wait(90)
        finally:
            second.kill()
        assert stored_at_kill < 2000
        assert count(store, "positions") == 2000  # Lost = 0; the key makes Dup = 0
        with store.snapshot() as snapshot:
            objects = snapshot.connection.execute(
                text("SELECT count(DISTINCT at_us) FROM positions")
            ).scalar_one()
        assert objects == 2000
    finally:
        store.close()
