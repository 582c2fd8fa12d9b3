"""``ecowarden alerts``, ``ecowarden import zones`` and ``ecowarden mqtt``: thin shells over the
supervision services; every command documented."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from ecowarden.cli import app
from ecowarden.registry.enterprises import Averaging, EmissionLimit, Enterprise, ManagementCategory
from ecowarden.registry.readings import Period
from ecowarden.registry.sites import Location, OutletMedium, Site, SiteKind
from ecowarden.registry.uscc import check_character
from ecowarden.store import Store
from ecowarden.store.readings import READING_COLUMNS
from ecowarden.store.sources import SourceKind

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"
CREDIT = "91341799A12345678" + check_character("91341799A12345678")
T0 = 1780243200  # 2026-06-01T00:00:00+08:00


def run(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def exceeding(store: Store, database_url: str) -> str:
    """An outlet whose NOx exceeds its limit at 10:00 on 2026-06-01."""
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_enterprise(
            Enterprise(CREDIT, "青溪县测试热电有限公司", ManagementCategory.KEY)
        )
        registry.save_site(
            Site(
                "E01-DA001",
                "锅炉排放口",
                SiteKind.OUTLET,
                Location(118.4, 30.2),
                enterprise=CREDIT,
                outlet_medium=OutletMedium.GAS,
            )
        )
        registry.save_limit(
            EmissionLimit("E01-DA001", "a21002", 200.0, "mg/m³", Averaging.HOUR, 9.0)
        )
        ids = registry.parameter_ids()
        site_id = registry.site_ids()["E01-DA001"]
        source = transaction.sources.ensure(SourceKind.IMPORT, "test")
        nox = 100.0 + np.arange(24) % 5
        nox[10] = 300.0
        series = {
            "a21002": nox,
            "a19001": 9.0 + 0.01 * np.arange(24),
            "a00000": 17.0 + 0.01 * np.arange(24),
        }
        transaction.readings.upsert(
            pl.concat(
                pl.DataFrame(
                    {
                        "site_id": site_id,
                        "parameter_id": ids[code],
                        "period": Period.HOUR.command,
                        "start_s": T0 + 3600 * np.arange(24),
                        "value": values,
                        "flag": "N",
                        "source_id": source,
                        "received_at_us": (T0 + 86_400) * 10**6,
                    },
                    schema=READING_COLUMNS,
                )
                for code, values in series.items()
            )
        )
    return database_url


def test_evaluate_list_show_and_lifecycle(exceeding: str) -> None:
    db = ("--database", exceeding)
    code, out, _ = run(
        "alerts", "evaluate", "--from", "2026-06-01", "--to", "2026-06-02", "--json", *db
    )
    assert code == 0
    summary = json.loads(out)
    assert (summary["findings"], len(summary["opened"])) == (1, 1)
    (alert_id,) = summary["opened"]
    code, out, _ = run("alerts", "list", "--json", "--state", "open", *db)
    (listed,) = json.loads(out)
    assert (listed["id"], listed["rule"], listed["subject"]) == (
        alert_id,
        "emission_hour",
        "E01-DA001",
    )
    code, out, _ = run("alerts", "show", str(alert_id), "--json", *db)
    shown = json.loads(out)
    # 300 × (21 − 9)/(21 − 9.10) = 302.5 mg/m³ converted (HJ 212-2017 App. D.2.3)
    assert shown["value"] == pytest.approx(300 * 12 / 11.9)
    assert shown["evidence_intact"] is True
    assert shown["evidence"]["facts"]["reference_o2_pct"] == 9.0
    assert [e["action"] for e in shown["events"]] == ["open"]
    code, out, _ = run("alerts", "show", str(alert_id), *db)
    assert code == 0
    assert "intact" in out
    assert run("alerts", "ack", str(alert_id), "--actor", "officer", *db)[:2] == (
        0,
        f"alert {alert_id}: acknowledged\n",
    )
    assert run("alerts", "dispatch", str(alert_id), *db)[0] == 0
    code, _, err = run("alerts", "close", str(alert_id), *db)
    assert code == 1
    assert "close needs a reason" in err
    code, out, _ = run(
        "alerts",
        "close",
        str(alert_id),
        "--reason",
        "已立案",
        "--case",
        "CF-2026-017",
        "--json",
        *db,
    )
    closed = json.loads(out)
    assert (closed["state"], closed["case_ref"]) == ("closed", "CF-2026-017")
    code, _, err = run("alerts", "dismiss", str(alert_id), "--reason", "x", *db)
    assert code == 1
    assert "cannot dismiss an alert that is closed" in err
    code, _, err = run("alerts", "show", "999", *db)
    assert code == 1
    assert "unknown alert 999" in err


def test_evaluate_with_a_bad_configuration(exceeding: str, tmp_path: Path) -> None:
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  flatline: {min_duration_s: -1}\n", encoding="utf-8")
    code, _, err = run("alerts", "evaluate", "--config", str(config), "--database", exceeding)
    assert code == 1
    assert "min_duration_s = -1" in err
    code, _, err = run("alerts", "evaluate", "--from", "2026-06-01", "--database", exceeding)
    assert code == 1
    assert "give both --from and --to" in err


def test_import_zones(store: Store, database_url: str, tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[118.0, 30.0], [118.01, 30.0], [118.01, 30.01], [118.0, 30.0]]],
        },
        "properties": {
            "code": "R01-Z1",
            "name": "一级保护区",
            "kind": "protection",
            "tier": "first",
        },
    }
    path = tmp_path / "zones.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    code, out, _ = run("import", "zones", str(path), "--database", database_url)
    assert (code, out.strip()) == (0, "zones.geojson: 1 created, 0 updated, 0 unchanged")
    code, out, _ = run("import", "zones", str(path), "--datum", "GCJ02", "--database", database_url)
    assert (code, out.strip()) == (0, "zones.geojson: 0 created, 1 updated, 0 unchanged")
    feature["properties"] = {"code": "R01-Z1", "name": "x", "kind": "protection", "tiers": "first"}
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    code, _, err = run("import", "zones", str(path), "--database", database_url)
    assert code == 1
    assert "features[0].properties.tiers: unknown field" in err
    assert "features[0].properties.tier: missing" in err


@pytest.mark.parametrize(
    "command",
    [
        "ecowarden alerts list",
        "ecowarden alerts show",
        "ecowarden alerts ack",
        "ecowarden alerts dispatch",
        "ecowarden alerts close",
        "ecowarden alerts dismiss",
        "ecowarden alerts evaluate",
        "ecowarden import zones",
        "ecowarden mqtt",
    ],
)
def test_every_supervision_command_is_documented(command: str) -> None:
    assert command in (DOCS / "supervision.md").read_text(encoding="utf-8")
