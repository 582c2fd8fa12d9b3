"""Where readings came from: an imported file, an HJ 212 device, an MQTT topic, a person."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ecowarden.errors import ValidationError
from ecowarden.store.instants import now_us
from ecowarden.store.schema import sources

_NAME_MAX_LENGTH = 300


class SourceKind(StrEnum):
    """The channel a reading arrived through."""

    IMPORT = "import"  # a file: name and SHA-256
    HJ212 = "hj212"  # a data logger: its MN
    MQTT = "mqtt"  # a sensor: its topic or client id
    MANUAL = "manual"  # a person: corrections
    API = "api"  # an HTTP client


class SourceRepository:
    """The ``sources`` table: one row per (kind, name), created on first use."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def ensure(self, kind: SourceKind, name: str) -> int:
        """The id of source (kind, name), created if new (concurrent writers agree on one row)."""
        kind = SourceKind(kind)
        if not name or len(name) > _NAME_MAX_LENGTH:
            raise ValidationError(f"source name {name!r} is empty or longer than 300 characters")
        dialect = self._connection.dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self._connection.execute(
            insert(sources)
            .values(kind=kind.value, name=name, first_seen_us=now_us())
            .on_conflict_do_nothing(index_elements=["kind", "name"])
        )
        return int(
            self._connection.execute(
                select(sources.c.id).where(sources.c.kind == kind.value, sources.c.name == name)
            ).scalar_one()
        )
