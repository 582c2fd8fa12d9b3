"""Durability settings read back from live connections (reliability-security.md §2, D5a)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ecowarden.store import (
    DATABASE_URL_VARIABLE,
    EngineRole,
    Store,
    create_engine,
    database_url,
    durability_settings,
)
from ecowarden.store.engine import DEFAULT_DATABASE_URL


def test_writer_connections_gate_acknowledgements_durably(store: Store) -> None:
    with store.engine.connect() as connection:
        settings = durability_settings(connection)
    if settings.dialect == "sqlite":
        # WAL + FULL: every commit is synced (sqlite.org/pragma.html#pragma_synchronous)
        assert settings.journal_mode == "wal"
        assert settings.synchronous == "FULL"
        assert settings.foreign_keys is True
        assert settings.busy_timeout_ms == 30_000
        assert settings.query_only is False
    else:
        assert settings.synchronous_commit == "on"
        assert settings.fsync == "on"


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_synchronous_commit_survives_a_pool_reset(store: Store) -> None:
    with store.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        connection.rollback()
    with store.engine.connect() as connection:
        assert durability_settings(connection).synchronous_commit == "on"


def test_reader_engine_is_query_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = create_engine(url, role=EngineRole.READER, busy_timeout_ms=1234)
    with engine.connect() as connection:
        settings = durability_settings(connection)
        assert (settings.journal_mode, settings.synchronous) == ("wal", "NORMAL")
        assert settings.busy_timeout_ms == 1234
        assert settings.query_only is True
        with pytest.raises(OperationalError, match="readonly"):
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()


def test_writer_transaction_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: a second writer cannot even begin while the first is open.
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = create_engine(url)
    second = create_engine(url, busy_timeout_ms=50)
    with first.begin() as connection:
        connection.exec_driver_sql("SELECT 1")
        with pytest.raises(OperationalError, match="locked"), second.begin():
            pass
    first.dispose()
    second.dispose()


def test_snapshot_reads_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Store.open(url) as store:
        with store.transaction() as transaction:
            transaction.connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with store.transaction() as writing, store.snapshot() as reading:
            writing.connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            assert reading.connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 0


def test_database_url_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    assert database_url() == DEFAULT_DATABASE_URL == "sqlite:///ecowarden.db"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "sqlite:////tmp/x.db")
    assert database_url() == "sqlite:////tmp/x.db"
    assert database_url("sqlite:////tmp/y.db") == "sqlite:////tmp/y.db"
    assert os.environ[DATABASE_URL_VARIABLE] == "sqlite:////tmp/x.db"
