"""The HJ 212 gateway: an asyncio TCP server that stores what devices upload and answers only
after the data is durably committed.

Per connection (:class:`DeviceConnection`): bytes go through the sans-I/O decoder
(``ecowarden.hj212.Decoder``); every frame is authenticated by MN + PW against the registry, with a
cache of verified (MN, PW-hash) pairs so that Argon2id runs once per device and password, not per
packet; accepted frames become :class:`~ecowarden.services.ingest.PacketRecord` objects with their
reading rows and their answer already encoded; refused packets become records with a reason code
and one structured log line.

One writer task takes records from a bounded queue, up to ``group_max_packets`` or
``group_max_delay_s``, and commits each group in one ``Store.transaction()`` on its own thread
(archive of every packet, readings by natural key, anomalies, audit rows, command answers). Only
after the commit returns are the group's answers written; a failed commit sends none and keeps
the connections open, so the devices resend (reliability-security.md I1, I4). When the queue is
full, or one connection has too many packets waiting, the gateway stops reading that socket.

Decisions and their reasons: docs/decisions/0009-gateway.md; operation: docs/gateway.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sys
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Final

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from ecowarden.errors import EcowardenError, ValidationError
from ecowarden.hj212 import (
    DEFAULT_POLICY,
    PERIOD_BY_COMMAND,
    Command,
    CommandTarget,
    DecodePolicy,
    Decoder,
    Frame,
    ProtocolError,
    Version,
    answer_for,
    encode,
    platform_request,
)
from ecowarden.ingest.commands import (
    GATEWAY_ACTOR,
    CommandDispatcher,
    CommandTiming,
    Delivery,
    DeviceAnswer,
    Transition,
    answer_code,
)
from ecowarden.ingest.limits import GatewayLimits
from ecowarden.ingest.stats import GatewayStats
from ecowarden.services.ingest import (
    GroupOutcome,
    IngestPolicy,
    PacketRecord,
    RegistrySnapshot,
    SourceIds,
    commit_group,
    packet_rows,
    password_matches,
    registry_snapshot,
)
from ecowarden.store.audit import AuditEvent, AuditOutcome
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.engine import durability_settings
from ecowarden.store.instants import from_epoch_us

logger = logging.getLogger(__name__)

# Refusal reason codes of the gateway itself (the codec's come from ProtocolError.reason).
UNKNOWN_MN: Final = "unknown_mn"
WRONG_PASSWORD: Final = "wrong_password"
# Uploads that carry readings (CN 2011, 2051, 2061, 2031).
READING_COMMANDS: Final = frozenset(int(command) for command in PERIOD_BY_COMMAND)
# A refused (MN, PW) pair is not verified again for this long: a device resending a wrong
# password must not cost an Argon2id verification per packet [s].
REJECTED_PAIR_TTL_S: Final = 60.0
REJECTED_PAIRS_MAX: Final = 4096
# Audit and alert events kept for the next commit while the database is unavailable.
PENDING_AUDIT_MAX: Final = 10_000
# At most one store_unavailable alert per this window while commits keep failing [s].
STORE_ALERT_WINDOW_S: Final = 60.0
# Back-off between commits after a failure: doubles from the first value up to the second [s].
COMMIT_RETRY_BACKOFF_S: Final = (0.05, 2.0)


def log_line(event: str, **fields: object) -> str:
    """One structured log line: ``event=… key=value …``.

    Values that are not plain tokens are written as JSON strings, which escapes quotes,
    backslashes and control characters (CR, LF, ANSI escapes): a hostile MN or detail cannot
    forge a second line (reliability-security.md A11).
    """
    parts = [f"event={event}"]
    for key, value in fields.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        if not text or not text.isprintable() or any(c in text for c in ' "=\\'):
            text = json.dumps(text, ensure_ascii=False)
        parts.append(f"{key}={text}")
    return " ".join(parts)


@dataclass(frozen=True)
class GatewayConfig:
    """What a gateway listens on and how it treats devices.

    Attributes
    ----------
    host, port : str, int
        Listening address; port 0 picks a free port.
    limits : GatewayLimits
        Sizes, counts and time-outs.
    policy : IngestPolicy
        How packets become readings.
    decode_policy : DecodePolicy
        Codec tolerances (its segment limit is capped by ``limits.max_segment_bytes``).
    commands : CommandTiming
        Platform command time-outs.
    answer_tail : bytes
        Tail of answers and requests (CR LF by HJ 212-2017 Table 2).
    answer_login : bool
        Answer 9021 logins with 9022 (provincial extension; hj212-protocol.md §6.3).
    collision_window_s : float
        One MN sending from two open connections within this window raises ``mn_collision``
        (reliability-security.md P7) [s].
    conflict_alert_window_s : float
        At most one ``conflicting_resend`` alert per MN in this window (D8) [s].
    """

    host: str = "127.0.0.1"
    port: int = 9212
    limits: GatewayLimits = field(default_factory=GatewayLimits)
    policy: IngestPolicy = field(default_factory=IngestPolicy)
    decode_policy: DecodePolicy = DEFAULT_POLICY
    commands: CommandTiming = field(default_factory=CommandTiming)
    answer_tail: bytes = b"\r\n"
    answer_login: bool = False
    collision_window_s: float = 60.0
    conflict_alert_window_s: float = 3600.0


class _Auth(Enum):
    OK = "ok"
    UNKNOWN = UNKNOWN_MN
    WRONG = WRONG_PASSWORD
    VERIFY = "verify"


class DeviceAuthenticator:
    """MN + PW checks against a registry snapshot, with a cache of verified pairs.

    A pair is cached with the password hash it was verified against, so a password changed in
    the registry is verified afresh after the next reload.
    """

    def __init__(self, snapshot: RegistrySnapshot) -> None:
        self.snapshot = snapshot
        self._verified: dict[str, tuple[str, str]] = {}
        self._rejected: OrderedDict[tuple[str, str, str], float] = OrderedDict()

    def check(self, mn: str, pw: str, now: float) -> _Auth:
        """The outcome known without hashing: OK, UNKNOWN, WRONG, or VERIFY (hash needed)."""
        device = self.snapshot.devices.get(mn)
        if device is None:
            return _Auth.UNKNOWN
        if self._verified.get(mn) == (device.password_hash, pw):
            return _Auth.OK
        expires = self._rejected.get((mn, device.password_hash, pw))
        if expires is not None and expires > now:
            return _Auth.WRONG
        return _Auth.VERIFY

    def verify(self, mn: str, pw: str, now: float) -> bool:
        """Verify the pair with Argon2id (tens of ms; call off the event loop) and cache it."""
        device = self.snapshot.devices.get(mn)
        if device is None:
            return False
        if password_matches(device, pw):
            self._verified[mn] = (device.password_hash, pw)
            return True
        key = (mn, device.password_hash, pw)
        self._rejected[key] = now + REJECTED_PAIR_TTL_S
        self._rejected.move_to_end(key)
        while len(self._rejected) > REJECTED_PAIRS_MAX:
            self._rejected.popitem(last=False)
        return False


@dataclass(slots=True)
class DeviceSession:
    """What the gateway knows of an authenticated device on a connection."""

    mn: str
    pw: str
    st: str
    version: Version
    connection: DeviceConnection
    last_seen: float


@dataclass(slots=True)
class QueuedPacket:
    """A record waiting for the writer, with what to send once it is committed."""

    connection: DeviceConnection
    record: PacketRecord
    answer: bytes | None = None
    answer_cn: int | None = None
    device_answer: tuple[str, str, int, int | None] | None = None
    time_request: str | None = None


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What the writer thread reports of one group commit."""

    outcome: GroupOutcome
    deliveries: list[Delivery]
    transitions: list[Transition]
    sources: dict[str, int]
    cpu_s: float


class IngestQueue:
    """The bounded queue between the connections and the writer."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: deque[QueuedPacket] = deque()
        self.rows = 0  # reading rows of the queued packets
        self._ready = asyncio.Event()
        self._closing = False

    def __len__(self) -> int:
        return len(self._items)

    @property
    def full(self) -> bool:
        """No room for another packet."""
        return len(self._items) >= self.capacity

    def put(self, item: QueuedPacket) -> None:
        """Add ``item`` (the caller checked :attr:`full`)."""
        self._items.append(item)
        self.rows += len(item.record.rows.rows)
        self._ready.set()

    def close(self) -> None:
        """Shut down: :meth:`take` no longer waits for a first item."""
        self._closing = True
        self._ready.set()

    async def take(
        self, most: int, most_rows: int, delay_s: float, timeout_s: float
    ) -> list[QueuedPacket]:
        """Up to ``most`` items holding at most ``most_rows`` reading rows (at least one item):
        wait up to ``timeout_s`` for the first, then up to ``delay_s`` for others to join; an
        empty list when nothing came."""
        if not self._items:
            if self._closing:
                return []
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout_s)
            except TimeoutError:
                return []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + delay_s
        while 0 < len(self._items) < most and self.rows < most_rows:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), remaining)
            except TimeoutError:
                break
        group: list[QueuedPacket] = []
        rows = 0
        while self._items and len(group) < most:
            size = len(self._items[0].record.rows.rows)
            if group and rows + size > most_rows:
                break
            group.append(self._items.popleft())
            rows += size
        self.rows -= rows
        return group


# Why a connection is not being read (bits, so that the reasons add up).
_PAUSE_AUTH: Final = 1
_PAUSE_QUEUE: Final = 2
_PAUSE_IN_FLIGHT: Final = 4
_PAUSE_WRITE: Final = 8


class DeviceConnection(asyncio.Protocol):
    """One device connection: bytes in, records to the queue, answers out after commits."""

    __slots__ = (
        "decoder",
        "events",
        "gateway",
        "in_flight",
        "ip",
        "last_rx",
        "open",
        "packet_since",
        "pause_bits",
        "peer",
        "sessions",
        "transport",
        "waiting",
    )

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.ip = ""
        self.decoder: Decoder | None = None
        self.events: deque[Frame | ProtocolError] | None = None
        self.in_flight = 0
        self.pause_bits = 0
        self.waiting = False
        self.open = False
        self.last_rx = 0.0
        self.packet_since: float | None = None
        self.sessions: dict[str, DeviceSession] | None = None

    # -- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        address = transport.get_extra_info("peername")
        if isinstance(address, tuple) and len(address) >= 2:
            self.ip, self.peer = str(address[0]), f"{address[0]}:{address[1]}"
        else:
            self.ip = self.peer = str(address)
        self.gateway._admit(self)

    def data_received(self, data: bytes) -> None:
        gateway = self.gateway
        now = gateway._loop_time()
        self.last_rx = now
        gateway.stats.bytes_received += len(data)
        decoder = self.decoder
        if decoder is None:
            decoder = self.decoder = Decoder(gateway._decode_policy, max_buffer=gateway._buffer_cap)
        started = time.thread_time()
        events = decoder.feed(data)
        gateway.stats.stage_seconds["parse"] += time.thread_time() - started
        # A packet under way must finish within packet_timeout_s; any completed event is progress.
        if events:
            self.packet_since = now if decoder.pending else None
            self._push(events)
        elif self.packet_since is None and decoder.pending:
            self.packet_since = now
        if self.open:
            # Bytes that became no frame: garbage runs, refused packets and what the decoder
            # passes over while resynchronising after them (reference §2.4 step 9).
            counters = decoder.stats
            wasted = counters.garbage_bytes + counters.skipped_bytes
            if wasted > gateway.config.limits.refused_bytes_cap:
                gateway._close(self, "refused_bytes_cap")

    def eof_received(self) -> bool:
        if self.decoder is not None:
            events = self.decoder.end_of_stream()
            if events:
                self._push(events)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.gateway._forget(self, "peer_closed")

    def pause_writing(self) -> None:
        self._pause(_PAUSE_WRITE)

    def resume_writing(self) -> None:
        self._unpause(_PAUSE_WRITE)

    # -- flow ------------------------------------------------------------------------------

    def _push(self, events: list[Frame | ProtocolError]) -> None:
        self.gateway.stats.frames += sum(1 for event in events if isinstance(event, Frame))
        if self.events is None:
            self.events = deque()
        self.events.extend(events)
        self.drain()

    def drain(self) -> None:
        """Hand decoded events to the gateway in order until one has to wait."""
        events = self.events
        gateway = self.gateway
        while events and not self.waiting:
            if not gateway._take(self, events[0]):
                return
            events.popleft()

    def _pause(self, bit: int) -> None:
        if not self.pause_bits and self.transport is not None and self.open:
            self.transport.pause_reading()
        self.pause_bits |= bit

    def _unpause(self, bit: int) -> None:
        if not self.pause_bits & bit:
            return
        self.pause_bits &= ~bit
        if not self.pause_bits and self.transport is not None and self.open:
            self.transport.resume_reading()

    def write(self, data: bytes) -> bool:
        """Send ``data`` if the connection is open; close it when its client stops reading."""
        transport = self.transport
        if not self.open or transport is None or transport.is_closing():
            return False
        transport.write(data)
        if transport.get_write_buffer_size() > self.gateway.config.limits.write_buffer_cap_bytes:
            self.gateway._close(self, "write_buffer_cap")
        return True


class Gateway:
    """The HJ 212 gateway over a store.

    Parameters
    ----------
    store : Store
        A writer store (SQLite WAL + ``synchronous=FULL`` or PostgreSQL
        ``synchronous_commit=on``; checked at start).
    config : GatewayConfig
        Address, limits and policies.
    stats : GatewayStats, optional
        Counters to fill (a fresh set by default).
    wall_clock : callable
        Unix time [s]; tests pass a fake.
    """

    def __init__(
        self,
        store: Store,
        config: GatewayConfig | None = None,
        *,
        stats: GatewayStats | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.config = config or GatewayConfig()
        self.stats = stats or GatewayStats()
        self.wall_clock = wall_clock
        limits = self.config.limits
        policy = self.config.decode_policy
        self._decode_policy = replace(
            policy, max_segment_length=min(policy.max_segment_length, limits.max_segment_bytes)
        )
        self._buffer_cap = limits.buffer_cap_bytes
        self._connections: set[DeviceConnection] = set()
        self._per_ip: dict[str, int] = {}
        self._sessions: dict[str, DeviceSession] = {}
        self._auth: DeviceAuthenticator | None = None
        self._queue = IngestQueue(limits.queue_capacity)
        self._blocked: deque[DeviceConnection] = deque()
        self._failures: dict[str, deque[float]] = {}
        self._throttled: dict[str, float] = {}
        self._alerted: dict[tuple[str, str], float] = {}
        self._pending_audit: list[tuple[AuditEvent, dt.datetime]] = []
        self._sources = SourceIds()
        self._dispatcher = CommandDispatcher(self.config.commands)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-writer")
        self._hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gateway-auth")
        self._server: asyncio.Server | None = None
        self._stats_server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._last_refresh = float("-inf")
        self._refresh: asyncio.Future[None] | None = None
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._group_cap = limits.group_max_packets
        # PostgreSQL: the store takes one advisory lock per series it writes, and the shared
        # lock table is small (max_locks_per_transaction x max_connections, 64 x 100 by default).
        postgresql = store.engine.dialect.name == "postgresql"
        self._group_rows = limits.postgresql_group_max_readings if postgresql else sys.maxsize

    # -- life cycle ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the gateway listens on (useful after ``port=0``)."""
        if self._server is None or not self._server.sockets:
            raise ValidationError("the gateway is not listening")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def stats_port(self) -> int | None:
        """The port of the Prometheus endpoint, if one was started."""
        if self._stats_server is None or not self._stats_server.sockets:
            return None
        return int(self._stats_server.sockets[0].getsockname()[1])

    async def start(self, *, stats_host: str | None = None, stats_port: int | None = None) -> None:
        """Check durability, load the registry, listen, and start the writer.

        Raises
        ------
        ValidationError
            When the store's engine does not commit durably (reliability-security.md D5a).
        """
        loop = asyncio.get_running_loop()
        self._loop = loop
        try:
            await loop.run_in_executor(self._db, self._check_durability)
            snapshot = await loop.run_in_executor(self._db, registry_snapshot, self.store)
            self._auth = DeviceAuthenticator(snapshot)
            self._last_refresh = loop.time()
            self._server = await loop.create_server(
                lambda: DeviceConnection(self),
                self.config.host,
                self.config.port,
                backlog=min(self.config.limits.max_connections, 4096),
            )
            if stats_port is not None:
                self._stats_server = await asyncio.start_server(
                    self._serve_stats, stats_host or self.config.host, stats_port
                )
        except BaseException:
            if self._server is not None:
                self._server.close()
            self._db.shutdown(wait=False)
            self._hashing.shutdown(wait=False)
            raise
        self._tasks = [
            asyncio.create_task(self._writer(), name="gateway-writer"),
            asyncio.create_task(self._housekeeping(), name="gateway-housekeeping"),
        ]
        logger.info(
            log_line(
                "listening",
                host=self.config.host,
                port=self.port,
                devices=len(snapshot.devices),
                stats_port=self.stats_port,
            )
        )

    def _check_durability(self) -> None:
        with self.store.engine.connect() as connection:
            settings = durability_settings(connection)
        if settings.dialect == "sqlite":
            durable = settings.journal_mode == "wal" and settings.synchronous == "FULL"
        else:
            durable = settings.synchronous_commit == "on"
        if not durable:
            raise ValidationError(
                f"the gateway's store does not commit durably: {settings}; open it as a writer"
            )

    async def stop(self) -> None:
        """Stop listening, commit what is queued (and answer it), close every connection."""
        self._stopping = True
        if self._server is not None:
            self._server.close()
        if self._stats_server is not None:
            self._stats_server.close()
        self._queue.close()
        if self._tasks:
            writer, housekeeping = self._tasks
            await writer
            housekeeping.cancel()
        for connection in list(self._connections):
            self._close(connection, "shutdown")
        if self._server is not None:
            await self._server.wait_closed()
        self._db.shutdown(wait=True)
        self._hashing.shutdown(wait=True)
        logger.info(log_line("stopped", port=self.config.port))

    async def serve_until(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set, then :meth:`stop`."""
        await stop.wait()
        await self.stop()

    def _loop_time(self) -> float:
        assert self._loop is not None
        return self._loop.time()

    # -- connections -----------------------------------------------------------------------

    def _admit(self, connection: DeviceConnection) -> None:
        limits = self.config.limits
        now = self._loop_time()
        reason = None
        if self._stopping:
            reason = "shutdown"
        elif self._throttled.get(connection.ip, 0.0) > now:
            reason = "ip_throttled"
        elif len(self._connections) >= limits.max_connections:
            reason = "max_connections"
        elif self._per_ip.get(connection.ip, 0) >= limits.max_connections_per_ip:
            reason = "max_connections_per_ip"
        if reason is not None:
            self.stats.connections_refused[reason] += 1
            logger.warning(log_line("connection_refused", reason=reason, peer=connection.peer))
            assert connection.transport is not None
            connection.transport.close()
            return
        connection.open = True
        connection.last_rx = now
        self._connections.add(connection)
        self._per_ip[connection.ip] = self._per_ip.get(connection.ip, 0) + 1
        self.stats.connections_accepted += 1
        self.stats.connections_open = len(self._connections)

    def _close(self, connection: DeviceConnection, reason: str) -> None:
        if connection.open and connection.transport is not None:
            if reason != "shutdown":
                logger.warning(log_line("connection_closed", reason=reason, peer=connection.peer))
            connection.transport.close()
            self._forget(connection, reason)

    def _forget(self, connection: DeviceConnection, reason: str) -> None:
        if not connection.open:
            return
        connection.open = False
        self.stats.connections_closed[reason] += 1
        self._connections.discard(connection)
        left = self._per_ip.get(connection.ip, 1) - 1
        if left:
            self._per_ip[connection.ip] = left
        else:
            self._per_ip.pop(connection.ip, None)
        for mn, session in (connection.sessions or {}).items():
            if self._sessions.get(mn) is session:
                del self._sessions[mn]
        self.stats.connections_open = len(self._connections)

    # -- events from connections -----------------------------------------------------------

    def _take(self, connection: DeviceConnection, event: Frame | ProtocolError) -> bool:
        """Queue one decoded event; False when the connection has to wait (auth, queue)."""
        limits = self.config.limits
        if self._queue.full:
            if not connection.pause_bits & _PAUSE_QUEUE:
                self.stats.queue_full += 1
                connection._pause(_PAUSE_QUEUE)
                self._blocked.append(connection)
            return False
        if connection.in_flight >= limits.max_in_flight_per_connection:
            connection._pause(_PAUSE_IN_FLIGHT)
            return False
        received_at_s = self.wall_clock()
        if isinstance(event, ProtocolError):
            self._refuse(
                connection, event.reason, event.data, event.mn, event.detail, received_at_s
            )
            return True
        started = time.thread_time()
        assert self._auth is not None
        state = self._auth.check(event.mn, event.pw, self._loop_time())
        if state is _Auth.UNKNOWN:
            # A new MN may have been registered since the last look (onboarding while running):
            # wait for a reload under way, or start one if the last is old enough.
            refresh = self._refresh
            if refresh is None or refresh.done():
                refresh = None
                if self._may_refresh():
                    refresh = self._refresh = asyncio.ensure_future(self._refresh_registry())
            if refresh is not None:
                self._start(connection, _wait_for(refresh))
                return False
        if state is _Auth.VERIFY:
            self._start(connection, self._verify(event.mn, event.pw))
            return False
        self.stats.stage_seconds["auth"] += time.thread_time() - started
        if state is _Auth.OK:
            self.stats.auth_cache_hits += 1
            self._accept(connection, event, received_at_s)
        else:
            self._refuse_auth(connection, event, state.value, received_at_s)
        return True

    def _start(self, connection: DeviceConnection, work: Coroutine[Any, Any, None]) -> None:
        # Auth work that must leave the event loop: the connection waits, in order.
        connection.waiting = True
        connection._pause(_PAUSE_AUTH)

        async def run() -> None:
            try:
                await work
            finally:
                connection.waiting = False
                connection._unpause(_PAUSE_AUTH)
                connection.drain()

        asyncio.get_running_loop().create_task(run())

    def _may_refresh(self) -> bool:
        interval = self.config.limits.registry_refresh_s
        return self._loop_time() - self._last_refresh >= interval

    async def _refresh_registry(self) -> None:
        loop = asyncio.get_running_loop()
        self._last_refresh = loop.time()
        try:
            snapshot = await loop.run_in_executor(self._db, registry_snapshot, self.store)
        except (SQLAlchemyError, OSError) as error:
            logger.error(log_line("registry_refresh_failed", detail=_first_line(error)))
            return
        assert self._auth is not None
        self._auth.snapshot = snapshot
        logger.info(log_line("registry_refreshed", devices=len(snapshot.devices)))

    async def _verify(self, mn: str, pw: str) -> None:
        assert self._auth is not None
        loop = asyncio.get_running_loop()
        ok, cpu_s = await loop.run_in_executor(
            self._hashing, _thread_cpu, self._auth.verify, mn, pw, loop.time()
        )
        self.stats.stage_seconds["auth"] += cpu_s
        self.stats.auth_verifications["ok" if ok else "failed"] += 1

    def _accept(self, connection: DeviceConnection, frame: Frame, received_at_s: float) -> None:
        started = time.thread_time()
        auth = self._auth
        assert auth is not None
        device = auth.snapshot.devices[frame.mn]
        mn = frame.mn
        self._session(connection, frame)
        if frame.data_time is None and frame.cn in READING_COMMANDS:
            # A reading upload without DataTime has no interval to store (HJ 212-2017 Table 4).
            self._refuse(
                connection, "missing_data_time", frame.raw, mn, f"CN={frame.cn}", received_at_s
            )
            return
        rows = packet_rows(frame, auth.snapshot.parameter_ids, received_at_s, self.config.policy)
        if rows.offset_s is not None:
            self.stats.record_offset(mn, rows.offset_s, received_at_s)
        for anomaly in rows.anomalies:
            self.stats.anomalies[anomaly.kind.value] += 1
        for warning in frame.warnings:
            self.stats.warnings[warning] += 1
        record = PacketRecord(
            payload=frame.raw,
            peer=connection.peer,
            received_at_us=round(received_at_s * 1_000_000),
            mn=mn,
            site_id=device.site_id,
            rows=rows,
        )
        item = QueuedPacket(connection, record)
        cn = frame.cn
        if cn in (Command.REQUEST_ANSWER, Command.EXECUTION_RESULT) and frame.qn is not None:
            item.device_answer = (mn, frame.qn, cn, answer_code(frame))
        elif cn == Command.TIME_CALIBRATION_REQUEST:
            item.time_request = mn
        self.stats.stage_seconds["parse"] += time.thread_time() - started
        started = time.thread_time()
        answer = answer_for(frame, answer_login=self.config.answer_login)
        if answer is not None:
            try:
                item.answer = encode(answer, tail=self.config.answer_tail)
                item.answer_cn = answer.cn
            except ValidationError as error:
                logger.warning(
                    log_line("answer_unencodable", mn=mn, peer=connection.peer, detail=str(error))
                )
        self.stats.stage_seconds["answer"] += time.thread_time() - started
        self._enqueue(connection, item)

    def _session(self, connection: DeviceConnection, frame: Frame) -> DeviceSession:
        mn = frame.mn
        now = self._loop_time()
        sessions = connection.sessions
        if sessions is None:
            sessions = connection.sessions = {}
        session = sessions.get(mn)
        if session is None:
            session = DeviceSession(mn, frame.pw, frame.st, frame.version, connection, now)
            sessions[mn] = session
        else:
            session.pw, session.st, session.version, session.last_seen = (
                frame.pw,
                frame.st,
                frame.version,
                now,
            )
        current = self._sessions.get(mn)
        if current is not None and current is not session:
            other = current.connection
            if other.open and now - current.last_seen <= self.config.collision_window_s:
                self._alert(
                    "mn_collision",
                    object_type="device",
                    object_id=mn,
                    source_ip=connection.ip,
                    detail={"peers": [other.peer, connection.peer]},
                    window_s=self.config.collision_window_s,
                )
        self._sessions[mn] = session
        return session

    def _refuse_auth(
        self, connection: DeviceConnection, frame: Frame, reason: str, received_at_s: float
    ) -> None:
        self._refuse(connection, reason, frame.raw, frame.mn, f"CN={frame.cn}", received_at_s)
        self._audit(
            AuditEvent(
                actor=GATEWAY_ACTOR,
                action="device.authenticate",
                object_type="device",
                object_id=frame.mn[:200],
                outcome=AuditOutcome.REFUSED,
                detail={"reason": reason, "peer": connection.peer, "cn": frame.cn},
                source_ip=connection.ip,
            )
        )
        now = self._loop_time()
        limits = self.config.limits
        window = self._failures.setdefault(connection.ip, deque())
        window.append(now)
        while window and window[0] < now - limits.auth_failure_window_s:
            window.popleft()
        if len(window) >= limits.auth_failure_threshold:
            self._alert(
                "auth_failures",
                object_type="peer",
                object_id=connection.ip,
                source_ip=connection.ip,
                detail={
                    "failures": len(window),
                    "window_s": limits.auth_failure_window_s,
                    "last_mn": frame.mn,
                },
                window_s=limits.auth_failure_window_s,
            )
            self._throttle(connection.ip, now)

    def _throttle(self, ip: str, now: float) -> None:
        if self._throttled.get(ip, 0.0) > now:
            return
        self._throttled[ip] = now + self.config.limits.throttle_s
        logger.warning(log_line("ip_throttled", ip=ip, seconds=self.config.limits.throttle_s))
        for connection in [c for c in self._connections if c.ip == ip]:
            self._close(connection, "ip_throttled")

    def _refuse(
        self,
        connection: DeviceConnection,
        reason: str,
        data: bytes,
        mn: str | None,
        detail: str,
        received_at_s: float,
    ) -> None:
        self.stats.refuse(reason, mn)
        logger.warning(
            log_line(
                "refused",
                reason=reason,
                peer=connection.peer,
                mn=mn,
                bytes=len(data),
                detail=detail,
            )
        )
        record = PacketRecord(
            payload=data[: 1 << 20],
            peer=connection.peer,
            received_at_us=round(received_at_s * 1_000_000),
            mn=mn,
            refusal=reason[:64],
        )
        self._enqueue(connection, QueuedPacket(connection, record))

    def _enqueue(self, connection: DeviceConnection, item: QueuedPacket) -> None:
        connection.in_flight += 1
        self._queue.put(item)
        self.stats.queue_depth = len(self._queue)

    def _audit(self, event: AuditEvent) -> None:
        if len(self._pending_audit) < PENDING_AUDIT_MAX:
            self._pending_audit.append(
                (event, dt.datetime.fromtimestamp(self.wall_clock(), dt.UTC))
            )
        else:
            logger.error(log_line("audit_backlog_full", action=event.action))

    def _alert(
        self,
        kind: str,
        *,
        object_type: str,
        object_id: str | None,
        source_ip: str | None,
        detail: dict[str, object],
        window_s: float,
    ) -> None:
        """Raise an alert at most once per (kind, object) and window: a log line, a counter
        and an audit row (written with the next commit)."""
        now = self._loop_time()
        key = (kind, object_id or "")
        if self._alerted.get(key, float("-inf")) > now - window_s:
            return
        self._alerted[key] = now
        self.stats.alerts[kind] += 1
        logger.warning(
            log_line(
                "alert",
                kind=kind,
                object_type=object_type,
                object_id=object_id,
                ip=source_ip,
                detail=json.dumps(detail, ensure_ascii=False),
            )
        )
        self._audit(
            AuditEvent(
                actor=GATEWAY_ACTOR,
                action=f"alert.{kind}",
                object_type=object_type,
                object_id=None if object_id is None else object_id[:200],
                outcome=AuditOutcome.OK,
                detail=detail,
                source_ip=source_ip,
            )
        )

    # -- the writer ------------------------------------------------------------------------

    async def _writer(self) -> None:
        limits = self.config.limits
        loop = asyncio.get_running_loop()
        backoff = COMMIT_RETRY_BACKOFF_S[0]
        while True:
            group = await self._queue.take(
                self._group_cap,
                self._group_rows,
                limits.group_max_delay_s,
                self.config.commands.poll_s,
            )
            self.stats.queue_depth = len(self._queue)
            self._wake_blocked()
            now = dt.datetime.fromtimestamp(self.wall_clock(), dt.UTC)
            poll = self._dispatcher.due(now)
            audit, self._pending_audit = self._pending_audit, []
            if not group and not audit and not poll:
                if self._stopping and not self._queue:
                    return
                continue
            connected = {mn for mn, s in self._sessions.items() if s.connection.open}
            started = time.perf_counter()
            try:
                result = await loop.run_in_executor(
                    self._db, self._commit, group, audit, connected, now, poll
                )
            except (SQLAlchemyError, EcowardenError, OSError) as error:
                self.stats.commit_seconds += time.perf_counter() - started
                # Halve the next group: a failure caused by the group's size (a lock table,
                # a statement limit) must not repeat forever; successes double it back.
                self._group_cap = max(1, len(group) // 2)
                self._commit_failed(group, audit, error)
                if _transient(error) or len(group) < 2:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, COMMIT_RETRY_BACKOFF_S[1])
                else:
                    await self._commit_one_by_one(group)
                continue
            backoff = COMMIT_RETRY_BACKOFF_S[0]
            if group:
                self._group_cap = min(limits.group_max_packets, self._group_cap * 2)
            self.stats.commit_seconds += time.perf_counter() - started
            self._sources.remember(result.sources)
            self._committed(group, result)
            self._deliver(result.deliveries, result.transitions)

    def _commit(
        self,
        group: Sequence[QueuedPacket],
        audit: Sequence[tuple[AuditEvent, dt.datetime]],
        connected: set[str],
        now: dt.datetime,
        poll: bool,
    ) -> CommitResult:
        # Runs on the writer thread: one transaction, committed durably when the block ends.
        started = time.thread_time()
        records = [item.record for item in group]
        time_requests = {item.time_request for item in group if item.time_request}
        result: list[tuple[list[Delivery], list[Transition]]] = []

        def commands(transaction: StoreTransaction, packets: Sequence[PacketRecord]) -> None:
            # After the archive: the answers' packets have their archive ids now.
            answers = []
            for item in group:
                if item.device_answer is not None:
                    mn, qn, cn, code = item.device_answer
                    at = from_epoch_us(item.record.received_at_us)
                    answers.append(DeviceAnswer(mn, qn, cn, code, at, item.record.raw_packet_id))
            result.append(
                self._dispatcher.step(
                    transaction, answers, time_requests, connected, now, poll=poll
                )
            )

        with self.store.transaction() as transaction:
            outcome, sources = commit_group(
                transaction, records, audit, self._sources, after_archive=commands
            )
        deliveries, transitions = result[0]
        return CommitResult(outcome, deliveries, transitions, sources, time.thread_time() - started)

    async def _commit_one_by_one(self, group: Sequence[QueuedPacket]) -> None:
        # A group failed for a reason that is not the database being away: commit its packets
        # one at a time so that one bad packet cannot hold back everyone else's.
        loop = asyncio.get_running_loop()
        for item in group:
            item.connection.in_flight += 1  # released again by _committed / _commit_failed
            now = dt.datetime.fromtimestamp(self.wall_clock(), dt.UTC)
            try:
                result = await loop.run_in_executor(
                    self._db, self._commit, [item], [], set(), now, False
                )
            except (SQLAlchemyError, EcowardenError, OSError) as error:
                self._commit_failed([item], [], error)
                continue
            self._sources.remember(result.sources)
            self._committed([item], result)

    def _commit_failed(
        self,
        group: Sequence[QueuedPacket],
        audit: Sequence[tuple[AuditEvent, dt.datetime]],
        error: BaseException,
    ) -> None:
        self.stats.commit_failures += 1
        withheld = 0
        for item in group:
            if item.answer is not None:
                withheld += 1
            self._release(item.connection)
        self.stats.answers_withheld["commit_failed"] += withheld
        self._pending_audit[:0] = list(audit)[: PENDING_AUDIT_MAX - len(self._pending_audit)]
        if _transient(error):
            self._alert(
                "store_unavailable",
                object_type="store",
                object_id=None,
                source_ip=None,
                detail={"error": type(error).__name__},
                window_s=STORE_ALERT_WINDOW_S,
            )
        logger.error(
            log_line(
                "commit_failed",
                packets=len(group),
                answers_withheld=withheld,
                error=type(error).__name__,
                detail=_first_line(error),
            )
        )

    def _committed(self, group: Sequence[QueuedPacket], result: CommitResult) -> None:
        stats = self.stats
        outcome = result.outcome
        stats.stage_seconds["store"] += result.cpu_s
        stats.commits += 1
        stats.packets_committed += len(group)
        stats.readings["new"] += int(outcome.new.sum())
        stats.readings["identical"] += int(outcome.identical.sum())
        conflicting = int(outcome.conflicting.sum())
        stats.readings["conflict"] += conflicting
        if conflicting:
            for item, count in zip(group, outcome.conflicting.tolist(), strict=True):
                if count and item.record.mn is not None:
                    self._alert(
                        "conflicting_resend",
                        object_type="device",
                        object_id=item.record.mn,
                        source_ip=item.connection.ip,
                        detail={"readings": count},
                        window_s=self.config.conflict_alert_window_s,
                    )
        started = time.thread_time()
        for item in group:
            answer = item.answer
            if answer is not None:
                if item.connection.write(answer):
                    stats.answers[str(item.answer_cn)] += 1
                else:
                    stats.answers_withheld["connection_closed"] += 1
            self._release(item.connection)
        stats.stage_seconds["answer"] += time.thread_time() - started

    def _release(self, connection: DeviceConnection) -> None:
        connection.in_flight -= 1
        if connection.pause_bits & _PAUSE_IN_FLIGHT:
            connection._unpause(_PAUSE_IN_FLIGHT)
            connection.drain()

    def _wake_blocked(self) -> None:
        blocked = self._blocked
        while blocked and not self._queue.full:
            connection = blocked.popleft()
            connection._unpause(_PAUSE_QUEUE)
            connection.drain()

    def _deliver(self, deliveries: Sequence[Delivery], transitions: Sequence[Transition]) -> None:
        for transition in transitions:
            self.stats.commands[transition.status.value] += 1
            logger.info(
                log_line(
                    "command",
                    status=transition.status.value,
                    mn=transition.mn,
                    cn=transition.cn,
                    qn=transition.qn,
                )
            )
        for delivery in deliveries:
            session = self._sessions.get(delivery.mn)
            if session is None or not session.connection.open:
                continue
            target = CommandTarget(session.mn, session.pw, session.st, session.version)
            try:
                packet = encode(
                    platform_request(target, delivery.cn, delivery.qn, delivery.cp),
                    tail=self.config.answer_tail,
                )
            except ValidationError as error:
                logger.warning(
                    log_line(
                        "command_unencodable", mn=delivery.mn, qn=delivery.qn, detail=str(error)
                    )
                )
                continue
            if session.connection.write(packet):
                self.stats.answers[str(delivery.cn)] += 1

    # -- time-outs -------------------------------------------------------------------------

    async def _housekeeping(self) -> None:
        limits = self.config.limits
        interval = min(1.0, limits.idle_timeout_s / 4, limits.packet_timeout_s / 4)
        config = self.config
        alert_memory_s = max(
            config.collision_window_s,
            config.conflict_alert_window_s,
            limits.auth_failure_window_s,
            STORE_ALERT_WINDOW_S,
        )
        while True:
            await asyncio.sleep(interval)
            now = self._loop_time()
            for connection in list(self._connections):
                if now - connection.last_rx > limits.idle_timeout_s:
                    self._close(connection, "idle_timeout")
                elif (
                    connection.packet_since is not None
                    and now - connection.packet_since > limits.packet_timeout_s
                ):
                    self._close(connection, "packet_timeout")
            for ip in [ip for ip, until in self._throttled.items() if until <= now]:
                del self._throttled[ip]
            window_start = now - limits.auth_failure_window_s
            for ip in [ip for ip, times in self._failures.items() if times[-1] < window_start]:
                del self._failures[ip]
            alert_start = now - alert_memory_s
            for key in [key for key, at in self._alerted.items() if at < alert_start]:
                del self._alerted[key]

    # -- Prometheus endpoint ---------------------------------------------------------------

    async def _serve_stats(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5.0)
            method, _, rest = head.partition(b" ")
            path = rest.split(b" ", 1)[0].split(b"?", 1)[0]
            if method != b"GET" or path not in (b"/metrics", b"/"):
                status, body, kind = "404 Not Found", b"not found\n", "text/plain; charset=utf-8"
            else:
                status = "200 OK"
                body = self.stats.prometheus_text().encode("utf-8")
                kind = "text/plain; version=0.0.4; charset=utf-8"
            writer.write(
                (
                    f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode("ascii")
                + body
            )
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()


def _thread_cpu(
    function: Callable[[str, str, float], bool], mn: str, pw: str, now: float
) -> tuple[bool, float]:
    """``function(mn, pw, now)`` and the CPU time this thread spent on it [s]."""
    started = time.thread_time()
    result = function(mn, pw, now)
    return result, time.thread_time() - started


async def _wait_for(future: asyncio.Future[None]) -> None:
    await asyncio.shield(future)


def _transient(error: BaseException) -> bool:
    """Whether a commit failed because the database is away or busy (retry the same way)."""
    if isinstance(error, OperationalError | OSError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed, else None (asyncio's default loop)."""
    try:
        import uvloop  # type: ignore[import-not-found]
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


async def serve(
    store: Store,
    config: GatewayConfig,
    *,
    stats_port: int | None = None,
    ready: Callable[[Gateway], None] | None = None,
    stop: asyncio.Event | None = None,
) -> GatewayStats:
    """Run a gateway until ``stop`` is set (or forever), then shut it down cleanly."""
    gateway = Gateway(store, config)
    await gateway.start(stats_port=stats_port)
    if ready is not None:
        ready(gateway)
    await gateway.serve_until(stop or asyncio.Event())
    return gateway.stats
