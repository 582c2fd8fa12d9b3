"""Supervision use cases: evaluate the rules over stored data, open and escalate alerts, act on
them, store MQTT telemetry, and register what the rules need (equipment, monitors, orders).

Evaluation reads a window ``[start, end)`` (plus the look-back its rules need: a week for the
dilution baseline, a day for step changes and daily means) in one snapshot, runs the pure rules
of :mod:`ecowarden.supervision`, and writes the alerts in one transaction:

- a finding whose dedupe key (rule, subject, local day) has no alert opens one, with its
  evidence snapshot (canonical JSON + SHA-256, never changed) and an ``open`` event;
- a finding for an existing alert that ends later than what the alert has seen is a
  recurrence (counted, an event); one that ends no later was seen already: re-evaluating a
  window changes nothing (idempotent);
- findings that ended before ``start`` are left alone (an earlier run had them).

:func:`run_scheduled` evaluates from the previous run's end to now and escalates overdue
alerts; ``ecowarden alerts evaluate`` runs it. :class:`SupervisionStream` is the incremental
path for minute readings as a gateway commits them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import polars as pl
import shapely

from ecowarden.demo.enterprises import demo_enterprises
from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.registry.readings import Period
from ecowarden.registry.sites import Site, SiteKind
from ecowarden.services.supervision_demo import (
    DemoSupervision,
    demo_outlets,
    demo_supervision_data,
)
from ecowarden.services.zones import save_zones
from ecowarden.standards.water.items import parse_item
from ecowarden.store.alerts import (
    AlertEvent,
    AlertsRepository,
    StoredAlert,
    StoredEvidence,
    SupervisionRun,
)
from ecowarden.store.audit import AuditEvent
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.instants import from_epoch_s, to_epoch_s, to_epoch_us
from ecowarden.store.readings import ReadingQuery
from ecowarden.store.registry import RegistryChange
from ecowarden.store.sources import SourceKind
from ecowarden.store.telemetry import (
    InsertCount,
    MeterRow,
    NoiseRow,
    PositionRow,
    TelemetryRepository,
)
from ecowarden.store.zones import ZonesRepository
from ecowarden.supervision.alerts import AlertAction, dedupe_key, escalation_due, parse_action
from ecowarden.supervision.ambient import (
    aqi_exceedances,
    noise_zone_exceedances,
    water_below_target,
)
from ecowarden.supervision.availability import (
    clock_drift,
    device_offline,
    transmission_gaps,
    valid_rates,
)
from ecowarden.supervision.config import RuleSettings
from ecowarden.supervision.electricity import (
    Equipment,
    EquipmentRole,
    LinePower,
    ShutdownOrder,
    control_violations,
    minute_power,
    production_during_shutdown,
)
from ecowarden.supervision.emission import emission_exceedances, marked_exceedances
from ecowarden.supervision.falsification import (
    ConflictRecord,
    conflicting_resends,
    dilutions,
    flatlines,
    flow_zero_concentration,
    o2_near_ambient,
    step_changes,
)
from ecowarden.supervision.findings import Finding, RuleCode, parse_rule
from ecowarden.supervision.geofence import intrusions
from ecowarden.supervision.noise_windows import (
    NoiseMonitor,
    noise_window_exceedances,
    relevant_monitors,
)
from ecowarden.supervision.series import (
    DAY_S,
    DEFAULT_FLAGS,
    HOUR_S,
    MINUTE_S,
    Floats,
    Series,
    empty_series,
    local_day_starts,
)
from ecowarden.supervision.streaming import Role, StreamingEvaluator, WatchedSeries
from ecowarden.supervision.zones import ZoneKind

ACTOR: Final = "supervision"
#: O2 and flow codes of HJ 212-2017 Table B.1 / B.2 [HJ212-2017].
O2_CODE: Final = "a19001"
FLOW_CODES: Final = ("a00000", "w00000")
AQI_CODES: Final = ("a21026", "a21004", "a21005", "a05024", "a34002", "a34004")
NOISE_CODE: Final = "Leq"
#: How far before a window the rules look: the dilution baseline (a week) and a day more.
LOOK_BACK_S: Final = 8 * DAY_S


@dataclass(frozen=True)
class EvaluationReport:
    """What one evaluation found and did."""

    window_from: dt.datetime
    window_to: dt.datetime
    findings: tuple[Finding, ...]
    opened: tuple[int, ...]
    recurred: int
    escalated: int = 0


@dataclass(frozen=True)
class AlertDetails:
    """An alert with its evidence snapshot and its events, as ``alerts show`` prints it."""

    alert: StoredAlert
    evidence: StoredEvidence
    events: tuple[AlertEvent, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            **self.alert.as_dict(),
            "evidence": self.evidence.content,
            "evidence_sha256": self.evidence.sha256,
            "evidence_intact": self.evidence.intact,
            "events": [event.as_dict() for event in self.events],
        }


# -- reading the store into series -----------------------------------------------------------


def _series_by_key(frame: pl.DataFrame, step_s: int) -> dict[tuple[int, int], Series]:
    """(site id, parameter id) → Series from a readings frame (``ReadingsRepository.read``)."""
    if frame.height == 0:
        return {}
    frame = frame.with_columns(pl.col("start").dt.epoch("s").alias("start_s"))
    result = {}
    for (site_id, parameter_id), part in frame.group_by(
        ["site_id", "parameter_id"], maintain_order=True
    ):
        result[(int(str(site_id)), int(str(parameter_id)))] = Series(
            part["start_s"].to_numpy().astype(np.int64),
            part["value"].to_numpy().astype(np.float64),
            part["flag"].to_numpy().astype("<U2"),
            step_s=step_s,
        )
    return result


@dataclass
class _Context:
    """What one evaluation read from the store."""

    settings: RuleSettings
    start_s: int
    end_s: int
    sites: dict[str, Site]
    site_ids: dict[str, int]
    parameter_codes: dict[int, str]
    parameter_ids: dict[str, int]
    limits: dict[str, list[EmissionLimit]]


def _read(
    transaction: StoreTransaction, site_ids: Sequence[int], period: Period, from_s: int, to_s: int
) -> dict[tuple[int, int], Series]:
    if not site_ids:
        return {}
    frame = transaction.readings.read(
        ReadingQuery(
            site_ids=tuple(site_ids),
            period=period,
            start_from=from_epoch_s(from_s),
            start_to=from_epoch_s(to_s),
        )
    )
    step = {Period.MINUTE: MINUTE_S, Period.HOUR: HOUR_S, Period.DAY: DAY_S}[period]
    return _series_by_key(frame, step)


def _outlet_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    settings = ctx.settings
    outlets = [s for s in ctx.sites.values() if s.kind is SiteKind.OUTLET]
    ids = [ctx.site_ids[s.code] for s in outlets]
    look_from = ctx.start_s - LOOK_BACK_S
    hourly = _read(transaction, ids, Period.HOUR, look_from, ctx.end_s)
    minutes = _read(transaction, ids, Period.MINUTE, ctx.start_s - DAY_S, ctx.end_s)
    telemetry = TelemetryRepository(transaction.connection)
    found: list[Finding] = []
    days = local_day_starts(np.arange(ctx.start_s, ctx.end_s, HOUR_S, dtype=np.int64))
    whole_days = np.unique(days[(days >= ctx.start_s - DAY_S) & (days + DAY_S <= ctx.end_s)])

    def on(rule: RuleCode) -> bool:
        return settings.enabled(rule)

    for outlet in outlets:
        site_id = ctx.site_ids[outlet.code]
        code = outlet.code

        def hours(parameter: str, site_id: int = site_id) -> Series:
            pid = ctx.parameter_ids.get(parameter)
            return hourly.get((site_id, pid), empty_series()) if pid else empty_series()

        def finest(parameter: str, site_id: int = site_id) -> Series:
            pid = ctx.parameter_ids.get(parameter)
            minute = minutes.get((site_id, pid)) if pid else None
            return minute if minute is not None and len(minute) else hours(parameter)

        flow_code = next((c for c in FLOW_CODES if len(hours(c)) or len(finest(c))), None)
        o2 = hours(O2_CODE) if len(hours(O2_CODE)) else None
        maintenance = telemetry.maintenance(site_id, look_from, ctx.end_s)
        pollutants = sorted({limit.parameter for limit in ctx.limits.get(code, [])})
        for limit in ctx.limits.get(code, []):
            rule = (
                RuleCode.EMISSION_DAY
                if limit.averaging is Averaging.DAY
                else RuleCode.EMISSION_HOUR
            )
            series = hours(limit.parameter)
            if not len(series):
                series = finest(limit.parameter)
            o2_series = o2 if series.step_s == HOUR_S else finest(O2_CODE)
            if on(rule):
                found += emission_exceedances(
                    limit, series, o2=o2_series, params=settings.parameters(rule, code)
                )
            if on(RuleCode.MARKED_EXCEEDANCE):
                found += marked_exceedances(
                    limit,
                    series,
                    o2=o2_series,
                    maintenance=maintenance,
                    params=settings.parameters(RuleCode.MARKED_EXCEEDANCE, code),
                )
        if flow_code is not None:
            flow_h, flow_f = hours(flow_code), finest(flow_code)
            for parameter in pollutants:
                fine = finest(parameter)
                fine_flow = flow_f if fine.step_s == flow_f.step_s else flow_h
                if on(RuleCode.FLATLINE):
                    found += flatlines(
                        code,
                        parameter,
                        fine,
                        flow=fine_flow,
                        params=settings.parameters(RuleCode.FLATLINE, code),
                    )
                if on(RuleCode.FLOW_ZERO_CONCENTRATION):
                    found += flow_zero_concentration(
                        code,
                        parameter,
                        fine,
                        fine_flow,
                        params=settings.parameters(RuleCode.FLOW_ZERO_CONCENTRATION, code),
                    )
                if on(RuleCode.DILUTION):
                    found += dilutions(
                        code,
                        parameter,
                        hours(parameter),
                        flow_h,
                        params=settings.parameters(RuleCode.DILUTION, code),
                    )
                if on(RuleCode.STEP_CHANGE):
                    found += step_changes(
                        code,
                        parameter,
                        hours(parameter),
                        flow_h,
                        params=settings.parameters(RuleCode.STEP_CHANGE, code),
                    )
            if on(RuleCode.O2_AMBIENT) and len(finest(O2_CODE)):
                o2_fine = finest(O2_CODE)
                found += o2_near_ambient(
                    code,
                    o2_fine,
                    flow=flow_f if o2_fine.step_s == flow_f.step_s else flow_h,
                    params=settings.parameters(RuleCode.O2_AMBIENT, code),
                )
            if on(RuleCode.CLOCK_DRIFT):
                starts, received = telemetry.receipts(
                    site_id,
                    ctx.parameter_ids[flow_code],
                    Period.HOUR.command,
                    ctx.start_s - DAY_S,
                    ctx.end_s,
                )
                found += clock_drift(
                    code,
                    starts,
                    received,
                    step_s=HOUR_S,
                    params=settings.parameters(RuleCode.CLOCK_DRIFT, code),
                )
        for parameter in sorted({*pollutants, *(c for c in (flow_code, O2_CODE) if c)}):
            series = hours(parameter)
            if not len(series):
                continue
            if on(RuleCode.TRANSMISSION_GAP):
                found += transmission_gaps(
                    code,
                    parameter,
                    series.window(ctx.start_s - DAY_S, ctx.end_s),
                    params=settings.parameters(RuleCode.TRANSMISSION_GAP, code),
                )
            if on(RuleCode.VALID_RATE):
                found += valid_rates(
                    code,
                    parameter,
                    series,
                    days=whole_days,
                    params=settings.parameters(RuleCode.VALID_RATE, code),
                )
    return found


def _availability_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    if not ctx.settings.enabled(RuleCode.DEVICE_OFFLINE):
        return []
    devices = transaction.registry.devices()
    telemetry = TelemetryRepository(transaction.connection)
    last = telemetry.last_received([ctx.site_ids[d.site] for d in devices])
    found = []
    for device in devices:
        received_us = last.get(ctx.site_ids[device.site])
        found += device_offline(
            device.mn,
            None if received_us is None else received_us // 1_000_000,
            ctx.end_s,
            params=ctx.settings.parameters(RuleCode.DEVICE_OFFLINE, device.site),
            site=device.site,
        )
    return found


def _is_water_item(code: str) -> bool:
    """Whether an HJ 212 code is a GB 3838-2002 item the classification knows."""
    try:
        parse_item(code)
    except UnknownNameError:
        return False
    return True


def _usable_columns(
    by_code: dict[str, Series],
) -> tuple[np.ndarray[tuple[int], np.dtype[np.int64]], dict[str, Floats]]:
    """Common starts of several series and their usable values there (NaN elsewhere)."""
    starts = np.unique(np.concatenate([series.starts_s for series in by_code.values()]))
    columns: dict[str, Floats] = {}
    for code, series in by_code.items():
        values = np.full(starts.size, np.nan)
        usable = DEFAULT_FLAGS.valid(series.flags)
        values[np.searchsorted(starts, series.starts_s[usable])] = series.values[usable]
        columns[code] = values
    return starts, columns


def _ambient_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    settings = ctx.settings
    found: list[Finding] = []
    by_kind: dict[SiteKind, list[Site]] = defaultdict(list)
    for site in ctx.sites.values():
        by_kind[site.kind].append(site)
    air_ids = [ctx.site_ids[s.code] for s in by_kind[SiteKind.AIR_STATION]]
    air = _read(transaction, air_ids, Period.HOUR, ctx.start_s, ctx.end_s)
    if settings.enabled(RuleCode.AMBIENT_AQI):
        for station in by_kind[SiteKind.AIR_STATION]:
            site_id = ctx.site_ids[station.code]
            present: dict[str, Series] = {
                code: air[(site_id, ctx.parameter_ids[code])]
                for code in AQI_CODES
                if code in ctx.parameter_ids and (site_id, ctx.parameter_ids[code]) in air
            }
            if not present:
                continue
            starts, columns = _usable_columns(present)
            found += aqi_exceedances(
                station.code,
                starts,
                columns,
                params=settings.parameters(RuleCode.AMBIENT_AQI, station.code),
            )
    water_sites = by_kind[SiteKind.WATER_SECTION] + by_kind[SiteKind.DRINKING_WATER_SOURCE]
    if settings.enabled(RuleCode.WATER_BELOW_TARGET) and water_sites:
        samples = _read(
            transaction,
            [ctx.site_ids[s.code] for s in water_sites],
            Period.DAY,
            ctx.start_s,
            ctx.end_s,
        )
        for section in water_sites:
            site_id = ctx.site_ids[section.code]
            items: dict[str, Series] = {}
            for (sid, pid), sample in samples.items():
                if sid == site_id and _is_water_item(ctx.parameter_codes[pid]):
                    items[ctx.parameter_codes[pid]] = sample
            if not items or section.target_class is None or section.water_body is None:
                continue
            starts, columns = _usable_columns(items)
            found += water_below_target(
                section.code,
                starts,
                columns,
                target_class=section.target_class.value,
                water_body=section.water_body.value,
                params=settings.parameters(RuleCode.WATER_BELOW_TARGET, section.code),
            )
    if settings.enabled(RuleCode.NOISE_ZONE) and NOISE_CODE in ctx.parameter_ids:
        stations = by_kind[SiteKind.NOISE_STATION]
        noise = _read(
            transaction,
            [ctx.site_ids[s.code] for s in stations],
            Period.HOUR,
            ctx.start_s - DAY_S,
            ctx.end_s,
        )
        for station in stations:
            levels = noise.get((ctx.site_ids[station.code], ctx.parameter_ids[NOISE_CODE]))
            if levels is None or station.noise_zone is None:
                continue
            usable = DEFAULT_FLAGS.valid(levels.flags)
            found += noise_zone_exceedances(
                station.code,
                levels.starts_s,
                np.where(usable, levels.values, np.nan),
                zone=station.noise_zone.value,
                params=settings.parameters(RuleCode.NOISE_ZONE, station.code),
            )
        found += _monitor_zone_findings(transaction, ctx)
    return found


def _monitor_zone_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    """Noise monitors (MQTT) judged against the class of the noise-zone polygon holding them."""
    zones = ZonesRepository(transaction.connection).zones(ZoneKind.NOISE_ZONE)
    telemetry = TelemetryRepository(transaction.connection)
    found: list[Finding] = []
    for monitor in telemetry.monitors():
        zone = next(
            (z for z in zones if shapely.contains_xy(z.geometry, monitor.lon, monitor.lat)), None
        )
        if zone is None or zone.noise_zone is None:
            continue
        interval, at, leq = telemetry.noise_levels(monitor.code, ctx.start_s - DAY_S, ctx.end_s)
        if not at.size:
            continue
        hours = at // HOUR_S * HOUR_S
        starts, inverse = np.unique(hours, return_inverse=True)
        energy = np.bincount(inverse, weights=np.power(10.0, leq / 10.0))
        counts = np.bincount(inverse)
        levels = np.where(
            counts * interval >= HOUR_S // 2, 10.0 * np.log10(energy / counts), np.nan
        )
        found += noise_zone_exceedances(
            monitor.code,
            starts.astype(np.int64),
            levels,
            zone=zone.noise_zone.value,
            params=ctx.settings.parameters(RuleCode.NOISE_ZONE, monitor.code),
        )
    return found


def _conflict_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    if not ctx.settings.enabled(RuleCode.CONFLICTING_RESEND):
        return []
    frame = transaction.readings.conflicts(since=from_epoch_s(ctx.start_s))
    codes = {site_id: code for code, site_id in ctx.site_ids.items()}
    records = []
    for row in frame.iter_rows(named=True):
        recorded_s = int(row["recorded_at"].timestamp())
        if recorded_s >= ctx.end_s:
            continue
        records.append(
            ConflictRecord(
                codes[row["site_id"]],
                ctx.parameter_codes[row["parameter_id"]],
                int(row["start"].timestamp()),
                row["original_value"],
                row["original_flag"],
                row["value"],
                row["flag"],
                recorded_s,
            )
        )
    return conflicting_resends(records, params=ctx.settings.parameters(RuleCode.CONFLICTING_RESEND))


def line_power(
    telemetry: TelemetryRepository, items: Sequence[Equipment], start_s: int, end_s: int
) -> LinePower:
    """Per-minute production and control power of one line's equipment over the window."""
    minutes = (end_s - start_s) // MINUTE_S
    starts = start_s + MINUTE_S * np.arange(minutes, dtype=np.int64)
    power = telemetry.meter_power([e.code for e in items], start_s, end_s)
    totals = {}
    for role in EquipmentRole:
        grids = [
            minute_power(*power[e.code], first_s=start_s, minutes=minutes)
            for e in items
            if e.role is role
        ]
        # A role's power is known in a minute only when every one of its meters reported.
        totals[role] = np.sum(grids, axis=0) if grids else np.full(minutes, np.nan)
    first = items[0]
    return LinePower(
        f"{first.enterprise}/{first.line}",
        starts,
        totals[EquipmentRole.PRODUCTION],
        totals[EquipmentRole.CONTROL],
    )


def _electricity_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    telemetry = TelemetryRepository(transaction.connection)
    lines: dict[tuple[str, str], list[Equipment]] = defaultdict(list)
    for item in telemetry.equipment():
        lines[(item.enterprise, item.line)].append(item)
    orders = telemetry.shutdown_orders(ctx.start_s, ctx.end_s)
    start_s = ctx.start_s // MINUTE_S * MINUTE_S
    found: list[Finding] = []
    for (enterprise, line), items in sorted(lines.items()):
        power = line_power(telemetry, items, start_s, ctx.end_s)
        subject = f"{enterprise}/{line}"
        coupling = ctx.settings.parameters(RuleCode.CONTROL_OFF, subject)
        rated = [e.rated_kw for e in items if e.role is EquipmentRole.CONTROL]
        if coupling.control_rated_kw is None and rated and all(r is not None for r in rated):
            coupling = replace(coupling, control_rated_kw=float(sum(r for r in rated if r)))
        found += [
            f for f in control_violations(power, params=coupling) if ctx.settings.enabled(f.rule)
        ]
        mine = [o for o in orders if o.enterprise == enterprise]
        if mine and ctx.settings.enabled(RuleCode.SHUTDOWN_ORDER):
            found += production_during_shutdown(
                power, mine, params=ctx.settings.parameters(RuleCode.SHUTDOWN_ORDER, subject)
            )
    return found


def _fence_and_window_findings(transaction: StoreTransaction, ctx: _Context) -> list[Finding]:
    zones = ZonesRepository(transaction.connection).zones()
    telemetry = TelemetryRepository(transaction.connection)
    found: list[Finding] = []
    fences = [z.protection_zone() for z in zones if z.kind is ZoneKind.PROTECTION]
    if fences and ctx.settings.enabled(RuleCode.FENCE_INTRUSION):
        params = ctx.settings.parameters(RuleCode.FENCE_INTRUSION)
        tracks = telemetry.positions(
            (ctx.start_s - params.max_gap_s) * 1_000_000, ctx.end_s * 1_000_000
        )
        found += intrusions(tracks, fences, params=params)
    windows = [z.noise_window() for z in zones if z.kind is ZoneKind.NOISE_WINDOW]
    if windows and ctx.settings.enabled(RuleCode.NOISE_WINDOW):
        params = ctx.settings.parameters(RuleCode.NOISE_WINDOW)
        monitors = telemetry.monitors()
        for window in windows:
            if not any(a < ctx.end_s and b > ctx.start_s for a, b in window.periods):
                continue
            for monitor in relevant_monitors(window, monitors, params):
                interval, at, leq = telemetry.noise_levels(monitor.code, ctx.start_s, ctx.end_s)
                found += noise_window_exceedances(
                    window, monitor, at, leq, interval_s=interval, params=params
                )
    return found


def _context(
    transaction: StoreTransaction, settings: RuleSettings, start_s: int, end_s: int
) -> _Context:
    registry = transaction.registry
    sites = {site.code: site for site in registry.sites()}
    parameter_ids = registry.parameter_ids()
    limits: dict[str, list[EmissionLimit]] = defaultdict(list)
    for limit in registry.limits():
        limits[limit.outlet].append(limit)
    return _Context(
        settings=settings,
        start_s=start_s,
        end_s=end_s,
        sites=sites,
        site_ids=registry.site_ids(),
        parameter_codes={pid: code for code, pid in parameter_ids.items()},
        parameter_ids=parameter_ids,
        limits=dict(limits),
    )


def findings_in(
    store: Store, *, start: dt.datetime, end: dt.datetime, settings: RuleSettings | None = None
) -> list[Finding]:
    """Every rule over the stored data for ``[start, end)`` (no alert is written)."""
    start_s, end_s = to_epoch_s(start), to_epoch_s(end)
    if end_s <= start_s:
        raise ValidationError(f"evaluation window {start} … {end} is empty")
    settings = settings or RuleSettings()
    with store.snapshot() as snapshot:
        ctx = _context(snapshot, settings, start_s, end_s)
        found = (
            _outlet_findings(snapshot, ctx)
            + _availability_findings(snapshot, ctx)
            + _ambient_findings(snapshot, ctx)
            + _conflict_findings(snapshot, ctx)
            + _electricity_findings(snapshot, ctx)
            + _fence_and_window_findings(snapshot, ctx)
        )
    return sorted(
        (f for f in found if f.end_s > start_s and f.start_s < end_s),
        key=lambda f: (f.start_s, f.rule.value, f.subject),
    )


def open_alerts(
    transaction: StoreTransaction,
    findings: Iterable[Finding],
    *,
    settings: RuleSettings,
    at_us: int,
    actor: str = ACTOR,
) -> tuple[list[int], int]:
    """Open alerts for new findings and count recurrences (deduplicated); returns (opened ids,
    recurrences)."""
    repository = AlertsRepository(transaction.connection)
    site_ids = transaction.registry.site_ids()
    outlet_enterprise, enterprise_ids = repository.enterprise_ids()
    opened: list[int] = []
    recurred = 0
    for finding in findings:
        key = dedupe_key(finding, settings.alerts)
        known = repository.alert_id(key)
        if known is None:
            enterprise = outlet_enterprise.get(finding.site) if finding.site else None
            if enterprise is None and "/" in finding.subject:
                enterprise = enterprise_ids.get(finding.subject.split("/", 1)[0])
            opened.append(
                repository.open(
                    finding,
                    dedupe_key=key,
                    site_id=site_ids.get(finding.site) if finding.site else None,
                    enterprise_id=enterprise,
                    at_us=at_us,
                    actor=actor,
                )
            )
        elif finding.end_s > known[1]:
            repository.recur(known[0], finding, at_us=at_us, actor=actor)
            recurred += 1
    return opened, recurred


def escalate_overdue(
    transaction: StoreTransaction, *, now: dt.datetime, settings: RuleSettings
) -> int:
    """Escalate open alerts past their severity's delay; returns how many."""
    repository = AlertsRepository(transaction.connection)
    now_s = to_epoch_s(now.replace(microsecond=0))
    escalated = 0
    for alert in repository.alerts(states=["open"], limit=100_000):
        since = alert.escalated_at or alert.opened_at
        if escalation_due(
            state=alert.state,
            severity=alert.severity,
            level=alert.escalation_level,
            since_s=int(since.timestamp()),
            now_s=now_s,
            policy=settings.alerts,
        ):
            repository.act(
                alert.id,
                AlertAction.ESCALATE,
                actor=ACTOR,
                reason=f"未在 {settings.alerts.escalate_after_s[alert.severity] // 60} 分钟内确认",
                at_us=to_epoch_us(now),
            )
            escalated += 1
    return escalated


def evaluate(
    store: Store,
    *,
    start: dt.datetime,
    end: dt.datetime,
    settings: RuleSettings | None = None,
    now: dt.datetime | None = None,
    actor: str = ACTOR,
) -> EvaluationReport:
    """Evaluate every rule over ``[start, end)``, open or count alerts, escalate overdue ones,
    and record the run (audited as one ``supervision.evaluate`` row)."""
    settings = settings or RuleSettings()
    found = findings_in(store, start=start, end=end, settings=settings)
    now = now or dt.datetime.now(dt.UTC)
    at_us = to_epoch_us(now)
    with store.transaction() as transaction:
        opened, recurred = open_alerts(
            transaction, found, settings=settings, at_us=at_us, actor=actor
        )
        escalated = escalate_overdue(transaction, now=now, settings=settings)
        run = SupervisionRun(now, start, end, len(found), len(opened), recurred)
        AlertsRepository(transaction.connection).record_run(run, started_at_us=at_us)
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="supervision.evaluate",
                object_type="window",
                object_id=f"{start.isoformat()}/{end.isoformat()}",
                detail={
                    "findings": len(found),
                    "opened": len(opened),
                    "recurred": recurred,
                    "escalated": escalated,
                },
            )
        )
    return EvaluationReport(start, end, tuple(found), tuple(opened), recurred, escalated)


def run_scheduled(
    store: Store,
    *,
    now: dt.datetime | None = None,
    settings: RuleSettings | None = None,
    first_window_s: int = DAY_S,
) -> EvaluationReport:
    """Evaluate from the end of the previous run (or ``first_window_s`` ago) to now (whole
    minutes)."""
    now = now or dt.datetime.now(dt.UTC)
    end = from_epoch_s(to_epoch_s(now.replace(microsecond=0)) // MINUTE_S * MINUTE_S)
    with store.snapshot() as snapshot:
        previous = AlertsRepository(snapshot.connection).last_window_end()
    start = previous if previous is not None else end - dt.timedelta(seconds=first_window_s)
    if start >= end:
        start = end - dt.timedelta(minutes=1)
    return evaluate(store, start=start, end=end, settings=settings, now=now)


# -- acting on alerts --------------------------------------------------------------------------


def act_on_alert(
    store: Store,
    alert_id: int,
    action: AlertAction | str,
    *,
    actor: str,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> StoredAlert:
    """A person acknowledges, dispatches, closes, dismisses or hands off an alert (audited)."""
    parsed = parse_action(action)
    if parsed in (AlertAction.OPEN, AlertAction.RECUR, AlertAction.ESCALATE):
        raise ValidationError(f"{parsed.value} is done by the scheduler, not by a person")
    at_us = to_epoch_us(now or dt.datetime.now(dt.UTC))
    with store.transaction() as transaction:
        alert = AlertsRepository(transaction.connection).act(
            alert_id, parsed, actor=actor, reason=reason, at_us=at_us
        )
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action=f"alert.{parsed.value}",
                object_type="alert",
                object_id=str(alert_id),
                detail={"state": alert.state.value, "reason": reason},
            )
        )
    return alert


def list_alerts(
    store: Store,
    *,
    states: Iterable[str] | None = None,
    rule: str | None = None,
    subject: str | None = None,
    limit: int = 100,
) -> list[StoredAlert]:
    """Alerts, newest first."""
    with store.snapshot() as snapshot:
        return AlertsRepository(snapshot.connection).alerts(
            states=states,
            rule=None if rule is None else parse_rule(rule),
            subject=subject,
            limit=limit,
        )


def alert_details(store: Store, alert_id: int) -> AlertDetails:
    """One alert with its evidence and events."""
    with store.snapshot() as snapshot:
        repository = AlertsRepository(snapshot.connection)
        return AlertDetails(
            repository.get(alert_id),
            repository.evidence(alert_id),
            tuple(repository.events(alert_id)),
        )


# -- telemetry and its registry ---------------------------------------------------------------


@dataclass(frozen=True)
class TelemetryReport:
    """What one group of MQTT messages stored."""

    meters: InsertCount
    positions: InsertCount
    noise: InsertCount


def store_telemetry(
    transaction: StoreTransaction,
    *,
    meters: Sequence[MeterRow] = (),
    positions: Sequence[PositionRow] = (),
    noise: Sequence[NoiseRow] = (),
    received_at: dt.datetime,
) -> TelemetryReport:
    """Store parsed telemetry in the caller's transaction (acknowledge after it commits)."""
    telemetry = TelemetryRepository(transaction.connection)
    received_at_us = to_epoch_us(received_at)
    return TelemetryReport(
        telemetry.add_meter_readings(meters, received_at_us=received_at_us),
        telemetry.add_positions(positions, received_at_us=received_at_us),
        telemetry.add_noise_levels(noise, received_at_us=received_at_us),
    )


def known_telemetry_devices(store: Store) -> tuple[frozenset[str], frozenset[str]]:
    """(equipment codes, noise monitor codes) the MQTT ingest accepts."""
    with store.snapshot() as snapshot:
        telemetry = TelemetryRepository(snapshot.connection)
        return frozenset(telemetry.equipment_ids()), frozenset(telemetry.monitor_ids())


def _audited_changes(
    transaction: StoreTransaction, changes: Iterable[RegistryChange], actor: str
) -> list[RegistryChange]:
    result = []
    for change in changes:
        result.append(change)
        if change.change.value != "unchanged":
            transaction.audit.append(
                AuditEvent(
                    actor=actor,
                    action=f"{change.object_type.replace(' ', '_')}.{change.change.value}",
                    object_type=change.object_type,
                    object_id=change.key,
                    detail={"fields": list(change.fields)},
                )
            )
    return result


def register_equipment(
    store: Store, items: Sequence[Equipment], *, actor: str
) -> list[RegistryChange]:
    """Create or update metered equipment (audited)."""
    with store.transaction() as transaction:
        telemetry = TelemetryRepository(transaction.connection)
        return _audited_changes(transaction, [telemetry.save_equipment(i) for i in items], actor)


def register_monitors(
    store: Store, monitors: Sequence[NoiseMonitor], *, actor: str
) -> list[RegistryChange]:
    """Create or update noise monitors (audited)."""
    with store.transaction() as transaction:
        telemetry = TelemetryRepository(transaction.connection)
        return _audited_changes(transaction, [telemetry.save_monitor(m) for m in monitors], actor)


def add_shutdown_order(store: Store, order: ShutdownOrder, *, actor: str) -> None:
    """Record an ordered shutdown of an enterprise (audited)."""
    with store.transaction() as transaction:
        TelemetryRepository(transaction.connection).add_shutdown_order(order, actor=actor)
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="shutdown_order.created",
                object_type="enterprise",
                object_id=order.enterprise,
                detail={"from_s": order.from_s, "to_s": order.to_s, "reason": order.reason},
            )
        )


def add_maintenance_record(
    store: Store, site: str, start: dt.datetime, end: dt.datetime, *, note: str, actor: str
) -> None:
    """Record an O&M record of a site (it explains maintenance marks inside it; audited)."""
    with store.transaction() as transaction:
        TelemetryRepository(transaction.connection).add_maintenance(
            site, to_epoch_s(start), to_epoch_s(end), note=note, actor=actor
        )
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="maintenance_record.created",
                object_type="site",
                object_id=site,
                detail={"from": start.isoformat(), "to": end.isoformat(), "note": note},
            )
        )


# -- streaming ---------------------------------------------------------------------------------


class SupervisionStream:
    """Minute readings evaluated as they are committed (hourly exceedance, frozen values, O2).

    Built from the registry's gas and water outlets; :meth:`feed` takes the batch a gateway has
    just upserted (columns of ``READING_COLUMNS``, minute period only is used) and opens alerts
    for the findings it completes.
    """

    def __init__(self, store: Store, *, settings: RuleSettings | None = None) -> None:
        self.store = store
        self.settings = settings or RuleSettings()
        with store.snapshot() as snapshot:
            ctx = _context(snapshot, self.settings, 0, 1)
        watched = []
        for code, limits in sorted(ctx.limits.items()):
            hourly = {x.parameter: x for x in limits if x.averaging is Averaging.HOUR}
            parameters = {x.parameter for x in limits}
            for parameter in sorted(parameters):
                watched.append(
                    WatchedSeries(code, parameter, Role.POLLUTANT, hourly.get(parameter))
                )
            watched.append(WatchedSeries(code, O2_CODE, Role.O2))
            watched.extend(WatchedSeries(code, flow, Role.FLOW) for flow in FLOW_CODES)
        self.evaluator = StreamingEvaluator(
            watched,
            emission=self.settings.parameters(RuleCode.EMISSION_HOUR),
            flatline=self.settings.parameters(RuleCode.FLATLINE),
            o2_ambient=self.settings.parameters(RuleCode.O2_AMBIENT),
        )
        self._series = {
            (ctx.site_ids[w.site], ctx.parameter_ids[w.parameter]): i
            for i, w in enumerate(self.evaluator.watched)
            if w.parameter in ctx.parameter_ids
        }

    def feed(self, batch: pl.DataFrame, *, now: dt.datetime | None = None) -> list[Finding]:
        """Evaluate a committed batch of readings and open alerts for what it completes."""
        minute = batch.filter(pl.col("period") == Period.MINUTE.command).sort("start_s")
        keys = zip(minute["site_id"].to_list(), minute["parameter_id"].to_list(), strict=True)
        index = np.array([self._series.get(key, -1) for key in keys], dtype=np.intp)
        watched = index >= 0
        if not watched.any():
            return []
        flags = minute["flag"].to_numpy().astype("<U2")[watched]
        found = self.evaluator.feed(
            index[watched],
            minute["start_s"].to_numpy().astype(np.int64)[watched],
            minute["value"].fill_null(np.nan).to_numpy().astype(np.float64)[watched],
            DEFAULT_FLAGS.valid(flags),
        )
        if found:
            at_us = to_epoch_us(now or dt.datetime.now(dt.UTC))
            with self.store.transaction() as transaction:
                open_alerts(transaction, found, settings=self.settings, at_us=at_us)
        return found


# -- demo --------------------------------------------------------------------------------------


def demo_supervision(store: Store, *, as_of: dt.date) -> list[AlertDetails]:
    """Add the demo county's supervision data and evaluate the last two days before ``as_of``.

    Adds meters on production and control equipment of four enterprises, protection zones
    around the two drinking-water reservoirs with boat tracks (two of them intruding), noise
    monitors and an exam-period noise window, a shutdown order, and injected violations (a
    bag filter switched off, a frozen analyser, stack O2 near ambient, conflicting resends);
    then evaluates the rules over ``[as_of − 2 days, as_of)`` and returns every alert of that
    window with its evidence. Idempotent: a second call adds and opens nothing new.
    """
    actor = "demo"
    sites, limits = demo_outlets(demo_enterprises())
    with store.transaction() as transaction:
        changes = [transaction.registry.save_site(site) for site in sites]
        changes += [transaction.registry.save_limit(limit) for limit in limits]
        _audited_changes(transaction, changes, actor)
    data: DemoSupervision = demo_supervision_data(store, as_of=as_of)
    register_equipment(store, data.equipment, actor=actor)
    register_monitors(store, data.monitors, actor=actor)
    save_zones(store, data.zones, actor=actor, source="demo supervision zones")
    with store.transaction() as transaction:
        known = TelemetryRepository(transaction.connection).shutdown_orders(
            data.order.from_s, data.order.to_s
        )
        store_telemetry(
            transaction,
            meters=data.meters,
            positions=data.positions,
            noise=data.noise,
            received_at=data.received_at,
        )
        if data.order not in known:
            TelemetryRepository(transaction.connection).add_shutdown_order(data.order, actor=actor)
        source_id = transaction.sources.ensure(SourceKind.IMPORT, "ecowarden demo supervision")
        transaction.readings.upsert(
            data.readings.with_columns(
                pl.lit(source_id, dtype=pl.Int64).alias("source_id"),
                pl.lit(to_epoch_us(data.received_at), dtype=pl.Int64).alias("received_at_us"),
            )
        )
        transaction.readings.upsert(
            data.resends.with_columns(
                pl.lit(source_id, dtype=pl.Int64).alias("source_id"),
                pl.lit(to_epoch_us(data.received_at), dtype=pl.Int64).alias("received_at_us"),
            )
        )
    evaluate(store, start=data.window_from, end=data.window_to, now=data.window_to)
    with store.snapshot() as snapshot:
        repository = AlertsRepository(snapshot.connection)
        alerts = [
            a
            for a in repository.alerts(limit=100_000)
            if a.last_end > data.window_from and a.window_start < data.window_to
        ]
        return [
            AlertDetails(a, repository.evidence(a.id), tuple(repository.events(a.id)))
            for a in sorted(alerts, key=lambda a: (a.window_start, a.rule.value, a.subject))
        ]
