"""``ecowarden assess air|water|noise``: period figures of stored readings, as tables or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Final, Protocol, TypeVar

import typer
from rich.table import Table

from ecowarden.cli.common import DatabaseOption, console, opened_store
from ecowarden.services.assessment import (
    AirPeriodAssessment,
    AssessmentPeriod,
    Json,
    NoisePeriodAssessment,
    WaterPeriodAssessment,
    assess_air_period,
    assess_noise_period,
    assess_water_period,
    parse_period,
)
from ecowarden.standards.air.breakpoints import AQI_BANDS
from ecowarden.store import StoreTransaction

app = typer.Typer(
    name="assess",
    help="环境质量评价 / Assess stored air, water and noise data for a period.",
    no_args_is_help=True,
    add_completion=False,
)

SiteOption = Annotated[
    list[str] | None,
    typer.Option(
        "--site",
        help="Site code (repeatable; default: every site of the kind).",
        show_default=False,
    ),
]
PeriodOption = Annotated[
    str,
    typer.Option("--period", help="2025 (year), 2025-06 (month) or 2025-01-01..2025-03-31 (days)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]

NONE: Final = "—"
_STATISTIC_LABELS: Final = {
    "month": "月评价",
    "quarter": "季评价",
    "year": "年评价",
    "year_to_date": "1—M月累计评价",
    "months": "整月区间（各月有效方为有效）",
    "days": "日区间（有效性未定，不作达标判定）",
}


def _text(value: Decimal | int | None) -> str:
    return NONE if value is None else str(value)


def _verdict(attains: bool | None) -> str:
    return {True: "达标", False: "超标", None: NONE}[attains]


def _validity(valid: bool | None) -> str:
    return {True: "有效", False: "无效", None: "未定"}[valid]


def _of(part: int | None, whole: int | None) -> str:
    return NONE if part is None or whole is None else f"{part}/{whole}"


def _site_label(code: str, name: str) -> str:
    return f"{code} {name}"


def _print_json(payload: dict[str, object]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A table whose cells fold rather than being cut; a blank row separates sites."""
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _print_air(result: AirPeriodAssessment) -> None:
    standards = "、".join(standard.value for standard in result.aqi_standards)
    console.print(
        f"环境空气质量 {result.period.label}：{_STATISTIC_LABELS[result.statistic]}；"
        f"限值 {result.limit_set.value}；AQI {standards}",
        highlight=False,
    )
    # The county row is labelled by its name alone: its code is no registered site's.
    labelled = [(_site_label(site.code, site.name), site) for site in result.stations]
    labelled.append((result.county.name, result.county))
    console.print(
        _table(
            "浓度统计与评价",
            ("站点", "污染物", "平均浓度", "百分位数", "单位", "评价"),
            [
                (
                    label,
                    item.pollutant,
                    _text(item.mean),
                    f"P{item.percentile_rank} {_text(item.percentile)}",
                    item.unit,
                    _verdict(item.attains),
                )
                for label, site in labelled
                for item in site.pollutants
            ],
        )
    )
    console.print(
        _table(
            "数据有效性",
            ("站点", "污染物", "有效小时/应测", "超上限T小时", "有效天/天数", "缺数月", "有效性"),
            [
                (
                    label,
                    item.pollutant,
                    _of(item.valid_hours, item.expected_hours),
                    _text(item.lower_bound_hours),
                    _of(item.valid_days, item.days),
                    _text(item.months_short),
                    _validity(item.valid),
                )
                for label, site in labelled
                for item in site.pollutants
            ],
        )
    )
    console.print(
        _table(
            "优良天数与综合指数",
            ("站点", "优良天数", "有效天数", "无效天数", "优良比例 [%]", "综合指数", "六项评价"),
            [
                (
                    label,
                    str(site.good_days.good_days),
                    str(site.good_days.valid_days),
                    str(site.good_days.na_days),
                    _text(site.good_days.rate),
                    _text(site.composite_index),
                    _verdict(site.attains),
                )
                for label, site in labelled
            ],
        )
    )
    console.print(
        _table(
            "各级别天数",
            ("站点", *(band.category for band in AQI_BANDS)),
            [
                (label, *(str(days) for days in site.good_days.category_days))
                for label, site in labelled
            ],
        )
    )


def _print_water(result: WaterPeriodAssessment) -> None:
    console.print(f"地表水环境质量 {result.period.label}", highlight=False)
    months = result.period.months
    labels = {
        site.code: _site_label(site.code, site.name)
        + ("（饮用水源）" if site.drinking_source else "")
        for site in result.sites
    }
    console.print(
        _table(
            "月度水质类别",
            ("断面", *(f"{month}月" for _, month in months)),
            [
                (labels[site.code], *(dict(site.monthly).get(month) or NONE for month in months))
                for site in result.sites
            ],
        )
    )
    console.print(
        _table(
            "期间评价",
            ("断面", "目标", "期间类别", "目标达成", "CWQI", "主要污染指标"),
            [
                (
                    labels[site.code],
                    site.target_class,
                    site.period_class or NONE,
                    _verdict(site.meets_target),
                    _text(site.cwqi),
                    site.main_pollutants or NONE,
                )
                for site in result.sites
            ],
        )
    )
    console.print(
        _table(
            "数据完整性",
            ("断面", "监测月数/月数", "采样天数", "样品数足够"),
            [
                (
                    labels[site.code],
                    _of(site.months_sampled, site.months),
                    str(site.sample_days),
                    {True: "是", False: "否", None: NONE}[site.sufficient],
                )
                for site in result.sites
            ],
        )
    )
    console.print(
        f"河流水质状况：{result.river_status or NONE}；河流 CWQI：{_text(result.river_cwqi)}；"
        f"饮用水水源地达标率 [%]：{_text(result.drinking_compliance_rate)}",
        highlight=False,
    )


def _print_noise(result: NoisePeriodAssessment) -> None:
    console.print(f"功能区声环境质量 {result.period.label}（dB(A)）", highlight=False)
    console.print(
        _table(
            "监测点位",
            ("站点", "功能区", "Ld", "Ln", "限值 昼/夜", "昼达标/点次", "夜达标/点次"),
            [
                (
                    _site_label(site.code, site.name),
                    f"{site.zone}类",
                    _text(site.ld),
                    _text(site.ln),
                    f"{site.day_limit}/{site.night_limit}",
                    _of(site.day_compliant, site.day_judged),
                    _of(site.night_compliant, site.night_judged),
                )
                for site in result.stations
            ],
        )
    )
    console.print(
        _table(
            "数据有效性",
            ("站点", "有效天/天数", "有效小时/应测"),
            [
                (
                    _site_label(site.code, site.name),
                    _of(site.valid_days, site.days),
                    _of(site.valid_hours, site.expected_hours),
                )
                for site in result.stations
            ],
        )
    )
    console.print(
        _table(
            "功能区达标率",
            ("功能区", "站点数", "昼间达标率 [%]", "夜间达标率 [%]", "排除点次 昼/夜"),
            [
                (
                    "全部" if zone.zone == "all" else f"{zone.zone}类",
                    str(zone.stations),
                    _text(zone.day.rate),
                    _text(zone.night.rate),
                    f"{zone.day.excluded}/{zone.night.excluded}",
                )
                for zone in (*result.zones, result.overall)
            ],
        )
    )


class _Assessment(Protocol):
    def to_json(self) -> Json: ...


R = TypeVar("R", bound=_Assessment)


def _assess(
    database: str | None,
    assess: Callable[[StoreTransaction, Sequence[str] | None, AssessmentPeriod], R],
    sites: Sequence[str] | None,
    period: str,
    as_json: bool,
    show: Callable[[R], None],
) -> None:
    """Run one assessment in a read snapshot and print it as tables or JSON."""
    with opened_store(database) as store, store.snapshot() as snapshot:
        result = assess(snapshot, sites, parse_period(period))
    if as_json:
        _print_json(result.to_json())
    else:
        show(result)


@app.command("air")
def air(
    period: PeriodOption,
    site: SiteOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Air quality: concentrations, validity, good-day rate and composite index."""
    _assess(database, assess_air_period, site, period, as_json, _print_air)


@app.command("water")
def water(
    period: PeriodOption,
    site: SiteOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Surface water: monthly and period classes, CWQI, targets, drinking-water sources."""
    _assess(database, assess_water_period, site, period, as_json, _print_water)


@app.command("noise")
def noise(
    period: PeriodOption,
    site: SiteOption = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Functional-zone noise: Ld / Ln, day and night compliance by zone class."""
    _assess(database, assess_noise_period, site, period, as_json, _print_noise)
