"""Materialised results: daily AQI per air station and for the county, monthly water classes,
daily Ld / Ln of noise stations.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-08

Derived from readings and recomputed by ``services.materialise`` when readings arrive; rows are
replaced in place (they are results, not evidence). Vocabularies are written out here, as in
0001, so that this migration keeps creating the schema of its day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# HJ 633 editions of a daily AQI; GB 3838-2002 classes with 劣V.
AQI_STANDARDS = ("HJ 633-2012", "HJ 633-2026")
WATER_CLASSES = ("I", "II", "III", "IV", "V", "劣V")


def one_of(column: str, values: Sequence[str]) -> str:
    terms = ["{} = '{}'".format(column, value.replace("'", "''")) for value in values]
    return "(" + " OR ".join(terms) + ")"


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def daily_aqi_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("standard", sa.String(16), nullable=False),
        sa.Column("aqi", sa.SmallInteger),
        sa.Column("aqi_from_available", sa.SmallInteger),
        sa.Column("category", sa.SmallInteger),
        sa.Column("primary_pollutants", sa.String(40), nullable=False),
        sa.Column("publishable", sa.Boolean, nullable=False),
        sa.Column("valid_day", sa.Boolean, nullable=False),
        sa.Column("missing_items", sa.String(100), nullable=False),
        sa.Column("computed_at_us", sa.BigInteger, nullable=False),
    ]


def daily_aqi_checks(table: str) -> list[sa.CheckConstraint]:
    return [
        check(table, "standard", one_of("standard", AQI_STANDARDS)),
        check(table, "category", "category IS NULL OR (category >= 1 AND category <= 6)"),
    ]


def upgrade() -> None:
    op.create_table(
        "daily_aqi",
        sa.Column("site_id", sa.Integer, nullable=False),
        *daily_aqi_columns(),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_daily_aqi")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_daily_aqi_site_id_sites")),
        *daily_aqi_checks("daily_aqi"),
    )
    op.create_table(
        "daily_aqi_county",
        *daily_aqi_columns(),
        sa.Column("stations", sa.SmallInteger, nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_daily_aqi_county")),
        *daily_aqi_checks("daily_aqi_county"),
        check("daily_aqi_county", "stations", "stations >= 1"),
    )
    op.create_table(
        "water_monthly",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("month", sa.SmallInteger, nullable=False),
        sa.Column("water_class", sa.String(3)),
        sa.Column("limiting_items", sa.String(200), nullable=False),
        sa.Column("main_pollutants", sa.String(300), nullable=False),
        sa.Column("cwqi", sa.Double),
        sa.Column("n_samples", sa.Integer, nullable=False),
        sa.Column("missing_items", sa.String(300), nullable=False),
        sa.Column("computed_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("site_id", "year", "month", name=op.f("pk_water_monthly")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_water_monthly_site_id_sites")
        ),
        check("water_monthly", "month", "month >= 1 AND month <= 12"),
        check(
            "water_monthly",
            "water_class",
            f"water_class IS NULL OR {one_of('water_class', WATER_CLASSES)}",
        ),
        check("water_monthly", "n_samples", "n_samples >= 1"),
    )
    op.create_table(
        "noise_daily",
        sa.Column("site_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("ld", sa.Double),
        sa.Column("ln", sa.Double),
        sa.Column("day_hours", sa.SmallInteger, nullable=False),
        sa.Column("night_hours", sa.SmallInteger, nullable=False),
        sa.Column("ld_valid", sa.Boolean, nullable=False),
        sa.Column("ln_valid", sa.Boolean, nullable=False),
        sa.Column("computed_at_us", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_noise_daily")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_noise_daily_site_id_sites")
        ),
        check("noise_daily", "day_hours", "day_hours >= 0 AND day_hours <= 24"),
        check("noise_daily", "night_hours", "night_hours >= 0 AND night_hours <= 24"),
    )


def downgrade() -> None:
    for table in ("noise_daily", "water_monthly", "daily_aqi_county", "daily_aqi"):
        op.drop_table(table)
