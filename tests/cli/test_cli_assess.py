"""``ecowarden assess air|water|noise``: tables with coverage, JSON, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from ecowarden.cli import app
from ecowarden.cli import assess as assess_command
from ecowarden.services.series import AIR_PARAMETERS
from ecowarden.store import Store

runner = CliRunner()
REGISTRY = """
sites:
  - {code: AQ01, name: 城关站, kind: air_station, lon: 118.1, lat: 24.5}
  - {code: N01, name: 城区噪声站, kind: noise_station, lon: 118.1, lat: 24.5, noise_zone: "2"}
  - code: W01
    name: 江口断面
    kind: water_section
    lon: 118.3
    lat: 24.7
    water_body: river
    target_class: III
"""
# HJ 633-2026 24-h IAQIs: SO2 5 → 5, NO2 10 → 13, CO 0.4 → 10, O3 50 → 25, PM10 40 → 40,
# PM2.5 35 → 50: AQI 50, 优.
LEVELS = {"SO2": 5.0, "NO2": 10.0, "CO": 0.4, "O3": 50.0, "PM10": 40.0, "PM2.5": 35.0}


def run(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def loaded(store: Store, database_url: str, tmp_path: Path) -> str:
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert run("import", "registry", str(registry), "--database", database_url)[0] == 0
    rows = [
        f"AQ01,{code},hour,2026-06-{day:02d}T{hour:02d}:00:00+08:00,{LEVELS[name]},N"
        for name, code in AIR_PARAMETERS.items()
        for day in (1, 2)
        for hour in range(24)
    ]
    night = {*range(6), 22, 23}
    rows += [
        f"N01,Leq,hour,2026-06-01T{hour:02d}:00:00+08:00,{45.0 if hour in night else 55.0},N"
        for hour in range(24)
    ]
    rows += [
        "W01,w21003,day,2026-06-10T00:00:00+08:00,0.4,N",
        "W01,w21003,day,2026-07-10T00:00:00+08:00,1.2,N",
    ]
    readings = tmp_path / "readings.csv"
    readings.write_text(
        "site,parameter,period,start,value,flag\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    assert run("import", "readings", str(readings), "--database", database_url)[0] == 0
    return database_url


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A console wide enough that no table cell is folded."""
    monkeypatch.setattr(assess_command, "console", Console(width=200))


def test_air_json(loaded: str) -> None:
    code, out, _ = run(
        "assess", "air", "--period", "2026-06-01..2026-06-02", "--json", "--database", loaded
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["statistic"] == "days"
    (station,) = payload["stations"]
    assert station["code"] == "AQ01"
    pm25 = station["pollutants"][3]
    assert (pm25["pollutant"], pm25["mean"], pm25["valid"]) == ("PM2.5", 35, None)
    assert (pm25["valid_hours"], pm25["expected_hours"]) == (48, 48)
    assert station["good_days"]["good_days"] == 2
    assert payload["county"]["good_days"]["rate_pct"] == 100.0


def test_air_tables_show_coverage_and_validity(loaded: str, wide: None) -> None:
    code, out, _ = run(
        "assess", "air", "--site", "AQ01", "--period", "2026-06", "--database", loaded
    )
    assert code == 0
    assert "环境空气质量 2026年6月：月评价；限值 GB 3095-2026 transitional；AQI HJ 633-2026" in out
    for text in (
        "浓度统计与评价",
        "数据有效性",
        "优良天数与综合指数",
        "各级别天数",
        "AQ01 城关站",
        "全县",
    ):
        assert text in out
    # 2 of 30 days: 48 valid hours of 720, 2 valid days < 27 → the month is invalid
    assert "48/720" in out
    assert "2/30" in out
    assert "无效" in out


def test_water_and_noise(loaded: str, wide: None) -> None:
    code, out, _ = run("assess", "water", "--period", "2026", "--json", "--database", loaded)
    assert code == 0
    site = json.loads(out)["sites"][0]
    # NH3-N 0.4 → II in June, 1.2 → IV in July; period mean 0.8 → III
    assert site["monthly"] == {"2026-06": "II", "2026-07": "IV"}
    assert (site["period_class"], site["months_sampled"], site["months"]) == ("III", 2, 12)
    assert site["sufficient"] is False  # a year needs 8 monthly samples [WQA2011]
    code, out, _ = run("assess", "water", "--period", "2026", "--database", loaded)
    assert code == 0
    assert "月度水质类别" in out
    assert "2/12" in out
    code, out, _ = run(
        "assess",
        "noise",
        "--site",
        "N01",
        "--period",
        "2026-06-01..2026-06-01",
        "--json",
        "--database",
        loaded,
    )
    assert code == 0
    (station,) = json.loads(out)["stations"]
    assert (station["ld_dba"], station["ln_dba"]) == (55.0, 45.0)
    code, out, _ = run(
        "assess", "noise", "--period", "2026-06-01..2026-06-01", "--database", loaded
    )
    assert code == 0
    assert "功能区达标率" in out
    assert "24/24" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("air", "--period", "2026-13"), "month 13 is not 1…12"),
        (("air", "--period", "2026", "--site", "XX"), "unknown air station 'XX'; valid: AQ01"),
        (("noise", "--period", "2026", "--site", "AQ01"), "expected: noise station"),
    ],
)
def test_errors_end_with_one_line(loaded: str, arguments: tuple[str, ...], message: str) -> None:
    code, _, err = run("assess", *arguments, "--database", loaded)
    assert code == 1
    assert message in " ".join(err.split())


def test_assess_is_a_registered_command() -> None:
    code, out, _ = run("assess", "--help")
    assert code == 0
    for command in ("air", "water", "noise"):
        assert command in out


def test_the_command_and_its_options_are_documented() -> None:
    decisions = Path(__file__).resolve().parents[2] / "docs" / "decisions"
    text = (decisions / "0008-assessment-services.md").read_text(encoding="utf-8")
    usage = "ecowarden assess air|water|noise --period P [--site CODE …] [--json] [--database URL]"
    assert usage in text
