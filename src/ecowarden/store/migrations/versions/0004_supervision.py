"""Supervision: meters, positions, noise monitors and levels, zones, shutdown orders, O&M
records, alerts with their events and evidence, evaluation runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Telemetry from MQTT (meters, positions, noise) has its own tables: the ``readings`` vocabulary is
HJ 212-2017 Appendix B, which has no codes for equipment power or object positions, and these
series are keyed by equipment, object and instant rather than by site and period
(docs/decisions/0010-supervision.md). Alert events and evidence are append-only (triggers); an
alert's own row holds its current state. Vocabularies are written out here, as in 0001, so that
this migration keeps creating the schema of its day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EQUIPMENT_ROLES = ("production", "control")
POSITION_SOURCES = ("gnss", "camera")
MONITOR_KINDS = ("construction", "ambient", "venue")
NOISE_INTERVALS_S = (1, 60)
ZONE_KINDS = ("protection", "noise_zone", "noise_window")
PROTECTION_TIERS = ("first", "second", "quasi")
NOISE_ZONES = ("0", "1", "2", "3", "4a", "4b")
RULES = (
    "emission_hour",
    "emission_day",
    "ambient_aqi",
    "water_below_target",
    "noise_zone",
    "device_offline",
    "transmission_gap",
    "valid_rate",
    "clock_drift",
    "flatline",
    "flow_zero_concentration",
    "dilution",
    "o2_ambient",
    "marked_exceedance",
    "conflicting_resend",
    "step_change",
    "parameter_change",
    "control_off",
    "control_idle",
    "control_late",
    "control_early",
    "shutdown_order",
    "fence_intrusion",
    "noise_window",
)
SEVERITIES = ("high", "medium", "low")
ALERT_STATES = ("open", "acknowledged", "dispatched", "closed", "dismissed")
ALERT_ACTIONS = (
    "open",
    "acknowledge",
    "dispatch",
    "close",
    "dismiss",
    "escalate",
    "hand_off",
    "recur",
)
WGS84 = "lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90"
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("alert_events", "alert_evidence")


def one_of(column: str, values: Sequence[str | int]) -> str:
    terms = []
    for value in values:
        literal = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
        terms.append(f"{column} = {literal}")
    return "(" + " OR ".join(terms) + ")"


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.Integer, nullable=False),
        sa.Column("line", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rated_kw", sa.Double),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
        sa.UniqueConstraint("code", name=op.f("uq_equipment_code")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_equipment_enterprise_id_enterprises"),
        ),
        check("equipment", "role", one_of("role", EQUIPMENT_ROLES)),
        check("equipment", "rated_kw", "rated_kw IS NULL OR rated_kw > 0"),
    )
    op.create_index(op.f("ix_equipment_enterprise_id"), "equipment", ["enterprise_id"])
    op.create_table(
        "meter_readings",
        sa.Column("equipment_id", sa.Integer, nullable=False),
        sa.Column("at_s", sa.BigInteger, nullable=False),
        sa.Column("power_kw", sa.Double),
        sa.Column("current_a", sa.Double),
        sa.Column("switch_on", sa.Boolean),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("equipment_id", "at_s", name=op.f("pk_meter_readings")),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name=op.f("fk_meter_readings_equipment_id_equipment"),
        ),
        check(
            "meter_readings",
            "some_value",
            "power_kw IS NOT NULL OR current_a IS NOT NULL OR switch_on IS NOT NULL",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "positions",
        sa.Column("device", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("lon", sa.Double, nullable=False),
        sa.Column("lat", sa.Double, nullable=False),
        sa.Column("datum", sa.String(8), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("device", "object_id", "at_us", name=op.f("pk_positions")),
        check("positions", "wgs84", WGS84),
        check("positions", "source", one_of("source", POSITION_SOURCES)),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_positions_at_us", "positions", ["at_us"])
    op.create_table(
        "noise_monitors",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("lon", sa.Double, nullable=False),
        sa.Column("lat", sa.Double, nullable=False),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noise_monitors")),
        sa.UniqueConstraint("code", name=op.f("uq_noise_monitors_code")),
        check("noise_monitors", "kind", one_of("kind", MONITOR_KINDS)),
        check("noise_monitors", "wgs84", WGS84),
    )
    op.create_table(
        "noise_levels",
        sa.Column("monitor_id", sa.Integer, nullable=False),
        sa.Column("at_s", sa.BigInteger, nullable=False),
        sa.Column("interval_s", sa.SmallInteger, nullable=False),
        sa.Column("leq_dba", sa.Double, nullable=False),
        sa.Column("lmax_dba", sa.Double),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("monitor_id", "interval_s", "at_s", name=op.f("pk_noise_levels")),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["noise_monitors.id"],
            name=op.f("fk_noise_levels_monitor_id_noise_monitors"),
        ),
        check("noise_levels", "interval_s", one_of("interval_s", NOISE_INTERVALS_S)),
        check("noise_levels", "leq_dba", "leq_dba >= 0 AND leq_dba <= 160"),
        check("noise_levels", "lmax_dba", "lmax_dba IS NULL OR lmax_dba >= leq_dba"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(8)),
        sa.Column("noise_zone", sa.String(2)),
        sa.Column("limit_dba", sa.Double),
        sa.Column("buffer_m", sa.Double),
        sa.Column("periods", sa.Text),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_zones_code")),
        check("zones", "kind", one_of("kind", ZONE_KINDS)),
        check(
            "zones",
            "tier",
            "(kind = 'protection') = (tier IS NOT NULL)"
            f" AND (tier IS NULL OR {one_of('tier', PROTECTION_TIERS)})",
        ),
        check(
            "zones",
            "noise_zone",
            "(kind = 'noise_zone') = (noise_zone IS NOT NULL)"
            f" AND (noise_zone IS NULL OR {one_of('noise_zone', NOISE_ZONES)})",
        ),
        check(
            "zones",
            "noise_window",
            "(kind = 'noise_window') = (limit_dba IS NOT NULL AND periods IS NOT NULL"
            " AND buffer_m IS NOT NULL)",
        ),
    )
    op.create_table(
        "shutdown_orders",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("enterprise_id", sa.Integer, nullable=False),
        sa.Column("from_s", sa.BigInteger, nullable=False),
        sa.Column("to_s", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("recorded_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shutdown_orders")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_shutdown_orders_enterprise_id_enterprises"),
        ),
        check("shutdown_orders", "period", "to_s > from_s"),
    )
    op.create_index(op.f("ix_shutdown_orders_enterprise_id"), "shutdown_orders", ["enterprise_id"])
    op.create_table(
        "maintenance_records",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("from_s", sa.BigInteger, nullable=False),
        sa.Column("to_s", sa.BigInteger, nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("recorded_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_records")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_maintenance_records_site_id_sites")
        ),
        check("maintenance_records", "period", "to_s > from_s"),
    )
    op.create_index(op.f("ix_maintenance_records_site_id"), "maintenance_records", ["site_id"])
    op.create_table(
        "alerts",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("dedupe_key", sa.String(300), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("site_id", sa.Integer),
        sa.Column("enterprise_id", sa.Integer),
        sa.Column("parameter", sa.String(16)),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("window_start_s", sa.BigInteger, nullable=False),
        sa.Column("window_end_s", sa.BigInteger, nullable=False),
        sa.Column("last_end_s", sa.BigInteger, nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("value", sa.Double),
        sa.Column("threshold", sa.Double),
        sa.Column("occurrences", sa.Integer, nullable=False),
        sa.Column("escalation_level", sa.Integer, nullable=False),
        sa.Column("opened_at_us", sa.BigInteger, nullable=False),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.Column("escalated_at_us", sa.BigInteger),
        sa.Column("case_ref", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_alerts_dedupe_key")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_alerts_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_alerts_enterprise_id_enterprises"),
        ),
        check("alerts", "rule", one_of("rule", RULES)),
        check("alerts", "severity", one_of("severity", SEVERITIES)),
        check("alerts", "state", one_of("state", ALERT_STATES)),
        check("alerts", "counts", "occurrences >= 1 AND escalation_level >= 0"),
        check(
            "alerts",
            "window",
            "window_end_s > window_start_s AND last_end_s >= window_end_s",
        ),
    )
    op.create_index("ix_alerts_state_opened_at_us", "alerts", ["state", "opened_at_us"])
    op.create_index("ix_alerts_rule_subject", "alerts", ["rule", "subject"])
    op.create_table(
        "alert_events",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("alert_id", sa.BigInteger, nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_events_alert_id_alerts")
        ),
        check("alert_events", "action", one_of("action", ALERT_ACTIONS)),
        check("alert_events", "to_state", one_of("to_state", ALERT_STATES)),
    )
    op.create_index(op.f("ix_alert_events_alert_id"), "alert_events", ["alert_id"])
    op.create_table(
        "alert_evidence",
        sa.Column("alert_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("recorded_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_alert_evidence")),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_evidence_alert_id_alerts")
        ),
    )
    op.create_table(
        "supervision_runs",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("started_at_us", sa.BigInteger, nullable=False),
        sa.Column("window_from_s", sa.BigInteger, nullable=False),
        sa.Column("window_to_s", sa.BigInteger, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("opened", sa.Integer, nullable=False),
        sa.Column("recurred", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_runs")),
        check("supervision_runs", "window", "window_to_s >= window_from_s"),
    )
    # Evidence and events are never changed (reliability-security.md I3): the same triggers as
    # the other append-only tables (ecowarden_refuse_change() comes from 0001 on PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ecowarden_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ecowarden_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
                )


def downgrade() -> None:
    # Dropping a table drops its triggers; DROP TABLE fires no row trigger.
    for table in (
        "supervision_runs",
        "alert_evidence",
        "alert_events",
        "alerts",
        "maintenance_records",
        "shutdown_orders",
        "zones",
        "noise_levels",
        "noise_monitors",
        "positions",
        "meter_readings",
        "equipment",
    ):
        op.drop_table(table)
