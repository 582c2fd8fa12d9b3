"""The audit log: append-only and hash-chained (reliability-security.md I6, A9, A10).

Row n stores ``prev_hash`` = ``row_hash`` of row n-1 (64 zeros for row 1) and

    row_hash = SHA-256(JSON [id, at_us, actor, action, object_type, object_id, outcome,
                             source_ip, detail, prev_hash])

with the JSON written compactly (no blanks, UTF-8, ``detail`` as its canonical JSON text). Ids
run 1, 2, 3 … without gaps; a writer takes the chain lock (PostgreSQL) or holds the SQLite write
lock, reads the last row and appends the next. Triggers refuse UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ecowarden.errors import ValidationError
from ecowarden.store.instants import from_epoch_us, now_us, to_epoch_us
from ecowarden.store.locks import AUDIT_CHAIN, lock
from ecowarden.store.schema import audit_log

GENESIS_HASH: Final = "0" * 64
# Credentials never enter the audit log (A9: "no passwords/tokens in rows").
_SECRET_WORDS: Final = ("password", "token", "secret")
_VERIFY_CHUNK: Final = 10_000
_HASHED_COLUMNS: Final = (
    "id",
    "at_us",
    "actor",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "source_ip",
    "detail",
    "prev_hash",
)


class AuditOutcome(StrEnum):
    """Whether the audited action happened or was refused."""

    OK = "ok"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What to record: who did what to which object, and how it ended."""

    actor: str
    action: str
    object_type: str
    object_id: str | None = None
    outcome: AuditOutcome = AuditOutcome.OK
    detail: Mapping[str, object] = field(default_factory=dict)
    source_ip: str | None = None

    def __post_init__(self) -> None:
        for name in ("actor", "action", "object_type"):
            if not getattr(self, name):
                raise ValidationError(f"audit event: {name} is empty")
        object.__setattr__(self, "outcome", AuditOutcome(self.outcome))
        _refuse_secrets(self.detail, "detail")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """A stored audit row."""

    id: int
    at: dt.datetime
    event: AuditEvent
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class ChainVerification:
    """The result of walking the chain: rows checked and the first row that fails, if any."""

    rows: int
    first_bad_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when every row links to its predecessor and hashes to its stored hash."""
        return self.first_bad_id is None


def _refuse_secrets(value: object, path: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if any(word in str(key).lower() for word in _SECRET_WORDS):
                raise ValidationError(f"audit {path}.{key}: credentials are never audited")
            _refuse_secrets(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_secrets(item, f"{path}[{index}]")


def canonical_json(detail: Mapping[str, object]) -> str:
    """``detail`` as compact JSON with sorted keys (the form that is stored and hashed)."""
    try:
        return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise ValidationError(f"audit detail is not JSON: {error}") from error


def row_hash(fields: tuple[object, ...]) -> str:
    """The SHA-256 (hex) of one audit row's fields, in the order of the module docstring."""
    text = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditLog:
    """Append to, read and verify the audit log through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def append(self, event: AuditEvent, *, at: dt.datetime | None = None) -> AuditRecord:
        """Append ``event`` as the next row of the chain (in the caller's transaction)."""
        lock(self._connection, AUDIT_CHAIN, [0])
        last = self._connection.execute(
            select(audit_log.c.id, audit_log.c.row_hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        next_id = 1 if last is None else int(last.id) + 1
        prev_hash = GENESIS_HASH if last is None else str(last.row_hash)
        at_us = now_us() if at is None else to_epoch_us(at)
        detail_json = canonical_json(event.detail)
        digest = row_hash(
            (
                next_id,
                at_us,
                event.actor,
                event.action,
                event.object_type,
                event.object_id,
                event.outcome.value,
                event.source_ip,
                detail_json,
                prev_hash,
            )
        )
        self._connection.execute(
            insert(audit_log).values(
                id=next_id,
                at_us=at_us,
                actor=event.actor,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                outcome=event.outcome.value,
                source_ip=event.source_ip,
                detail=detail_json,
                prev_hash=prev_hash,
                row_hash=digest,
            )
        )
        return AuditRecord(next_id, from_epoch_us(at_us), event, prev_hash, digest)

    def records(self, *, after_id: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Rows with id > ``after_id``, oldest first, at most ``limit``."""
        rows = self._connection.execute(
            select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id).limit(limit)
        )
        return [
            AuditRecord(
                id=int(row.id),
                at=from_epoch_us(int(row.at_us)),
                event=AuditEvent(
                    actor=row.actor,
                    action=row.action,
                    object_type=row.object_type,
                    object_id=row.object_id,
                    outcome=AuditOutcome(row.outcome),
                    detail=json.loads(row.detail),
                    source_ip=row.source_ip,
                ),
                prev_hash=row.prev_hash,
                row_hash=row.row_hash,
            )
            for row in rows
        ]

    def verify(self) -> ChainVerification:
        """Walk the whole chain; name the first row whose link or hash does not hold (A10).

        Hashes are recomputed from the stored column values as they are, so a row altered
        behind the triggers' back is found even when its values are no longer valid events.
        """
        columns = [audit_log.c[name] for name in _HASHED_COLUMNS]
        expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
        while True:
            chunk = self._connection.execute(
                select(*columns, audit_log.c.row_hash)
                .where(audit_log.c.id >= expected_id)
                .order_by(audit_log.c.id)
                .limit(_VERIFY_CHUNK)
            ).all()
            if not chunk:
                return ChainVerification(rows=checked)
            for row in chunk:
                fields = tuple(row[: len(_HASHED_COLUMNS)])
                row_id = int(row.id)
                if row_id != expected_id:
                    return ChainVerification(
                        checked, expected_id, f"row {expected_id} is missing (next is {row_id})"
                    )
                if row.prev_hash != prev_hash:
                    return ChainVerification(
                        checked, row_id, "prev_hash does not match the previous row's hash"
                    )
                if row_hash(fields) != row.row_hash:
                    return ChainVerification(
                        checked, row_id, "the row's content does not hash to its row_hash"
                    )
                prev_hash, expected_id, checked = row.row_hash, expected_id + 1, checked + 1
