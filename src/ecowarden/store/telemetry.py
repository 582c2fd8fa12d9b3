"""Telemetry beside the readings: metered equipment and its power, object positions and camera
detections, noise monitors and their levels, shutdown orders, O&M records, and the receive
times of readings that the availability rules need.

MQTT delivers at least once: every telemetry row has a natural key (equipment + instant; device
+ object + instant; monitor + interval + instant) and a redelivery is a no-op, counted as a
duplicate (reliability-security.md I2, D12).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, and_, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ecowarden.errors import UnknownNameError
from ecowarden.store.instants import now_us
from ecowarden.store.registry import ChangeKind, RegistryChange
from ecowarden.store.schema import (
    enterprises,
    equipment,
    maintenance_records,
    meter_readings,
    noise_levels,
    noise_monitors,
    positions,
    readings,
    shutdown_orders,
    sites,
)
from ecowarden.supervision.electricity import Equipment, EquipmentRole, ShutdownOrder
from ecowarden.supervision.geofence import Positions
from ecowarden.supervision.noise_windows import MonitorKind, NoiseMonitor

_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class MeterRow:
    """One meter message: equipment code, instant [s], power [kW], current [A], switch."""

    equipment: str
    at_s: int
    power_kw: float | None
    current_a: float | None
    switch_on: bool | None


@dataclass(frozen=True, slots=True)
class PositionRow:
    """One position or detection, already in WGS-84 (``datum`` says what it came in)."""

    device: str
    object_id: str
    at_us: int
    kind: str
    lon: float
    lat: float
    datum: str
    source: str


@dataclass(frozen=True, slots=True)
class NoiseRow:
    """One noise value: monitor code, interval start [s], interval [s], Leq and Lmax [dB(A)]."""

    monitor: str
    at_s: int
    interval_s: int
    leq_dba: float
    lmax_dba: float | None


@dataclass(frozen=True, slots=True)
class InsertCount:
    """Rows stored, and rows that were already there (redeliveries)."""

    new: int
    duplicate: int


class TelemetryRepository:
    """Telemetry tables through one connection (the caller owns the transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._insert = (
            postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        )

    # -- registry of equipment and monitors ------------------------------------------------------

    def _enterprise_id(self, credit_code: str) -> int:
        found = self._connection.execute(
            select(enterprises.c.id).where(enterprises.c.credit_code == credit_code)
        ).scalar_one_or_none()
        if found is None:
            known = self._connection.execute(select(enterprises.c.credit_code)).scalars()
            raise UnknownNameError("enterprise", credit_code, sorted(known))
        return int(found)

    def _save(
        self, table: Table, kind: str, code: str, values: Mapping[str, object]
    ) -> RegistryChange:
        stored = self._connection.execute(select(table).where(table.c.code == code)).first()
        if stored is None:
            self._connection.execute(insert(table).values(**values, updated_at_us=now_us()))
            return RegistryChange(kind, code, ChangeKind.CREATED)
        changed = tuple(k for k, v in values.items() if getattr(stored, k) != v)
        if not changed:
            return RegistryChange(kind, code, ChangeKind.UNCHANGED)
        self._connection.execute(
            update(table).where(table.c.code == code).values(**values, updated_at_us=now_us())
        )
        return RegistryChange(kind, code, ChangeKind.UPDATED, changed)

    def save_equipment(self, item: Equipment) -> RegistryChange:
        """Create or update metered equipment by code."""
        return self._save(
            equipment,
            "equipment",
            item.code,
            {
                "code": item.code,
                "enterprise_id": self._enterprise_id(item.enterprise),
                "line": item.line,
                "role": item.role.value,
                "name": item.name,
                "rated_kw": item.rated_kw,
            },
        )

    def equipment(self) -> list[Equipment]:
        """All metered equipment, by code."""
        rows = self._connection.execute(
            select(equipment, enterprises.c.credit_code)
            .join(enterprises, enterprises.c.id == equipment.c.enterprise_id)
            .order_by(equipment.c.code)
        )
        return [
            Equipment(
                row.code, row.credit_code, row.line, EquipmentRole(row.role), row.name, row.rated_kw
            )
            for row in rows
        ]

    def equipment_ids(self) -> dict[str, int]:
        """Equipment code → id."""
        rows = self._connection.execute(select(equipment.c.code, equipment.c.id))
        return {row.code: int(row.id) for row in rows}

    def save_monitor(self, monitor: NoiseMonitor) -> RegistryChange:
        """Create or update a noise monitor by code."""
        return self._save(
            noise_monitors,
            "noise monitor",
            monitor.code,
            {
                "code": monitor.code,
                "name": monitor.name,
                "kind": monitor.kind.value,
                "lon": monitor.lon,
                "lat": monitor.lat,
            },
        )

    def monitors(self) -> list[NoiseMonitor]:
        """All noise monitors, by code."""
        rows = self._connection.execute(select(noise_monitors).order_by(noise_monitors.c.code))
        return [
            NoiseMonitor(row.code, row.name, row.lon, row.lat, MonitorKind(row.kind))
            for row in rows
        ]

    def monitor_ids(self) -> dict[str, int]:
        """Monitor code → id."""
        rows = self._connection.execute(select(noise_monitors.c.code, noise_monitors.c.id))
        return {row.code: int(row.id) for row in rows}

    # -- telemetry ------------------------------------------------------------------------------

    def _insert_new(
        self, table: Table, key: Sequence[str], rows: list[dict[str, object]]
    ) -> InsertCount:
        """Insert rows whose key is not stored yet; identical keys within ``rows`` count once."""
        unique: dict[tuple[object, ...], dict[str, object]] = {}
        for row in rows:
            unique.setdefault(tuple(row[k] for k in key), row)
        existing: set[tuple[object, ...]] = set()
        keys = list(unique)
        columns = tuple_(*(table.c[k] for k in key))
        for start in range(0, len(keys), _CHUNK):
            part = keys[start : start + _CHUNK]
            found = self._connection.execute(
                select(*(table.c[k] for k in key)).where(columns.in_(part))
            )
            existing.update(tuple(r) for r in found)
        new = [row for k, row in unique.items() if k not in existing]
        if new:
            # ON CONFLICT DO NOTHING: a concurrent PostgreSQL writer may have stored a key since.
            self._connection.execute(
                self._insert(table).on_conflict_do_nothing(index_elements=list(key)), new
            )
        return InsertCount(len(new), len(rows) - len(new))

    def add_meter_readings(self, rows: Sequence[MeterRow], *, received_at_us: int) -> InsertCount:
        """Store meter messages (unknown equipment raises :class:`UnknownNameError`)."""
        ids = self.equipment_ids()
        values: list[dict[str, object]] = []
        for row in rows:
            if row.equipment not in ids:
                raise UnknownNameError("equipment", row.equipment, sorted(ids))
            values.append(
                {
                    "equipment_id": ids[row.equipment],
                    "at_s": row.at_s,
                    "power_kw": row.power_kw,
                    "current_a": row.current_a,
                    "switch_on": row.switch_on,
                    "received_at_us": received_at_us,
                }
            )
        return self._insert_new(meter_readings, ("equipment_id", "at_s"), values)

    def add_positions(self, rows: Sequence[PositionRow], *, received_at_us: int) -> InsertCount:
        """Store positions and detections (WGS-84)."""
        values: list[dict[str, object]] = [
            {
                "device": row.device,
                "object_id": row.object_id,
                "at_us": row.at_us,
                "kind": row.kind,
                "lon": row.lon,
                "lat": row.lat,
                "datum": row.datum,
                "source": row.source,
                "received_at_us": received_at_us,
            }
            for row in rows
        ]
        return self._insert_new(positions, ("device", "object_id", "at_us"), values)

    def add_noise_levels(self, rows: Sequence[NoiseRow], *, received_at_us: int) -> InsertCount:
        """Store noise values (unknown monitors raise :class:`UnknownNameError`)."""
        ids = self.monitor_ids()
        values: list[dict[str, object]] = []
        for row in rows:
            if row.monitor not in ids:
                raise UnknownNameError("noise monitor", row.monitor, sorted(ids))
            values.append(
                {
                    "monitor_id": ids[row.monitor],
                    "at_s": row.at_s,
                    "interval_s": row.interval_s,
                    "leq_dba": row.leq_dba,
                    "lmax_dba": row.lmax_dba,
                    "received_at_us": received_at_us,
                }
            )
        return self._insert_new(noise_levels, ("monitor_id", "interval_s", "at_s"), values)

    def meter_power(
        self, equipment_codes: Sequence[str], from_s: int, to_s: int
    ) -> dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
        """Per equipment code: instants [s] and power [kW] (NaN where only current or switch
        was sent) in ``[from_s, to_s)``."""
        rows = self._connection.execute(
            select(equipment.c.code, meter_readings.c.at_s, meter_readings.c.power_kw)
            .join(equipment, equipment.c.id == meter_readings.c.equipment_id)
            .where(
                equipment.c.code.in_(list(equipment_codes)),
                meter_readings.c.at_s >= from_s,
                meter_readings.c.at_s < to_s,
            )
            .order_by(equipment.c.code, meter_readings.c.at_s)
        ).all()
        result: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = {}
        for code in equipment_codes:
            mine = [
                (r.at_s, np.nan if r.power_kw is None else r.power_kw)
                for r in rows
                if r.code == code
            ]
            result[code] = (
                np.array([m[0] for m in mine], dtype=np.int64),
                np.array([m[1] for m in mine], dtype=np.float64),
            )
        return result

    def positions(self, from_us: int, to_us: int) -> Positions:
        """Positions and detections with instants in ``[from_us, to_us)``."""
        rows = self._connection.execute(
            select(positions).where(positions.c.at_us >= from_us, positions.c.at_us < to_us)
        ).all()
        return Positions(
            np.array([r.object_id for r in rows], dtype=object).astype(str),
            np.array([r.kind for r in rows], dtype=object).astype(str),
            np.array([r.lon for r in rows], dtype=np.float64),
            np.array([r.lat for r in rows], dtype=np.float64),
            np.array([r.at_us // 1_000_000 for r in rows], dtype=np.int64),
            np.array([r.source for r in rows], dtype=object).astype(str),
        )

    def noise_levels(
        self, monitor: str, from_s: int, to_s: int
    ) -> tuple[int, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """A monitor's shortest-interval Leq in ``[from_s, to_s)``: (interval [s], starts,
        levels [dB(A)])."""
        rows = self._connection.execute(
            select(noise_levels.c.interval_s, noise_levels.c.at_s, noise_levels.c.leq_dba)
            .join(noise_monitors, noise_monitors.c.id == noise_levels.c.monitor_id)
            .where(
                noise_monitors.c.code == monitor,
                noise_levels.c.at_s >= from_s,
                noise_levels.c.at_s < to_s,
            )
            .order_by(noise_levels.c.interval_s, noise_levels.c.at_s)
        ).all()
        if not rows:
            return 60, np.empty(0, np.int64), np.empty(0, np.float64)
        interval = int(rows[0].interval_s)
        mine = [r for r in rows if r.interval_s == interval]
        return (
            interval,
            np.array([r.at_s for r in mine], dtype=np.int64),
            np.array([r.leq_dba for r in mine], dtype=np.float64),
        )

    # -- orders and records ---------------------------------------------------------------------

    def add_shutdown_order(self, order: ShutdownOrder, *, actor: str) -> None:
        """Record an ordered shutdown of an enterprise."""
        self._connection.execute(
            insert(shutdown_orders).values(
                enterprise_id=self._enterprise_id(order.enterprise),
                from_s=order.from_s,
                to_s=order.to_s,
                reason=order.reason,
                actor=actor,
                recorded_at_us=now_us(),
            )
        )

    def shutdown_orders(self, from_s: int, to_s: int) -> list[ShutdownOrder]:
        """Orders overlapping ``[from_s, to_s)``."""
        rows = self._connection.execute(
            select(shutdown_orders, enterprises.c.credit_code)
            .join(enterprises, enterprises.c.id == shutdown_orders.c.enterprise_id)
            .where(shutdown_orders.c.from_s < to_s, shutdown_orders.c.to_s > from_s)
            .order_by(shutdown_orders.c.from_s)
        )
        return [ShutdownOrder(r.credit_code, r.from_s, r.to_s, r.reason) for r in rows]

    def add_maintenance(self, site: str, from_s: int, to_s: int, *, note: str, actor: str) -> None:
        """Record an O&M (运维) record of a site: it explains marks inside it."""
        site_id = self._connection.execute(
            select(sites.c.id).where(sites.c.code == site)
        ).scalar_one_or_none()
        if site_id is None:
            raise UnknownNameError(
                "site", site, sorted(self._connection.execute(select(sites.c.code)).scalars())
            )
        self._connection.execute(
            insert(maintenance_records).values(
                site_id=site_id,
                from_s=from_s,
                to_s=to_s,
                note=note,
                actor=actor,
                recorded_at_us=now_us(),
            )
        )

    def maintenance(self, site_id: int, from_s: int, to_s: int) -> tuple[tuple[int, int], ...]:
        """O&M intervals of a site overlapping ``[from_s, to_s)``."""
        rows = self._connection.execute(
            select(maintenance_records.c.from_s, maintenance_records.c.to_s).where(
                maintenance_records.c.site_id == site_id,
                maintenance_records.c.from_s < to_s,
                maintenance_records.c.to_s > from_s,
            )
        )
        return tuple((int(r.from_s), int(r.to_s)) for r in rows)

    # -- receive times of readings (availability rules) -----------------------------------------

    def last_received(self, site_ids: Sequence[int]) -> dict[int, int]:
        """Per site: the latest receive time of any of its readings. [µs since the epoch]"""
        if not site_ids:
            return {}
        rows = self._connection.execute(
            select(readings.c.site_id, func.max(readings.c.received_at_us))
            .where(readings.c.site_id.in_(list(site_ids)))
            .group_by(readings.c.site_id)
        )
        return {int(site): int(at) for site, at in rows}

    def receipts(
        self, site_id: int, parameter_id: int, period: int, from_s: int, to_s: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Interval starts [s] and receive times [s] of one series in ``[from_s, to_s)``."""
        rows = self._connection.execute(
            select(readings.c.start_s, readings.c.received_at_us)
            .where(
                and_(
                    readings.c.site_id == site_id,
                    readings.c.parameter_id == parameter_id,
                    readings.c.period == period,
                    readings.c.start_s >= from_s,
                    readings.c.start_s < to_s,
                )
            )
            .order_by(readings.c.start_s)
        ).all()
        starts = np.array([r.start_s for r in rows], dtype=np.int64)
        received = np.array([r.received_at_us // 1_000_000 for r in rows], dtype=np.int64)
        return starts, received
