"""Outlet emission limits: hourly and daily exceedance on the converted concentration, and
maintenance or fault marks that cover exceedances (S5).

Rules:

- A value is judged only when its flag is usable (``FlagPolicy``): readings with invalid flags
  never fire exceedance (issue 6 "Bad input"; MEE 标记规则: data marked invalid are not used for
  exceedance determination, reliability-security.md §4, secondary).
- Gas limits with a reference O2 are judged on C折 = C × (21 − O2ref)/(21 − O2) (HJ 212-2017
  App. D.2.3) [HJ212-2017]; an hour whose O2 is missing or ≥ ``o2_cap_pct`` is not judged.
- Minute data are first averaged to hours (≥ 45 valid minutes), hours to local days (≥ 20 valid
  hours) (HJ 76-2017 App. B, secondary; HJ 212-2017 App. D (24), (25)); each minute value is
  converted with its own O2 before averaging.
- A limit with a lower bound (pH 6–9) fires below it too; a T (over-range) value is a lower
  bound and so proves only an upper exceedance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import (
    EvidenceReading,
    FactValue,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.series import (
    DAY_S,
    HOUR_S,
    MINUTE_S,
    Bools,
    FlagPolicy,
    Floats,
    Int64s,
    Series,
    aligned,
    contiguous_runs,
    converted_concentration,
    group_keys,
    local_day_starts,
    period_means,
)


@dataclass(frozen=True)
class EmissionParameters:
    """Parameters of the hourly and daily exceedance rules.

    Parameters
    ----------
    min_consecutive
        Consecutive exceeding periods before the rule fires (1 = any exceeding hour/day).
    o2_cap_pct
        O2 at and above which a value is not converted nor judged. [%]
    min_valid_minutes
        Valid minutes an hour needs when hours are made from minute data (HJ 76: 45).
    min_valid_hours
        Valid hours a day needs (HJ 76: 20).
    severity
        Severity of the alerts.
    flags
        Which flags are usable.
    """

    min_consecutive: int = 1
    o2_cap_pct: float = 19.0
    min_valid_minutes: int = 45
    min_valid_hours: int = 20
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = "emission_hour/emission_day"
        check.count(rule, "min_consecutive", self.min_consecutive)
        check.number(
            rule, "o2_cap_pct", self.o2_cap_pct, minimum=0.0, maximum=21.0, open_maximum=True
        )
        check.count(rule, "min_valid_minutes", self.min_valid_minutes, maximum=60)
        check.count(rule, "min_valid_hours", self.min_valid_hours, maximum=24)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


@dataclass(frozen=True, eq=False)
class JudgedSeries:
    """Values as judged against a limit: per period start, the (converted) value and whether it
    is usable, with the raw readings behind each for the evidence."""

    starts_s: Int64s
    values: Floats
    usable: Bools
    lower_bound: Bools  # the value is a T (over-range) lower bound
    step_s: int


def judged_hours(
    limit: EmissionLimit, series: Series, o2: Series | None, params: EmissionParameters
) -> JudgedSeries:
    """Hourly values to judge against ``limit``: converted where the limit has a reference O2,
    made from minute data where ``series`` holds minutes."""
    values = series.values
    usable = params.flags.valid(series.flags) & np.isfinite(values)
    lower_bound = series.flags == "T"
    if limit.reference_o2_pct is not None:
        o2_values = np.full(len(series), np.nan) if o2 is None else aligned(series, o2)[0]
        values = converted_concentration(
            values, o2_values, limit.reference_o2_pct, o2_cap_pct=params.o2_cap_pct
        )
        usable &= np.isfinite(values)
    if series.step_s != MINUTE_S:
        return JudgedSeries(series.starts_s, values, usable, lower_bound, series.step_s)
    hours = series.starts_s // HOUR_S * HOUR_S
    means = period_means(
        series.starts_s,
        values,
        usable,
        period_starts_s=hours,
        min_valid=params.min_valid_minutes,
    )
    # An hour is a lower bound when any of its minutes is.
    _, inverse = group_keys(hours)
    bound = np.bincount(inverse, weights=(lower_bound & usable).astype(float)) > 0
    return JudgedSeries(means.starts_s, means.means, np.isfinite(means.means), bound, HOUR_S)


def judged_days(
    limit: EmissionLimit, series: Series, o2: Series | None, params: EmissionParameters
) -> JudgedSeries:
    """Local-day means of the judged hours (≥ ``min_valid_hours`` usable hours)."""
    hours = judged_hours(limit, series, o2, params)
    days = local_day_starts(hours.starts_s)
    means = period_means(
        hours.starts_s,
        hours.values,
        hours.usable,
        period_starts_s=days,
        min_valid=params.min_valid_hours,
    )
    return JudgedSeries(
        means.starts_s,
        means.means,
        np.isfinite(means.means),
        np.zeros(means.starts_s.size, dtype=bool),
        DAY_S,
    )


def _exceeding(limit: EmissionLimit, judged: JudgedSeries) -> Bools:
    above = judged.usable & (judged.values > limit.limit)
    if limit.lower_limit is None:
        return above
    below = judged.usable & ~judged.lower_bound & (judged.values < limit.lower_limit)
    return above | below


def emission_exceedances(
    limit: EmissionLimit,
    series: Series,
    *,
    o2: Series | None = None,
    params: EmissionParameters | None = None,
) -> list[Finding]:
    """Periods where an outlet's (converted) concentration breaks its limit.

    .. math::

        C_{折} = C \\times \\frac{21 - O_{2,ref}}{21 - O_2} > L \\quad (\\text{or} < L_{low})

    Parameters
    ----------
    limit
        The outlet's limit (averaging hour or day; reference O2 and lower limit if any).
    series
        The pollutant's minute or hourly values at the outlet. [limit's unit]
    o2
        The outlet's O2 series at the same period (needed when the limit has a reference O2).
        [%]
    params
        Rule parameters.

    Returns
    -------
    One finding per run of at least ``min_consecutive`` exceeding hours (``emission_hour``)
    or days (``emission_day``), value = the run's largest deviation from the limit.

    References
    ----------
    [HJ212-2017] App. D.2.3; HJ 76-2017 App. B (secondary).
    """
    params = params or EmissionParameters()
    if limit.averaging is Averaging.DAY:
        judged = judged_days(limit, series, o2, params)
        rule = RuleCode.EMISSION_DAY
    else:
        judged = judged_hours(limit, series, o2, params)
        rule = RuleCode.EMISSION_HOUR
    exceeding = _exceeding(limit, judged)
    findings = []
    for lo, hi in contiguous_runs(
        exceeding,
        judged.starts_s,
        judged.step_s,
        # Local days of the tz database's past may last 23–25 h.
        tolerance_s=HOUR_S if judged.step_s == DAY_S else 0,
    ):
        if hi - lo < params.min_consecutive:
            continue
        run_values = judged.values[lo:hi]
        high = run_values > limit.limit
        worst = float(run_values[high].max()) if high.any() else float(run_values.min())
        start_s = int(judged.starts_s[lo])
        end_s = int(judged.starts_s[hi - 1]) + (DAY_S if rule is RuleCode.EMISSION_DAY else HOUR_S)
        readings = _raw_readings(limit.parameter, series, start_s, end_s)
        if o2 is not None and limit.reference_o2_pct is not None:
            readings += _raw_readings("a19001", o2, start_s, end_s)
        facts: dict[str, FactValue] = {
            "limit": limit.limit,
            "unit": limit.unit,
            "averaging": limit.averaging.value,
            "reference_o2_pct": limit.reference_o2_pct,
            "lower_limit": limit.lower_limit,
            "periods_exceeding": hi - lo,
            "judged_values": ", ".join(f"{value:.4g}" for value in run_values[:48]),
            "conversion": "C × (21 − O2ref)/(21 − O2), HJ 212-2017 App. D.2.3"
            if limit.reference_o2_pct is not None
            else None,
        }
        period = "日均" if rule is RuleCode.EMISSION_DAY else "小时"
        kind = "折算浓度" if limit.reference_o2_pct is not None else "浓度"
        bound = (
            f"{limit.lower_limit:g}–{limit.limit:g}"
            if limit.lower_limit is not None
            else f"{limit.limit:g}"
        )
        findings.append(
            Finding(
                rule=rule,
                subject=limit.outlet,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{limit.outlet} {limit.parameter} {period}{kind} {worst:.4g} {limit.unit} "
                    f"超出限值 {bound} {limit.unit}（{hi - lo} 个{period[:2]}时段）"
                ),
                evidence=evidence(readings, facts),
                site=limit.outlet,
                parameter=limit.parameter,
                value=worst,
                threshold=limit.limit,
            )
        )
    return findings


def _raw_readings(name: str, series: Series, start_s: int, end_s: int) -> list[EvidenceReading]:
    part = series.window(start_s, end_s)
    return [
        EvidenceReading(name, int(at), float(value), str(flag))
        for at, value, flag in zip(
            part.starts_s.tolist(), part.values.tolist(), part.flags.tolist(), strict=True
        )
    ]


@dataclass(frozen=True)
class MarkedExceedanceParameters:
    """Parameters of the false-mark rule (S5: marks over exceedance windows, no O&M record).

    Parameters
    ----------
    min_marked_share
        Share of the exceeding hours that carry a mark without an O&M record (S5: 80 %).
    min_marked_hours
        Marked exceeding hours the window needs at least.
    o2_cap_pct
        As :class:`EmissionParameters`. [%]
    severity
        Severity of the alerts.
    flags
        ``mark_flags`` are the marks (default M, D).
    """

    min_marked_share: float = 0.8
    min_marked_hours: int = 3
    o2_cap_pct: float = 19.0
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.MARKED_EXCEEDANCE.value
        check.number(
            rule,
            "min_marked_share",
            self.min_marked_share,
            minimum=0.0,
            maximum=1.0,
            open_minimum=True,
        )
        check.count(rule, "min_marked_hours", self.min_marked_hours)
        check.number(
            rule, "o2_cap_pct", self.o2_cap_pct, minimum=0.0, maximum=21.0, open_maximum=True
        )
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def marked_exceedances(
    limit: EmissionLimit,
    series: Series,
    *,
    o2: Series | None = None,
    maintenance: tuple[tuple[int, int], ...] = (),
    params: MarkedExceedanceParameters | None = None,
) -> list[Finding]:
    """Maintenance or fault marks laid over exceedances without an O&M record (虚假标记, S5).

    Every value above the limit (converted where the limit has a reference O2; an hourly value
    against a daily limit too, as a lead) is an exceeding value, whatever its flag. The rule
    fires once for the window when at least ``min_marked_hours`` of them and a share of at
    least ``min_marked_share`` carry a mark (M, D) that no maintenance record covers; the
    evidence lists the marked windows.

    Parameters
    ----------
    limit
        The outlet's limit.
    series
        The pollutant's values over the window examined (hourly or minute). [limit's unit]
    o2
        The outlet's O2, for the conversion. [%]
    maintenance
        O&M records as ``(start_s, end_s)`` intervals; a mark inside one is explained.
    params
        Rule parameters.
    """
    params = params or MarkedExceedanceParameters()
    values = series.values
    if limit.reference_o2_pct is not None:
        o2_values = np.full(len(series), np.nan) if o2 is None else aligned(series, o2)[0]
        values = converted_concentration(
            values, o2_values, limit.reference_o2_pct, o2_cap_pct=params.o2_cap_pct
        )
    exceeding = np.isfinite(values) & (values > limit.limit)
    if limit.lower_limit is not None:
        exceeding |= np.isfinite(values) & (values < limit.lower_limit)
    explained = np.zeros(len(series), dtype=bool)
    for start_s, end_s in maintenance:
        explained |= (series.starts_s >= start_s) & (series.starts_s < end_s)
    marked = exceeding & params.flags.marked(series.flags) & ~explained
    n_exceeding = int(exceeding.sum())
    n_marked = int(marked.sum())
    if n_marked < params.min_marked_hours or n_marked < params.min_marked_share * n_exceeding:
        return []
    step = series.step_s or HOUR_S
    windows = [
        (int(series.starts_s[lo]), int(series.starts_s[hi - 1]) + step)
        for lo, hi in contiguous_runs(marked, series.starts_s, step)
    ]
    listing = "; ".join(
        f"{dt.datetime.fromtimestamp(a, dt.UTC).isoformat()}/"
        f"{dt.datetime.fromtimestamp(b, dt.UTC).isoformat()}"
        for a, b in windows
    )
    readings = [
        EvidenceReading(limit.parameter, int(at), float(value), str(flag))
        for at, value, flag in zip(
            series.starts_s[marked].tolist(),
            series.values[marked].tolist(),
            series.flags[marked].tolist(),
            strict=True,
        )
    ]
    share = n_marked / n_exceeding
    return [
        Finding(
            rule=RuleCode.MARKED_EXCEEDANCE,
            subject=limit.outlet,
            start_s=windows[0][0],
            end_s=windows[-1][1],
            severity=params.severity,
            message=(
                f"{limit.outlet} {limit.parameter}：{n_exceeding} 个超标时段中 {n_marked} 个"
                f"（{share:.0%}）被标记为维护/故障且无运维记录"
            ),
            evidence=evidence(
                readings,
                {
                    "limit": limit.limit,
                    "unit": limit.unit,
                    "exceeding_values": n_exceeding,
                    "marked_without_record": n_marked,
                    "marked_windows": listing,
                    "mark_flags": ",".join(sorted(params.flags.mark_flags)),
                    "maintenance_records": len(maintenance),
                },
            ),
            site=limit.outlet,
            parameter=limit.parameter,
            value=share,
            threshold=params.min_marked_share,
        )
    ]
