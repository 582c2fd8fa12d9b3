"""Alerts: the queue's rows, their append-only events and immutable evidence, evaluation runs.

An alert row holds the current state of one (rule, subject, dedupe window); every change to it is
also an ``alert_events`` row (who, when, what, why) and the evidence that opened it is stored once
in ``alert_evidence`` as canonical JSON with its SHA-256 (both tables refuse UPDATE and DELETE).
State changes go through the transitions table of :mod:`ecowarden.supervision.alerts`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ecowarden.errors import UnknownNameError
from ecowarden.store.audit import canonical_json
from ecowarden.store.instants import from_epoch_s, from_epoch_us
from ecowarden.store.schema import (
    alert_events,
    alert_evidence,
    alerts,
    enterprises,
    outlets,
    sites,
    supervision_runs,
)
from ecowarden.supervision.alerts import AlertAction, AlertState, next_state, parse_state
from ecowarden.supervision.findings import Finding, RuleCode, Severity


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: its finding's figures and where it stands."""

    id: int
    rule: RuleCode
    subject: str
    site: str | None
    enterprise: str | None
    parameter: str | None
    severity: Severity
    state: AlertState
    window_start: dt.datetime
    window_end: dt.datetime
    last_end: dt.datetime
    message: str
    value: float | None
    threshold: float | None
    occurrences: int
    escalation_level: int
    opened_at: dt.datetime
    updated_at: dt.datetime
    escalated_at: dt.datetime | None
    case_ref: str | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (instants in ISO 8601, UTC)."""
        return {
            "id": self.id,
            "rule": self.rule.value,
            "rule_label": self.rule.label,
            "subject": self.subject,
            "site": self.site,
            "enterprise": self.enterprise,
            "parameter": self.parameter,
            "severity": self.severity.value,
            "state": self.state.value,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "last_end": self.last_end.isoformat(),
            "message": self.message,
            "value": self.value,
            "threshold": self.threshold,
            "occurrences": self.occurrences,
            "escalation_level": self.escalation_level,
            "opened_at": self.opened_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "escalated_at": None if self.escalated_at is None else self.escalated_at.isoformat(),
            "case_ref": self.case_ref,
        }


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One change of an alert."""

    at: dt.datetime
    actor: str
    action: AlertAction
    from_state: AlertState | None
    to_state: AlertState
    reason: str | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action.value,
            "from_state": None if self.from_state is None else self.from_state.value,
            "to_state": self.to_state.value,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class StoredEvidence:
    """The evidence snapshot of an alert, with the SHA-256 of its canonical JSON."""

    content: dict[str, Any]
    sha256: str
    recorded_at: dt.datetime

    @property
    def intact(self) -> bool:
        """Whether the stored content still hashes to the stored SHA-256."""
        return hashlib.sha256(canonical_json(self.content).encode()).hexdigest() == self.sha256


@dataclass(frozen=True, slots=True)
class SupervisionRun:
    """One evaluation run: the window it covered and what it found."""

    started_at: dt.datetime
    window_from: dt.datetime
    window_to: dt.datetime
    findings: int
    opened: int
    recurred: int


def _alert_query() -> Any:
    return select(alerts, sites.c.code.label("site_code"), enterprises.c.credit_code).select_from(
        alerts.outerjoin(sites, sites.c.id == alerts.c.site_id).outerjoin(
            enterprises, enterprises.c.id == alerts.c.enterprise_id
        )
    )


def _alert(row: Any) -> StoredAlert:
    return StoredAlert(
        id=int(row.id),
        rule=RuleCode(row.rule),
        subject=row.subject,
        site=row.site_code,
        enterprise=row.credit_code,
        parameter=row.parameter,
        severity=Severity(row.severity),
        state=AlertState(row.state),
        window_start=from_epoch_s(row.window_start_s),
        window_end=from_epoch_s(row.window_end_s),
        last_end=from_epoch_s(row.last_end_s),
        message=row.message,
        value=row.value,
        threshold=row.threshold,
        occurrences=int(row.occurrences),
        escalation_level=int(row.escalation_level),
        opened_at=from_epoch_us(row.opened_at_us),
        updated_at=from_epoch_us(row.updated_at_us),
        escalated_at=None if row.escalated_at_us is None else from_epoch_us(row.escalated_at_us),
        case_ref=row.case_ref,
    )


class AlertsRepository:
    """Read and change alerts through one connection (the caller owns the transaction)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def enterprise_ids(self) -> tuple[dict[str, int], dict[str, int]]:
        """(outlet site code → enterprise id, credit code → enterprise id): whom an alert is
        about."""
        outlet_rows = self._connection.execute(
            select(sites.c.code, outlets.c.enterprise_id).join(
                outlets, outlets.c.site_id == sites.c.id
            )
        )
        enterprise_rows = self._connection.execute(
            select(enterprises.c.credit_code, enterprises.c.id)
        )
        return (
            {str(code): int(eid) for code, eid in outlet_rows},
            {str(code): int(eid) for code, eid in enterprise_rows},
        )

    def alert_id(self, dedupe_key: str) -> tuple[int, int] | None:
        """(id, last_end_s) of the alert holding ``dedupe_key``, or None."""
        row = self._connection.execute(
            select(alerts.c.id, alerts.c.last_end_s).where(alerts.c.dedupe_key == dedupe_key)
        ).first()
        return None if row is None else (int(row.id), int(row.last_end_s))

    def open(
        self,
        finding: Finding,
        *,
        dedupe_key: str,
        site_id: int | None,
        enterprise_id: int | None,
        at_us: int,
        actor: str,
    ) -> int:
        """Store a new alert for ``finding`` with its evidence snapshot and its first event."""
        alert_id = int(
            self._connection.execute(
                insert(alerts)
                .values(
                    dedupe_key=dedupe_key,
                    rule=finding.rule.value,
                    subject=finding.subject,
                    site_id=site_id,
                    enterprise_id=enterprise_id,
                    parameter=finding.parameter,
                    severity=finding.severity.value,
                    state=AlertState.OPEN.value,
                    window_start_s=finding.start_s,
                    window_end_s=finding.end_s,
                    last_end_s=finding.end_s,
                    message=finding.message[:500],
                    value=finding.value,
                    threshold=finding.threshold,
                    occurrences=1,
                    escalation_level=0,
                    opened_at_us=at_us,
                    updated_at_us=at_us,
                )
                .returning(alerts.c.id)
            ).scalar_one()
        )
        content = canonical_json(finding.evidence.as_dict())
        self._connection.execute(
            insert(alert_evidence).values(
                alert_id=alert_id,
                content=content,
                sha256=hashlib.sha256(content.encode()).hexdigest(),
                recorded_at_us=at_us,
            )
        )
        self._event(alert_id, at_us, actor, AlertAction.OPEN, None, AlertState.OPEN, None)
        return alert_id

    def recur(self, alert_id: int, finding: Finding, *, at_us: int, actor: str) -> None:
        """The same rule fired again for the alert's subject and window, later: count it."""
        state = self._state(alert_id)
        target = next_state(state, AlertAction.RECUR)
        self._connection.execute(
            update(alerts)
            .where(alerts.c.id == alert_id)
            .values(
                occurrences=alerts.c.occurrences + 1,
                last_end_s=func.max(alerts.c.last_end_s, finding.end_s)
                if self._connection.dialect.name == "sqlite"
                else func.greatest(alerts.c.last_end_s, finding.end_s),
                updated_at_us=at_us,
            )
        )
        self._event(alert_id, at_us, actor, AlertAction.RECUR, state, target, finding.message[:500])

    def _state(self, alert_id: int) -> AlertState:
        state = self._connection.execute(
            select(alerts.c.state).where(alerts.c.id == alert_id)
        ).scalar_one_or_none()
        if state is None:
            raise UnknownNameError("alert", alert_id, self._some_ids())
        return AlertState(state)

    def _some_ids(self) -> list[str]:
        ids = self._connection.execute(
            select(alerts.c.id).order_by(alerts.c.id.desc()).limit(20)
        ).scalars()
        return [str(i) for i in ids]

    def _event(
        self,
        alert_id: int,
        at_us: int,
        actor: str,
        action: AlertAction,
        from_state: AlertState | None,
        to_state: AlertState,
        reason: str | None,
    ) -> None:
        self._connection.execute(
            insert(alert_events).values(
                alert_id=alert_id,
                at_us=at_us,
                actor=actor,
                action=action.value,
                from_state=None if from_state is None else from_state.value,
                to_state=to_state.value,
                reason=reason,
            )
        )

    def act(
        self,
        alert_id: int,
        action: AlertAction,
        *,
        actor: str,
        reason: str | None,
        at_us: int,
    ) -> StoredAlert:
        """Apply a person's or the scheduler's action (transitions table); returns the alert."""
        state = self._state(alert_id)
        target = next_state(state, action, reason)
        values: dict[str, object] = {"state": target.value, "updated_at_us": at_us}
        if action is AlertAction.ESCALATE:
            values["escalation_level"] = alerts.c.escalation_level + 1
            values["escalated_at_us"] = at_us
        if action is AlertAction.HAND_OFF:
            values["case_ref"] = (reason or "").strip()[:64]
        self._connection.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))
        self._event(alert_id, at_us, actor, action, state, target, reason)
        return self.get(alert_id)

    def get(self, alert_id: int) -> StoredAlert:
        """One alert; an unknown id raises :class:`UnknownNameError`."""
        row = self._connection.execute(_alert_query().where(alerts.c.id == alert_id)).first()
        if row is None:
            raise UnknownNameError("alert", alert_id, self._some_ids())
        return _alert(row)

    def alerts(
        self,
        *,
        states: Iterable[AlertState | str] | None = None,
        rule: RuleCode | None = None,
        subject: str | None = None,
        limit: int = 100,
    ) -> list[StoredAlert]:
        """Alerts, newest first, narrowed by state, rule and subject."""
        query = _alert_query().order_by(alerts.c.opened_at_us.desc(), alerts.c.id.desc())
        if states is not None:
            query = query.where(alerts.c.state.in_([parse_state(s).value for s in states]))
        if rule is not None:
            query = query.where(alerts.c.rule == rule.value)
        if subject is not None:
            query = query.where(alerts.c.subject == subject)
        return [_alert(row) for row in self._connection.execute(query.limit(limit))]

    def events(self, alert_id: int) -> list[AlertEvent]:
        """The alert's events, oldest first."""
        rows = self._connection.execute(
            select(alert_events)
            .where(alert_events.c.alert_id == alert_id)
            .order_by(alert_events.c.id)
        )
        return [
            AlertEvent(
                at=from_epoch_us(row.at_us),
                actor=row.actor,
                action=AlertAction(row.action),
                from_state=None if row.from_state is None else AlertState(row.from_state),
                to_state=AlertState(row.to_state),
                reason=row.reason,
            )
            for row in rows
        ]

    def evidence(self, alert_id: int) -> StoredEvidence:
        """The evidence snapshot the alert opened with."""
        row = self._connection.execute(
            select(alert_evidence).where(alert_evidence.c.alert_id == alert_id)
        ).first()
        if row is None:
            raise UnknownNameError("alert", alert_id, self._some_ids())
        return StoredEvidence(
            json.loads(row.content), row.sha256, from_epoch_us(row.recorded_at_us)
        )

    def record_run(self, run: SupervisionRun, *, started_at_us: int) -> None:
        """Remember an evaluation run (its window end is the next run's start)."""
        self._connection.execute(
            insert(supervision_runs).values(
                started_at_us=started_at_us,
                window_from_s=int(run.window_from.timestamp()),
                window_to_s=int(run.window_to.timestamp()),
                findings=run.findings,
                opened=run.opened,
                recurred=run.recurred,
            )
        )

    def last_window_end(self) -> dt.datetime | None:
        """The end of the latest evaluated window, or None before the first run."""
        value = self._connection.execute(
            select(func.max(supervision_runs.c.window_to_s))
        ).scalar_one_or_none()
        return None if value is None else from_epoch_s(int(value))
