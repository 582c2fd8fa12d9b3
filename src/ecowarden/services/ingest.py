"""HJ 212 ingest use cases: decoded frames to reading rows, and one group commit.

The gateway (``ecowarden.ingest.gateway``) decodes packets and authenticates devices on its event
loop, turns each packet into a :class:`PacketRecord` (with the rows of :func:`packet_rows`), and
hands groups of records to :func:`commit_group` on its writer thread. One group is one
``Store.transaction()``: the raw bytes of every packet (refused ones too) are archived, the
readings are stored by natural key (DESIGN §2: a resend with equal values is a no-op, one with
other values a flagged revision), anomalies and audit events are written, and the transaction
commits durably before the gateway sends a single answer (reliability-security.md I1).

Decisions (docs/decisions/0009-gateway.md): a data item the store cannot hold (a code outside
the parameter vocabulary, a flag outside the flag vocabulary, a value that is not finite, a
DataTime that does not begin its period) is not a reading; it stays in the raw archive and is
listed as a packet anomaly, and the packet is answered because it is durably kept — withholding
the answer would make the device resend the same bytes forever. A DataTime far in the future or
the past is stored and flagged (reliability-security.md §3, P8).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np
import polars as pl

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.hj212 import (
    LEGACY_2005_CODES,
    PERIOD_BY_COMMAND,
    Command,
    CommandTarget,
    Frame,
    Period,
    encode,
    make_qn,
    platform_request,
)
from ecowarden.hj212.readings import VALUE_FIELDS
from ecowarden.registry.readings import FLAG_CODES, DataFlag, period_alignment_error
from ecowarden.registry.readings import Period as StoredPeriod
from ecowarden.services.devices import device_password_matches
from ecowarden.store.audit import AuditEvent
from ecowarden.store.commands import (
    AnomalyKind,
    CommandQueue,
    NewAnomaly,
    PacketAnomalies,
    PlatformCommand,
)
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.instants import from_epoch_us
from ecowarden.store.raw_packets import RawPacket
from ecowarden.store.readings import READING_COLUMNS, UpsertOutcome
from ecowarden.store.sources import SourceKind

# raw_packets.mn and device MNs hold at most 24 characters (HJ 212-2017 Table 3 gives 24).
MN_COLUMN_LENGTH: Final = 24
# Length of the period that DataTime starts [s] (DataTime is the start of the period for 2051,
# 2061 and 2031, the sampling moment for 2011; HJ 212-2017 Table 4) [HJ212-2017].
PERIOD_LENGTH_S: Final[Mapping[Period, int]] = {
    Period.REALTIME: 0,
    Period.MINUTE: 60,
    Period.HOUR: 3600,
    Period.DAY: 86400,
}
_STORED_PERIOD: Final[Mapping[Period, StoredPeriod]] = {
    Period.REALTIME: StoredPeriod.REAL_TIME,
    Period.MINUTE: StoredPeriod.MINUTE,
    Period.HOUR: StoredPeriod.HOUR,
    Period.DAY: StoredPeriod.DAY,
}
_FLAGS: Final = frozenset(FLAG_CODES)


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    """How packets become readings.

    Attributes
    ----------
    missing_flag : DataFlag
        Flag stored for an item that carries no ``-Flag`` field (or an empty one). HJ 212-2017
        does not say; ``N`` is the documented choice [unconfirmed] (docs/decisions/0009).
    future_after_s : float
        A DataTime more than this after the receive time is flagged ``future_time`` and stored
        (reliability-security.md §3: "flag future > +10 min") [s].
    stale_after_s : float
        A DataTime more than this before the receive time is flagged ``stale_time`` and stored:
        the backfill window (documented choice 7 days, [unconfirmed]) [s].
    legacy_code_mns : frozenset of str
        Devices whose profile says they send HJ/T 212-2005 codes; their codes are mapped with
        ``LEGACY_2005_CODES`` (hj212-protocol.md §5.5: only through the device profile).
    """

    missing_flag: DataFlag = DataFlag.NORMAL
    future_after_s: float = 600.0
    stale_after_s: float = 7 * 86400.0
    legacy_code_mns: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("future_after_s", "stale_after_s"):
            value = getattr(self, name)
            if not value > 0:
                raise ValidationError(f"ingest policy {name}={value!r} must be positive")


@dataclass(frozen=True, slots=True)
class RegisteredDevice:
    """A device of the registry as the gateway needs it."""

    mn: str
    site: str
    site_id: int
    password_hash: str


@dataclass(frozen=True, slots=True)
class RegistrySnapshot:
    """Devices by MN and parameter ids by code, read in one snapshot."""

    devices: Mapping[str, RegisteredDevice]
    parameter_ids: Mapping[str, int]


def registry_snapshot(store: Store) -> RegistrySnapshot:
    """The devices and the parameter vocabulary, read in one consistent snapshot."""
    with store.snapshot() as transaction:
        site_ids = transaction.registry.site_ids()
        devices = {
            device.mn: RegisteredDevice(
                device.mn, device.site, site_ids[device.site], device.password_hash
            )
            for device in transaction.registry.devices()
        }
        return RegistrySnapshot(devices, transaction.registry.parameter_ids())


def password_matches(device: RegisteredDevice, password: str) -> bool:
    """Whether ``password`` is the device's (an Argon2id verification, tens of milliseconds)."""
    return device_password_matches(device.password_hash, password)


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something about an accepted packet that is recorded beside it."""

    kind: AnomalyKind
    detail: str


@dataclass(frozen=True, slots=True)
class PacketRows:
    """What a data upload gives the store.

    Attributes
    ----------
    rows : list of tuple
        ``(parameter_id, period command, start_s, value, flag)`` per storable item.
    anomalies : tuple of Anomaly
        Items kept only in the raw archive, and DataTime flags.
    offset_s : float or None
        End of the period minus the receive time [s]; None for a packet without DataTime.
    """

    rows: list[tuple[int, int, int, float | None, str]]
    anomalies: tuple[Anomaly, ...]
    offset_s: float | None


NO_ROWS: Final = PacketRows([], (), None)


def packet_rows(
    frame: Frame,
    parameter_ids: Mapping[str, int],
    received_at_s: float,
    policy: IngestPolicy,
) -> PacketRows:
    """The reading rows and anomalies of a decoded data upload (CN 2011, 2051, 2061, 2031).

    Parameters
    ----------
    frame : Frame
        An authenticated frame; other commands give no rows.
    parameter_ids : Mapping of str to int
        Parameter code -> registry id.
    received_at_s : float
        Receive time, Unix seconds [s].
    policy : IngestPolicy
        Flag default, time thresholds and legacy-code devices.

    Returns
    -------
    PacketRows
        Rows, anomalies and the clock offset (DataTime + period length - received) [s].
    """
    period = PERIOD_BY_COMMAND.get(Command(frame.cn)) if frame.cn in _DATA_COMMANDS else None
    if period is None or frame.data_time is None:
        return NO_ROWS
    code_map = LEGACY_2005_CODES if frame.mn in policy.legacy_code_mns else None
    start = frame.data_time
    start_s, misaligned = _interval_start(period, start)
    offset_s = start_s + PERIOD_LENGTH_S[period] - received_at_s
    anomalies: list[Anomaly] = []
    if start_s - received_at_s > policy.future_after_s:
        anomalies.append(Anomaly(AnomalyKind.FUTURE_TIME, f"DataTime {start.isoformat()}"))
    elif received_at_s - start_s > policy.stale_after_s:
        anomalies.append(Anomaly(AnomalyKind.STALE_TIME, f"DataTime {start.isoformat()}"))
    if misaligned is not None:
        anomalies.append(
            Anomaly(AnomalyKind.MISALIGNED_TIME, f"DataTime {start.isoformat()}: {misaligned}")
        )
        return PacketRows([], tuple(anomalies), offset_s)
    command = _STORED_PERIOD[period].command
    missing_flag = policy.missing_flag.value
    rows: list[tuple[int, int, int, float | None, str]] = []
    unknown_codes: list[str] = []
    unknown_flags: list[str] = []
    not_finite: list[str] = []
    for source_code, (_, text, flag_text) in _items(frame.cp, _VALUE_RANKS[period]).items():
        code = code_map.get(source_code, source_code) if code_map else source_code
        parameter_id = parameter_ids.get(code)
        if parameter_id is None:
            unknown_codes.append(source_code)
            continue
        flag = flag_text or missing_flag  # an absent or empty -Flag
        if flag not in _FLAGS:
            unknown_flags.append(f"{source_code}-Flag={flag}")
            continue
        value = None if text is None else _plain_number(text)
        if value is not None and not math.isfinite(value):
            not_finite.append(f"{source_code}={text}")
            continue
        rows.append((parameter_id, command, start_s, value, flag))
    for kind, found in (
        (AnomalyKind.UNKNOWN_PARAMETER, unknown_codes),
        (AnomalyKind.UNKNOWN_FLAG, unknown_flags),
        (AnomalyKind.VALUE_NOT_FINITE, not_finite),
    ):
        if found:
            anomalies.append(Anomaly(kind, ", ".join(found)))
    return PacketRows(rows, tuple(anomalies), offset_s)


_DATA_COMMANDS: Final = frozenset(int(command) for command in PERIOD_BY_COMMAND)
# The value field of an item, first present wins (Rtd for real-time data; Avg, else Data for
# noise, else Rtd for statistics), as ``ecowarden.hj212.readings`` chooses it [HJ212-2017].
_VALUE_RANKS: Final[Mapping[Period, Mapping[str, int]]] = {
    period: {name: rank for rank, name in enumerate(names)}
    for period, names in VALUE_FIELDS.items()
}
_NO_RANK: Final = len(max(VALUE_FIELDS.values(), key=len))


@lru_cache(maxsize=1024)
def _interval_start(period: Period, start: dt.datetime) -> tuple[int, str | None]:
    """Unix seconds of ``start`` and why it cannot begin a ``period`` interval (None if it can).

    Cached: the devices of a county report the same DataTimes, minute after minute.
    """
    return int(start.timestamp()), period_alignment_error(_STORED_PERIOD[period], start)


def _items(
    cp: Mapping[str, str], ranks: Mapping[str, int]
) -> dict[str, tuple[int, str | None, str | None]]:
    """Code -> (rank of the value field, value text, flag text) in wire order, in one pass.

    The items are those of :func:`ecowarden.hj212.readings` (fields ``code-suffix``; the code is
    the part before the last ``-``): one per code, the value from the best-ranked value field
    present (None when there is none), the flag from ``-Flag``. A test checks both agree.
    """
    found: dict[str, tuple[int, str | None, str | None]] = {}
    for name, text in cp.items():
        code, dash, suffix = name.rpartition("-")
        if not (dash and code):
            continue
        rank, value, flag = found.get(code, (_NO_RANK, None, None))
        if suffix == "Flag":
            flag = text
        else:
            field_rank = ranks.get(suffix)
            if field_rank is not None and field_rank < rank:
                rank, value = field_rank, text
        found[code] = (rank, value, flag)
    return found


def _plain_number(text: str) -> float | None:
    """``text`` as a float if it is a plain decimal number (the rule of
    :func:`ecowarden.hj212.decimal_or_none`: no exponent, NaN, blank or underscore), else None.
    ``float`` rounds a decimal string correctly, as ``float(Decimal(text))`` does."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    digits = digits.replace(".", "", 1)
    if digits.isdigit() and digits.isascii():
        return float(text)
    return None


@dataclass(slots=True)
class PacketRecord:
    """One received packet (or refused byte run) as the writer commits it.

    Attributes
    ----------
    payload : bytes
        The bytes as received (``##`` to CRC for a frame; the refused bytes otherwise).
    peer : str
        ``host:port`` of the connection.
    received_at_us : int
        Receive time, Unix microseconds.
    mn : str or None
        The MN where it could be read.
    refusal : str or None
        Reason code of a refused packet; None for an accepted one.
    site_id : int or None
        Site of the authenticated device (readings go there).
    rows : PacketRows
        Reading rows and anomalies.
    """

    payload: bytes
    peer: str
    received_at_us: int
    mn: str | None
    refusal: str | None = None
    site_id: int | None = None
    rows: PacketRows = NO_ROWS
    raw_packet_id: int = field(default=0)


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """What one group commit stored, per packet in group order.

    Attributes
    ----------
    new, identical, conflicting : numpy.ndarray of int
        Readings of each packet stored new, found identical, or kept as conflicting revisions.
    """

    new: np.ndarray
    identical: np.ndarray
    conflicting: np.ndarray


class SourceIds:
    """``sources`` ids of HJ 212 devices by MN, remembered once their transaction committed."""

    def __init__(self) -> None:
        self._known: dict[str, int] = {}

    def resolve(self, transaction: StoreTransaction, mns: set[str]) -> dict[str, int]:
        """Ids for ``mns`` in ``transaction`` (new ones created), not yet remembered."""
        found = {mn: self._known[mn] for mn in mns if mn in self._known}
        for mn in mns - found.keys():
            found[mn] = transaction.sources.ensure(SourceKind.HJ212, mn)
        return found

    def remember(self, ids: Mapping[str, int]) -> None:
        """Keep ids whose transaction committed (a rolled-back id may be handed out again)."""
        self._known.update(ids)


def archived_mn(mn: str | None) -> str | None:
    """The MN as the archive column holds it: None when absent or longer than 24 characters
    (a spoofed or garbled MN stays readable in the archived bytes)."""
    if mn is None or len(mn) > MN_COLUMN_LENGTH:
        return None
    return mn


def commit_group(
    transaction: StoreTransaction,
    packets: Sequence[PacketRecord],
    audit_events: Sequence[tuple[AuditEvent, dt.datetime]],
    sources: SourceIds,
    *,
    after_archive: Callable[[StoreTransaction, Sequence[PacketRecord]], None] | None = None,
) -> tuple[GroupOutcome, dict[str, int]]:
    """Archive, store and audit one group of packets in the caller's transaction.

    Parameters
    ----------
    transaction : StoreTransaction
        The group's transaction; answer nothing before it has committed.
    packets : sequence of PacketRecord
        In receive order; their ``raw_packet_id`` is filled in.
    audit_events : sequence of (AuditEvent, datetime)
        Refused authentications and alerts of the group, with when they happened.
    sources : SourceIds
        Source ids by MN.
    after_archive : callable, optional
        Further work in the same transaction once the packets have archive ids (command
        answers).

    Returns
    -------
    tuple
        The :class:`GroupOutcome` and the new source ids to :meth:`SourceIds.remember` after
        the commit.
    """
    ids = transaction.raw_packets.archive(
        [
            RawPacket(
                payload=packet.payload,
                peer=packet.peer,
                received_at=from_epoch_us(packet.received_at_us),
                mn=archived_mn(packet.mn),
                refusal=packet.refusal,
            )
            for packet in packets
        ]
    )
    for packet, raw_id in zip(packets, ids, strict=True):
        packet.raw_packet_id = raw_id
    storing = [
        (index, packet)
        for index, packet in enumerate(packets)
        if packet.rows.rows and packet.site_id is not None and packet.mn is not None
    ]
    source_ids = sources.resolve(transaction, {packet.mn or "" for _, packet in storing})
    outcomes = np.zeros(0, dtype=np.int8)
    owners = np.zeros(0, dtype=np.int64)
    if storing:
        columns: dict[str, list[object]] = {name: [] for name in READING_COLUMNS}
        owner: list[int] = []
        for index, packet in storing:
            n = len(packet.rows.rows)
            parameter_ids, periods, starts, values, flags = zip(*packet.rows.rows, strict=True)
            columns["site_id"] += [packet.site_id] * n
            columns["parameter_id"] += parameter_ids
            columns["period"] += periods
            columns["start_s"] += starts
            columns["value"] += values
            columns["flag"] += flags
            columns["source_id"] += [source_ids[packet.mn or ""]] * n
            columns["received_at_us"] += [packet.received_at_us] * n
            owner += [index] * n
        report = transaction.readings.upsert(pl.DataFrame(columns, schema=READING_COLUMNS))
        outcomes = report.outcomes
        owners = np.asarray(owner, dtype=np.int64)
    PacketAnomalies(transaction.connection).record(
        [
            NewAnomaly(
                packet.raw_packet_id,
                archived_mn(packet.mn),
                anomaly.kind,
                anomaly.detail,
                from_epoch_us(packet.received_at_us),
            )
            for packet in packets
            for anomaly in packet.rows.anomalies
        ]
    )
    for event, at in audit_events:
        transaction.audit.append(event, at=at)
    if after_archive is not None:
        after_archive(transaction, packets)
    size = len(packets)
    if outcomes.size:
        tally = [
            np.bincount(owners[outcomes == outcome], minlength=size)
            for outcome in (UpsertOutcome.NEW, UpsertOutcome.IDENTICAL, UpsertOutcome.CONFLICT)
        ]
    else:
        tally = [np.zeros(size, dtype=np.int64) for _ in range(3)]
    return GroupOutcome(tally[0], tally[1], tally[2]), source_ids


# Commands the platform sends to a field machine (HJ 212-2017 Table 9, "platform -> device").
# 1072 (set password, NewPW) is left out: the registry would still hold the old password's hash,
# so the device would be refused after a successful change, and the new password would sit in
# clear text in the queue; rotating a password needs a flow that updates the registry with it.
PLATFORM_COMMANDS: Final = frozenset(
    {
        Command.SET_TIMEOUT_RETRIES,
        Command.GET_TIME,
        Command.SET_TIME,
        Command.GET_REALTIME_INTERVAL,
        Command.SET_REALTIME_INTERVAL,
        Command.GET_MINUTE_INTERVAL,
        Command.SET_MINUTE_INTERVAL,
        Command.REALTIME_DATA,
        Command.STOP_REALTIME_DATA,
        Command.FACILITY_STATE,
        Command.STOP_FACILITY_STATE,
        Command.DAILY_DATA,
        Command.FACILITY_RUNTIME_DAILY,
        Command.MINUTE_DATA,
        Command.HOURLY_DATA,
        Command.CALIBRATE,
        Command.SAMPLE_NOW,
        Command.CLEAN_BLOWBACK,
        Command.COMPARISON_SAMPLING,
        Command.OVERLIMIT_SAMPLE_RETENTION,
        Command.SET_SAMPLING_PERIOD,
        Command.GET_SAMPLING_PERIOD,
        Command.GET_SAMPLE_OUTPUT_TIME,
        Command.GET_INSTRUMENT_ID,
        Command.FIELD_MACHINE_INFO,
        Command.SET_FIELD_MACHINE_PARAMETER,
    }
)


def free_qn(queue: CommandQueue, mn: str, at: dt.datetime) -> str:
    """A QN for ``mn`` from ``at`` that no command of ``mn`` has yet (one millisecond later
    per clash: QN and MN identify the request, §6.5)."""
    qn = make_qn(at)
    while queue.by_qn(mn, qn) is not None:
        at += dt.timedelta(milliseconds=1)
        qn = make_qn(at)
    return qn


def queue_command(
    transaction: StoreTransaction,
    mn: str,
    cn: int,
    cp: Mapping[str, str],
    *,
    actor: str,
    at: dt.datetime,
) -> PlatformCommand:
    """Queue a platform command for ``mn`` in the caller's transaction.

    Raises
    ------
    UnknownNameError
        For a CN the platform does not send to a field machine (HJ 212-2017 Table 9), or an
        MN that is not registered.
    """
    if cn not in PLATFORM_COMMANDS:
        raise UnknownNameError(
            "platform command CN", cn, [str(int(c)) for c in sorted(PLATFORM_COMMANDS)]
        )
    if transaction.registry.device(mn) is None:
        raise UnknownNameError("device MN", mn, [d.mn for d in transaction.registry.devices()])
    queue = CommandQueue(transaction.connection)
    qn = free_qn(queue, mn, at)
    try:
        # Refuse now what could never be written to the device (separators in a value …).
        encode(platform_request(CommandTarget(mn, "", "91"), cn, qn, cp))
    except ValidationError as error:
        raise ValidationError(f"command CN={cn} for {mn}: {error}") from error
    command = queue.enqueue(mn, cn, qn, cp, actor=actor, at=at)
    transaction.audit.append(
        AuditEvent(
            actor=actor,
            action="device_command.queue",
            object_type="device",
            object_id=mn,
            detail={"cn": cn, "qn": qn, "fields": sorted(cp)},
        ),
        at=at,
    )
    return command


def queue_platform_command(
    store: Store, mn: str, cn: int, cp: Mapping[str, str], *, actor: str
) -> PlatformCommand:
    """Queue a platform command for ``mn`` (``ecowarden gateway command``), audited; the
    gateway sends it when the device is next connected."""
    with store.transaction() as transaction:
        return queue_command(transaction, mn, cn, cp, actor=actor, at=dt.datetime.now(dt.UTC))
