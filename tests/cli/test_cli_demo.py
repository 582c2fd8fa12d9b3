"""``ecowarden demo`` builds the county's database, prints the bulletin read back from it, and
streams today's data of the county's devices through the gateway."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import time
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ecowarden.cli import app
from ecowarden.cli import demo as demo_module
from ecowarden.demo.live import LiveReport, live_devices, run_live
from ecowarden.store import Store

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_demo_builds_the_county_and_prints_the_bulletin(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    args = ["demo", "--as-of", "2026-02-15", "--database", str(database), "--no-live"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert database.is_file()
    for text_ in (
        "青溪县生态环境质量简报（2026年1月）",
        "PM2.5 平均浓度",
        "优良天数比例",
        "两版标准评价对比",
        "地表水断面水质类别",
        "集中式饮用水水源地水质达标率",
        "功能区声环境质量达标率",
        "非现场监管线索",
    ):
        assert text_ in result.output
    assert "实时接入" not in result.output
    # a second run finds everything stored already: nothing new, nothing conflicting; with the
    # live phase on, it skips it: it sends today's data only, and 2026-02-15 is stored history
    live = args[:-1]
    again = CliRunner().invoke(app, live, env={"ECOWARDEN_DEMO_DURATION": "1"})
    assert again.exit_code == 0, again.output
    assert "新增 0，" in again.output
    assert "冲突 0）" in again.output
    assert "不是今天，跳过" in again.output


def test_demo_refuses_a_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--as-of", "2026-13-01"])
    assert result.exit_code != 0
    assert "--as-of must be a date YYYY-MM-DD" in result.output


def test_demo_refuses_a_bad_duration(tmp_path: Path) -> None:
    args = ["demo", "--database", str(tmp_path / "demo.db")]
    result = CliRunner().invoke(app, args, env={"ECOWARDEN_DEMO_DURATION": "-3"})
    assert result.exit_code != 0
    assert "ECOWARDEN_DEMO_DURATION must be a number of seconds > 0" in result.output
    assert not (tmp_path / "demo.db").exists()


def _rows(database: Path, sql: str, **parameters: object) -> list[Any]:
    store = Store.open(f"sqlite:///{database}")
    try:
        with store.engine.connect() as connection:
            return list(connection.execute(text(sql), parameters).all())
    finally:
        store.close()


def _today_minutes(database: Path, midnight_s: int) -> tuple[int, int, int]:
    """(count, min start_s, max start_s) of today's minute readings (period 2051)."""
    count, first, last = _rows(
        database,
        "SELECT count(*), min(start_s), max(start_s) FROM readings "
        "WHERE period = 2051 AND start_s >= :midnight",
        midnight=midnight_s,
    )[0]
    return int(count), int(first or 0), int(last or 0)


def _today_conflicts(database: Path, midnight_s: int) -> int:
    """Readings of today resent with other values (the county build plants conflicts of its
    own on earlier days, as evidence for the supervision alerts)."""
    return int(
        _rows(
            database,
            "SELECT count(*) FROM readings WHERE conflict AND start_s >= :midnight",
            midnight=midnight_s,
        )[0][0]
    )


def test_demo_streams_todays_data_live_then_again_after_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "demo.db"
    today = dt.datetime.now(LOCAL).date()
    midnight_s = int(dt.datetime.combine(today, dt.time(), LOCAL).timestamp())
    # build the county for today without the live phase: no reading of today is stored yet
    built = CliRunner().invoke(app, ["demo", "--database", str(database), "--no-live"])
    assert built.exit_code == 0, built.output
    assert _today_minutes(database, midnight_s)[0] == 0

    # 1) ECOWARDEN_DEMO_DURATION=4 on a busy --gateway-port: a free port instead, said so
    with socket.socket() as occupied:
        occupied.bind(("127.0.0.1", 0))
        occupied.listen()
        busy = occupied.getsockname()[1]
        started = time.monotonic()
        result = CliRunner().invoke(
            app,
            ["demo", "--database", str(database), "--gateway-port", str(busy)],
            env={"ECOWARDEN_DEMO_DURATION": "4"},
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert f"端口 {busy} 被占用" in result.output
    assert "网关已停止" in result.output
    assert "入库包" in result.output  # the gateway's counters at the end
    # the county build re-check (~10 s here) + 4 s live + the stop; bounded
    assert elapsed < 90, elapsed
    now_s = time.time()
    count, first, last = _today_minutes(database, midnight_s)
    assert count > 0
    # from 00:00 local of today on (the backfill starts there), never in the future
    assert first == midnight_s
    assert last + 60 <= now_s
    sites = {device.site for device in live_devices()}
    stored_sites = {
        str(row[0])
        for row in _rows(
            database,
            "SELECT DISTINCT s.code FROM readings r JOIN sites s ON s.id = r.site_id "
            "WHERE r.start_s >= :midnight",
            midnight=midnight_s,
        )
    }
    # only the county's registered outlet devices sent today's data
    assert stored_sites
    assert stored_sites <= sites
    assert _today_conflicts(database, midnight_s) == 0
    # no device was refused as unknown or for a wrong password (the registered demo passwords)
    refused = {
        str(row[0])
        for row in _rows(
            database, "SELECT DISTINCT refusal FROM raw_packets WHERE refusal IS NOT NULL"
        )
    }
    assert not refused & {"unknown_mn", "wrong_password"}, refused

    # 2) Ctrl-C (SIGINT) two seconds into the live phase stops it cleanly; the second live
    # phase of the day continues after the stored minutes: still no conflict
    async def interrupted(*args: Any, **kwargs: Any) -> LiveReport:
        asyncio.get_running_loop().call_later(2.0, os.kill, os.getpid(), signal.SIGINT)
        return await run_live(*args, **kwargs)

    monkeypatch.setattr(demo_module, "run_live", interrupted)
    again = CliRunner().invoke(app, ["demo", "--database", str(database), "--gateway-port", "0"])
    assert again.exit_code == 0, again.output
    assert "网关已停止" in again.output
    more, first_again, last_again = _today_minutes(database, midnight_s)
    assert more > count
    assert first_again == midnight_s
    assert last_again >= last
    assert _today_conflicts(database, midnight_s) == 0
    # the SIGINT handler is removed after the live phase: the default one is back
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
