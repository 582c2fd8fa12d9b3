"""Ambient thresholds: AQI above 100 at an air station, a water section below its target class,
a noise station above its GB 3096-2008 zone limit by day or by night.

The standards engines do the arithmetic (HJ 633 AQI, GB 3838 classes, GB 3096 limits); these
rules decide when a value becomes an alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.standards.air import aqi, standard_for
from ecowarden.standards.air.editions import AqiStandard
from ecowarden.standards.noise import GB3096_SPLIT, DayNightSplit
from ecowarden.standards.noise.zones import zone_limits
from ecowarden.standards.water import WaterClass as GradedClass
from ecowarden.standards.water.vectorised import classify_samples
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import (
    EvidenceReading,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.series import (
    DAY_S,
    HOUR_S,
    Floats,
    Int64s,
    local_day_starts,
    true_runs,
)

#: HJ 212 codes of the six AQI pollutants → HJ 633 1-h items [HJ212-2017] [HJ633-2026].
AQI_ITEMS: Mapping[str, str] = {
    "a21026": "SO2_1H",
    "a21004": "NO2_1H",
    "a21005": "CO_1H",
    "a05024": "O3_1H",
    "a34002": "PM10_1H",
    "a34004": "PM25_1H",
}


@dataclass(frozen=True)
class AqiParameters:
    """Hourly AQI above ``threshold`` for ``min_consecutive_hours`` at a station.

    The hourly (实时报) AQI of the six current 1-h means: HJ 633-2026 Table 5 for hours from
    2026-03-01; for earlier hours HJ 633-2012 as the national release platform computed it (1-h
    values indexed; the 24-h moving averages are not re-derived here) [HJ633-2012]
    [HJ633-2026].
    """

    threshold: int = 100
    min_consecutive_hours: int = 1
    severity: Severity = Severity.MEDIUM

    def __post_init__(self) -> None:
        rule = RuleCode.AMBIENT_AQI.value
        check.count(rule, "threshold", self.threshold, minimum=0, maximum=500)
        check.count(rule, "min_consecutive_hours", self.min_consecutive_hours)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def hourly_aqi(starts_s: Int64s, concentrations: Mapping[str, Floats]) -> Floats:
    """Hourly AQI (NaN where not publishable) under the edition in force each hour.

    Parameters
    ----------
    starts_s
        Hour starts. [s since the epoch]
    concentrations
        HJ 212 code → 1-h means at those starts [µg/m³; CO mg/m³], NaN missing.
    """
    result = np.full(starts_s.size, np.nan)
    if starts_s.size == 0:
        return result
    days = local_day_starts(starts_s)
    editions = np.array(
        [
            standard_for(dt.datetime.fromtimestamp(int(day), LOCAL_ZONE).date()).aqi.value
            for day in np.unique(days).tolist()
        ]
    )
    day_edition = dict(zip(np.unique(days).tolist(), editions.tolist(), strict=True))
    hour_edition = np.array([day_edition[int(day)] for day in days.tolist()])
    for edition in np.unique(hour_edition).tolist():
        rows = hour_edition == edition
        items = {
            AQI_ITEMS[code]: np.asarray(values, dtype=np.float64)[rows]
            for code, values in concentrations.items()
            if code in AQI_ITEMS
        }
        if not items:
            continue
        profile = "text" if edition == AqiStandard.HJ633_2026.value else "national-release"
        computed = aqi(items, standard=edition, report="hourly", profile=profile)
        values = computed.aqi.astype(np.float64).filled(np.nan)
        result[rows] = values
    return result


def aqi_exceedances(
    station: str,
    starts_s: Int64s,
    concentrations: Mapping[str, Floats],
    *,
    params: AqiParameters | None = None,
) -> list[Finding]:
    """Runs of hours whose AQI is above the threshold at one station."""
    params = params or AqiParameters()
    index = hourly_aqi(starts_s, concentrations)
    above = np.isfinite(index) & (index > params.threshold)
    findings = []
    first, end = true_runs(above)
    for lo, hi in zip(first.tolist(), end.tolist(), strict=True):
        if hi - lo < params.min_consecutive_hours:
            continue
        worst = float(index[lo:hi].max())
        readings = [
            EvidenceReading(code, int(at), float(value))
            for code, values in sorted(concentrations.items())
            for at, value in zip(starts_s[lo:hi].tolist(), values[lo:hi].tolist(), strict=True)
        ]
        start_s, end_s = int(starts_s[lo]), int(starts_s[hi - 1]) + HOUR_S
        findings.append(
            Finding(
                rule=RuleCode.AMBIENT_AQI,
                subject=station,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{station} 小时 AQI 最高 {worst:.0f}，{hi - lo} 小时超过 {params.threshold}"
                ),
                evidence=evidence(
                    readings,
                    {
                        "hourly_aqi": ", ".join(f"{v:.0f}" for v in index[lo:hi].tolist()),
                        "threshold": params.threshold,
                    },
                ),
                site=station,
                value=worst,
                threshold=float(params.threshold),
            )
        )
    return findings


@dataclass(frozen=True)
class WaterTargetParameters:
    """A water sample classed worse than the section's target class (GB 3838-2002 §4)."""

    severity: Severity = Severity.MEDIUM

    def __post_init__(self) -> None:
        rule = RuleCode.WATER_BELOW_TARGET.value
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def water_below_target(
    section: str,
    starts_s: Int64s,
    items: Mapping[str, Floats],
    *,
    target_class: str,
    water_body: str,
    step_s: int = DAY_S,
    params: WaterTargetParameters | None = None,
) -> list[Finding]:
    """Samples of a section whose GB 3838-2002 class is worse than its target [GB3838-2002].

    Parameters
    ----------
    starts_s
        Sample starts. [s since the epoch]
    items
        GB 3838 item names or HJ 212 codes → values at those starts [mg/L …], NaN missing.
    target_class
        The section's target class (``I`` … ``V``).
    water_body
        ``river`` or ``lake``.
    """
    params = params or WaterTargetParameters()
    if starts_s.size == 0 or not items:
        return []
    classes = classify_samples(items, water_body=water_body)
    target = GradedClass(target_class).code
    findings = []
    for row in np.flatnonzero(classes.water_class > target).tolist():
        graded = GradedClass.from_code(int(classes.water_class[row]))
        worst_items = sorted(
            item.value for item, codes in classes.per_item.items() if int(codes[row]) > target
        )
        start_s = int(starts_s[row])
        findings.append(
            Finding(
                rule=RuleCode.WATER_BELOW_TARGET,
                subject=section,
                start_s=start_s,
                end_s=start_s + step_s,
                severity=params.severity,
                message=(
                    f"{section} 水质 {graded.value} 类，未达目标 {target_class} 类"
                    f"（超标项目：{'、'.join(worst_items)}）"
                ),
                evidence=evidence(
                    [
                        EvidenceReading(name, start_s, float(values[row]))
                        for name, values in sorted(items.items())
                    ],
                    {
                        "class": graded.value,
                        "target_class": target_class,
                        "water_body": water_body,
                        "items_worse_than_target": ",".join(worst_items),
                    },
                ),
                site=section,
                value=float(classes.water_class[row]),
                threshold=float(target),
            )
        )
    return findings


@dataclass(frozen=True)
class NoiseZoneParameters:
    """Day level Ld or night level Ln of a local day above the GB 3096-2008 Table 1 limit of
    the zone plus ``margin_db``, each period with at least ``min_coverage`` of its hours
    [GB3096-2008]."""

    margin_db: float = 0.0
    min_coverage: float = 0.75
    severity: Severity = Severity.LOW

    def __post_init__(self) -> None:
        rule = RuleCode.NOISE_ZONE.value
        check.number(rule, "margin_db", self.margin_db, minimum=0.0, maximum=30.0)
        check.number(
            rule, "min_coverage", self.min_coverage, minimum=0.0, maximum=1.0, open_minimum=True
        )
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def energy_mean(levels_db: Floats) -> float:
    r"""Energy-equivalent mean of levels [dB(A)]: :math:`10 \lg \overline{10^{L/10}}`."""
    return float(10.0 * np.log10(np.mean(np.power(10.0, levels_db / 10.0))))


def noise_zone_exceedances(
    station: str,
    starts_s: Int64s,
    leq_dba: Floats,
    *,
    zone: str,
    split: DayNightSplit = GB3096_SPLIT,
    params: NoiseZoneParameters | None = None,
) -> list[Finding]:
    """Day and night periods whose Leq is above the zone's limit (GB 3096-2008 §5.1 Table 1).

    Parameters
    ----------
    starts_s
        Hour starts of hourly Leq values. [s since the epoch]
    leq_dba
        Hourly LAeq, NaN missing. [dB(A)]
    zone
        The zone class (``0`` … ``4b``).
    split
        The day/night split (default 06–22 / 22–06).
    """
    params = params or NoiseZoneParameters()
    if starts_s.size == 0:
        return []
    limits = zone_limits(zone)
    local_hour = ((starts_s + 8 * HOUR_S) // HOUR_S) % 24
    is_day = np.isin(local_hour, split.day_hours)
    # A night belongs to the day it starts on: hours before the day start go to the night of
    # the previous local day.
    shifted = np.where(local_hour < split.day_starts_at, starts_s - DAY_S, starts_s)
    period_day = local_day_starts(shifted)
    findings = []
    for day in np.unique(period_day).tolist():
        for daytime in (True, False):
            rows = (period_day == day) & (is_day == daytime)
            levels = leq_dba[rows]
            ok = np.isfinite(levels)
            n_hours = len(split.day_hours) if daytime else len(split.night_hours)
            if ok.sum() < params.min_coverage * n_hours:
                continue
            level = round(energy_mean(levels[ok]), 1)
            limit = limits.day_db if daytime else limits.night_db
            if level <= limit + params.margin_db:
                continue
            hours = starts_s[rows]
            start_s = int(hours.min())
            name = "昼间" if daytime else "夜间"
            findings.append(
                Finding(
                    rule=RuleCode.NOISE_ZONE,
                    subject=station,
                    start_s=start_s,
                    end_s=int(hours.max()) + HOUR_S,
                    severity=params.severity,
                    message=(
                        f"{station}（{zone} 类区）{name}等效声级 {level:.1f} dB(A) "
                        f"超过限值 {limit} dB(A)"
                    ),
                    evidence=evidence(
                        [
                            EvidenceReading("Leq", int(at), float(value))
                            for at, value in zip(hours.tolist(), levels.tolist(), strict=True)
                        ],
                        {
                            "zone": zone,
                            "period": "day" if daytime else "night",
                            "limit_db": limit,
                            "level_db": level,
                            "split": split.basis,
                        },
                    ),
                    site=station,
                    parameter="Leq",
                    value=level,
                    threshold=float(limit),
                )
            )
    return findings
