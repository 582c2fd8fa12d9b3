"""Alerts, zones and telemetry tables: lifecycle rows, append-only evidence, redeliveries."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ecowarden.errors import UnknownNameError
from ecowarden.registry.enterprises import Enterprise, ManagementCategory
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.registry.uscc import check_character
from ecowarden.store import Store
from ecowarden.store.alerts import AlertsRepository, SupervisionRun
from ecowarden.store.registry import ChangeKind
from ecowarden.store.telemetry import MeterRow, PositionRow, TelemetryRepository
from ecowarden.store.zones import ZonesRepository
from ecowarden.supervision.alerts import AlertAction, AlertState, InvalidTransition
from ecowarden.supervision.electricity import Equipment, EquipmentRole
from ecowarden.supervision.findings import (
    EvidenceReading,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.geofence import ProtectionTier
from ecowarden.supervision.zones import ZoneKind, ZoneRecord

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())
CREDIT = "91341799A12345678" + check_character("91341799A12345678")


def finding() -> Finding:
    return Finding(
        RuleCode.FLATLINE,
        "E01-DA001",
        T0,
        T0 + 7200,
        Severity.HIGH,
        "NOx 恒定",
        evidence([EvidenceReading("a21002", T0, 96.3, "N")], {"constant_value": 96.3}),
    )


def test_alert_lifecycle_rows(store: Store) -> None:
    with store.transaction() as transaction:
        repository = AlertsRepository(transaction.connection)
        alert_id = repository.open(
            finding(),
            dedupe_key="k1",
            site_id=None,
            enterprise_id=None,
            at_us=T0 * 10**6,
            actor="supervision",
        )
        assert repository.alert_id("k1") == (alert_id, T0 + 7200)
        repository.act(alert_id, AlertAction.ACKNOWLEDGE, actor="officer", reason=None, at_us=1)
        repository.act(alert_id, AlertAction.HAND_OFF, actor="officer", reason="案件-17", at_us=2)
        alert = repository.act(
            alert_id, AlertAction.CLOSE, actor="officer", reason="已查处", at_us=3
        )
        assert (alert.state, alert.case_ref) == (AlertState.CLOSED, "案件-17")
        with pytest.raises(InvalidTransition, match="cannot dismiss an alert that is closed"):
            repository.act(alert_id, AlertAction.DISMISS, actor="officer", reason="x", at_us=4)
        actions = [event.action for event in repository.events(alert_id)]
        assert actions == [
            AlertAction.OPEN,
            AlertAction.ACKNOWLEDGE,
            AlertAction.HAND_OFF,
            AlertAction.CLOSE,
        ]
        stored = repository.evidence(alert_id)
        assert stored.content["facts"] == {"constant_value": 96.3}
        assert stored.intact
        with pytest.raises(UnknownNameError, match="unknown alert 999"):
            repository.get(999)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE alert_evidence SET content = '{}'",
        "DELETE FROM alert_evidence",
        "UPDATE alert_events SET reason = 'x'",
        "DELETE FROM alert_events",
    ],
)
def test_evidence_and_events_are_append_only(store: Store, statement: str) -> None:
    with store.transaction() as transaction:
        AlertsRepository(transaction.connection).open(
            finding(), dedupe_key="k1", site_id=None, enterprise_id=None, at_us=1, actor="s"
        )
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as transaction:
        transaction.connection.execute(text(statement))


def test_runs_give_the_next_window_start(store: Store) -> None:
    start = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    with store.transaction() as transaction:
        repository = AlertsRepository(transaction.connection)
        assert repository.last_window_end() is None
        end = start + dt.timedelta(hours=1)
        repository.record_run(SupervisionRun(end, start, end, 3, 1, 0), started_at_us=1)
        assert repository.last_window_end() == end


def test_zones_saved_by_code(store: Store) -> None:
    zone = ZoneRecord(
        "R01-Z1",
        "一级",
        ZoneKind.PROTECTION,
        shapely.box(118.0, 30.0, 118.01, 30.01),
        tier=ProtectionTier.FIRST,
    )
    with store.transaction() as transaction:
        repository = ZonesRepository(transaction.connection)
        assert repository.save(zone).change is ChangeKind.CREATED
        assert repository.save(zone).change is ChangeKind.UNCHANGED
        renamed = ZoneRecord(zone.code, "一级保护区", zone.kind, zone.geometry, tier=zone.tier)
        change = repository.save(renamed)
        assert (change.change, change.fields) == (ChangeKind.UPDATED, ("name",))
        (stored,) = repository.zones(ZoneKind.PROTECTION)
        assert stored.geometry.equals(zone.geometry)


def test_telemetry_redeliveries_are_duplicates(store: Store) -> None:
    with store.transaction() as transaction:
        transaction.registry.save_enterprise(
            Enterprise(CREDIT, "青溪县测试化工有限公司", ManagementCategory.KEY)
        )
        telemetry = TelemetryRepository(transaction.connection)
        telemetry.save_equipment(
            Equipment("M1", CREDIT, "L1", EquipmentRole.PRODUCTION, "反应釜", 160.0)
        )
        rows = [MeterRow("M1", T0 + 60 * k, 100.0, None, True) for k in range(3)]
        first = telemetry.add_meter_readings(rows, received_at_us=1)
        again = telemetry.add_meter_readings(rows + rows[:1], received_at_us=2)
        assert (first.new, first.duplicate) == (3, 0)
        assert (again.new, again.duplicate) == (0, 4)
        with pytest.raises(UnknownNameError, match="unknown equipment 'M9'; valid: M1"):
            telemetry.add_meter_readings([MeterRow("M9", T0, 1.0, None, None)], received_at_us=3)
        position = PositionRow("AIS", "boat", T0 * 10**6, "vessel", 118.0, 30.0, "WGS84", "gnss")
        assert telemetry.add_positions([position, position], received_at_us=1).new == 1
        at, power = telemetry.meter_power(["M1"], T0, T0 + 3600)["M1"]
        assert at.tolist() == [T0, T0 + 60, T0 + 120]
        assert power.tolist() == [100.0] * 3
