"""Gateway records: the platform command queue with the devices' answers, and packet anomalies.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-09

``device_commands`` holds platform -> device requests (HJ 212-2017 §6.5, Appendix C) from the
moment they are queued until the device's 9012 (or a time-out); ``device_command_answers`` the
9011 / 9012 answers received, each linked to its archived packet. ``packet_anomalies`` lists what
an accepted packet carried beside its readings: a DataTime in the future or older than the
backfill window, and items the store cannot hold (kept in the raw archive). Vocabularies are
written out, as in 0001, so that this migration keeps creating the schema of its day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COMMAND_STATUSES = ("queued", "sent", "accepted", "refused", "done", "failed", "expired")
ANOMALY_KINDS = (
    "future_time",
    "stale_time",
    "misaligned_time",
    "unknown_parameter",
    "unknown_flag",
    "value_not_finite",
)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def one_of(column: str, values: Sequence[str]) -> str:
    terms = ["{} = '{}'".format(column, value.replace("'", "''")) for value in values]
    return "(" + " OR ".join(terms) + ")"


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "device_commands",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("mn", sa.String(24), nullable=False),
        sa.Column("cn", sa.Integer, nullable=False),
        sa.Column("qn", sa.String(20), nullable=False),
        sa.Column("cp", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("queued_at_us", sa.BigInteger, nullable=False),
        sa.Column("sent_at_us", sa.BigInteger),
        sa.Column("finished_at_us", sa.BigInteger),
        sa.Column("qn_rtn", sa.Integer),
        sa.Column("exe_rtn", sa.Integer),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_commands")),
        sa.UniqueConstraint("mn", "qn", name=op.f("uq_device_commands_mn_qn")),
        check("device_commands", "status", one_of("status", COMMAND_STATUSES)),
        check("device_commands", "cn", "cn >= 0 AND cn <= 9999"),
        check("device_commands", "attempts", "attempts >= 0"),
    )
    op.create_index(op.f("ix_device_commands_status_mn"), "device_commands", ["status", "mn"])
    op.create_table(
        "device_command_answers",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("command_id", sa.BigInteger, nullable=False),
        sa.Column("cn", sa.Integer, nullable=False),
        sa.Column("code", sa.Integer),
        sa.Column("received_at_us", sa.BigInteger, nullable=False),
        sa.Column("raw_packet_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_command_answers")),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["device_commands.id"],
            name=op.f("fk_device_command_answers_command_id_device_commands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raw_packet_id"],
            ["raw_packets.id"],
            name=op.f("fk_device_command_answers_raw_packet_id_raw_packets"),
            ondelete="CASCADE",
        ),
        check("device_command_answers", "cn", "cn = 9011 OR cn = 9012"),
    )
    op.create_index(
        op.f("ix_device_command_answers_command_id"), "device_command_answers", ["command_id"]
    )
    op.create_table(
        "packet_anomalies",
        sa.Column("id", BIG_ID, nullable=False, autoincrement=True),
        sa.Column("raw_packet_id", sa.BigInteger, nullable=False),
        sa.Column("mn", sa.String(24)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packet_anomalies")),
        sa.ForeignKeyConstraint(
            ["raw_packet_id"],
            ["raw_packets.id"],
            name=op.f("fk_packet_anomalies_raw_packet_id_raw_packets"),
            ondelete="CASCADE",
        ),
        check("packet_anomalies", "kind", one_of("kind", ANOMALY_KINDS)),
    )
    op.create_index(
        op.f("ix_packet_anomalies_raw_packet_id"), "packet_anomalies", ["raw_packet_id"]
    )
    op.create_index(op.f("ix_packet_anomalies_mn_at_us"), "packet_anomalies", ["mn", "at_us"])


def downgrade() -> None:
    for table in ("packet_anomalies", "device_command_answers", "device_commands"):
        op.drop_table(table)
