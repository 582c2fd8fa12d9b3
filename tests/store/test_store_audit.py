"""The audit log: append-only on both engines, hash-chained, tampering found (A10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json

import pytest
from sqlalchemy.exc import DBAPIError

from ecowarden.errors import ValidationError
from ecowarden.store import AuditEvent, AuditOutcome, Store
from ecowarden.store.audit import GENESIS_HASH

AT = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)


def append(store: Store, count: int) -> None:
    with store.transaction() as transaction:
        for index in range(count):
            transaction.audit.append(
                AuditEvent(
                    actor="monitor.li",
                    action="reading.correct",
                    object_type="reading",
                    object_id=f"AQ01/{index}",
                    detail={"reason": "校准漂移", "n": index},
                ),
                at=AT,
            )


def test_first_row_hash_by_hand(store: Store) -> None:
    append(store, 1)
    with store.snapshot() as snapshot:
        (record,) = snapshot.audit.records()
    # row_hash = SHA-256 of the compact JSON array of the row's fields (module docstring);
    # 2025-03-01T08:00Z = 1740816000 s = 1740816000000000 µs.
    fields = [
        1,
        1_740_816_000_000_000,
        "monitor.li",
        "reading.correct",
        "reading",
        "AQ01/0",
        "ok",
        None,
        '{"n":0,"reason":"校准漂移"}',
        "0" * 64,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert record.prev_hash == GENESIS_HASH
    assert record.row_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_chain_links_and_verifies(store: Store) -> None:
    append(store, 3)
    append(store, 2)
    with store.snapshot() as snapshot:
        records = snapshot.audit.records()
        verification = snapshot.audit.verify()
    assert [record.id for record in records] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(records))
    assert verification.ok
    assert verification.rows == 5


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"],
)
def test_application_cannot_change_the_log(store: Store, statement: str) -> None:
    append(store, 2)
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as transaction:
        transaction.connection.exec_driver_sql(statement)
    with store.snapshot() as snapshot:
        assert snapshot.audit.verify().rows == 2


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_refuses_truncate(store: Store) -> None:
    # SQLite has no TRUNCATE; its DELETE is covered above.
    append(store, 1)
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as transaction:
        transaction.connection.exec_driver_sql("TRUNCATE audit_log")


def test_verification_names_the_tampered_row(store: Store) -> None:
    append(store, 4)
    # Tamper behind the triggers' back, as an attacker with DDL rights would.
    with store.transaction() as transaction:
        if store.engine.dialect.name == "postgresql":
            transaction.connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            transaction.connection.exec_driver_sql("UPDATE audit_log SET actor = 'x' WHERE id = 3")
            transaction.connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        else:
            transaction.connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            transaction.connection.exec_driver_sql("UPDATE audit_log SET actor = 'x' WHERE id = 3")
    with store.snapshot() as snapshot:
        verification = snapshot.audit.verify()
    assert (verification.ok, verification.first_bad_id, verification.rows) == (False, 3, 2)
    assert "hash" in (verification.reason or "")


def test_refused_outcome_is_recorded(store: Store) -> None:
    with store.transaction() as transaction:
        record = transaction.audit.append(
            AuditEvent("cli:li", "readings.import", "file", "x.csv", AuditOutcome.REFUSED)
        )
    assert record.event.outcome is AuditOutcome.REFUSED


@pytest.mark.parametrize("key", ["password", "NewPassword", "api_token"])
def test_credentials_never_enter_the_log(key: str) -> None:
    with pytest.raises(ValidationError, match="credentials"):
        AuditEvent("cli:li", "device.created", "device", "MN1", detail={"site": {key: "x"}})
