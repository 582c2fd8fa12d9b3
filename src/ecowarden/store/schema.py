"""The database schema, SQLAlchemy 2 Core, one definition for SQLite and PostgreSQL.

Conventions (docs/decisions/0006-store.md, docs/data-dictionary.md):

- Instants are integers in UTC on both engines: interval starts in whole seconds (``*_s``), other
  instants in microseconds (``*_at_us``). No engine-specific timestamp type, so both engines store
  and compare the same numbers.
- Vocabularies (periods, flags, kinds) are checked by ``CHECK (col = 'a' OR col = 'b' …)``: an
  OR chain costs SQLite a fraction of what ``IN (…)`` costs per inserted row.
- Readings are keyed by their natural key; SQLite stores them WITHOUT ROWID so the key is the
  clustered index and a station-year is one contiguous range.
- Append-only rules (readings' original values, revisions, audit log, raw packets) are enforced by
  triggers created in the initial migration.
- Materialised results (daily AQI, monthly water classes, daily Ld / Ln; migration 0002) are
  derived from readings and recomputed by ``services.materialise``; local days are DATE columns.
- Supervision (migration 0004): telemetry keyed by equipment / object / monitor and instant,
  zones, shutdown orders, O&M records, alerts; alert events and evidence are append-only.

The migrations in ``store/migrations/versions`` are the source of the database; this module
mirrors them for queries and is compared with them by the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from ecowarden.registry.enterprises import Averaging, ManagementCategory
from ecowarden.registry.parameters import Medium
from ecowarden.registry.readings import FLAG_CODES, Period
from ecowarden.registry.sites import NoiseZone, OutletMedium, SiteKind, WaterBody, WaterClass
from ecowarden.standards.air.editions import AqiStandard
from ecowarden.standards.water.items import WaterClass as WaterQualityClass
from ecowarden.supervision.alerts import AlertAction, AlertState
from ecowarden.supervision.electricity import EquipmentRole
from ecowarden.supervision.findings import RuleCode, Severity
from ecowarden.supervision.geofence import PositionSource, ProtectionTier
from ecowarden.supervision.noise_windows import MonitorKind
from ecowarden.supervision.zones import ZoneKind

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLite gives a rowid alias (and so autoincrement) only to a column declared INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

PERIOD_COMMANDS: Final = tuple(period.command for period in Period)
REVISION_KINDS: Final = ("resend", "correction")
SOURCE_KINDS: Final = ("import", "hj212", "mqtt", "manual", "api")
AUDIT_OUTCOMES: Final = ("ok", "refused")


def one_of(column: str, values: Iterable[str | int]) -> str:
    """SQL text ``column = v1 OR column = v2 …`` for a CHECK constraint over constants."""
    terms = []
    for value in values:
        literal = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
        terms.append(f"{column} = {literal}")
    return "(" + " OR ".join(terms) + ")"


def _values(enum: Iterable[object]) -> list[str]:
    return [str(getattr(member, "value", member)) for member in enum]


parameters = Table(
    "parameters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("medium", String(8), nullable=False),
    Column("amount_unit", String(16)),
    Column("code_2005", String(8)),
    Column("data_type", String(8)),
    Column("printed_unit", String(32)),
    CheckConstraint(one_of("medium", _values(Medium)), name="medium"),
)

enterprises = Table(
    "enterprises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("management_category", String(16), nullable=False),
    Column("industry", String(200)),
    Column("address", String(200)),
    Column("updated_at_us", BigInteger, nullable=False),
    CheckConstraint(
        one_of("management_category", _values(ManagementCategory)), name="management_category"
    ),
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lon", Double, nullable=False),
    Column("lat", Double, nullable=False),
    Column("noise_zone", String(2)),
    Column("water_body", String(8)),
    Column("target_class", String(3)),
    Column("updated_at_us", BigInteger, nullable=False),
    CheckConstraint(one_of("kind", _values(SiteKind)), name="kind"),
    CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="wgs84"),
    CheckConstraint(
        "(kind = 'noise_station') = (noise_zone IS NOT NULL)"
        f" AND (noise_zone IS NULL OR {one_of('noise_zone', _values(NoiseZone))})",
        name="noise_zone",
    ),
    CheckConstraint(
        "(kind = 'water_section' OR kind = 'drinking_water_source')"
        " = (water_body IS NOT NULL AND target_class IS NOT NULL)"
        f" AND (water_body IS NULL OR {one_of('water_body', _values(WaterBody))})"
        f" AND (target_class IS NULL OR {one_of('target_class', _values(WaterClass))})",
        name="water",
    ),
)

outlets = Table(
    "outlets",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), primary_key=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("medium", String(8), nullable=False),
    CheckConstraint(one_of("medium", _values(OutletMedium)), name="medium"),
)

emission_limits = Table(
    "emission_limits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outlet_site_id", Integer, ForeignKey("outlets.site_id"), nullable=False),
    Column("parameter_id", Integer, ForeignKey("parameters.id"), nullable=False),
    Column("limit_value", Double, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("averaging", String(8), nullable=False),
    Column("reference_o2_pct", Double),
    Column("lower_limit", Double),
    Column("updated_at_us", BigInteger, nullable=False),
    UniqueConstraint("outlet_site_id", "parameter_id", "averaging"),
    CheckConstraint("limit_value > 0", name="positive"),
    CheckConstraint(one_of("averaging", _values(Averaging)), name="averaging"),
    CheckConstraint(
        "reference_o2_pct IS NULL OR (reference_o2_pct >= 0 AND reference_o2_pct < 21)",
        name="reference_o2",
    ),
    CheckConstraint("lower_limit IS NULL OR lower_limit < limit_value", name="lower_limit"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mn", String(24), nullable=False, unique=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False, index=True),
    Column("password_hash", String(200), nullable=False),
    Column("updated_at_us", BigInteger, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(300), nullable=False),
    Column("first_seen_us", BigInteger, nullable=False),
    UniqueConstraint("kind", "name"),
    CheckConstraint(one_of("kind", SOURCE_KINDS), name="kind"),
)

READING_KEY: Final = ("site_id", "parameter_id", "period", "start_s")

readings = Table(
    "readings",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("parameter_id", Integer, ForeignKey("parameters.id"), nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("start_s", BigInteger, nullable=False),
    Column("value", Double),
    Column("flag", String(2), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("received_at_us", BigInteger, nullable=False),
    Column("revision", Integer, nullable=False, server_default=text("0")),
    Column("conflict", Boolean, nullable=False, server_default=false()),
    PrimaryKeyConstraint(*READING_KEY),
    CheckConstraint(one_of("period", PERIOD_COMMANDS), name="period"),
    CheckConstraint(one_of("flag", FLAG_CODES), name="flag"),
    CheckConstraint("revision >= 0", name="revision"),
    # The few revised or conflicting readings, found without scanning the rest (read()).
    Index(
        "ix_readings_marked",
        *READING_KEY,
        sqlite_where=text("revision <> 0 OR conflict"),
        postgresql_where=text("revision <> 0 OR conflict"),
    ),
    sqlite_with_rowid=False,
)

reading_revisions = Table(
    "reading_revisions",
    metadata,
    Column("site_id", Integer, nullable=False),
    Column("parameter_id", Integer, nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("start_s", BigInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Double),
    Column("flag", String(2), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("recorded_at_us", BigInteger, nullable=False),
    Column("actor", String(100)),
    Column("reason", String(500)),
    PrimaryKeyConstraint(*READING_KEY, "revision"),
    ForeignKeyConstraint(
        list(READING_KEY),
        [f"readings.{column}" for column in READING_KEY],
        name="fk_reading_revisions_readings",
    ),
    Index("ix_reading_revisions_recorded_at_us", "recorded_at_us"),
    CheckConstraint("revision >= 1", name="revision"),
    CheckConstraint(one_of("kind", REVISION_KINDS), name="kind"),
    CheckConstraint(one_of("flag", FLAG_CODES), name="flag"),
    CheckConstraint(
        "kind <> 'correction' OR (actor IS NOT NULL AND reason IS NOT NULL)", name="who_why"
    ),
    sqlite_with_rowid=False,
)

raw_packets = Table(
    "raw_packets",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("received_at_us", BigInteger, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("peer", String(100), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("mn", String(24)),
    Column("refusal", String(64)),
    Index("ix_raw_packets_mn_received_at_us", "mn", "received_at_us"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at_us", BigInteger, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_type", String(64), nullable=False),
    Column("object_id", String(200)),
    Column("outcome", String(8), nullable=False),
    Column("source_ip", String(64)),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False),
    CheckConstraint(one_of("outcome", AUDIT_OUTCOMES), name="outcome"),
)


# --- materialised results (migration 0002) ----------------------------------------------------

#: GB 3838-2002 classes a water sample can take, 劣V included [GB3838-2002].
WATER_QUALITY_CLASSES: Final = tuple(_values(WaterQualityClass))
#: HJ 633 editions a daily AQI is computed under [HJ633-2012] [HJ633-2026].
AQI_STANDARDS: Final = tuple(_values(AqiStandard))


def _daily_aqi_columns() -> list[Column[object]]:
    """The columns a station's and the county's daily AQI share."""
    return [
        Column("day", Date, nullable=False),
        Column("standard", String(16), nullable=False),
        Column("aqi", SmallInteger),
        Column("aqi_from_available", SmallInteger),
        Column("category", SmallInteger),
        Column("primary_pollutants", String(40), nullable=False),
        Column("publishable", Boolean, nullable=False),
        Column("valid_day", Boolean, nullable=False),
        Column("missing_items", String(100), nullable=False),
        Column("computed_at_us", BigInteger, nullable=False),
    ]


daily_aqi = Table(
    "daily_aqi",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    *_daily_aqi_columns(),
    PrimaryKeyConstraint("site_id", "day"),
    CheckConstraint(one_of("standard", AQI_STANDARDS), name="standard"),
    CheckConstraint("category IS NULL OR (category >= 1 AND category <= 6)", name="category"),
)

daily_aqi_county = Table(
    "daily_aqi_county",
    metadata,
    *_daily_aqi_columns(),
    Column("stations", SmallInteger, nullable=False),
    PrimaryKeyConstraint("day"),
    CheckConstraint(one_of("standard", AQI_STANDARDS), name="standard"),
    CheckConstraint("category IS NULL OR (category >= 1 AND category <= 6)", name="category"),
    CheckConstraint("stations >= 1", name="stations"),
)

water_monthly = Table(
    "water_monthly",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("month", SmallInteger, nullable=False),
    Column("water_class", String(3)),
    Column("limiting_items", String(200), nullable=False),
    Column("main_pollutants", String(300), nullable=False),
    Column("cwqi", Double),
    Column("n_samples", Integer, nullable=False),
    Column("missing_items", String(300), nullable=False),
    Column("computed_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("site_id", "year", "month"),
    CheckConstraint("month >= 1 AND month <= 12", name="month"),
    CheckConstraint(
        f"water_class IS NULL OR {one_of('water_class', WATER_QUALITY_CLASSES)}",
        name="water_class",
    ),
    CheckConstraint("n_samples >= 1", name="n_samples"),
)

noise_daily = Table(
    "noise_daily",
    metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("ld", Double),
    Column("ln", Double),
    Column("day_hours", SmallInteger, nullable=False),
    Column("night_hours", SmallInteger, nullable=False),
    Column("ld_valid", Boolean, nullable=False),
    Column("ln_valid", Boolean, nullable=False),
    Column("computed_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("site_id", "day"),
    CheckConstraint("day_hours >= 0 AND day_hours <= 24", name="day_hours"),
    CheckConstraint("night_hours >= 0 AND night_hours <= 24", name="night_hours"),
)


# --- gateway: platform commands and packet anomalies (migration 0003) -------------------------

#: Life of a platform command (ingest/commands.py): queued -> sent -> accepted (9011 QnRtn=1) or
#: refused (other QnRtn) -> done (9012 ExeRtn) ; failed / expired when answers do not come.
COMMAND_STATUSES: Final = ("queued", "sent", "accepted", "refused", "done", "failed", "expired")
#: What an accepted packet may carry beside its readings (services/ingest.py).
ANOMALY_KINDS: Final = (
    "future_time",
    "stale_time",
    "misaligned_time",
    "unknown_parameter",
    "unknown_flag",
    "value_not_finite",
)

device_commands = Table(
    "device_commands",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("mn", String(24), nullable=False),
    Column("cn", Integer, nullable=False),
    Column("qn", String(20), nullable=False),
    Column("cp", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("actor", String(100), nullable=False),
    Column("queued_at_us", BigInteger, nullable=False),
    Column("sent_at_us", BigInteger),
    Column("finished_at_us", BigInteger),
    Column("qn_rtn", Integer),
    Column("exe_rtn", Integer),
    UniqueConstraint("mn", "qn"),
    Index("ix_device_commands_status_mn", "status", "mn"),
    CheckConstraint(one_of("status", COMMAND_STATUSES), name="status"),
    CheckConstraint("cn >= 0 AND cn <= 9999", name="cn"),
    CheckConstraint("attempts >= 0", name="attempts"),
)

device_command_answers = Table(
    "device_command_answers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "command_id",
        BigInteger,
        ForeignKey("device_commands.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("cn", Integer, nullable=False),
    Column("code", Integer),
    Column("received_at_us", BigInteger, nullable=False),
    Column(
        "raw_packet_id",
        BigInteger,
        ForeignKey("raw_packets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    CheckConstraint("cn = 9011 OR cn = 9012", name="cn"),
)

packet_anomalies = Table(
    "packet_anomalies",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "raw_packet_id",
        BigInteger,
        ForeignKey("raw_packets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("mn", String(24)),
    Column("kind", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("at_us", BigInteger, nullable=False),
    Index("ix_packet_anomalies_mn_at_us", "mn", "at_us"),
    CheckConstraint(one_of("kind", ANOMALY_KINDS), name="kind"),
)


# --- supervision: telemetry, zones, alerts (migration 0004) -------------------------------------

EQUIPMENT_ROLES: Final = tuple(_values(EquipmentRole))
POSITION_SOURCES: Final = tuple(_values(PositionSource))
MONITOR_KINDS: Final = tuple(_values(MonitorKind))
NOISE_INTERVALS_S: Final = (1, 60)
ZONE_KINDS: Final = tuple(_values(ZoneKind))
PROTECTION_TIERS: Final = tuple(_values(ProtectionTier))
RULES: Final = tuple(_values(RuleCode))
SEVERITIES: Final = tuple(_values(Severity))
ALERT_STATES: Final = tuple(_values(AlertState))
ALERT_ACTIONS: Final = tuple(_values(AlertAction))

equipment = Table(
    "equipment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("line", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("rated_kw", Double),
    Column("updated_at_us", BigInteger, nullable=False),
    CheckConstraint(one_of("role", EQUIPMENT_ROLES), name="role"),
    CheckConstraint("rated_kw IS NULL OR rated_kw > 0", name="rated_kw"),
)

meter_readings = Table(
    "meter_readings",
    metadata,
    Column("equipment_id", Integer, ForeignKey("equipment.id"), nullable=False),
    Column("at_s", BigInteger, nullable=False),
    Column("power_kw", Double),
    Column("current_a", Double),
    Column("switch_on", Boolean),
    Column("received_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("equipment_id", "at_s"),
    CheckConstraint(
        "power_kw IS NOT NULL OR current_a IS NOT NULL OR switch_on IS NOT NULL", name="some_value"
    ),
    sqlite_with_rowid=False,
)

positions = Table(
    "positions",
    metadata,
    Column("device", String(32), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("at_us", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lon", Double, nullable=False),
    Column("lat", Double, nullable=False),
    Column("datum", String(8), nullable=False),
    Column("source", String(8), nullable=False),
    Column("received_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("device", "object_id", "at_us"),
    Index("ix_positions_at_us", "at_us"),
    CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="wgs84"),
    CheckConstraint(one_of("source", POSITION_SOURCES), name="source"),
    sqlite_with_rowid=False,
)

noise_monitors = Table(
    "noise_monitors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("lon", Double, nullable=False),
    Column("lat", Double, nullable=False),
    Column("updated_at_us", BigInteger, nullable=False),
    CheckConstraint(one_of("kind", MONITOR_KINDS), name="kind"),
    CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="wgs84"),
)

noise_levels = Table(
    "noise_levels",
    metadata,
    Column("monitor_id", Integer, ForeignKey("noise_monitors.id"), nullable=False),
    Column("at_s", BigInteger, nullable=False),
    Column("interval_s", SmallInteger, nullable=False),
    Column("leq_dba", Double, nullable=False),
    Column("lmax_dba", Double),
    Column("received_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("monitor_id", "interval_s", "at_s"),
    CheckConstraint(one_of("interval_s", NOISE_INTERVALS_S), name="interval_s"),
    CheckConstraint("leq_dba >= 0 AND leq_dba <= 160", name="leq_dba"),
    CheckConstraint("lmax_dba IS NULL OR lmax_dba >= leq_dba", name="lmax_dba"),
    sqlite_with_rowid=False,
)

zones = Table(
    "zones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("tier", String(8)),
    Column("noise_zone", String(2)),
    Column("limit_dba", Double),
    Column("buffer_m", Double),
    Column("periods", Text),
    Column("geometry", Text, nullable=False),
    Column("updated_at_us", BigInteger, nullable=False),
    CheckConstraint(one_of("kind", ZONE_KINDS), name="kind"),
    CheckConstraint(
        "(kind = 'protection') = (tier IS NOT NULL)"
        f" AND (tier IS NULL OR {one_of('tier', PROTECTION_TIERS)})",
        name="tier",
    ),
    CheckConstraint(
        "(kind = 'noise_zone') = (noise_zone IS NOT NULL)"
        f" AND (noise_zone IS NULL OR {one_of('noise_zone', _values(NoiseZone))})",
        name="noise_zone",
    ),
    CheckConstraint(
        "(kind = 'noise_window') = (limit_dba IS NOT NULL AND periods IS NOT NULL"
        " AND buffer_m IS NOT NULL)",
        name="noise_window",
    ),
)

shutdown_orders = Table(
    "shutdown_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("from_s", BigInteger, nullable=False),
    Column("to_s", BigInteger, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("recorded_at_us", BigInteger, nullable=False),
    CheckConstraint("to_s > from_s", name="period"),
)

maintenance_records = Table(
    "maintenance_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False, index=True),
    Column("from_s", BigInteger, nullable=False),
    Column("to_s", BigInteger, nullable=False),
    Column("note", String(500), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("recorded_at_us", BigInteger, nullable=False),
    CheckConstraint("to_s > from_s", name="period"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("rule", String(32), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id")),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id")),
    Column("parameter", String(16)),
    Column("severity", String(8), nullable=False),
    Column("state", String(16), nullable=False),
    Column("window_start_s", BigInteger, nullable=False),
    Column("window_end_s", BigInteger, nullable=False),
    Column("last_end_s", BigInteger, nullable=False),
    Column("message", String(500), nullable=False),
    Column("value", Double),
    Column("threshold", Double),
    Column("occurrences", Integer, nullable=False),
    Column("escalation_level", Integer, nullable=False),
    Column("opened_at_us", BigInteger, nullable=False),
    Column("updated_at_us", BigInteger, nullable=False),
    Column("escalated_at_us", BigInteger),
    Column("case_ref", String(64)),
    Index("ix_alerts_state_opened_at_us", "state", "opened_at_us"),
    Index("ix_alerts_rule_subject", "rule", "subject"),
    CheckConstraint(one_of("rule", RULES), name="rule"),
    CheckConstraint(one_of("severity", SEVERITIES), name="severity"),
    CheckConstraint(one_of("state", ALERT_STATES), name="state"),
    CheckConstraint("occurrences >= 1 AND escalation_level >= 0", name="counts"),
    CheckConstraint("window_end_s > window_start_s AND last_end_s >= window_end_s", name="window"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("alert_id", BigInteger, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("at_us", BigInteger, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("reason", String(500)),
    CheckConstraint(one_of("action", ALERT_ACTIONS), name="action"),
    CheckConstraint(one_of("to_state", ALERT_STATES), name="to_state"),
)

alert_evidence = Table(
    "alert_evidence",
    metadata,
    Column("alert_id", BigInteger, ForeignKey("alerts.id"), primary_key=True, autoincrement=False),
    Column("content", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("recorded_at_us", BigInteger, nullable=False),
)

supervision_runs = Table(
    "supervision_runs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("started_at_us", BigInteger, nullable=False),
    Column("window_from_s", BigInteger, nullable=False),
    Column("window_to_s", BigInteger, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("opened", Integer, nullable=False),
    Column("recurred", Integer, nullable=False),
    CheckConstraint("window_to_s >= window_from_s", name="window"),
)
