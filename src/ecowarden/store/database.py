"""The store: an engine and its units of work.

``Store.transaction()`` is the write path: it begins (``BEGIN IMMEDIATE`` on SQLite), hands out
the repositories bound to one connection, and commits on leaving the block. Commit returns only
after the data is durable (SQLite WAL with ``synchronous=FULL``; PostgreSQL with
``synchronous_commit=on``), so code after the block may acknowledge (I1). Group several
packets' work into one transaction for throughput; never acknowledge inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ecowarden.store.audit import AuditLog
from ecowarden.store.engine import (
    BEGIN_OPTION,
    DEFAULT_BUSY_TIMEOUT_MS,
    EngineRole,
    create_engine,
)
from ecowarden.store.raw_packets import RawPacketArchive
from ecowarden.store.readings import ReadingsRepository
from ecowarden.store.registry import RegistryRepository
from ecowarden.store.sources import SourceRepository


class StoreTransaction:
    """The repositories of one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.registry = RegistryRepository(connection)
        self.readings = ReadingsRepository(connection)
        self.sources = SourceRepository(connection)
        self.raw_packets = RawPacketArchive(connection)
        self.audit = AuditLog(connection)


class Store:
    """A database holding the registry, readings, raw packets and the audit log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._snapshot_engine = engine.execution_options(**{BEGIN_OPTION: "deferred"})

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        role: EngineRole = EngineRole.WRITER,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Store:
        """A store on ``url`` (default ``$ECOWARDEN_DATABASE_URL``, else ``ecowarden.db``)."""
        return cls(create_engine(url, role=role, busy_timeout_ms=busy_timeout_ms))

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """A write transaction: committed (durably) when the block ends, rolled back on error."""
        with self.engine.begin() as connection:
            yield StoreTransaction(connection)

    @contextmanager
    def snapshot(self) -> Iterator[StoreTransaction]:
        """A read transaction: one consistent view; SQLite readers never block the writer."""
        with self._snapshot_engine.connect() as connection, connection.begin():
            yield StoreTransaction(connection)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
