"""Gateway records: the platform command queue with the devices' answers, and packet anomalies.

``device_commands`` holds each platform -> device request (HJ 212-2017 §6.5) from the moment an
operator queues it until its 9012 execution result or a time-out; the state rules live in
``ecowarden.ingest.commands``. ``device_command_answers`` keeps every 9011 / 9012 received, linked
to its archived packet. ``packet_anomalies`` lists what an accepted packet carried beside its
readings (DataTime far off the receive time, items the store cannot hold), linked to the raw
packet that holds the evidence. Tables: docs/data-dictionary.md; migration 0003.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ecowarden.errors import ValidationError
from ecowarden.registry.devices import check_mn
from ecowarden.store.instants import from_epoch_us, now_us, to_epoch_us
from ecowarden.store.schema import device_command_answers, device_commands, packet_anomalies


class CommandStatus(StrEnum):
    """Where a platform command stands."""

    QUEUED = "queued"  # waiting for its device to be connected
    SENT = "sent"  # written to the device, waiting for 9011
    ACCEPTED = "accepted"  # 9011 QnRtn=1 (准备执行请求), waiting for 9012
    REFUSED = "refused"  # 9011 with another QnRtn
    DONE = "done"  # 9012 received (its ExeRtn says how it went)
    FAILED = "failed"  # no 9011 after the resends
    EXPIRED = "expired"  # accepted, but no 9012 within the execution time-out

    @property
    def is_open(self) -> bool:
        """Whether the command still expects something from the device."""
        return self in _OPEN


_OPEN = frozenset({CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.ACCEPTED})


class AnomalyKind(StrEnum):
    """What an accepted packet carried beside its readings."""

    FUTURE_TIME = "future_time"  # DataTime later than the receive time by more than the policy
    STALE_TIME = "stale_time"  # DataTime older than the backfill window
    MISALIGNED_TIME = "misaligned_time"  # DataTime does not begin its period: no readings
    UNKNOWN_PARAMETER = "unknown_parameter"  # code outside the vocabulary: item not stored
    UNKNOWN_FLAG = "unknown_flag"  # flag outside the vocabulary: item not stored
    VALUE_NOT_FINITE = "value_not_finite"  # value too large for a double: item not stored


@dataclass(frozen=True, slots=True)
class PlatformCommand:
    """A platform -> device request and where it stands.

    Attributes
    ----------
    id : int
        Row id.
    mn : str
        Device.
    cn : int
        Command code.
    qn : str
        Request number, kept over resends; the device's 9011 and 9012 echo it.
    cp : Mapping of str to str
        CP fields to send (a 1012 without ``SystemTime`` gets the time of sending).
    status : CommandStatus
        Where it stands.
    attempts : int
        Times written to the device.
    actor : str
        Who queued it.
    queued_at, sent_at, finished_at : datetime or None
        When it was queued, last written, and closed.
    qn_rtn, exe_rtn : int or None
        The device's answers (HJ 212-2017 Tables 7 and 6).
    """

    id: int
    mn: str
    cn: int
    qn: str
    cp: Mapping[str, str]
    status: CommandStatus
    attempts: int
    actor: str
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    finished_at: dt.datetime | None
    qn_rtn: int | None
    exe_rtn: int | None


@dataclass(frozen=True, slots=True)
class CommandAnswer:
    """A 9011 or 9012 received for a command."""

    command_id: int
    cn: int
    code: int | None
    received_at: dt.datetime
    raw_packet_id: int


@dataclass(frozen=True, slots=True)
class NewAnomaly:
    """An anomaly to record beside the archived packet ``raw_packet_id``."""

    raw_packet_id: int
    mn: str | None
    kind: AnomalyKind
    detail: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class PacketAnomaly:
    """An anomaly recorded beside an accepted packet."""

    id: int
    raw_packet_id: int
    mn: str | None
    kind: AnomalyKind
    detail: str
    at: dt.datetime


def _optional_instant(value: int | None) -> dt.datetime | None:
    return None if value is None else from_epoch_us(int(value))


def _command(row: Any) -> PlatformCommand:
    return PlatformCommand(
        id=int(row.id),
        mn=row.mn,
        cn=int(row.cn),
        qn=row.qn,
        cp=json.loads(row.cp),
        status=CommandStatus(row.status),
        attempts=int(row.attempts),
        actor=row.actor,
        queued_at=from_epoch_us(int(row.queued_at_us)),
        sent_at=_optional_instant(row.sent_at_us),
        finished_at=_optional_instant(row.finished_at_us),
        qn_rtn=row.qn_rtn,
        exe_rtn=row.exe_rtn,
    )


class CommandQueue:
    """Queue, track and read platform commands through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def enqueue(
        self,
        mn: str,
        cn: int,
        qn: str,
        cp: Mapping[str, str],
        *,
        actor: str,
        at: dt.datetime | None = None,
    ) -> PlatformCommand:
        """Queue a command for ``mn`` (sent when the device is next connected).

        Raises
        ------
        ValidationError
            For an MN the registry would refuse, a CN outside 0..9999, a QN that is not 17
            digits (``YYYYMMDDhhmmsszzz``, HJ 212-2017 Table 3) or an empty actor.
        """
        check_mn(mn)
        if not 0 <= cn <= 9999:
            raise ValidationError(f"command CN={cn} is not a 4-digit command code")
        if not (len(qn) == 17 and qn.isascii() and qn.isdigit()):
            raise ValidationError(f"command QN={qn!r} is not YYYYMMDDhhmmsszzz")
        if not actor:
            raise ValidationError("command actor is empty")
        queued_at_us = now_us() if at is None else to_epoch_us(at)
        result = self._connection.execute(
            insert(device_commands)
            .values(
                mn=mn,
                cn=cn,
                qn=qn,
                cp=json.dumps(dict(cp), ensure_ascii=False, sort_keys=True),
                status=CommandStatus.QUEUED.value,
                attempts=0,
                actor=actor,
                queued_at_us=queued_at_us,
            )
            .returning(device_commands.c.id)
        )
        command = self.command(int(result.scalar_one()))
        assert command is not None  # inserted just now, in this transaction
        return command

    def command(self, command_id: int) -> PlatformCommand | None:
        """The command with ``command_id``, or None."""
        row = self._connection.execute(
            select(device_commands).where(device_commands.c.id == command_id)
        ).first()
        return None if row is None else _command(row)

    def by_qn(self, mn: str, qn: str) -> PlatformCommand | None:
        """The command of ``mn`` with request number ``qn``, or None."""
        row = self._connection.execute(
            select(device_commands).where(device_commands.c.mn == mn, device_commands.c.qn == qn)
        ).first()
        return None if row is None else _command(row)

    def commands(self, *, mn: str | None = None, open_only: bool = False) -> list[PlatformCommand]:
        """Commands oldest first, of one device or all, optionally only the open ones."""
        query = select(device_commands).order_by(device_commands.c.id)
        if mn is not None:
            query = query.where(device_commands.c.mn == mn)
        if open_only:
            query = query.where(device_commands.c.status.in_([s.value for s in _OPEN]))
        return [_command(row) for row in self._connection.execute(query)]

    def update(
        self,
        command_id: int,
        status: CommandStatus,
        *,
        at: dt.datetime,
        sent: bool = False,
        qn_rtn: int | None = None,
        exe_rtn: int | None = None,
    ) -> None:
        """Move a command to ``status`` at ``at``: ``sent`` counts one more attempt; a closed
        status stamps ``finished_at``; answer codes are kept when given."""
        at_us = to_epoch_us(at)
        values: dict[str, object] = {"status": CommandStatus(status).value}
        if sent:
            values["sent_at_us"] = at_us
            values["attempts"] = device_commands.c.attempts + 1
        if not CommandStatus(status).is_open:
            values["finished_at_us"] = at_us
        if qn_rtn is not None:
            values["qn_rtn"] = qn_rtn
        if exe_rtn is not None:
            values["exe_rtn"] = exe_rtn
        self._connection.execute(
            update(device_commands).where(device_commands.c.id == command_id).values(**values)
        )

    def record_answer(
        self,
        command_id: int,
        cn: int,
        code: int | None,
        *,
        received_at: dt.datetime,
        raw_packet_id: int,
    ) -> CommandAnswer:
        """Keep a 9011 (``code`` = QnRtn) or 9012 (``code`` = ExeRtn) received for a command."""
        if cn not in (9011, 9012):
            raise ValidationError(f"command answer CN={cn}: only 9011 and 9012 answer a request")
        self._connection.execute(
            insert(device_command_answers).values(
                command_id=command_id,
                cn=cn,
                code=code,
                received_at_us=to_epoch_us(received_at),
                raw_packet_id=raw_packet_id,
            )
        )
        return CommandAnswer(command_id, cn, code, received_at, raw_packet_id)

    def answers(self, command_id: int) -> list[CommandAnswer]:
        """The answers received for a command, oldest first."""
        rows = self._connection.execute(
            select(device_command_answers)
            .where(device_command_answers.c.command_id == command_id)
            .order_by(device_command_answers.c.id)
        )
        return [
            CommandAnswer(
                int(row.command_id),
                int(row.cn),
                row.code,
                from_epoch_us(int(row.received_at_us)),
                int(row.raw_packet_id),
            )
            for row in rows
        ]


class PacketAnomalies:
    """Record and read packet anomalies through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, anomalies: Sequence[NewAnomaly]) -> None:
        """Record anomalies of archived packets (one statement for all of them)."""
        if not anomalies:
            return
        self._connection.execute(
            insert(packet_anomalies),
            [
                {
                    "raw_packet_id": anomaly.raw_packet_id,
                    "mn": anomaly.mn,
                    "kind": AnomalyKind(anomaly.kind).value,
                    "detail": anomaly.detail,
                    "at_us": to_epoch_us(anomaly.at),
                }
                for anomaly in anomalies
            ],
        )

    def anomalies(
        self,
        *,
        mn: str | None = None,
        kind: AnomalyKind | None = None,
        after_id: int = 0,
        limit: int = 1000,
    ) -> list[PacketAnomaly]:
        """Anomalies with id > ``after_id``, oldest first, optionally of one MN or kind."""
        query = select(packet_anomalies).where(packet_anomalies.c.id > after_id)
        if mn is not None:
            query = query.where(packet_anomalies.c.mn == mn)
        if kind is not None:
            query = query.where(packet_anomalies.c.kind == AnomalyKind(kind).value)
        rows = self._connection.execute(query.order_by(packet_anomalies.c.id).limit(limit))
        return [
            PacketAnomaly(
                id=int(row.id),
                raw_packet_id=int(row.raw_packet_id),
                mn=row.mn,
                kind=AnomalyKind(row.kind),
                detail=row.detail,
                at=from_epoch_us(int(row.at_us)),
            )
            for row in rows
        ]
