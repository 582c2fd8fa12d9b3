"""The county bulletin (环境质量简报): the published figures of air, water and noise.

Figures come from the assessment functions of :mod:`ecowarden.assess`; this module only
chooses what a county bulletin shows and how the periods are compared:

- Air, the current year to date (1—M月, M the last whole month) against the same months of the
  previous year. The year-on-year change compares like with like (OQ-7): both periods under
  the editions in force at the end of the current period. The figures "as published" (each
  day under the edition in force that day, OQ-6) and a side-by-side of the two editions are
  shown as well, so the effect of the 2026 standards is visible.
- Water, the same months: monthly classes, period class against the target, CWQI and its
  change, the river's status and the drinking-water compliance rates.
- Noise, the same months: day and night compliance rates by functional-zone class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ecowarden.assess.air import AirAssessment, AssessmentPolicy, assess_air
from ecowarden.assess.noise import NoiseAssessment, assess_noise_stations
from ecowarden.assess.water import (
    WaterAssessment,
    WaterSiteSpec,
    assess_water_sites,
    cwqi_year_on_year,
)
from ecowarden.errors import ValidationError
from ecowarden.standards.air import (
    AirPollutant,
    AqiStandard,
    ChangeKind,
    LimitSet,
    Period,
    Pollutant,
    limits,
    standard_for,
    year_on_year,
)
from ecowarden.standards.noise import zone_limits
from ecowarden.standards.rounding import round_half_even

YTD = Period.YEAR_TO_DATE

# Headline statistics of a county bulletin (HJ 663 §4.2 annual items, reference air §4.2).
HEADLINE: tuple[tuple[AirPollutant, str, str, str], ...] = (
    (AirPollutant.PM25, "mean", "PM2.5 平均浓度", "µg/m³"),
    (AirPollutant.PM10, "mean", "PM10 平均浓度", "µg/m³"),
    (AirPollutant.SO2, "mean", "SO2 平均浓度", "µg/m³"),
    (AirPollutant.NO2, "mean", "NO2 平均浓度", "µg/m³"),
    (AirPollutant.CO, "percentile", "CO 日均值第95百分位数", "mg/m³"),
    (AirPollutant.O3, "percentile", "O3 日最大8小时第90百分位数", "µg/m³"),
)
CATEGORY_NAMES = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
LIMIT_SET_LABELS = {
    LimitSet.GB3095_2012: "GB 3095-2012",
    LimitSet.GB3095_2026_TRANSITIONAL: "GB 3095-2026（过渡阶段）",
    LimitSet.GB3095_2026_FINAL: "GB 3095-2026（最终阶段）",
}


@dataclass(frozen=True)
class Figure:
    """One bulletin row: a figure now, the same period last year, and the change in words."""

    label: str
    unit: str
    current: str
    previous: str
    change: str


@dataclass(frozen=True)
class EditionColumn:
    """The current period judged under one pair of editions."""

    label: str
    good_day_rate: str
    category_days: tuple[int, ...]
    pm25_limit: str  # the PM2.5 annual limit of the limit set, with the verdict


@dataclass(frozen=True)
class StationRow:
    code: str
    name: str
    pm25: str
    good_day_rate: str
    index: str


@dataclass(frozen=True)
class AirBulletin:
    period: str
    previous_period: str
    basis: str
    headline: tuple[Figure, ...]
    good_day_rate: Figure
    composite_index: Figure
    published_good_day_rate: str  # each day under its own edition (as published)
    category_days: tuple[tuple[str, int, int], ...]  # name, current, previous (like basis)
    primary_days: tuple[tuple[str, int], ...]  # current period, as published
    editions: tuple[EditionColumn, ...]
    stations: tuple[StationRow, ...]


@dataclass(frozen=True)
class WaterRow:
    code: str
    name: str
    target: str
    monthly: tuple[str, ...]
    period_class: str
    attained: str
    cwqi: str
    main_pollutants: str


@dataclass(frozen=True)
class WaterBulletin:
    period: str
    months: tuple[str, ...]
    rows: tuple[WaterRow, ...]
    river_status: str
    river_cwqi: Figure
    drinking_by_count: str
    drinking_by_volume: str


@dataclass(frozen=True)
class NoiseRow:
    zone: str
    stations: int
    day_rate: str
    night_rate: str


@dataclass(frozen=True)
class NoiseBulletin:
    period: str
    rows: tuple[NoiseRow, ...]
    overall_day: str
    overall_night: str
    exceeding_night: tuple[str, ...]  # stations whose period Ln exceeds the night limit


@dataclass(frozen=True)
class Bulletin:
    county: str
    air: AirBulletin
    water: WaterBulletin | None
    noise: NoiseBulletin | None


# --- air ------------------------------------------------------------------------------------


def _text(value: float, decimals: int) -> str:
    return "—" if np.isnan(value) else f"{value:.{decimals}f}"


def _decimal(value: float, decimals: int) -> Decimal | None:
    return None if np.isnan(value) else round_half_even(float(value), decimals)


def _period_label(start: dt.date, end: dt.date) -> str:
    if start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}—{end.month}月"


def _headline_value(assessment: AirAssessment, pollutant: AirPollutant, kind: str) -> np.ndarray:
    stats = assessment.city.periods[YTD].statistics[pollutant]
    return stats.mean_reported if kind == "mean" else stats.percentile_reported


def _figure(
    label: str, unit: str, now: float, before: float, decimals: int, kind: ChangeKind
) -> Figure:
    change = year_on_year(_decimal(now, decimals), _decimal(before, decimals), kind=kind)
    return Figure(label, unit, _text(now, decimals), _text(before, decimals), change.wording or "—")


def air_bulletin(
    hourly: Mapping[str, npt.ArrayLike],
    *,
    stations: Sequence[tuple[str, str]],
    first_date: dt.date,
    air_class: Sequence[int],
) -> AirBulletin:
    """Air figures of the year to date against the same months of the previous year.

    ``hourly`` maps pollutant names to (stations, hours) arrays of valid hourly values (NaN
    missing or invalid) whose hour 0 starts 00:00 local on ``first_date``; the series must
    reach back into the previous year.
    """
    published = assess_air(
        hourly, first_date=first_date, air_class=air_class, policy=AssessmentPolicy(periods=(YTD,))
    )
    periods = published.city.periods[YTD].periods
    current_index = len(periods) - 1
    if current_index < 1:
        raise ValidationError("the air series must cover the previous year's same months")
    now_period, before_period = periods[current_index], periods[current_index - 1]
    end_editions = standard_for(now_period.end)
    like = assess_air(
        hourly,
        first_date=first_date,
        air_class=air_class,
        policy=AssessmentPolicy(
            periods=(YTD,), aqi_standard=end_editions.aqi, limit_set=end_editions.limits
        ),
    )
    headline = []
    for pollutant, kind, label, unit in HEADLINE:
        values = _headline_value(like, pollutant, kind)
        decimals = like.city.periods[YTD].statistics[pollutant].decimals
        headline.append(
            _figure(
                label,
                unit,
                values[current_index],
                values[current_index - 1],
                decimals,
                ChangeKind.CONCENTRATION,
            )
        )
    like_days = like.city.periods[YTD].good_days
    rate = _figure(
        "优良天数比例",
        "%",
        like_days.rate[current_index],
        like_days.rate[current_index - 1],
        1,
        ChangeKind.RATE,
    )
    index = like.city.periods[YTD].index
    composite = (
        _figure(
            "环境空气质量综合指数",
            "",
            index.reported[current_index],
            index.reported[current_index - 1],
            2,
            ChangeKind.CONCENTRATION,
        )
        if index is not None
        else Figure("环境空气质量综合指数", "", "—", "—", "—")
    )
    published_days = published.city.periods[YTD].good_days
    primary = tuple(
        (pollutant.value, int(published_days.primary_days[pollutant][current_index]))
        for pollutant in Pollutant
    )
    categories = tuple(
        (
            name,
            int(like_days.category_days[current_index, idx]),
            int(like_days.category_days[current_index - 1, idx]),
        )
        for idx, name in enumerate(CATEGORY_NAMES)
    )
    # The like-with-like run already holds the current editions' column: reuse it.
    runs = {(end_editions.aqi, end_editions.limits): like}
    editions = tuple(
        _edition_column(
            runs.get((aqi_standard, limit_set))
            or _forced_run(hourly, first_date, air_class, aqi_standard, limit_set),
            aqi_standard,
            limit_set,
            current_index,
        )
        for aqi_standard, limit_set in (
            (AqiStandard.HJ633_2012, LimitSet.GB3095_2012),
            (AqiStandard.HJ633_2026, LimitSet.GB3095_2026_TRANSITIONAL),
        )
    )
    station_rows = _station_rows(published, stations, current_index)
    return AirBulletin(
        period=_period_label(now_period.start, now_period.end),
        previous_period=_period_label(before_period.start, before_period.end),
        basis=(
            f"同比按可比口径：两个时段均按 {end_editions.aqi.value}、"
            f"{LIMIT_SET_LABELS[end_editions.limits]} 计算"
        ),
        headline=tuple(headline),
        good_day_rate=rate,
        composite_index=composite,
        published_good_day_rate=_text(published_days.rate[current_index], 1),
        category_days=categories,
        primary_days=primary,
        editions=editions,
        stations=station_rows,
    )


def _forced_run(
    hourly: Mapping[str, npt.ArrayLike],
    first_date: dt.date,
    air_class: Sequence[int],
    aqi_standard: AqiStandard,
    limit_set: LimitSet,
) -> AirAssessment:
    return assess_air(
        hourly,
        first_date=first_date,
        air_class=air_class,
        policy=AssessmentPolicy(periods=(YTD,), aqi_standard=aqi_standard, limit_set=limit_set),
    )


def _edition_column(
    run: AirAssessment, aqi_standard: AqiStandard, limit_set: LimitSet, current_index: int
) -> EditionColumn:
    days = run.city.periods[YTD].good_days
    pm25 = run.city.periods[YTD].statistics[AirPollutant.PM25].mean_reported[current_index]
    limit = limits("PM2.5", "annual", 2, limit_set=limit_set)
    verdict = "—" if np.isnan(pm25) else ("达标" if Decimal(int(pm25)) <= limit else "超标")
    return EditionColumn(
        label=f"{aqi_standard.value} / {LIMIT_SET_LABELS[limit_set]}",
        good_day_rate=_text(days.rate[current_index], 1),
        category_days=tuple(int(n) for n in days.category_days[current_index]),
        pm25_limit=f"{limit} µg/m³，{verdict}",
    )


def _station_rows(
    assessment: AirAssessment, stations: Sequence[tuple[str, str]], current_index: int
) -> tuple[StationRow, ...]:
    period = assessment.stations.periods[YTD]
    pm25 = period.statistics[AirPollutant.PM25].mean_reported
    rate = period.good_days.rate
    index = period.index
    return tuple(
        StationRow(
            code,
            name,
            _text(pm25[row, current_index], 0),
            _text(rate[row, current_index], 1),
            "—" if index is None else _text(index.reported[row, current_index], 2),
        )
        for row, (code, name) in enumerate(stations)
    )


# --- water ----------------------------------------------------------------------------------


def _percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{round_half_even(100 * value, 1)}%"


def water_bulletin(
    sites: Sequence[WaterSiteSpec],
    samples: Mapping[str, Sequence[tuple[tuple[int, int], Mapping[str, float | None]]]],
    *,
    year: int,
    last_month: int,
) -> WaterBulletin:
    """Water figures of months 1…``last_month`` of ``year`` against the previous year.

    ``samples[site]`` is a sequence of ((year, month), values) monthly samples.
    """

    def period_samples(y: int) -> dict[str, list[Mapping[str, float | None]]]:
        return {
            code: [values for (sy, sm), values in rows if sy == y and sm <= last_month]
            for code, rows in samples.items()
        }

    now: WaterAssessment = assess_water_sites(sites, period_samples(year))
    before = assess_water_sites(sites, period_samples(year - 1))
    rows = []
    for result in now.sites:
        rows.append(
            WaterRow(
                code=result.site.code,
                name=result.site.name,
                target=result.site.target_class,
                monthly=tuple("—" if c is None else c.value for c in result.monthly_classes),
                period_class="—"
                if result.period.water_class is None
                else result.period.water_class.value,
                attained={True: "达标", False: "未达标", None: "—"}[result.meets_target],
                cwqi="—" if result.cwqi is None else f"{round_half_even(result.cwqi, 4)}",
                main_pollutants="、".join(result.period.main_pollutants_bulletin) or "—",
            )
        )
    change = cwqi_year_on_year(now.river_cwqi, before.river_cwqi)
    river_cwqi = Figure(
        "清溪河 CWQI",
        "",
        "—" if now.river_cwqi is None else f"{round_half_even(now.river_cwqi, 4)}",
        "—" if before.river_cwqi is None else f"{round_half_even(before.river_cwqi, 4)}",
        "—"
        if change is None
        else ("改善" if change.percent < 0 else "变差" if change.percent > 0 else "持平")
        + f"{abs(round_half_even(change.percent, 1))}%",
    )
    status = now.river
    river_text = "—"
    if status is not None and status.status is not None:
        method = "断面类别比例法" if status.method.value == "proportion" else "断面均值法"
        river_text = f"{status.status.value}（{method}）"
    return WaterBulletin(
        period=f"{year}年1—{last_month}月" if last_month > 1 else f"{year}年1月",
        months=tuple(f"{m}月" for m in range(1, last_month + 1)),
        rows=tuple(rows),
        river_status=river_text,
        river_cwqi=river_cwqi,
        drinking_by_count=_percent(now.drinking_by_count),
        drinking_by_volume=_percent(now.drinking_by_volume),
    )


# --- noise ----------------------------------------------------------------------------------


def noise_bulletin(
    hourly_leq_dba: npt.ArrayLike,
    *,
    stations: Sequence[str],
    zones: Sequence[str],
    first_date: dt.date,
    period_label: str,
) -> NoiseBulletin:
    """Functional-zone compliance of the stations over whole days from ``first_date``."""
    result: NoiseAssessment = assess_noise_stations(hourly_leq_dba, stations, zones, first_date)
    per_zone = {
        zone: sum(1 for s in result.stations if s.zone is zone) for zone in result.rates.by_zone
    }
    rows = tuple(
        NoiseRow(
            zone=f"{zone.value}类",
            stations=per_zone[zone],
            day_rate=_rate(rates.day.rate_pct),
            night_rate=_rate(rates.night.rate_pct),
        )
        for zone, rates in result.rates.by_zone.items()
    )
    exceeding = tuple(
        s.station
        for s in result.stations
        if s.ln_dba is not None and round_half_even(s.ln_dba, 1) > _night_limit(s.zone.value)
    )
    return NoiseBulletin(
        period=period_label,
        rows=rows,
        overall_day=_rate(result.rates.overall.day.rate_pct),
        overall_night=_rate(result.rates.overall.night.rate_pct),
        exceeding_night=exceeding,
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _night_limit(zone: str) -> Decimal:
    return Decimal(zone_limits(zone).night_db)
