"""Storage adapter: SQLAlchemy Core schema, Alembic migrations and repositories for SQLite and
PostgreSQL (DESIGN §2–§4; decisions in docs/decisions/0006-store.md)."""

from ecowarden.store.audit import (
    AuditEvent,
    AuditLog,
    AuditOutcome,
    AuditRecord,
    ChainVerification,
)
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.engine import (
    DATABASE_URL_VARIABLE,
    DurabilityError,
    DurabilitySettings,
    EngineRole,
    create_engine,
    database_url,
    durability_settings,
)
from ecowarden.store.raw_packets import ArchivedPacket, RawPacket, RawPacketArchive
from ecowarden.store.readings import (
    READING_COLUMNS,
    ReadingQuery,
    ReadingsRepository,
    Revision,
    RevisionKind,
    SeriesDay,
    StoredKey,
    UpsertOutcome,
    UpsertReport,
)
from ecowarden.store.registry import ChangeKind, RegistryChange, RegistryRepository
from ecowarden.store.sources import SourceKind, SourceRepository

__all__ = [
    "DATABASE_URL_VARIABLE",
    "READING_COLUMNS",
    "ArchivedPacket",
    "AuditEvent",
    "AuditLog",
    "AuditOutcome",
    "AuditRecord",
    "ChainVerification",
    "ChangeKind",
    "DurabilityError",
    "DurabilitySettings",
    "EngineRole",
    "RawPacket",
    "RawPacketArchive",
    "ReadingQuery",
    "ReadingsRepository",
    "RegistryChange",
    "RegistryRepository",
    "Revision",
    "RevisionKind",
    "SeriesDay",
    "SourceKind",
    "SourceRepository",
    "Store",
    "StoreTransaction",
    "StoredKey",
    "UpsertOutcome",
    "UpsertReport",
    "create_engine",
    "database_url",
    "durability_settings",
]
