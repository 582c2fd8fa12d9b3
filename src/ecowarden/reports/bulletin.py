"""The county bulletin rendered as zh-CN Rich tables for the terminal."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ecowarden.services.bulletin import (
    CATEGORY_NAMES,
    AirBulletin,
    Bulletin,
    Figure,
    NoiseBulletin,
    WaterBulletin,
)
from ecowarden.services.supervision import AlertDetails


def _figures_table(title: str, air: AirBulletin, figures: tuple[Figure, ...]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("指标")
    table.add_column("单位")
    table.add_column(air.period, justify="right")
    table.add_column(f"{air.previous_period}（同期）", justify="right")
    table.add_column("同比", justify="right")
    for figure in figures:
        table.add_row(figure.label, figure.unit, figure.current, figure.previous, figure.change)
    return table


def air_section(air: AirBulletin) -> Group:
    headline = _figures_table(
        "表1 环境空气主要指标", air, (*air.headline, air.good_day_rate, air.composite_index)
    )
    days = Table(title="表2 空气质量级别天数（可比口径）", title_justify="left")
    days.add_column("类别")
    days.add_column(air.period, justify="right")
    days.add_column(air.previous_period, justify="right")
    for name, now, before in air.category_days:
        days.add_row(name, str(now), str(before))
    primary = Table(title=f"表3 首要污染物天数（{air.period}）", title_justify="left")
    for name, _ in air.primary_days:
        primary.add_column(name, justify="right")
    primary.add_row(*(str(n) for _, n in air.primary_days))
    editions = Table(title=f"表4 两版标准评价对比（{air.period}）", title_justify="left")
    editions.add_column("评价依据")
    editions.add_column("优良天数比例", justify="right")
    for name in CATEGORY_NAMES:
        editions.add_column(name, justify="right")
    editions.add_column("PM2.5 年均限值（二级）")
    for column in air.editions:
        editions.add_row(
            column.label,
            f"{column.good_day_rate}%",
            *(str(n) for n in column.category_days),
            column.pm25_limit,
        )
    stations = Table(title=f"表5 各站点（{air.period}，按发布口径）", title_justify="left")
    for name in ("站点", "名称", "PM2.5 (µg/m³)", "优良天数比例 (%)", "综合指数"):
        stations.add_column(name)
    for row in air.stations:
        stations.add_row(row.code, row.name, row.pm25, row.good_day_rate, row.index)
    note = Text(
        f"{air.basis}；按发布口径（每日按当日有效版本）"
        f"优良天数比例 {air.published_good_day_rate}%。",
        style="dim",
    )
    return Group(headline, note, days, primary, editions, stations)


def water_section(water: WaterBulletin) -> Group:
    table = Table(title=f"表6 地表水断面水质类别（{water.period}）", title_justify="left")
    for name in ("断面", "名称", "目标"):
        table.add_column(name)
    for month in water.months:
        table.add_column(month, justify="center")
    for name in ("期间类别", "达标", "CWQI", "主要污染指标"):
        table.add_column(name)
    for row in water.rows:
        table.add_row(
            row.code,
            row.name,
            row.target,
            *row.monthly,
            row.period_class,
            row.attained,
            row.cwqi,
            row.main_pollutants,
        )
    summary = Text(
        f"清溪河水质状况：{water.river_status}；CWQI {water.river_cwqi.current}"
        f"（上年同期 {water.river_cwqi.previous}，{water.river_cwqi.change}）。"
        f"集中式饮用水水源地水质达标率：按个数 {water.drinking_by_count}，"
        f"按取水量 {water.drinking_by_volume}。"
    )
    return Group(table, summary)


def noise_section(noise: NoiseBulletin) -> Group:
    table = Table(title=f"表7 功能区声环境质量达标率（{noise.period}）", title_justify="left")
    for name in ("功能区类别", "站点数", "昼间达标率", "夜间达标率"):
        table.add_column(name, justify="right")
    for row in noise.rows:
        table.add_row(row.zone, str(row.stations), row.day_rate, row.night_rate)
    table.add_row(
        "合计", str(sum(r.stations for r in noise.rows)), noise.overall_day, noise.overall_night
    )
    exceeding = "、".join(noise.exceeding_night) or "无"
    return Group(table, Text(f"夜间等效声级超过功能区限值的站点：{exceeding}。"))


def render_bulletin(bulletin: Bulletin, console: Console) -> None:
    """Print the bulletin: air, then water and noise when present."""
    console.print(
        Panel(
            f"{bulletin.county}生态环境质量简报（{bulletin.air.period}）",
            subtitle="ecowarden · 演示数据",
            expand=False,
        )
    )
    console.print(Text("一、环境空气质量", style="bold"))
    console.print(air_section(bulletin.air))
    if bulletin.water is not None:
        console.print(Text("二、地表水环境质量", style="bold"))
        console.print(water_section(bulletin.water))
    if bulletin.noise is not None:
        console.print(Text("三、声环境质量", style="bold"))
        console.print(noise_section(bulletin.noise))


LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")


def render_alerts(alerts: Sequence[AlertDetails], console: Console) -> None:
    """The alert queue: one row per alert, with the evidence it was raised on."""
    table = Table(
        title=f"非现场监管线索（{len(alerts)} 条）", title_justify="left", show_lines=True
    )
    for name in ("编号", "规则", "对象", "级别", "时段", "线索", "证据"):
        table.add_column(name)
    for details in alerts:
        alert = details.alert
        start, end = alert.window_start.astimezone(LOCAL), alert.window_end.astimezone(LOCAL)
        window = f"{start:%m-%d %H:%M}—{end:%m-%d %H:%M}"
        table.add_row(
            str(alert.id),
            alert.rule.value,
            alert.site or alert.subject,
            alert.severity.value,
            window,
            alert.message,
            f"sha256 {details.evidence.sha256[:12]}…"
            + ("" if details.evidence.intact else "（校验失败）"),
        )
    console.print(table)
