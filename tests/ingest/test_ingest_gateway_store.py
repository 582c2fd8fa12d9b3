"""The gateway's tables (migration 0003): up, down, up again on both engines, agreement with
schema.py, and the command queue and anomaly repositories (store/commands.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from ecowarden.errors import ValidationError
from ecowarden.store import RawPacket, Store, migrate
from ecowarden.store.commands import (
    AnomalyKind,
    CommandQueue,
    CommandStatus,
    NewAnomaly,
    PacketAnomalies,
)
from ecowarden.store.schema import metadata

GATEWAY_TABLES = {"device_commands", "device_command_answers", "packet_anomalies"}
AT = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)


def tables(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names()) - {"alembic_version"}


def test_0003_up_down_up(database_url: str) -> None:
    with Store.open(database_url) as store:
        migrate.upgrade(store.engine, "0003")
        assert migrate.current_revision(store.engine) == "0003"
        everything = tables(store)
        assert everything >= GATEWAY_TABLES
        migrate.downgrade(store.engine, "0002")
        assert tables(store) == everything - GATEWAY_TABLES
        migrate.upgrade(store.engine, "0003")
        assert tables(store) == everything


def test_schema_py_describes_the_migrated_tables(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_command_queue(store: Store) -> None:
    with store.transaction() as transaction:
        queue = CommandQueue(transaction.connection)
        command = queue.enqueue(
            "MN1", 1062, "20260105080000001", {"RtdInterval": "60"}, actor="op", at=AT
        )
        assert (command.status, command.attempts, command.sent_at) == (
            CommandStatus.QUEUED,
            0,
            None,
        )
        queue.update(command.id, CommandStatus.SENT, at=AT + dt.timedelta(seconds=1), sent=True)
        queue.update(command.id, CommandStatus.SENT, at=AT + dt.timedelta(seconds=12), sent=True)
        raw_id = transaction.raw_packets.archive([RawPacket(b"##0000", "127.0.0.1:1", AT)])[0]
        queue.record_answer(command.id, 9011, 1, received_at=AT, raw_packet_id=raw_id)
        queue.update(command.id, CommandStatus.ACCEPTED, at=AT, qn_rtn=1)
        queue.update(command.id, CommandStatus.DONE, at=AT + dt.timedelta(seconds=20), exe_rtn=1)
        with pytest.raises(ValidationError, match="only 9011 and 9012"):
            queue.record_answer(command.id, 9014, None, received_at=AT, raw_packet_id=raw_id)
    with store.snapshot() as snapshot:
        queue = CommandQueue(snapshot.connection)
        done = queue.by_qn("MN1", "20260105080000001")
        assert done is not None
        assert (done.status, done.attempts, done.qn_rtn, done.exe_rtn) == (
            CommandStatus.DONE,
            2,
            1,
            1,
        )
        assert done.sent_at == AT + dt.timedelta(seconds=12)
        assert done.finished_at == AT + dt.timedelta(seconds=20)
        assert queue.commands(open_only=True) == []
        assert [(a.cn, a.code) for a in queue.answers(done.id)] == [(9011, 1)]


@pytest.mark.parametrize(
    ("mn", "cn", "qn", "message"),
    [
        ("MN 1", 1011, "20260105080000001", "MN"),
        ("MN1", 10_000, "20260105080000001", "4-digit"),
        ("MN1", 1011, "2026010508", "YYYYMMDDhhmmsszzz"),
    ],
)
def test_command_queue_refuses_bad_values(
    store: Store, mn: str, cn: int, qn: str, message: str
) -> None:
    with store.transaction() as transaction, pytest.raises(ValidationError, match=message):
        CommandQueue(transaction.connection).enqueue(mn, cn, qn, {}, actor="op", at=AT)


def test_packet_anomalies_follow_their_raw_packet(store: Store) -> None:
    with store.transaction() as transaction:
        raw_ids = transaction.raw_packets.archive(
            [RawPacket(b"##1", "p", AT), RawPacket(b"##2", "p", AT)]
        )
        PacketAnomalies(transaction.connection).record(
            [
                NewAnomaly(raw_ids[0], "MN1", AnomalyKind.FUTURE_TIME, "DataTime …", AT),
                NewAnomaly(raw_ids[1], "MN2", AnomalyKind.UNKNOWN_FLAG, "a21026-Flag=Q", AT),
            ]
        )
    with store.snapshot() as snapshot:
        found = PacketAnomalies(snapshot.connection)
        assert [a.raw_packet_id for a in found.anomalies()] == raw_ids
        assert [a.mn for a in found.anomalies(kind=AnomalyKind.UNKNOWN_FLAG)] == ["MN2"]
        assert [a.kind for a in found.anomalies(mn="MN1")] == [AnomalyKind.FUTURE_TIME]
    # A retention job deleting a raw packet takes its anomalies with it (ON DELETE CASCADE).
    with store.transaction() as transaction:
        transaction.connection.execute(
            text("DELETE FROM raw_packets WHERE id = :id"), {"id": raw_ids[0]}
        )
    with store.snapshot() as snapshot:
        assert [a.mn for a in PacketAnomalies(snapshot.connection).anomalies()] == ["MN2"]
