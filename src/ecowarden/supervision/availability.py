"""Data availability: device offline, transmission gaps, valid-data rate, clock drift.

National thresholds for 传输率 / 有效率 are not known (reliability-security.md §4 and §9: older
targets of 75 % / 90 % [unconfirmed]); every threshold here is a per-site parameter with a
documented default (docs/supervision.md, decisions/0010).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

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
    FlagPolicy,
    Int64s,
    Series,
    local_day_starts,
)


def _iso(at_s: int) -> str:
    return dt.datetime.fromtimestamp(at_s, dt.UTC).isoformat()


@dataclass(frozen=True)
class OfflineParameters:
    """Device offline: nothing received for ``max_silence_s``.

    HJ 212 practice counts a device online while a valid packet arrives within about three
    upload intervals (hj212-protocol.md §6.6, recommendation); hourly uploads give the default.
    """

    max_silence_s: int = 3 * 3600
    severity: Severity = Severity.MEDIUM

    def __post_init__(self) -> None:
        rule = RuleCode.DEVICE_OFFLINE.value
        check.count(rule, "max_silence_s", self.max_silence_s, minimum=60)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def device_offline(
    subject: str,
    last_received_s: int | None,
    now_s: int,
    *,
    params: OfflineParameters | None = None,
    site: str | None = None,
) -> list[Finding]:
    """A finding when nothing was received from ``subject`` for ``max_silence_s`` up to now.

    Parameters
    ----------
    subject
        The device (MN) or site.
    last_received_s
        When anything was last received from it; None = never. [s since the epoch]
    now_s
        The evaluation instant. [s since the epoch]
    """
    params = params or OfflineParameters()
    if last_received_s is None or now_s - last_received_s < params.max_silence_s:
        return []
    silence = now_s - last_received_s
    return [
        Finding(
            rule=RuleCode.DEVICE_OFFLINE,
            subject=subject,
            start_s=last_received_s,
            end_s=now_s,
            severity=params.severity,
            message=(
                f"{subject} 已 {silence / 3600:.1f} 小时未上传数据"
                f"（最后接收 {_iso(last_received_s)}）"
            ),
            evidence=evidence(
                [],
                {
                    "last_received": _iso(last_received_s),
                    "evaluated_at": _iso(now_s),
                    "max_silence_s": params.max_silence_s,
                },
            ),
            site=site,
            value=float(silence),
            threshold=float(params.max_silence_s),
        )
    ]


@dataclass(frozen=True)
class GapParameters:
    """Transmission gap: consecutive readings of a series further apart than ``min_gap_s`` plus
    one interval (the intervals between them are missing)."""

    min_gap_s: int = 3 * 3600
    severity: Severity = Severity.LOW

    def __post_init__(self) -> None:
        rule = RuleCode.TRANSMISSION_GAP.value
        check.count(rule, "min_gap_s", self.min_gap_s, minimum=60)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def transmission_gaps(
    subject: str,
    parameter: str,
    series: Series,
    *,
    params: GapParameters | None = None,
) -> list[Finding]:
    """Gaps between stored readings of one series: missing intervals of at least ``min_gap_s``.

    The gap is ``[previous start + step, next start)``; a gap still open at the end of the data
    is the offline rule's case.
    """
    params = params or GapParameters()
    if len(series) < 2:
        return []
    step = series.step_s
    missing = np.diff(series.starts_s) - step
    findings = []
    for index in np.flatnonzero(missing >= params.min_gap_s).tolist():
        start_s = int(series.starts_s[index]) + step
        end_s = int(series.starts_s[index + 1])
        findings.append(
            Finding(
                rule=RuleCode.TRANSMISSION_GAP,
                subject=subject,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=f"{subject} {parameter} 缺失 {(end_s - start_s) / 3600:.1f} 小时数据",
                evidence=evidence(
                    [
                        EvidenceReading(
                            parameter,
                            int(series.starts_s[i]),
                            float(series.values[i]),
                            str(series.flags[i]),
                        )
                        for i in (index, index + 1)
                    ],
                    {"missing_s": end_s - start_s, "step_s": step},
                ),
                site=subject,
                parameter=parameter,
                value=float(end_s - start_s),
                threshold=float(params.min_gap_s),
            )
        )
    return findings


@dataclass(frozen=True)
class ValidRateParameters:
    """Valid-data rate (有效率) of a series per local day below ``min_valid_rate``.

    Intervals flagged F (plant stopped) leave the expected count when ``exclude_stopped``
    (stopped production is not missing data). Default 75 %, the older target
    [unconfirmed, reliability-security.md §4].
    """

    min_valid_rate: float = 0.75
    exclude_stopped: bool = True
    severity: Severity = Severity.LOW
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.VALID_RATE.value
        check.number(
            rule, "min_valid_rate", self.min_valid_rate, minimum=0.0, maximum=1.0, open_minimum=True
        )
        check.boolean(rule, "exclude_stopped", self.exclude_stopped)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def valid_rates(
    subject: str,
    parameter: str,
    series: Series,
    *,
    days: Int64s,
    params: ValidRateParameters | None = None,
) -> list[Finding]:
    r"""Local days whose valid-data rate is below the threshold.

    .. math::

        r = \frac{n_{valid}}{86400 / step - n_{stopped}}

    Parameters
    ----------
    series
        The series (minute or hourly; not real-time).
    days
        Local-day starts to judge, ascending (whole days that have ended). [s since the epoch]
    """
    params = params or ValidRateParameters()
    if series.step_s <= 0 or days.size == 0:
        return []
    day_of = local_day_starts(series.starts_s)
    valid = params.flags.valid(series.flags) & np.isfinite(series.values)
    stopped = series.flags == "F"
    # Counts per judged day in one pass: position of each value's day among ``days``.
    position = np.searchsorted(days, day_of)
    inside = (position < days.size) & (days[np.minimum(position, days.size - 1)] == day_of)
    n_valid_per_day = np.bincount(position[inside & valid], minlength=days.size)
    n_stopped_per_day = np.bincount(position[inside & stopped], minlength=days.size)
    findings = []
    for k, day in enumerate(days.tolist()):
        expected = DAY_S // series.step_s
        if params.exclude_stopped:
            expected -= int(n_stopped_per_day[k])
        if expected <= 0:
            continue
        n_valid = int(n_valid_per_day[k])
        rate = n_valid / expected
        if rate >= params.min_valid_rate:
            continue
        local_day = dt.datetime.fromtimestamp(day + 8 * 3600, dt.UTC).date()
        findings.append(
            Finding(
                rule=RuleCode.VALID_RATE,
                subject=subject,
                start_s=day,
                end_s=day + DAY_S,
                severity=params.severity,
                message=(
                    f"{subject} {parameter} {local_day} 有效率 {rate:.0%}"
                    f"（{n_valid}/{expected}）低于 {params.min_valid_rate:.0%}"
                ),
                evidence=evidence(
                    [],
                    {
                        "valid": n_valid,
                        "expected": expected,
                        "stopped_excluded": params.exclude_stopped,
                        "step_s": series.step_s,
                        "usable_flags": ",".join(params.flags.usable),
                    },
                ),
                site=subject,
                parameter=parameter,
                value=rate,
                threshold=params.min_valid_rate,
            )
        )
    return findings


@dataclass(frozen=True)
class ClockDriftParameters:
    """Device clock ahead or behind.

    Ahead: at least ``min_readings`` readings arrived more than ``max_offset_s`` before their
    interval ended (DataTime in the future; hj212-protocol.md §3 flags +10 min). Behind: the
    arrival lag after the interval end is above ``max_offset_s`` and nearly constant (spread
    p90 − p10 ≤ ``max_spread_s``) — a back-fill after an outage has a falling lag, a clock
    that runs late a steady one.
    """

    max_offset_s: int = 600
    max_spread_s: int = 120
    min_readings: int = 6
    severity: Severity = Severity.MEDIUM

    def __post_init__(self) -> None:
        rule = RuleCode.CLOCK_DRIFT.value
        check.count(rule, "max_offset_s", self.max_offset_s)
        check.count(rule, "max_spread_s", self.max_spread_s, minimum=0)
        check.count(rule, "min_readings", self.min_readings)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def clock_drift(
    subject: str,
    starts_s: Int64s,
    received_s: Int64s,
    *,
    step_s: int,
    params: ClockDriftParameters | None = None,
) -> list[Finding]:
    """Clock offset of a device from when its readings arrived (one finding per local day).

    Parameters
    ----------
    starts_s
        Interval starts (DataTime) of the readings. [s since the epoch]
    received_s
        When each arrived. [s since the epoch]
    step_s
        Interval length (0 for real-time samples). [s]
    """
    params = params or ClockDriftParameters()
    if starts_s.size == 0:
        return []
    lag = received_s - (starts_s + step_s)
    day_of = local_day_starts(starts_s)
    findings = []
    for day in np.unique(day_of).tolist():
        lags = lag[day_of == day]
        ahead = lags < -params.max_offset_s
        p10, p50, p90 = np.percentile(lags, [10, 50, 90])
        if int(ahead.sum()) >= params.min_readings:
            value = float(lags[ahead].min())
            kind = "超前"
        elif (
            lags.size >= params.min_readings
            and p50 > params.max_offset_s
            and p90 - p10 <= params.max_spread_s
        ):
            value = float(p50)
            kind = "滞后"
        else:
            continue
        findings.append(
            Finding(
                rule=RuleCode.CLOCK_DRIFT,
                subject=subject,
                start_s=day,
                end_s=day + DAY_S,
                severity=params.severity,
                message=f"{subject} 设备时钟{kind}约 {abs(value) / 60:.0f} 分钟",
                evidence=evidence(
                    [],
                    {
                        "readings": int(lags.size),
                        "lag_p10_s": float(p10),
                        "lag_median_s": float(p50),
                        "lag_p90_s": float(p90),
                        "readings_ahead": int(ahead.sum()),
                        "max_offset_s": params.max_offset_s,
                    },
                ),
                site=subject,
                value=value,
                threshold=float(params.max_offset_s),
            )
        )
    return findings
