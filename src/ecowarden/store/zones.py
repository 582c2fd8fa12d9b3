"""Zones: protection zones, noise functional zones and noise protection windows (polygons as
GeoJSON text in WGS-84), saved by code like the registry (created / updated / unchanged)."""

from __future__ import annotations

import json
from typing import Any

import shapely
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ecowarden.registry.sites import NoiseZone
from ecowarden.store.instants import now_us
from ecowarden.store.registry import ChangeKind, RegistryChange
from ecowarden.store.schema import zones
from ecowarden.supervision.geofence import ProtectionTier
from ecowarden.supervision.zones import ZoneKind, ZoneRecord

# Coordinates are kept to 1e-7 degrees (about 1 cm): re-importing the same file is "unchanged".
_PRECISION = 7


def _row(record: ZoneRecord) -> dict[str, object]:
    return {
        "code": record.code,
        "name": record.name,
        "kind": record.kind.value,
        "tier": None if record.tier is None else record.tier.value,
        "noise_zone": None if record.noise_zone is None else record.noise_zone.value,
        "limit_dba": record.limit_dba,
        "buffer_m": (
            record.buffer_m
            if record.buffer_m is not None or record.kind is not ZoneKind.NOISE_WINDOW
            else record.noise_window().buffer_m
        ),
        "periods": json.dumps([list(p) for p in record.periods]) if record.periods else None,
        "geometry": shapely.to_geojson(shapely.set_precision(record.geometry, 10**-_PRECISION)),
    }


def _record(row: Any) -> ZoneRecord:
    return ZoneRecord(
        code=row.code,
        name=row.name,
        kind=ZoneKind(row.kind),
        geometry=shapely.from_geojson(row.geometry),
        tier=None if row.tier is None else ProtectionTier(row.tier),
        noise_zone=None if row.noise_zone is None else NoiseZone(row.noise_zone),
        limit_dba=row.limit_dba,
        buffer_m=row.buffer_m,
        periods=tuple(tuple(p) for p in json.loads(row.periods)) if row.periods else (),
    )


class ZonesRepository:
    """The ``zones`` table through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def save(self, record: ZoneRecord) -> RegistryChange:
        """Create or update a zone by code; unchanged when every field is equal."""
        values = _row(record)
        stored = self._connection.execute(select(zones).where(zones.c.code == record.code)).first()
        if stored is None:
            self._connection.execute(insert(zones).values(**values, updated_at_us=now_us()))
            return RegistryChange("zone", record.code, ChangeKind.CREATED)
        changed = tuple(k for k, v in values.items() if getattr(stored, k) != v)
        if not changed:
            return RegistryChange("zone", record.code, ChangeKind.UNCHANGED)
        self._connection.execute(
            update(zones)
            .where(zones.c.code == record.code)
            .values(**values, updated_at_us=now_us())
        )
        return RegistryChange("zone", record.code, ChangeKind.UPDATED, changed)

    def zones(self, kind: ZoneKind | None = None) -> list[ZoneRecord]:
        """Zones by code, optionally of one kind."""
        query = select(zones).order_by(zones.c.code)
        if kind is not None:
            query = query.where(zones.c.kind == kind.value)
        return [_record(row) for row in self._connection.execute(query)]
