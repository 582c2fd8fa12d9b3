"""MQTT ingest (``ecowarden mqtt``): electricity meters, positions and detections, noise monitors.

Topics (``{root}`` is ``ecowarden`` unless configured; payloads are UTF-8 JSON objects, schemas in
docs/supervision.md):

- ``{root}/meter/{equipment}`` — ``{"time", "power_kw"?, "current_a"?, "on"?}`` (at least one
  value); the equipment must be registered;
- ``{root}/position/{device}`` — ``{"time", "object", "kind", "lon", "lat", "datum"?,
  "source"?}``: a tracker's fix (``source: gnss``, default) or a camera's detection
  (``source: camera``); ``datum`` ``WGS84`` (default) or ``GCJ02`` (converted on arrival);
- ``{root}/noise/{station}`` — ``{"time", "leq_dba", "interval_s"?, "lmax_dba"?}``, 1-s or 1-min
  (default) Leq; the station must be a registered noise monitor.

Delivery (reliability-security.md I1, I2, D12): a fixed client id with ``clean_session=False``
and QoS 1 subscriptions, so the broker keeps the session and redelivers whatever was not
acknowledged; messages are acknowledged manually, only after the transaction that archived and
stored them has committed. Each message is archived verbatim (``raw_packets``, channel ``mqtt``)
before parsing. A malformed message (unknown topic or field, bad value, unknown device) is logged
with its reason code, archived with it, and acknowledged, so it never blocks the stream; its
fields are never guessed. The queue between the network thread and the writer is bounded: when
it is full the network thread waits, the socket is not read and the broker holds the messages
(I4).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import queue
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

import numpy as np
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.sites import check_code
from ecowarden.services.supervision import known_telemetry_devices, store_telemetry
from ecowarden.store.database import Store
from ecowarden.store.raw_packets import RawPacket
from ecowarden.store.telemetry import MeterRow, NoiseRow, PositionRow
from ecowarden.supervision.geofence import Datum, PositionSource, parse_datum, to_wgs84

log = logging.getLogger(__name__)

DEFAULT_CLIENT_ID: Final = "ecowarden-ingest"
DEFAULT_ROOT: Final = "ecowarden"
DEFAULT_PORT: Final = 1883
QOS: Final = 1
MAX_PAYLOAD: Final = 64 * 1024

_FIELDS: Final[Mapping[str, tuple[frozenset[str], frozenset[str]]]] = {
    # kind: (required, optional)
    "meter": (frozenset({"time"}), frozenset({"power_kw", "current_a", "on"})),
    "position": (
        frozenset({"time", "object", "kind", "lon", "lat"}),
        frozenset({"datum", "source"}),
    ),
    "noise": (frozenset({"time", "leq_dba"}), frozenset({"interval_s", "lmax_dba"})),
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a message was dropped: a reason code and the detail."""

    reason: str
    detail: str


Parsed = MeterRow | PositionRow | NoiseRow


class _Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.refusal = Refusal(reason, detail)


def _instant(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise _Refused("bad_value", f"time {value!r} is not an ISO 8601 string")
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Refused("bad_value", f"time {value!r} is not ISO 8601") from None
    if instant.tzinfo is None:
        raise _Refused("bad_value", f"time {value!r} has no UTC offset")
    return instant


def _number(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Refused("bad_value", f"{name} {value!r} is not a number")
    if not low <= value <= high:
        raise _Refused("bad_value", f"{name} {value!r} is outside {low:g} … {high:g}")
    return float(value)


def _text(name: str, value: object, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise _Refused("bad_value", f"{name} {value!r} is not text of 1–{max_length} characters")
    return value


def _parse(
    topic: str,
    payload: bytes,
    *,
    root: str,
    equipment: frozenset[str],
    monitors: frozenset[str],
) -> Parsed:
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != root or parts[1] not in _FIELDS:
        raise _Refused(
            "unknown_topic",
            f"topic {topic!r}; valid: {', '.join(f'{root}/{k}/{{id}}' for k in _FIELDS)}",
        )
    kind, device = parts[1], parts[2]
    try:
        check_code("device id", device)
    except ValidationError as error:
        raise _Refused("bad_topic", str(error)) from None
    if len(payload) > MAX_PAYLOAD:
        raise _Refused("too_large", f"payload of {len(payload)} bytes > {MAX_PAYLOAD}")
    try:
        body: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _Refused("not_json", f"payload is not UTF-8 JSON: {error}") from None
    if not isinstance(body, dict):
        raise _Refused("not_object", "payload is not a JSON object")
    required, optional = _FIELDS[kind]
    unknown = sorted(set(body) - required - optional)
    if unknown:
        raise _Refused(
            "unknown_field",
            f"{kind} payload field {unknown[0]!r}; valid: {', '.join(sorted(required | optional))}",
        )
    missing = sorted(required - set(body))
    if missing:
        raise _Refused("missing_field", f"{kind} payload lacks {', '.join(missing)}")
    instant = _instant(body["time"])
    if kind == "meter":
        if device not in equipment:
            raise _Refused("unknown_device", f"equipment {device!r} is not registered")
        values = [body.get(name) for name in ("power_kw", "current_a", "on")]
        if all(value is None for value in values):
            raise _Refused("missing_field", "meter payload has none of power_kw, current_a, on")
        switch = body.get("on")
        if switch is not None and not isinstance(switch, bool):
            raise _Refused("bad_value", f"on {switch!r} is not true or false")
        return MeterRow(
            device,
            int(instant.timestamp() // 1),
            None if body.get("power_kw") is None else _number("power_kw", body["power_kw"], 0, 1e7),
            None
            if body.get("current_a") is None
            else _number("current_a", body["current_a"], 0, 1e6),
            switch,
        )
    if kind == "position":
        try:
            datum = parse_datum(body.get("datum", Datum.WGS84.value))
            source = PositionSource(body.get("source", PositionSource.GNSS.value))
        except (UnknownNameError, ValueError) as error:
            raise _Refused("bad_value", str(error)) from None
        lon = _number("lon", body["lon"], -180, 180)
        lat = _number("lat", body["lat"], -90, 90)
        wgs_lon, wgs_lat = to_wgs84(np.array([lon]), np.array([lat]), datum)
        return PositionRow(
            device,
            _text("object", body["object"], 64),
            int(instant.timestamp() * 1_000_000),
            _text("kind", body["kind"], 32),
            float(wgs_lon[0]),
            float(wgs_lat[0]),
            datum.value,
            source.value,
        )
    if device not in monitors:
        raise _Refused("unknown_device", f"noise monitor {device!r} is not registered")
    interval = body.get("interval_s", 60)
    if interval not in (1, 60) or isinstance(interval, bool):
        raise _Refused("bad_value", f"interval_s {interval!r}; valid: 1, 60")
    at_s = instant.timestamp()
    if at_s % interval:
        raise _Refused("bad_value", f"time {body['time']} does not start a {interval}-s interval")
    leq = _number("leq_dba", body["leq_dba"], 0, 160)
    lmax = None if body.get("lmax_dba") is None else _number("lmax_dba", body["lmax_dba"], leq, 200)
    return NoiseRow(device, int(at_s), int(interval), leq, lmax)


def parse_message(
    topic: str,
    payload: bytes,
    *,
    root: str = DEFAULT_ROOT,
    equipment: frozenset[str] = frozenset(),
    monitors: frozenset[str] = frozenset(),
) -> Parsed | Refusal:
    """A message's row, or the :class:`Refusal` saying why it cannot be stored."""
    try:
        return _parse(topic, payload, root=root, equipment=equipment, monitors=monitors)
    except _Refused as refused:
        return refused.refusal


def broker_address(url: str) -> tuple[str, int]:
    """(host, port) of ``mqtt://host[:port]``."""
    parts = urlsplit(url)
    if parts.scheme != "mqtt" or not parts.hostname:
        raise ValidationError(f"broker {url!r} is not mqtt://host[:port]")
    return parts.hostname, parts.port or DEFAULT_PORT


@dataclass
class IngestStats:
    """Counts of what the ingest did."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    batches: int = 0


@dataclass(frozen=True, slots=True)
class _Message:
    mid: int
    qos: int
    topic: str
    payload: bytes
    received_at: dt.datetime


class MqttIngest:
    """The subscriber: one writer, group commits, acknowledgement after commit."""

    def __init__(
        self,
        store: Store,
        *,
        broker: str = f"mqtt://127.0.0.1:{DEFAULT_PORT}",
        client_id: str = DEFAULT_CLIENT_ID,
        root: str = DEFAULT_ROOT,
        batch_size: int = 500,
        batch_wait_s: float = 0.005,
        queue_size: int = 10_000,
    ) -> None:
        self.store = store
        self.host, self.port = broker_address(broker)
        self.client_id = client_id
        self.root = root
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.stats = IngestStats()
        self._queue: queue.Queue[_Message] = queue.Queue(maxsize=queue_size)
        self._connected = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_disconnect = self._on_disconnect
        self._equipment, self._monitors = known_telemetry_devices(store)

    # paho callbacks run on the network thread.
    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection to %s:%s refused: %s", self.host, self.port, reason)
            return
        client.subscribe(f"{self.root}/#", qos=QOS)
        self._connected.set()
        log.info(
            "subscribed to %s/# on %s:%s as %s", self.root, self.host, self.port, self.client_id
        )

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._connected.clear()
        log.warning("MQTT disconnected: %s", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        # Blocks when the queue is full: the network thread stops reading (back-pressure).
        self._queue.put(
            _Message(
                message.mid,
                message.qos,
                message.topic,
                bytes(message.payload),
                dt.datetime.now(dt.UTC),
            )
        )

    def connect(self, timeout_s: float = 10.0) -> None:
        """Connect and subscribe (the network loop runs on its own thread)."""
        self._client.connect(self.host, self.port, keepalive=30)
        self._client.loop_start()
        if not self._connected.wait(timeout_s):
            self._client.loop_stop()
            raise ConnectionError(f"no MQTT session with {self.host}:{self.port} in {timeout_s} s")

    def close(self) -> None:
        """Stop the network loop and disconnect (the broker keeps the session)."""
        self._client.disconnect()
        self._client.loop_stop()

    def _next_batch(self, wait_s: float) -> list[_Message]:
        try:
            batch = [self._queue.get(timeout=wait_s)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.batch_wait_s
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _parse_batch(
        self, batch: list[_Message]
    ) -> tuple[list[Parsed | Refusal], dict[str, list[Any]]]:
        parsed = [
            parse_message(
                m.topic,
                m.payload,
                root=self.root,
                equipment=self._equipment,
                monitors=self._monitors,
            )
            for m in batch
        ]
        if any(isinstance(p, Refusal) and p.reason == "unknown_device" for p in parsed):
            # A device registered since the last look is accepted without a restart.
            self._equipment, self._monitors = known_telemetry_devices(self.store)
            parsed = [
                parse_message(
                    m.topic,
                    m.payload,
                    root=self.root,
                    equipment=self._equipment,
                    monitors=self._monitors,
                )
                for m in batch
            ]
        rows: dict[str, list[Any]] = {"meters": [], "positions": [], "noise": []}
        for item in parsed:
            if isinstance(item, MeterRow):
                rows["meters"].append(item)
            elif isinstance(item, PositionRow):
                rows["positions"].append(item)
            elif isinstance(item, NoiseRow):
                rows["noise"].append(item)
        return parsed, rows

    def process(self, batch: list[_Message]) -> None:
        """Archive, parse and store one batch in one transaction, then acknowledge it."""
        parsed, rows = self._parse_batch(batch)
        received_at = batch[-1].received_at
        with self.store.transaction() as transaction:
            transaction.raw_packets.archive(
                [
                    RawPacket(
                        payload=m.payload,
                        peer=m.topic[:100],
                        received_at=m.received_at,
                        channel="mqtt",
                        refusal=p.reason if isinstance(p, Refusal) else None,
                    )
                    for m, p in zip(batch, parsed, strict=True)
                ]
            )
            report = store_telemetry(
                transaction,
                meters=rows["meters"],
                positions=rows["positions"],
                noise=rows["noise"],
                received_at=received_at,
            )
        # Committed: now, and only now, acknowledge (I1).
        for message in batch:
            self._client.ack(message.mid, message.qos)
        for message, item in zip(batch, parsed, strict=True):
            if isinstance(item, Refusal):
                self.stats.refused[item.reason] += 1
                log.warning(
                    "dropped MQTT message on %s: %s (%s)", message.topic, item.reason, item.detail
                )
        counts = (report.meters, report.positions, report.noise)
        self.stats.received += len(batch)
        self.stats.stored += sum(c.new for c in counts)
        self.stats.duplicates += sum(c.duplicate for c in counts)
        self.stats.batches += 1

    def run(
        self,
        *,
        stop: threading.Event | None = None,
        idle_exit_s: float | None = None,
    ) -> IngestStats:
        """Connect and ingest until ``stop`` is set (or, with ``idle_exit_s``, until nothing
        arrives for that long); returns the counts."""
        stop = stop or threading.Event()
        self.connect()
        idle_since = time.monotonic()
        try:
            while not stop.is_set():
                batch = self._next_batch(0.2)
                if batch:
                    self.process(batch)
                    idle_since = time.monotonic()
                elif idle_exit_s is not None and time.monotonic() - idle_since >= idle_exit_s:
                    break
        finally:
            self.close()
        return self.stats
