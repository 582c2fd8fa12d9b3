"""Initial schema: registry, parameters, readings with revisions, raw packets, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-11-28

Vocabularies are written out here, not imported, so that this migration keeps creating the
schema of its day when the code's vocabularies grow (a new flag is a new migration).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MEDIA = ("water", "air", "noise")
MANAGEMENT_CATEGORIES = ("key", "simplified", "registration")
SITE_KINDS = ("air_station", "water_section", "drinking_water_source", "noise_station", "outlet")
NOISE_ZONES = ("0", "1", "2", "3", "4a", "4b")
WATER_BODIES = ("river", "lake")
WATER_CLASSES = ("I", "II", "III", "IV", "V")
OUTLET_MEDIA = ("gas", "water")
AVERAGING = ("hour", "day")
SOURCE_KINDS = ("import", "hj212", "mqtt", "manual", "api")
# CN of the uploads: 2011 real-time, 2051 minute, 2061 hour, 2031 day (HJ 212-2017 Table 9).
PERIOD_COMMANDS = (2011, 2051, 2061, 2031)
# HJ 212-2017 Table 8, HJ/T 212-2005 P, CEMS practice St/Sd/Md, platform H.
FLAGS = ("N", "F", "M", "S", "D", "C", "T", "B", "P", "St", "Sd", "Md", "H")
REVISION_KINDS = ("resend", "correction")
AUDIT_OUTCOMES = ("ok", "refused")
READING_KEY = ("site_id", "parameter_id", "period", "start_s")


def one_of(column: str, values: Sequence[str | int]) -> str:
    terms = []
    for value in values:
        literal = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
        terms.append(f"{column} = {literal}")
    return "(" + " OR ".join(terms) + ")"


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Append-only rules (reliability-security.md I3, I6). SQLite: one trigger per refused operation.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER readings_no_delete BEFORE DELETE ON readings
    BEGIN SELECT RAISE(ABORT, 'readings are never deleted (I3)'); END""",
    """CREATE TRIGGER readings_keep_original BEFORE UPDATE ON readings
    WHEN NEW.site_id IS NOT OLD.site_id OR NEW.parameter_id IS NOT OLD.parameter_id
      OR NEW.period IS NOT OLD.period OR NEW.start_s IS NOT OLD.start_s
      OR NEW.value IS NOT OLD.value OR NEW.flag IS NOT OLD.flag
      OR NEW.source_id IS NOT OLD.source_id OR NEW.received_at_us IS NOT OLD.received_at_us
      OR (OLD.conflict AND NOT NEW.conflict)
    BEGIN SELECT RAISE(ABORT, 'readings keep their original values (I3)'); END""",
    """CREATE TRIGGER readings_revision_recorded BEFORE UPDATE OF revision ON readings
    WHEN NEW.revision <> OLD.revision AND (NEW.revision < OLD.revision OR NOT EXISTS (
      SELECT 1 FROM reading_revisions v
      WHERE v.site_id = NEW.site_id AND v.parameter_id = NEW.parameter_id
        AND v.period = NEW.period AND v.start_s = NEW.start_s
        AND v.revision = NEW.revision AND v.kind = 'correction'))
    BEGIN SELECT RAISE(ABORT, 'the current revision of a reading must be a recorded correction');
    END""",
    *(
        f"""CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"""
        for table, operations in (
            ("reading_revisions", ("UPDATE", "DELETE")),
            ("audit_log", ("UPDATE", "DELETE")),
            ("raw_packets", ("UPDATE",)),
        )
        for operation in operations
    ),
)

POSTGRESQL_FUNCTIONS = (
    """CREATE FUNCTION ecowarden_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END $$""",
    """CREATE FUNCTION ecowarden_readings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'readings are never deleted (I3)';
      END IF;
      IF (NEW.site_id, NEW.parameter_id, NEW.period, NEW.start_s, NEW.value, NEW.flag,
          NEW.source_id, NEW.received_at_us)
         IS DISTINCT FROM (OLD.site_id, OLD.parameter_id, OLD.period, OLD.start_s, OLD.value,
          OLD.flag, OLD.source_id, OLD.received_at_us)
         OR (OLD.conflict AND NOT NEW.conflict) THEN
        RAISE EXCEPTION 'readings keep their original values (I3)';
      END IF;
      IF NEW.revision <> OLD.revision AND (NEW.revision < OLD.revision OR NOT EXISTS (
          SELECT 1 FROM reading_revisions v
          WHERE v.site_id = NEW.site_id AND v.parameter_id = NEW.parameter_id
            AND v.period = NEW.period AND v.start_s = NEW.start_s
            AND v.revision = NEW.revision AND v.kind = 'correction')) THEN
        RAISE EXCEPTION 'the current revision of a reading must be a recorded correction';
      END IF;
      RETURN NEW;
    END $$""",
)
POSTGRESQL_TRIGGERS = (
    """CREATE TRIGGER readings_guard BEFORE UPDATE OR DELETE ON readings
    FOR EACH ROW EXECUTE FUNCTION ecowarden_readings_guard()""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE {operations} ON {table}
    FOR EACH ROW EXECUTE FUNCTION ecowarden_refuse_change()"""
        for table, operations in (
            ("reading_revisions", "UPDATE OR DELETE"),
            ("audit_log", "UPDATE OR DELETE"),
            ("raw_packets", "UPDATE"),
        )
    ),
    *(
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION ecowarden_refuse_change()"""
        for table in ("readings", "reading_revisions", "audit_log")
    ),
)


def upgrade() -> None:
    op.create_table(
        "parameters",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name_zh", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("amount_unit", sa.String(16)),
        sa.Column("code_2005", sa.String(8)),
        sa.Column("data_type", sa.String(8)),
        sa.Column("printed_unit", sa.String(32)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameters")),
        sa.UniqueConstraint("code", name=op.f("uq_parameters_code")),
        check("parameters", "medium", one_of("medium", MEDIA)),
    )
    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("management_category", sa.String(16), nullable=False),
        sa.Column("industry", sa.String(200)),
        sa.Column("address", sa.String(200)),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprises_credit_code")),
        check(
            "enterprises",
            "management_category",
            one_of("management_category", MANAGEMENT_CATEGORIES),
        ),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("lon", sa.Double, nullable=False),
        sa.Column("lat", sa.Double, nullable=False),
        sa.Column("noise_zone", sa.String(2)),
        sa.Column("water_body", sa.String(8)),
        sa.Column("target_class", sa.String(3)),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("code", name=op.f("uq_sites_code")),
        check("sites", "kind", one_of("kind", SITE_KINDS)),
        check("sites", "wgs84", "lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90"),
        check(
            "sites",
            "noise_zone",
            "(kind = 'noise_station') = (noise_zone IS NOT NULL)"
            f" AND (noise_zone IS NULL OR {one_of('noise_zone', NOISE_ZONES)})",
        ),
        check(
            "sites",
            "water",
            "(kind = 'water_section' OR kind = 'drinking_water_source')"
            " = (water_body IS NOT NULL AND target_class IS NOT NULL)"
            f" AND (water_body IS NULL OR {one_of('water_body', WATER_BODIES)})"
            f" AND (target_class IS NULL OR {one_of('target_class', WATER_CLASSES)})",
        ),
    )
    op.create_table(
        "outlets",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("enterprise_id", sa.Integer, nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_outlets")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_outlets_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_outlets_enterprise_id_enterprises")
        ),
        check("outlets", "medium", one_of("medium", OUTLET_MEDIA)),
    )
    op.create_index(op.f("ix_outlets_enterprise_id"), "outlets", ["enterprise_id"])
    op.create_table(
        "emission_limits",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("outlet_site_id", sa.Integer, nullable=False),
        sa.Column("parameter_id", sa.Integer, nullable=False),
        sa.Column("limit_value", sa.Double, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("averaging", sa.String(8), nullable=False),
        sa.Column("reference_o2_pct", sa.Double),
        sa.Column("lower_limit", sa.Double),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emission_limits")),
        sa.ForeignKeyConstraint(
            ["outlet_site_id"],
            ["outlets.site_id"],
            name=op.f("fk_emission_limits_outlet_site_id_outlets"),
        ),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["parameters.id"],
            name=op.f("fk_emission_limits_parameter_id_parameters"),
        ),
        sa.UniqueConstraint(
            "outlet_site_id",
            "parameter_id",
            "averaging",
            name=op.f("uq_emission_limits_outlet_site_id_parameter_id_averaging"),
        ),
        check("emission_limits", "positive", "limit_value > 0"),
        check("emission_limits", "averaging", one_of("averaging", AVERAGING)),
        check(
            "emission_limits",
            "reference_o2",
            "reference_o2_pct IS NULL OR (reference_o2_pct >= 0 AND reference_o2_pct < 21)",
        ),
        check("emission_limits", "lower_limit", "lower_limit IS NULL OR lower_limit < limit_value"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("mn", sa.String(24), nullable=False),
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("mn", name=op.f("uq_devices_mn")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_devices_site_id_sites")),
    )
    op.create_index(op.f("ix_devices_site_id"), "devices", ["site_id"])
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("first_seen_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_sources_kind_name")),
        check("sources", "kind", one_of("kind", SOURCE_KINDS)),
    )
    op.create_table(
        "readings",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("parameter_id", sa.Integer, nullable=False),
        sa.Column("period", sa.SmallInteger, nullable=False),
        sa.Column("start_s", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Double),
        sa.Column("flag", sa.String(2), nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint(*READING_KEY, name=op.f("pk_readings")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_readings_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["parameter_id"], ["parameters.id"], name=op.f("fk_readings_parameter_id_parameters")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_readings_source_id_sources")
        ),
        check("readings", "period", one_of("period", PERIOD_COMMANDS)),
        check("readings", "flag", one_of("flag", FLAGS)),
        check("readings", "revision", "revision >= 0"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_readings_marked"),
        "readings",
        list(READING_KEY),
        sqlite_where=sa.text("revision <> 0 OR conflict"),
        postgresql_where=sa.text("revision <> 0 OR conflict"),
    )
    op.create_table(
        "reading_revisions",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("parameter_id", sa.Integer, nullable=False),
        sa.Column("period", sa.SmallInteger, nullable=False),
        sa.Column("start_s", sa.BigInteger, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Double),
        sa.Column("flag", sa.String(2), nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("recorded_at_us", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("reason", sa.String(500)),
        sa.PrimaryKeyConstraint(*READING_KEY, "revision", name=op.f("pk_reading_revisions")),
        sa.ForeignKeyConstraint(
            list(READING_KEY),
            [f"readings.{column}" for column in READING_KEY],
            name=op.f("fk_reading_revisions_readings"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_reading_revisions_source_id_sources")
        ),
        check("reading_revisions", "revision", "revision >= 1"),
        check("reading_revisions", "kind", one_of("kind", REVISION_KINDS)),
        check("reading_revisions", "flag", one_of("flag", FLAGS)),
        check(
            "reading_revisions",
            "who_why",
            "kind <> 'correction' OR (actor IS NOT NULL AND reason IS NOT NULL)",
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_reading_revisions_recorded_at_us"), "reading_revisions", ["recorded_at_us"]
    )
    op.create_table(
        "raw_packets",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("peer", sa.String(100), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("mn", sa.String(24)),
        sa.Column("refusal", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_packets")),
    )
    op.create_index(op.f("ix_raw_packets_received_at_us"), "raw_packets", ["received_at_us"])
    op.create_index(
        op.f("ix_raw_packets_mn_received_at_us"), "raw_packets", ["mn", "received_at_us"]
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(200)),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("source_ip", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        check("audit_log", "outcome", one_of("outcome", AUDIT_OUTCOMES)),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its triggers; an implicit DELETE by DROP TABLE fires none (SQLite).
    for table in (
        "audit_log",
        "raw_packets",
        "reading_revisions",
        "readings",
        "sources",
        "devices",
        "emission_limits",
        "outlets",
        "sites",
        "enterprises",
        "parameters",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ecowarden_readings_guard()")
        op.execute("DROP FUNCTION ecowarden_refuse_change()")
