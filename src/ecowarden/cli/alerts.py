"""``ecowarden alerts``: the alert queue — list, show, act on alerts, evaluate the rules."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from ecowarden.cli.common import ActorOption, DatabaseOption, actor_name, console, opened_store
from ecowarden.cli.readings import parse_bound
from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.services.supervision import (
    act_on_alert,
    alert_details,
    evaluate,
    list_alerts,
    run_scheduled,
)
from ecowarden.store.alerts import StoredAlert
from ecowarden.supervision.alerts import AlertAction
from ecowarden.supervision.config import RuleSettings, load_rule_settings

app = typer.Typer(name="alerts", help="告警 / Alerts.", no_args_is_help=True, add_completion=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AlertId = Annotated[int, typer.Argument(help="Alert id.", show_default=False)]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (recorded in the events).")]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Rule configuration (YAML or JSON; docs/supervision.md)."),
]


def _settings(config: Path | None) -> RuleSettings:
    if config is None:
        return RuleSettings()
    text = config.read_text(encoding="utf-8-sig")
    document = yaml.safe_load(text) if config.suffix in (".yaml", ".yml") else json.loads(text)
    return load_rule_settings(document)


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _table(alerts: list[StoredAlert]) -> Table:
    table = Table("id", "state", "severity", "rule", "subject", "window (local)", "message")
    for alert in alerts:
        start = alert.window_start.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            str(alert.id),
            alert.state.label,
            alert.severity.label + ("↑" * alert.escalation_level),
            alert.rule.label,
            alert.subject,
            start,
            alert.message,
        )
    return table


@app.command("list")
def list_command(
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="open, acknowledged, dispatched, closed, dismissed (repeat)."),
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Rule code.")] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Subject (site, line …).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """List alerts, newest first."""
    with opened_store(database) as store:
        alerts = list_alerts(store, states=state, rule=rule, subject=subject, limit=limit)
    if as_json:
        _print_json([alert.as_dict() for alert in alerts])
    else:
        console.print(_table(alerts))


@app.command("show")
def show(alert_id: AlertId, as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """Show an alert with its evidence snapshot and its events."""
    with opened_store(database) as store:
        details = alert_details(store, alert_id)
    if as_json:
        _print_json(details.as_dict())
        return
    alert = details.alert
    console.print(
        f"#{alert.id} {alert.rule.label} — {alert.message}",
        style="bold",
        highlight=False,
        markup=False,
    )
    console.print(
        f"state {alert.state.label}, severity {alert.severity.label}, escalation "
        f"{alert.escalation_level}, occurrences {alert.occurrences}, case {alert.case_ref or '—'}",
        highlight=False,
    )
    facts = details.evidence.content.get("facts", {})
    for key, value in facts.items():
        console.print(f"  {key}: {value}", highlight=False, markup=False)
    readings = details.evidence.content.get("readings", [])
    console.print(
        f"  readings: {len(readings)} (evidence sha256 {details.evidence.sha256[:16]}…, "
        f"{'intact' if details.evidence.intact else 'ALTERED'})",
        highlight=False,
    )
    for event in details.events:
        console.print(
            f"  {event.at.isoformat()} {event.actor} {event.action.value} → "
            f"{event.to_state.value}{'：' + event.reason if event.reason else ''}",
            highlight=False,
            markup=False,
        )


def _act(
    alert_id: int,
    action: AlertAction,
    reason: str | None,
    actor: str | None,
    as_json: bool,
    database: str | None,
) -> None:
    with opened_store(database) as store:
        alert = act_on_alert(store, alert_id, action, actor=actor_name(actor), reason=reason)
    if as_json:
        _print_json(alert.as_dict())
    else:
        console.print(f"alert {alert.id}: {alert.state.value}", highlight=False)


@app.command("ack")
def ack(
    alert_id: AlertId,
    reason: ReasonOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Acknowledge an open alert."""
    _act(alert_id, AlertAction.ACKNOWLEDGE, reason, actor, as_json, database)


@app.command("dispatch")
def dispatch(
    alert_id: AlertId,
    reason: ReasonOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Dispatch an acknowledged alert to an officer."""
    _act(alert_id, AlertAction.DISPATCH, reason, actor, as_json, database)


@app.command("close")
def close(
    alert_id: AlertId,
    reason: ReasonOption = None,
    case: Annotated[
        str | None, typer.Option("--case", help="Hand off to this enforcement case first.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Close an acknowledged or dispatched alert (needs --reason)."""
    if case is not None:
        with opened_store(database) as store:
            act_on_alert(
                store, alert_id, AlertAction.HAND_OFF, actor=actor_name(actor), reason=case
            )
    _act(alert_id, AlertAction.CLOSE, reason, actor, as_json, database)


@app.command("dismiss")
def dismiss(
    alert_id: AlertId,
    reason: ReasonOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Dismiss an alert as false (needs --reason)."""
    _act(alert_id, AlertAction.DISMISS, reason, actor, as_json, database)


@app.command("evaluate")
def evaluate_command(
    start_from: Annotated[
        str | None, typer.Option("--from", help="Window start: date or date-time with offset.")
    ] = None,
    start_to: Annotated[str | None, typer.Option("--to", help="Window end (exclusive).")] = None,
    every: Annotated[
        float | None,
        typer.Option("--every", help="Keep evaluating, every this many seconds (scheduler)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Evaluate the rules: over --from/--to, or from the previous run's end to now."""
    with opened_store(database) as store:
        # Inside the store's block: a refused configuration ends as one clear error line.
        settings = _settings(config)
        if (start_from is None) != (start_to is None):
            raise ValidationError("give both --from and --to, or neither")
        while True:
            if start_from is not None and start_to is not None:
                report = evaluate(
                    store,
                    start=parse_bound(start_from),
                    end=parse_bound(start_to),
                    settings=settings,
                )
            else:
                report = run_scheduled(store, settings=settings)
            summary = {
                "from": report.window_from.isoformat(),
                "to": report.window_to.isoformat(),
                "findings": len(report.findings),
                "opened": list(report.opened),
                "recurred": report.recurred,
                "escalated": report.escalated,
            }
            if as_json:
                _print_json(summary)
            else:
                console.print(
                    f"{summary['from']} … {summary['to']}: {summary['findings']} findings, "
                    f"{len(report.opened)} alerts opened, {report.recurred} recurrences, "
                    f"{report.escalated} escalated",
                    highlight=False,
                )
            if every is None:
                break
            time.sleep(every)
