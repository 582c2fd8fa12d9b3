"""Supervision services: evaluation over stored data, dedupe, escalation, actions, telemetry,
zones, streaming, and the demo's injected cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from ecowarden.demo.county_db import registry_document
from ecowarden.demo.enterprises import demo_enterprises
from ecowarden.errors import ValidationError
from ecowarden.registry.enterprises import Averaging, EmissionLimit, Enterprise, ManagementCategory
from ecowarden.registry.readings import LOCAL_ZONE, DataFlag, Period
from ecowarden.registry.sites import Location, OutletMedium, Site, SiteKind
from ecowarden.registry.uscc import check_character
from ecowarden.services.registry_import import import_registry
from ecowarden.services.supervision import (
    SupervisionStream,
    act_on_alert,
    add_maintenance_record,
    add_shutdown_order,
    alert_details,
    demo_supervision,
    evaluate,
    list_alerts,
    register_equipment,
    run_scheduled,
    store_telemetry,
)
from ecowarden.services.zones import import_zones
from ecowarden.store import Store
from ecowarden.store.readings import READING_COLUMNS, StoredKey
from ecowarden.store.sources import SourceKind
from ecowarden.store.telemetry import MeterRow, PositionRow
from ecowarden.supervision.alerts import AlertAction, AlertState, InvalidTransition
from ecowarden.supervision.electricity import Equipment, EquipmentRole, ShutdownOrder
from ecowarden.supervision.findings import RuleCode
from ecowarden.supervision.zones import ZoneDocumentError

DAY = dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE)
T0 = int(DAY.timestamp())
CREDIT = "91341799A12345678" + check_character("91341799A12345678")
OUTLET = "E01-DA001"


@pytest.fixture
def outlet(store: Store) -> Store:
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_enterprise(
            Enterprise(CREDIT, "青溪县测试热电有限公司", ManagementCategory.KEY)
        )
        registry.save_site(
            Site(
                OUTLET,
                "锅炉排放口",
                SiteKind.OUTLET,
                Location(118.4, 30.2),
                enterprise=CREDIT,
                outlet_medium=OutletMedium.GAS,
            )
        )
        registry.save_limit(EmissionLimit(OUTLET, "a21002", 200.0, "mg/m³", Averaging.HOUR, 9.0))
    return store


def put_hours(store: Store, values: dict[str, list[float]], *, first_s: int = T0) -> None:
    with store.transaction() as transaction:
        site_id = transaction.registry.site_ids()[OUTLET]
        ids = transaction.registry.parameter_ids()
        source = transaction.sources.ensure(SourceKind.IMPORT, "test")
        frames = [
            pl.DataFrame(
                {
                    "site_id": site_id,
                    "parameter_id": ids[code],
                    "period": Period.HOUR.command,
                    "start_s": first_s + 3600 * np.arange(len(series)),
                    "value": series,
                    "flag": "N",
                    "source_id": source,
                    "received_at_us": (first_s + 86_400) * 10**6,
                },
                schema=READING_COLUMNS,
            )
            for code, series in values.items()
        ]
        transaction.readings.upsert(pl.concat(frames))


def day_of_hours(nox_at: dict[int, float]) -> dict[str, list[float]]:
    rng = np.random.default_rng(1)
    nox = [round(100 + float(x), 1) for x in rng.normal(0, 5, 24)]
    for hour, value in nox_at.items():
        nox[hour] = value
    return {
        "a21002": nox,
        "a19001": [9.0 + 0.01 * h for h in range(24)],
        "a00000": [17.0 + 0.01 * h for h in range(24)],
    }


def window(days: int = 1) -> dict[str, dt.datetime]:
    return {
        "start": DAY,
        "end": DAY + dt.timedelta(days=days),
        "now": DAY + dt.timedelta(days=days),
    }


def test_evaluate_opens_once_and_counts_recurrences(outlet: Store) -> None:
    # 250 × (21 − 9)/(21 − 9.1) = 252.1 > 200 at hour 10 (O2 9.10 %, HJ 212-2017 App. D.2.3).
    hours = day_of_hours({10: 250.0, 15: 260.0})
    put_hours(outlet, {code: values[:13] for code, values in hours.items()})
    morning = {"start": DAY, "end": DAY + dt.timedelta(hours=13)}
    report = evaluate(outlet, **morning, now=morning["end"])
    assert [f.rule for f in report.findings] == [RuleCode.EMISSION_HOUR]
    (alert_id,) = report.opened
    details = alert_details(outlet, alert_id)
    assert details.alert.value == pytest.approx(250 * 12 / 11.9)
    assert details.evidence.intact
    assert details.evidence.content["facts"]["limit"] == 200.0
    # The same window again: nothing new (idempotent).
    again = evaluate(outlet, **morning, now=morning["end"])
    assert (again.opened, again.recurred) == ((), 0)
    # 260 × 12/(21 − 9.15) = 263.3 at hour 15 of the same local day: a recurrence.
    put_hours(outlet, {code: values[13:] for code, values in hours.items()}, first_s=T0 + 13 * 3600)
    afternoon = evaluate(
        outlet, start=morning["end"], end=DAY + dt.timedelta(days=1), now=DAY + dt.timedelta(days=1)
    )
    assert (afternoon.opened, afternoon.recurred) == ((), 1)
    (alert,) = list_alerts(outlet, rule="emission_hour")
    assert (alert.id, alert.occurrences) == (alert_id, 2)
    assert alert.last_end == dt.datetime.fromtimestamp(T0 + 16 * 3600, dt.UTC)
    # Still open 11 h after it opened (high: 1 h): the afternoon run also escalated it.
    assert [e.action for e in alert_details(outlet, alert_id).events] == [
        AlertAction.OPEN,
        AlertAction.RECUR,
        AlertAction.ESCALATE,
    ]


def test_escalation_and_actions(outlet: Store) -> None:
    put_hours(outlet, day_of_hours({10: 250.0}))
    (alert_id,) = evaluate(outlet, **window()).opened
    # High severity escalates after 1 h unacknowledged.
    later = evaluate(
        outlet, start=DAY, end=DAY + dt.timedelta(days=1), now=DAY + dt.timedelta(days=1, hours=2)
    )
    assert later.escalated == 1
    assert alert_details(outlet, alert_id).alert.escalation_level == 1
    with pytest.raises(ValidationError, match="dismiss needs a reason"):
        act_on_alert(outlet, alert_id, "dismiss", actor="officer")
    act_on_alert(outlet, alert_id, "acknowledge", actor="officer")
    with pytest.raises(InvalidTransition, match="cannot acknowledge"):
        act_on_alert(outlet, alert_id, AlertAction.ACKNOWLEDGE, actor="officer")
    with pytest.raises(ValidationError, match="done by the scheduler"):
        act_on_alert(outlet, alert_id, "escalate", actor="officer")
    alert = act_on_alert(outlet, alert_id, "dismiss", actor="officer", reason="标定期间")
    assert alert.state is AlertState.DISMISSED
    with outlet.snapshot() as snapshot:
        actions = [r.event.action for r in snapshot.audit.records()]
    assert "alert.acknowledge" in actions
    assert "alert.dismiss" in actions


def test_conflicting_resend_alert(outlet: Store) -> None:
    put_hours(outlet, day_of_hours({}))
    changed = day_of_hours({})
    changed["a21002"][3] = 61.0
    put_hours(outlet, {"a21002": changed["a21002"]})
    with outlet.snapshot() as snapshot:
        recorded = snapshot.readings.conflicts()["recorded_at"][0]
    found = evaluate(
        outlet,
        start=recorded - dt.timedelta(hours=1),
        end=recorded + dt.timedelta(hours=1),
        now=recorded + dt.timedelta(hours=1),
    )
    assert [f.rule for f in found.findings] == [RuleCode.CONFLICTING_RESEND]


def test_control_off_and_shutdown_from_meters(outlet: Store) -> None:
    register_equipment(
        outlet,
        [
            Equipment("M-P", CREDIT, "L1", EquipmentRole.PRODUCTION, "磨机", 200.0),
            Equipment("M-C", CREDIT, "L1", EquipmentRole.CONTROL, "除尘器", 50.0),
        ],
        actor="test",
    )
    meters = []
    for minute in range(6 * 60, 10 * 60):
        control = 0.2 if 7 * 60 <= minute < 8 * 60 else 40.0  # filter off 07:00–08:00
        meters.append(MeterRow("M-P", T0 + 60 * minute, 180.0, None, True))
        meters.append(MeterRow("M-C", T0 + 60 * minute, control, None, control > 1))
    with outlet.transaction() as transaction:
        report = store_telemetry(transaction, meters=meters, received_at=DAY)
    assert report.meters.new == 480
    add_shutdown_order(
        outlet, ShutdownOrder(CREDIT, T0 + 9 * 3600, T0 + 86_400, "应急停产"), actor="test"
    )
    found = evaluate(outlet, **window()).findings
    rules = {(f.rule, f.start_s - T0) for f in found}
    assert (RuleCode.CONTROL_OFF, 7 * 3600) in rules
    assert (RuleCode.SHUTDOWN_ORDER, 9 * 3600) in rules


def test_zone_import_and_fence(outlet: Store, tmp_path: Path) -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [118.0, 30.0],
                            [118.01, 30.0],
                            [118.01, 30.01],
                            [118.0, 30.01],
                            [118.0, 30.0],
                        ]
                    ],
                },
                "properties": {
                    "code": "R-Z1",
                    "name": "水源一级保护区",
                    "kind": "protection",
                    "tier": "一级",
                },
            }
        ],
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = import_zones(outlet, path, actor="test")
    assert [c.change.value for c in report.changes] == ["created"]
    assert [c.change.value for c in import_zones(outlet, path, actor="test").changes] == [
        "unchanged"
    ]
    fix = PositionRow(
        "AIS", "boat-9", (T0 + 3600) * 10**6, "vessel", 118.005, 30.005, "WGS84", "gnss"
    )
    with outlet.transaction() as transaction:
        store_telemetry(transaction, positions=[fix], received_at=DAY)
    (finding,) = [
        f for f in evaluate(outlet, **window()).findings if f.rule is RuleCode.FENCE_INTRUSION
    ]
    assert finding.subject == "boat-9@R-Z1"
    bad = dict(document)
    bad["features"] = [
        dict(
            document["features"][0],
            properties={
                "code": "R-Z2",
                "name": "x",  # type: ignore[call-overload]
                "kind": "protection",
                "tier": "三级",
            },
        )
    ]
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ZoneDocumentError, match=r"features\[0\].properties.tier"):
        import_zones(outlet, path, actor="test")


def test_stream_opens_alert_for_a_completed_hour(outlet: Store) -> None:
    stream = SupervisionStream(outlet)
    with outlet.snapshot() as snapshot:
        site_id = snapshot.registry.site_ids()[OUTLET]
        ids = snapshot.registry.parameter_ids()
    minutes = T0 + 60 * np.arange(60)
    batch = pl.concat(
        pl.DataFrame(
            {
                "site_id": site_id,
                "parameter_id": ids[code],
                "period": Period.MINUTE.command,
                "start_s": minutes,
                "value": values,
                "flag": "N",
                "source_id": 1,
                "received_at_us": 0,
            },
            schema=READING_COLUMNS,
        )
        for code, values in (
            ("a19001", np.full(60, 9.0)),
            ("a00000", np.full(60, 17.0)),
            ("a21002", 250.0 + np.arange(60) % 3),
        )
    )
    (finding,) = stream.feed(batch, now=DAY + dt.timedelta(hours=1))
    assert finding.rule is RuleCode.EMISSION_HOUR
    assert finding.value == pytest.approx(251.0)
    assert [a.rule for a in list_alerts(outlet)] == [RuleCode.EMISSION_HOUR]


def test_demo_supervision_finds_every_injected_case(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "county.yaml"
    path.write_text(
        yaml.safe_dump(registry_document(demo_enterprises()), allow_unicode=True), encoding="utf-8"
    )
    import_registry(store, path, actor="test")
    as_of = dt.date(2026, 6, 10)
    details = demo_supervision(store, as_of=as_of)
    rules = {d.alert.rule for d in details}
    assert rules >= {
        RuleCode.CONTROL_OFF,
        RuleCode.CONTROL_LATE,
        RuleCode.SHUTDOWN_ORDER,
        RuleCode.EMISSION_HOUR,
        RuleCode.O2_AMBIENT,
        RuleCode.FLATLINE,
        RuleCode.FLOW_ZERO_CONCENTRATION,
        RuleCode.MARKED_EXCEEDANCE,
        RuleCode.FENCE_INTRUSION,
        RuleCode.NOISE_WINDOW,
    }
    assert all(d.evidence.intact for d in details)
    fences = sorted(d.alert.subject for d in details if d.alert.rule is RuleCode.FENCE_INTRUSION)
    assert fences == ["boat-2@R01-Z1", "truck-07@D01-Z2"]  # the patrol boat is exempt
    assert len(demo_supervision(store, as_of=as_of)) == len(details)


def test_scheduled_runs_continue_from_the_previous_window(outlet: Store) -> None:
    put_hours(outlet, day_of_hours({10: 250.0}))
    first = run_scheduled(outlet, now=DAY + dt.timedelta(days=1, seconds=30))
    # The first run covers the last 24 h (whole minutes); it finds the 10:00 exceedance.
    assert (first.window_from, first.window_to) == (DAY, DAY + dt.timedelta(days=1))
    assert len(first.opened) == 1
    second = run_scheduled(outlet, now=DAY + dt.timedelta(days=1, minutes=5))
    assert (second.window_from, second.window_to) == (
        DAY + dt.timedelta(days=1),
        DAY + dt.timedelta(days=1, minutes=5),
    )
    assert second.opened == ()


def test_maintenance_record_explains_marks(outlet: Store) -> None:
    # NOx 300 (converted 300 × 12/11.9 > 200) at hours 8–11, all flagged D: S5 fires;
    # an O&M record covering 08:00–12:00 explains the marks and it no longer does.
    hours = day_of_hours(dict.fromkeys(range(8, 12), 300.0))
    put_hours(outlet, hours)
    with outlet.transaction() as transaction:
        site_id = transaction.registry.site_ids()[OUTLET]
        pid = transaction.registry.parameter_ids()["a21002"]
        source = transaction.sources.ensure(SourceKind.MANUAL, "op")
        for hour in range(8, 12):
            transaction.readings.correct(
                StoredKey(site_id, pid, Period.HOUR, DAY + dt.timedelta(hours=hour)),
                value=300.0,
                flag=DataFlag.FAULT,
                source_id=source,
                actor="op",
                reason="故障",
            )
    found = evaluate(outlet, **window()).findings
    assert [f.rule for f in found] == [RuleCode.MARKED_EXCEEDANCE]
    add_maintenance_record(
        outlet,
        OUTLET,
        DAY + dt.timedelta(hours=8),
        DAY + dt.timedelta(hours=12),
        note="更换采样泵",
        actor="运维公司",
    )
    assert evaluate(outlet, **window()).findings == ()
