"""Engines with the durability settings of reliability-security.md §2 set and asserted.

SQLite (the default, a file ``ecowarden.db`` in the working directory): WAL journal, a busy
timeout, foreign keys on, and ``synchronous=FULL`` on writer engines, whose commits gate device
acknowledgements (I1: WAL + NORMAL may roll back a commit after a power loss). Writer transactions
begin with ``BEGIN IMMEDIATE``: they take the single write lock up front and wait for it through
the busy timeout, instead of failing when a read lock cannot be upgraded.

PostgreSQL: ``synchronous_commit=on`` is set on every connection and read back (asynchronous
commit "should not be used if the client will take external actions relying on the assumption
that the transaction will be remembered", PostgreSQL docs, wal-async-commit).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.engine import Connection

from ecowarden.errors import EcowardenError

DATABASE_URL_VARIABLE: Final = "ECOWARDEN_DATABASE_URL"
DEFAULT_DATABASE_URL: Final = "sqlite:///ecowarden.db"
DEFAULT_BUSY_TIMEOUT_MS: Final = 30_000
# Execution option naming how a transaction begins on SQLite: "immediate" or "deferred".
BEGIN_OPTION: Final = "ecowarden_begin"
# SQLite ``PRAGMA synchronous`` numbers (sqlite.org/pragma.html#pragma_synchronous).
_SQLITE_SYNCHRONOUS: Final = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


class EngineRole(StrEnum):
    """What an engine is for.

    ``writer``: commits gate acknowledgements (SQLite ``synchronous=FULL``, ``BEGIN IMMEDIATE``).
    ``reader``: queries only (SQLite ``query_only``, ``synchronous=NORMAL``, deferred BEGIN).
    """

    WRITER = "writer"
    READER = "reader"


class DurabilityError(EcowardenError):
    """The database refused a setting that acknowledged data depends on."""


@dataclass(frozen=True, slots=True)
class DurabilitySettings:
    """Settings read back from a live connection.

    SQLite fills ``journal_mode``, ``synchronous``, ``busy_timeout_ms``, ``foreign_keys`` and
    ``query_only``; PostgreSQL fills ``synchronous_commit`` and ``fsync``.
    """

    dialect: str
    journal_mode: str | None = None
    synchronous: str | None = None
    busy_timeout_ms: int | None = None
    foreign_keys: bool | None = None
    query_only: bool | None = None
    synchronous_commit: str | None = None
    fsync: str | None = None


def database_url(url: str | None = None) -> str:
    """``url``, else ``$ECOWARDEN_DATABASE_URL``, else a SQLite file in the working directory."""
    return url or os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL


def create_engine(
    url: str | None = None,
    *,
    role: EngineRole = EngineRole.WRITER,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> Engine:
    """An engine for ``url`` (see :func:`database_url`) with the settings of its role.

    Raises
    ------
    DurabilityError
        On the first connection, if the database does not keep a setting (a file system
        without WAL support, a PostgreSQL that refuses ``synchronous_commit=on``).
    """
    engine = sqlalchemy_create_engine(database_url(url))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, role, busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine, role: EngineRole, busy_timeout_ms: int) -> None:
    synchronous = "FULL" if role is EngineRole.WRITER else "NORMAL"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, emits BEGIN (SQLAlchemy docs, "Transactions with
        # SQLite and the sqlite3 driver"), so that BEGIN IMMEDIATE is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if role is EngineRole.READER:
                cursor.execute("PRAGMA query_only = ON")
            settings = _sqlite_settings(cursor)
        finally:
            cursor.close()
        if settings.journal_mode != "wal" or settings.synchronous != synchronous:
            raise DurabilityError(
                f"SQLite kept journal_mode={settings.journal_mode}, "
                f"synchronous={settings.synchronous}; ecowarden needs wal and {synchronous}"
            )
        if not settings.foreign_keys:
            raise DurabilityError("SQLite refused PRAGMA foreign_keys = ON")

    default_begin = "immediate" if role is EngineRole.WRITER else "deferred"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, default_begin)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET synchronous_commit TO on")
            cursor.execute("SHOW synchronous_commit")
            (value,) = cursor.fetchone()
        finally:
            cursor.close()
        # The SET ran in an implicit transaction; a pool reset (ROLLBACK) would undo it.
        dbapi_connection.commit()
        if value != "on":
            raise DurabilityError(f"PostgreSQL kept synchronous_commit={value}; ecowarden needs on")


def _sqlite_settings(cursor: Any) -> DurabilitySettings:
    def pragma(name: str) -> Any:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]

    return DurabilitySettings(
        dialect="sqlite",
        journal_mode=str(pragma("journal_mode")).lower(),
        synchronous=_SQLITE_SYNCHRONOUS.get(int(pragma("synchronous")), "unknown"),
        busy_timeout_ms=int(pragma("busy_timeout")),
        foreign_keys=bool(pragma("foreign_keys")),
        query_only=bool(pragma("query_only")),
    )


def durability_settings(connection: Connection) -> DurabilitySettings:
    """The durability settings in effect on ``connection`` (test D5a, startup checks)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            return _sqlite_settings(cursor)
        finally:
            cursor.close()
    if dialect == "postgresql":
        synchronous_commit = connection.exec_driver_sql("SHOW synchronous_commit").scalar_one()
        fsync = connection.exec_driver_sql("SHOW fsync").scalar_one()
        return DurabilitySettings(
            dialect=dialect, synchronous_commit=str(synchronous_commit), fsync=str(fsync)
        )
    return DurabilitySettings(dialect=dialect)
