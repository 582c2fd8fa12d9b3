"""Migrations: upgrade from empty, downgrade to base, upgrade again, on both engines."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ecowarden.errors import UnknownNameError
from ecowarden.store import Store, migrate
from ecowarden.store.schema import metadata

SUPERVISION = {
    "equipment",
    "meter_readings",
    "positions",
    "noise_monitors",
    "noise_levels",
    "zones",
    "shutdown_orders",
    "maintenance_records",
    "alerts",
    "alert_events",
    "alert_evidence",
    "supervision_runs",
}
TABLES = {
    "parameters",
    "enterprises",
    "sites",
    "outlets",
    "emission_limits",
    "devices",
    "sources",
    "readings",
    "reading_revisions",
    "raw_packets",
    "audit_log",
    "daily_aqi",
    "daily_aqi_county",
    "water_monthly",
    "noise_daily",
    "device_commands",
    "device_command_answers",
    "packet_anomalies",
    *SUPERVISION,
}
MATERIALISED = {"daily_aqi", "daily_aqi_county", "water_monthly", "noise_daily"}
GATEWAY = {"device_commands", "device_command_answers", "packet_anomalies"}


def tables(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    with Store.open(database_url) as store:
        assert migrate.current_revision(store.engine) is None
        migrate.upgrade(store.engine)
        assert migrate.current_revision(store.engine) == migrate.head_revision() == "0004"
        assert tables(store) == TABLES
        migrate.downgrade(store.engine, "base")
        assert migrate.current_revision(store.engine) is None
        assert tables(store) == set()
        migrate.upgrade(store.engine)
        assert tables(store) == TABLES


def test_migrated_schema_matches_the_metadata(store: Store) -> None:
    # The migration is the source of the database; schema.py must describe the same tables.
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_unknown_revision_lists_the_known_ones(database_url: str) -> None:
    with Store.open(database_url) as store, pytest.raises(UnknownNameError, match="0001"):
        migrate.upgrade(store.engine, "9999")


def test_migrations_are_found_inside_the_package() -> None:
    assert migrate.SCRIPT_LOCATION.name == "migrations"
    assert (migrate.SCRIPT_LOCATION / "env.py").is_file()
    assert migrate.revisions() == ("0001", "0002", "0003", "0004")


def test_downgrade_to_0001_drops_only_the_later_tables(database_url: str) -> None:
    with Store.open(database_url) as store:
        migrate.upgrade(store.engine)
        migrate.downgrade(store.engine, "0001")
        assert migrate.current_revision(store.engine) == "0001"
        assert tables(store) == TABLES - MATERIALISED - GATEWAY - SUPERVISION
        migrate.upgrade(store.engine)
        assert tables(store) == TABLES
