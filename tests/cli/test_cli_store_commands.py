"""The store commands: db, import, readings export, devices add."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ecowarden.cli import app
from ecowarden.store import Store

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"
REGISTRY = """
sites:
  - {code: AQ01, name: 城关站, kind: air_station, lon: 118.1, lat: 24.5}
"""
READINGS = (
    "site,parameter,period,start,value,flag\n"
    "AQ01,a34004,hour,2025-01-01T00:00:00+08:00,35.5,N\n"
    "AQ01,a34004,hour,2025-01-01T01:00:00+08:00,41.0,N\n"
)


def run(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    squeeze = " ".join
    return result.exit_code, squeeze(result.stdout.split()), squeeze(result.stderr.split())


@pytest.fixture
def loaded(store: Store, database_url: str, tmp_path: Path) -> str:
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    code, out, _ = run("import", "registry", str(registry), "--database", database_url)
    assert (code, out) == (0, "registry.yaml: 1 created, 0 updated, 0 unchanged")
    return database_url


def test_db_upgrade_current_downgrade(database_url: str) -> None:
    code, out, _ = run("db", "current", "--database", database_url)
    assert (code, out) == (0, "database revision: (empty) (newest is 0004)")
    code, out, _ = run("db", "upgrade", "--database", database_url)
    assert code == 0
    assert out.startswith("database revision: 0004 (up to date) parameters: 197 added")
    code, out, _ = run("db", "downgrade", "base", "--database", database_url)
    assert (code, out) == (0, "database revision: (empty) (newest is 0004)")
    code, _, err = run("db", "upgrade", "0042", "--database", database_url)
    assert code == 1
    assert "unknown database revision '0042'" in err


def test_import_readings_reports_and_is_idempotent(loaded: str, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(READINGS, encoding="utf-8")
    code, out, _ = run("import", "readings", str(path), "--database", loaded)
    assert (code, out) == (0, "r.csv: 2 rows: 2 new, 0 identical, 0 conflicting")
    code, out, _ = run("import", "readings", str(path), "--database", loaded)
    assert (code, out) == (0, "r.csv: 2 rows: 0 new, 2 identical, 0 conflicting (nothing changed)")


def test_bad_readings_file_exits_1_naming_line_field_reason(loaded: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(READINGS + "AQ01,a34004,hour,2025-01-01T02:00:00,1,N\n", encoding="utf-8")
    code, _, err = run("import", "readings", str(path), "--database", loaded)
    assert code == 1
    assert "line 4, start '2025-01-01T02:00:00': timestamp without UTC offset" in err
    assert "nothing imported" in err
    code, out, _ = run("import", "readings", str(path), "--skip-bad", "--database", loaded)
    assert code == 0
    assert out.endswith("1 bad row(s) skipped bad.csv: 3 rows: 2 new, 0 identical, 0 conflicting")


def test_export_csv_to_standard_output(loaded: str, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(READINGS, encoding="utf-8")
    run("import", "readings", str(path), "--database", loaded)
    result = runner.invoke(
        app, ["readings", "export", "--site", "AQ01", "--from", "2025-01-01", "--database", loaded]
    )
    assert result.exit_code == 0
    assert result.stdout == READINGS


def test_export_parquet_needs_an_output_file(loaded: str, tmp_path: Path) -> None:
    code, _, err = run("readings", "export", "--format", "parquet", "--database", loaded)
    assert code == 1
    assert "give --output FILE" in err
    output = tmp_path / "r.parquet"
    code, _, err = run(
        "readings", "export", "--format", "parquet", "--output", str(output), "--database", loaded
    )
    assert (code, err) == (0, f"0 readings written to {output}")
    assert pl.read_parquet(io.BytesIO(output.read_bytes())).columns[0] == "site"


def test_export_with_an_unknown_period_or_bound(loaded: str) -> None:
    code, _, err = run("readings", "export", "--period", "weekly", "--database", loaded)
    assert (code, "unknown period 'weekly'" in err) == (1, True)
    code, _, err = run("readings", "export", "--from", "2025-01-01T00:00", "--database", loaded)
    assert (code, "has no UTC offset" in err) == (1, True)


def test_devices_add(loaded: str) -> None:
    arguments = ("devices", "add", "--mn", "MN0001", "--site", "AQ01", "--database", loaded)
    code, out, _ = run(*arguments, "--password", "pw-dev-1")
    assert (code, out) == (0, "device MN0001: created")
    code, _, err = run(*arguments, "--password", "123456")
    assert code == 1
    assert "printed in HJ 212 examples" in err


def test_bad_registry_names_the_path(store: Store, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(REGISTRY.replace("lon: 118.1", "lon: 218.1"), encoding="utf-8")
    code, _, err = run("import", "registry", str(path), "--database", database_url)
    assert code == 1
    assert "r.yaml: sites[0]: longitude 218.1 is outside" in err


@pytest.mark.parametrize(
    "command",
    [
        "ecowarden db upgrade",
        "ecowarden db downgrade",
        "ecowarden db current",
        "ecowarden import registry",
        "ecowarden import readings",
        "ecowarden readings export",
        "ecowarden devices add",
    ],
)
def test_every_command_is_documented(command: str) -> None:
    documented = "".join(
        path.read_text(encoding="utf-8")
        for path in (DOCS / "import-formats.md", DOCS / "decisions" / "0006-store.md")
    )
    assert command in documented


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense://x", "database error: Can't load plugin: sqlalchemy.dialects:nonsense"),
        ("sqlite:////nonexistent-dir/x.db", "database error: (sqlite3.OperationalError)"),
    ],
)
def test_unusable_database_is_one_clear_line(url: str, message: str) -> None:
    code, out, err = run("db", "current", "--database", url)
    assert (code, out) == (1, "")
    assert err.startswith(message)
