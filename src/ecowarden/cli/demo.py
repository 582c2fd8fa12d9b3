"""``ecowarden demo``: build the demo county's database and print its bulletin."""

from __future__ import annotations

import datetime as dt
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
from ecowarden.reports.bulletin import render_alerts, render_bulletin
from ecowarden.services.supervision import demo_supervision
from ecowarden.store import Store

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
DEMO_DATABASE = Path("ecowarden-demo.db")


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
) -> None:
    """Build (or bring up to date) the demo county in SQLite and print its bulletin (zh-CN)."""
    console = Console()
    day = _as_of(as_of)
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
    finally:
        store.close()
