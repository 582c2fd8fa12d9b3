"""``ecowarden demo`` builds the county's database and prints the bulletin read back from it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ecowarden.cli import app


def test_demo_builds_the_county_and_prints_the_bulletin(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    args = ["demo", "--as-of", "2026-02-15", "--database", str(database)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert database.is_file()
    for text in (
        "青溪县生态环境质量简报（2026年1月）",
        "PM2.5 平均浓度",
        "优良天数比例",
        "两版标准评价对比",
        "地表水断面水质类别",
        "集中式饮用水水源地水质达标率",
        "功能区声环境质量达标率",
        "非现场监管线索",
    ):
        assert text in result.output
    # a second run finds everything stored already: nothing new, nothing conflicting
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "新增 0，" in again.output
    assert "冲突 0）" in again.output


def test_demo_refuses_a_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--as-of", "2026-13-01"])
    assert result.exit_code != 0
    assert "--as-of must be a date YYYY-MM-DD" in result.output
