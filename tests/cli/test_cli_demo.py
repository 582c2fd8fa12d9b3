"""``ecowarden demo`` prints the bulletin of the synthetic county."""

from __future__ import annotations

from typer.testing import CliRunner

from ecowarden.cli import app


def test_demo_prints_the_bulletin_sections() -> None:
    result = CliRunner().invoke(app, ["demo", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    for text in (
        "青溪县生态环境质量简报（2026年1—10月）",
        "PM2.5 平均浓度",
        "优良天数比例",
        "两版标准评价对比",
        "地表水断面水质类别",
        "集中式饮用水水源地水质达标率",
        "功能区声环境质量达标率",
    ):
        assert text in result.output


def test_demo_refuses_a_bad_date() -> None:
    result = CliRunner().invoke(app, ["demo", "--as-of", "2026-13-01"])
    assert result.exit_code != 0
    assert "--as-of must be a date YYYY-MM-DD" in result.output
