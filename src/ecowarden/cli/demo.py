"""``ecowarden demo``: the demo county's bulletin."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import typer
from rich.console import Console

from ecowarden.demo.bulletin import synthetic_bulletin
from ecowarden.reports.bulletin import render_bulletin

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def demo(
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Local date the bulletin is made on (YYYY-MM-DD); default today in Asia/Shanghai.",
    ),
) -> None:
    """Build the synthetic demo county and print its bulletin (zh-CN)."""
    console = Console()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.datetime.now(LOCAL).date()
    except ValueError:
        raise typer.BadParameter(f"--as-of must be a date YYYY-MM-DD, got {as_of!r}") from None
    if day < dt.date(2026, 2, 1):
        raise typer.BadParameter(f"--as-of must be 2026-02-01 or later, got {day}")
    started = time.perf_counter()
    bulletin = synthetic_bulletin(day)
    render_bulletin(bulletin, console)
    console.print(f"[dim]computed in {time.perf_counter() - started:.1f} s[/dim]")
