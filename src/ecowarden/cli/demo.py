"""``ecowarden demo``: build the demo county's database, print its bulletin, stream live data."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import time
import zoneinfo
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ecowarden.demo.bulletin import stored_bulletin
from ecowarden.demo.county_db import SPAN_FIRST, SPAN_LAST, build_county
from ecowarden.demo.live import LiveConfig, LiveReport, LiveStatus, run_live
from ecowarden.ingest import gateway as gateway_module
from ecowarden.ingest.gateway import event_loop_factory
from ecowarden.reports.bulletin import render_alerts, render_bulletin
from ecowarden.services.supervision import demo_supervision
from ecowarden.store import Store

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
DEMO_DATABASE = Path("ecowarden-demo.db")
DURATION_VARIABLE = "ECOWARDEN_DEMO_DURATION"


def _duration() -> float | None:
    """Seconds of the live phase from ``ECOWARDEN_DEMO_DURATION``; None: until Ctrl-C."""
    text = os.environ.get(DURATION_VARIABLE, "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise typer.BadParameter(
            f"{DURATION_VARIABLE} must be a number of seconds > 0, got {text!r}"
        )
    return seconds


def _as_of(text: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if text else dt.datetime.now(LOCAL).date()
    except ValueError:
        raise typer.BadParameter(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from None
    first, last = SPAN_FIRST + dt.timedelta(days=32), SPAN_LAST + dt.timedelta(days=1)
    if not first <= day <= last:
        raise typer.BadParameter(f"--as-of must lie in {first} … {last}, got {day}")
    return day


def demo(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Local date the county is built to and the bulletin made on (YYYY-MM-DD); "
            "default today in Asia/Shanghai.",
        ),
    ] = None,
    database: Annotated[
        Path, typer.Option("--database", help="SQLite file of the county.")
    ] = DEMO_DATABASE,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete the database first and rebuild.")
    ] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live/--no-live",
            help="Then start a gateway on 127.0.0.1 and stream today's data from the county's "
            f"devices until Ctrl-C (or ${DURATION_VARIABLE} seconds); needs --as-of today.",
        ),
    ] = True,
    gateway_port: Annotated[
        int,
        typer.Option(
            "--gateway-port",
            min=0,
            max=65535,
            help="Port of the live gateway (a free one if busy).",
        ),
    ] = 9212,
) -> None:
    """Build (or bring up to date) the demo county in SQLite, print its bulletin (zh-CN), and
    stream live HJ 212 data through the gateway."""
    console = Console()
    day = _as_of(as_of)
    duration = _duration() if live else None
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = Store.open(f"sqlite:///{database}")
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} 条"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("建立演示县数据库", total=1)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            build = build_county(store, as_of=day, data_dir=database.parent, progress=progress)
        console.print(
            f"演示县数据库 {database}：{build.rows:,} 条读数（新增 {build.new:,}，"
            f"相同 {build.identical:,}，冲突 {build.conflicting:,}），"
            f"{build.first_day} 至 {build.last_day}，用时 {time.perf_counter() - started:.1f} s"
        )
        written = {name: c.changed for name, c in build.materialised.tables.items()}
        console.print(
            "物化结果（增量刷新）："
            + "，".join(f"{name} 写入 {count:,} 行" for name, count in written.items())
        )
        render_bulletin(stored_bulletin(store, day), console)
        console.print(Text("四、非现场监管", style="bold"))
        render_alerts(demo_supervision(store, as_of=day), console)
        console.print(
            f"每条线索的证据（触发它的读数和台账事实，不可修改）："
            f"ecowarden alerts show 编号 --database sqlite:///{database}"
        )
        if live:
            _run_live(store, day, LiveConfig(port=gateway_port), duration, console)
    finally:
        store.close()


def _run_live(
    store: Store, day: dt.date, config: LiveConfig, duration: float | None, console: Console
) -> None:
    today = dt.datetime.now(LOCAL).date()
    if day != today:
        console.print(f"实时接入只发送今天（{today}）的数据：--as-of {day} 不是今天，跳过。")
        return
    stop_after = f"{duration:g} s 后自动结束" if duration is not None else "Ctrl-C 结束"
    console.print(Text("五、实时接入（HJ 212）", style="bold"))

    def show(status: LiveStatus) -> None:
        console.print(_status_line(status), highlight=False)

    async def stream() -> LiveReport:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM)
        for signum in signals:
            loop.add_signal_handler(signum, stop.set)
        if duration is not None:
            loop.call_later(duration, stop.set)

        def listening(port: int) -> None:
            busy = f"（端口 {config.port} 被占用，改用 {port}）" if port != config.port != 0 else ""
            console.print(
                f"网关在 {config.host}:{port} 监听{busy}，演示县排放口设备发送今天的数据"
                f"（先补传 00:00 至今，再实时），{stop_after}",
                highlight=False,
            )

        try:
            return await run_live(
                store, as_of=day, stop=stop, config=config, status=show, listening=listening
            )
        finally:
            for signum in signals:
                loop.remove_signal_handler(signum)

    # The gateway logs every refused packet; the status lines count them instead.
    gateway_logger = logging.getLogger(gateway_module.__name__)
    level = gateway_logger.level
    gateway_logger.setLevel(logging.ERROR)
    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            report = runner.run(stream())
    finally:
        gateway_logger.setLevel(level)
    _print_counters(report, console)


def _status_line(status: LiveStatus) -> str:
    phase = "补传" if status.phase == "backfill" else "实时"
    refused = "，".join(f"{reason} {count:,}" for reason, count in status.refused) or "无"
    return (
        f"[{status.elapsed_s:5.0f} s {phase}] 已应答 {status.answered:,} 包，"
        f"新存读数 {status.new:,} 条，冲突 {status.conflicts:,}，拒收：{refused}"
    )


def _print_counters(report: LiveReport, console: Console) -> None:
    stats = report.stats
    latest = report.latest_minute
    sent = f"{latest.astimezone(LOCAL):%Y-%m-%d %H:%M}" if latest is not None else "（无）"
    lines = [
        f"网关已停止（127.0.0.1:{report.port}）：{report.devices} 台设备，"
        f"已应答的最新分钟数据 {sent}，设备收到应答 {report.acked_packets:,} 包",
        f"连接 {stats.connections_accepted:,}，帧 {stats.frames:,}，"
        f"入库包 {stats.packets_committed:,}（{stats.commits:,} 次提交，"
        f"失败 {stats.commit_failures}）",
        "应答：" + ("，".join(f"{cn} {n:,}" for cn, n in sorted(stats.answers.items())) or "无"),
        "读数："
        + ("，".join(f"{outcome} {n:,}" for outcome, n in sorted(stats.readings.items())) or "无"),
        "拒收："
        + ("，".join(f"{reason} {n:,}" for reason, n in stats.refused.most_common()) or "无"),
    ]
    for line in lines:
        console.print(line, highlight=False)
