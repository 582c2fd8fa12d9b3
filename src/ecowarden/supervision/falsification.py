"""Falsification signatures (reliability-security.md §5.2; 环发〔2015〕175号 Art. 4).

Each detector is a lead for an inspection, not a finding of 篡改 or 伪造:

- frozen analyser — values constant while the outlet discharges (S2);
- flow zero while the concentration keeps moving (S3, the Shanghai 2023 pattern);
- dilution — flow up, concentration down by the same factor, load flat (S4, 稀释排放);
- stack O2 near ambient during operation (S7, 遮挡/稀释 of the sample);
- conflicting resends of a stored reading (S6, I3);
- unexplained step changes of the concentration with a steady flow (reagent or standard
  interference, parameter tampering).

Only usable values take part (``FlagPolicy``); stopped (F) or faulty hours never fire.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ecowarden.errors import ValidationError
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
    Bools,
    FlagPolicy,
    Floats,
    Int64s,
    Series,
    aligned,
    contiguous_runs,
    local_day_starts,
    true_runs,
)

_LOCAL_OFFSET_S = 8 * HOUR_S


def _readings(name: str, series: Series, lo: int, hi: int) -> list[EvidenceReading]:
    return [
        EvidenceReading(name, int(at), float(value), str(flag))
        for at, value, flag in zip(
            series.starts_s[lo:hi].tolist(),
            series.values[lo:hi].tolist(),
            series.flags[lo:hi].tolist(),
            strict=True,
        )
    ]


def _discharging(series: Series, flow: Series | None, min_flow: float) -> Bools:
    """Whether the outlet discharges at each start: flow above ``min_flow`` where a flow series
    is given, else the concentration's own flag is not F (stopped)."""
    if flow is None:
        return np.asarray(series.flags != "F")
    flow_values, flow_flags = aligned(series, flow)
    return np.asarray((flow_values > min_flow) & (flow_flags != "F"))


def _consecutive(series: Series) -> Bools:
    """For each value after the first: its start follows the previous one by one step."""
    if series.step_s <= 0:
        return np.ones(max(len(series) - 1, 0), dtype=bool)
    return np.asarray(np.diff(series.starts_s) == series.step_s)


@dataclass(frozen=True)
class FlatlineParameters:
    """Frozen analyser: values within ``tolerance`` of each other for at least
    ``min_duration_s`` and ``min_readings`` consecutive readings while discharging (S2).

    Parameters
    ----------
    min_duration_s
        Shortest constant stretch, first start to last interval end. [s]
    min_readings
        Fewest consecutive readings in the stretch.
    tolerance
        Largest spread (max − min) still called constant; 0 = exact repeats. [unit]
    min_flow
        Flow above which the outlet discharges. [flow unit]
    """

    min_duration_s: int = 3600
    min_readings: int = 3
    tolerance: float = 0.0
    min_flow: float = 0.0
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.FLATLINE.value
        check.count(rule, "min_duration_s", self.min_duration_s)
        check.count(rule, "min_readings", self.min_readings, minimum=2)
        check.number(rule, "tolerance", self.tolerance, minimum=0.0)
        check.number(rule, "min_flow", self.min_flow, minimum=0.0)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def flatlines(
    site: str,
    parameter: str,
    series: Series,
    *,
    flow: Series | None = None,
    params: FlatlineParameters | None = None,
) -> list[Finding]:
    """Stretches where a concentration stays constant while the outlet discharges (S2).

    Parameters
    ----------
    series
        The concentration (minute or hourly).
    flow
        The outlet's flow at the same period; without it, F flags say when it is stopped.
    """
    params = params or FlatlineParameters()
    n = len(series)
    if n < params.min_readings:
        return []
    usable = (
        params.flags.valid(series.flags)
        & np.isfinite(series.values)
        & _discharging(series, flow, params.min_flow)
    )
    same = (
        usable[1:]
        & usable[:-1]
        & _consecutive(series)
        & (np.abs(np.diff(series.values)) <= params.tolerance)
    )
    findings = []
    first, end = true_runs(same)
    # A run of k equal neighbours holds k + 1 readings; only long enough runs are examined.
    long_enough = end - first + 1 >= params.min_readings
    first, end = first[long_enough], end[long_enough]
    for lo, hi in zip(first.tolist(), (end + 1).tolist(), strict=True):
        values = series.values[lo:hi]
        if float(values.max() - values.min()) > params.tolerance:
            continue
        step = series.step_s
        start_s, end_s = int(series.starts_s[lo]), int(series.starts_s[hi - 1]) + step
        if hi - lo < params.min_readings or end_s - start_s < params.min_duration_s:
            continue
        readings = _readings(parameter, series, lo, hi)
        if flow is not None:
            window = flow.window(start_s, end_s)
            readings += _readings("flow", window, 0, len(window))
        findings.append(
            Finding(
                rule=RuleCode.FLATLINE,
                subject=site,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{site} {parameter} 在排放期间 {(end_s - start_s) / 3600:.1f} 小时"
                    f"（{hi - lo} 个数据）恒为 {float(values[0]):g}"
                ),
                evidence=evidence(
                    readings,
                    {
                        "constant_value": float(values[0]),
                        "readings": hi - lo,
                        "tolerance": params.tolerance,
                        "flow_checked": flow is not None,
                    },
                ),
                site=site,
                parameter=parameter,
                value=float(end_s - start_s),
                threshold=float(params.min_duration_s),
            )
        )
    return findings


@dataclass(frozen=True)
class FlowZeroParameters:
    """Flow at or below ``zero_flow`` for ``min_readings`` consecutive readings while the
    concentration varies by at least ``min_relative_variation`` of its mean (S3)."""

    zero_flow: float = 0.0
    min_readings: int = 3
    min_relative_variation: float = 0.05
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.FLOW_ZERO_CONCENTRATION.value
        check.number(rule, "zero_flow", self.zero_flow, minimum=0.0)
        check.count(rule, "min_readings", self.min_readings, minimum=2)
        check.number(
            rule,
            "min_relative_variation",
            self.min_relative_variation,
            minimum=0.0,
            open_minimum=True,
        )
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def flow_zero_concentration(
    site: str,
    parameter: str,
    series: Series,
    flow: Series,
    *,
    params: FlowZeroParameters | None = None,
) -> list[Finding]:
    """Stretches with zero flow in which the concentration keeps changing (S3).

    .. math::

        Q \\le Q_0 \\;\\wedge\\; \\frac{\\max C - \\min C}{\\overline{C}} \\ge v_{min}
    """
    params = params or FlowZeroParameters()
    flow_values, _ = aligned(series, flow)
    candidate = (
        params.flags.valid(series.flags)
        & np.isfinite(series.values)
        & np.isfinite(flow_values)
        & (flow_values <= params.zero_flow)
    )
    findings = []
    for lo, hi in contiguous_runs(candidate, series.starts_s, series.step_s):
        if hi - lo < params.min_readings:
            continue
        values = series.values[lo:hi]
        mean = float(np.abs(values).mean())
        spread = float(values.max() - values.min())
        variation = spread / mean if mean > 0 else (np.inf if spread > 0 else 0.0)
        if variation < params.min_relative_variation:
            continue
        step = series.step_s
        start_s, end_s = int(series.starts_s[lo]), int(series.starts_s[hi - 1]) + step
        window = flow.window(start_s, end_s)
        findings.append(
            Finding(
                rule=RuleCode.FLOW_ZERO_CONCENTRATION,
                subject=site,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{site} 流量为零的 {hi - lo} 个时段内 {parameter} 仍在波动"
                    f"（{float(values.min()):g}–{float(values.max()):g}）"
                ),
                evidence=evidence(
                    _readings(parameter, series, lo, hi)
                    + _readings("flow", window, 0, len(window)),
                    {
                        "relative_variation": round(float(variation), 4),
                        "zero_flow": params.zero_flow,
                    },
                ),
                site=site,
                parameter=parameter,
                value=float(variation),
                threshold=params.min_relative_variation,
            )
        )
    return findings


@dataclass(frozen=True)
class DilutionParameters:
    """Dilution (S4): over a window of ``window_s`` against the preceding ``baseline_s``, the
    mean flow rose by ``min_flow_ratio`` or more, the mean concentration fell to
    ``max_concentration_ratio`` or less, and the mean load (C × Q) changed by less than a
    factor ``max_load_change``."""

    window_s: int = 6 * 3600
    baseline_s: int = 7 * 86_400
    min_flow_ratio: float = 2.0
    max_concentration_ratio: float = 0.5
    max_load_change: float = 1.5
    min_readings: int = 3
    min_baseline_readings: int = 24
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.DILUTION.value
        check.count(rule, "window_s", self.window_s, minimum=60)
        check.count(rule, "baseline_s", self.baseline_s, minimum=60)
        if self.baseline_s % self.window_s:
            raise ValidationError(
                f"rule {rule}: parameter baseline_s = {self.baseline_s} is not a multiple of "
                f"window_s = {self.window_s}"
            )
        check.number(rule, "min_flow_ratio", self.min_flow_ratio, minimum=1.0, open_minimum=True)
        check.number(
            rule,
            "max_concentration_ratio",
            self.max_concentration_ratio,
            minimum=0.0,
            maximum=1.0,
            open_minimum=True,
            open_maximum=True,
        )
        check.number(rule, "max_load_change", self.max_load_change, minimum=1.0, open_minimum=True)
        check.count(rule, "min_readings", self.min_readings)
        check.count(rule, "min_baseline_readings", self.min_baseline_readings)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


@dataclass(frozen=True, eq=False)
class _WindowMeans:
    starts_s: Int64s
    count: Floats
    concentration: Floats
    flow: Floats
    load: Floats


def _window_means(
    series: Series, flow_values: Floats, usable: Bools, window_s: int
) -> _WindowMeans:
    """Sums and counts of usable values per window (windows aligned to local time)."""
    index = (series.starts_s + _LOCAL_OFFSET_S) // window_s
    first = int(index.min())
    bins = (index - first).astype(np.int64)
    size = int(bins.max()) + 1
    weights = usable.astype(np.float64)

    def total(values: Floats) -> Floats:
        return np.bincount(bins, weights=values, minlength=size).astype(np.float64)

    count = total(weights)
    conc = total(np.where(usable, series.values, 0.0))
    flows = total(np.where(usable, flow_values, 0.0))
    load = total(np.where(usable, series.values * flow_values, 0.0))
    starts = (np.arange(size) + first) * window_s - _LOCAL_OFFSET_S
    return _WindowMeans(starts, count, conc, flows, load)


def dilutions(
    site: str,
    parameter: str,
    series: Series,
    flow: Series,
    *,
    params: DilutionParameters | None = None,
) -> list[Finding]:
    r"""Windows where flow rose and concentration fell so that the load stayed flat (S4).

    .. math::

        \frac{\bar Q_w}{\bar Q_b} \ge r_Q,\quad
        \frac{\bar C_w}{\bar C_b} \le r_C,\quad
        \frac{1}{r_L} < \frac{\overline{CQ}_w}{\overline{CQ}_b} < r_L
    """
    params = params or DilutionParameters()
    if len(series) == 0:
        return []
    flow_values, flow_flags = aligned(series, flow)
    usable = (
        params.flags.valid(series.flags)
        & params.flags.valid(flow_flags)
        & np.isfinite(series.values)
        & np.isfinite(flow_values)
        & (flow_values > 0)
    )
    sums = _window_means(series, flow_values, usable, params.window_s)
    k = params.baseline_s // params.window_s

    # Baseline = the k windows before each window: differences of cumulative sums.
    def preceding(values: Floats) -> Floats:
        cumulative = np.concatenate(([0.0], np.cumsum(values)))
        index = np.arange(values.size)
        return cumulative[index] - cumulative[np.maximum(index - k, 0)]

    base_count = preceding(sums.count)
    with np.errstate(invalid="ignore", divide="ignore"):
        window_c = sums.concentration / sums.count
        window_q = sums.flow / sums.count
        window_l = sums.load / sums.count
        base_c = preceding(sums.concentration) / base_count
        base_q = preceding(sums.flow) / base_count
        base_l = preceding(sums.load) / base_count
        flow_ratio = window_q / base_q
        conc_ratio = window_c / base_c
        load_ratio = window_l / base_l
    fires = (
        (sums.count >= params.min_readings)
        & (base_count >= params.min_baseline_readings)
        & (flow_ratio >= params.min_flow_ratio)
        & (conc_ratio <= params.max_concentration_ratio)
        & (load_ratio < params.max_load_change)
        & (load_ratio > 1 / params.max_load_change)
    )
    findings = []
    for w in np.flatnonzero(fires).tolist():
        start_s = int(sums.starts_s[w])
        end_s = start_s + params.window_s
        lo, hi = np.searchsorted(series.starts_s, [start_s, end_s])
        window_flow = flow.window(start_s, end_s)
        facts: dict[str, FactValue] = {
            "flow_ratio": round(float(flow_ratio[w]), 3),
            "concentration_ratio": round(float(conc_ratio[w]), 3),
            "load_ratio": round(float(load_ratio[w]), 3),
            "baseline_concentration": round(float(base_c[w]), 4),
            "baseline_flow": round(float(base_q[w]), 4),
            "window_concentration": round(float(window_c[w]), 4),
            "window_flow": round(float(window_q[w]), 4),
            "baseline_s": params.baseline_s,
        }
        findings.append(
            Finding(
                rule=RuleCode.DILUTION,
                subject=site,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{site} 流量升至基线的 {float(flow_ratio[w]):.1f} 倍，{parameter} 浓度降至"
                    f" {float(conc_ratio[w]):.2f} 倍，排放量基本不变"
                    f"（{float(load_ratio[w]):.2f} 倍）"
                ),
                evidence=evidence(
                    _readings(parameter, series, int(lo), int(hi))
                    + _readings("flow", window_flow, 0, len(window_flow)),
                    facts,
                ),
                site=site,
                parameter=parameter,
                value=float(flow_ratio[w]),
                threshold=params.min_flow_ratio,
            )
        )
    return findings


@dataclass(frozen=True)
class O2AmbientParameters:
    """Stack O2 at or above ``min_o2_pct`` for ``min_readings`` consecutive readings and at
    least ``min_duration_s`` while the stack operates (S7: 20.5–20.9 %)."""

    min_o2_pct: float = 20.5
    min_readings: int = 3
    min_duration_s: int = 3600
    min_flow: float = 0.0
    severity: Severity = Severity.HIGH
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.O2_AMBIENT.value
        check.number(rule, "min_o2_pct", self.min_o2_pct, minimum=15.0, maximum=21.0)
        check.count(rule, "min_readings", self.min_readings)
        check.count(rule, "min_duration_s", self.min_duration_s)
        check.number(rule, "min_flow", self.min_flow, minimum=0.0)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def o2_near_ambient(
    site: str,
    o2: Series,
    *,
    flow: Series | None = None,
    params: O2AmbientParameters | None = None,
) -> list[Finding]:
    """Stretches of stack O2 near that of ambient air while the stack operates (S7)."""
    params = params or O2AmbientParameters()
    high = (
        params.flags.valid(o2.flags)
        & np.isfinite(o2.values)
        & (o2.values >= params.min_o2_pct)
        & _discharging(o2, flow, params.min_flow)
    )
    findings = []
    for lo, hi in contiguous_runs(high, o2.starts_s, o2.step_s):
        start_s, end_s = int(o2.starts_s[lo]), int(o2.starts_s[hi - 1]) + o2.step_s
        if hi - lo < params.min_readings or end_s - start_s < params.min_duration_s:
            continue
        values = o2.values[lo:hi]
        findings.append(
            Finding(
                rule=RuleCode.O2_AMBIENT,
                subject=site,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{site} 运行期间烟气含氧量 {float(values.min()):.2f}–"
                    f"{float(values.max()):.2f} % 接近空气"
                    f"（{(end_s - start_s) / 3600:.1f} 小时）"
                ),
                evidence=evidence(
                    _readings("a19001", o2, lo, hi), {"min_o2_pct": params.min_o2_pct}
                ),
                site=site,
                parameter="a19001",
                value=float(values.mean()),
                threshold=params.min_o2_pct,
            )
        )
    return findings


@dataclass(frozen=True)
class StepChangeParameters:
    """Unexplained step: the mean concentration of a window differs from the previous window's
    by a factor ``min_ratio`` or more while the mean flow changed by less than
    ``max_flow_ratio``; both windows need ``min_coverage`` of their intervals usable."""

    window_s: int = 86_400
    min_ratio: float = 2.0
    max_flow_ratio: float = 1.25
    min_coverage: float = 0.5
    severity: Severity = Severity.MEDIUM
    flags: FlagPolicy = field(default_factory=FlagPolicy)

    def __post_init__(self) -> None:
        rule = RuleCode.STEP_CHANGE.value
        check.count(rule, "window_s", self.window_s, minimum=60)
        check.number(rule, "min_ratio", self.min_ratio, minimum=1.0, open_minimum=True)
        check.number(rule, "max_flow_ratio", self.max_flow_ratio, minimum=1.0, open_minimum=True)
        check.number(
            rule, "min_coverage", self.min_coverage, minimum=0.0, maximum=1.0, open_minimum=True
        )
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def step_changes(
    site: str,
    parameter: str,
    series: Series,
    flow: Series,
    *,
    params: StepChangeParameters | None = None,
) -> list[Finding]:
    r"""Windows whose mean concentration jumped against the previous window with flow steady.

    .. math::

        \max\left(\frac{\bar C_w}{\bar C_{w-1}}, \frac{\bar C_{w-1}}{\bar C_w}\right) \ge r,
        \quad \max\left(\frac{\bar Q_w}{\bar Q_{w-1}}, \frac{\bar Q_{w-1}}{\bar Q_w}\right)
        < r_Q
    """
    params = params or StepChangeParameters()
    if len(series) == 0 or series.step_s <= 0:
        return []
    flow_values, flow_flags = aligned(series, flow)
    usable = (
        params.flags.valid(series.flags)
        & params.flags.valid(flow_flags)
        & np.isfinite(series.values)
        & np.isfinite(flow_values)
        & (series.values > 0)
        & (flow_values > 0)
    )
    sums = _window_means(series, flow_values, usable, params.window_s)
    needed = params.min_coverage * params.window_s / series.step_s
    with np.errstate(invalid="ignore", divide="ignore"):
        conc = sums.concentration / sums.count
        flows = sums.flow / sums.count
        conc_ratio = conc[1:] / conc[:-1]
        flow_ratio = flows[1:] / flows[:-1]
    covered = (sums.count[1:] >= needed) & (sums.count[:-1] >= needed)
    step = np.maximum(conc_ratio, 1 / conc_ratio)
    flow_step = np.maximum(flow_ratio, 1 / flow_ratio)
    fires = covered & (step >= params.min_ratio) & (flow_step < params.max_flow_ratio)
    findings = []
    for w in (np.flatnonzero(fires) + 1).tolist():
        start_s = int(sums.starts_s[w])
        end_s = start_s + params.window_s
        lo, hi = np.searchsorted(series.starts_s, [start_s, end_s])
        findings.append(
            Finding(
                rule=RuleCode.STEP_CHANGE,
                subject=site,
                start_s=start_s,
                end_s=end_s,
                severity=params.severity,
                message=(
                    f"{site} {parameter} 均值由 {float(conc[w - 1]):.4g} 变为 {float(conc[w]):.4g}"
                    f"（{float(conc_ratio[w - 1]):.2f} 倍），流量基本不变"
                ),
                evidence=evidence(
                    _readings(parameter, series, int(lo), int(hi)),
                    {
                        "previous_mean": round(float(conc[w - 1]), 4),
                        "mean": round(float(conc[w]), 4),
                        "previous_flow": round(float(flows[w - 1]), 4),
                        "flow": round(float(flows[w]), 4),
                        "window_s": params.window_s,
                    },
                ),
                site=site,
                parameter=parameter,
                value=float(conc_ratio[w - 1]),
                threshold=params.min_ratio,
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """A resend of a stored reading with other values (the store's conflict queue, I3)."""

    site: str
    parameter: str
    start_s: int
    original_value: float | None
    original_flag: str
    value: float | None
    flag: str
    recorded_s: int


@dataclass(frozen=True)
class ConflictParameters:
    """Conflicting resends: one finding per site and local day of receipt (D8: one alert per MN
    and window) once ``min_conflicts`` are recorded."""

    min_conflicts: int = 1
    severity: Severity = Severity.HIGH

    def __post_init__(self) -> None:
        rule = RuleCode.CONFLICTING_RESEND.value
        check.count(rule, "min_conflicts", self.min_conflicts)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def conflicting_resends(
    conflicts: Sequence[ConflictRecord], *, params: ConflictParameters | None = None
) -> list[Finding]:
    """Group conflicting resends by site and local day of receipt (S6)."""
    params = params or ConflictParameters()
    groups: dict[tuple[str, int], list[ConflictRecord]] = defaultdict(list)
    for record in conflicts:
        day = int(local_day_starts(np.array([record.recorded_s], dtype=np.int64))[0])
        groups[(record.site, day)].append(record)
    findings = []
    for (site, day), records in sorted(groups.items()):
        if len(records) < params.min_conflicts:
            continue
        readings = []
        for record in records:
            readings.append(
                EvidenceReading(
                    f"{record.parameter} original",
                    record.start_s,
                    record.original_value,
                    record.original_flag,
                )
            )
            readings.append(
                EvidenceReading(
                    f"{record.parameter} resent", record.start_s, record.value, record.flag
                )
            )
        received = sorted(record.recorded_s for record in records)
        findings.append(
            Finding(
                rule=RuleCode.CONFLICTING_RESEND,
                subject=site,
                start_s=day,
                end_s=day + DAY_S,
                severity=params.severity,
                message=f"{site} 当日收到 {len(records)} 条与已存数据不一致的重传",
                evidence=evidence(
                    readings,
                    {
                        "conflicts": len(records),
                        "parameters": ",".join(sorted({r.parameter for r in records})),
                        "first_received": dt.datetime.fromtimestamp(
                            received[0], dt.UTC
                        ).isoformat(),
                        "last_received": dt.datetime.fromtimestamp(
                            received[-1], dt.UTC
                        ).isoformat(),
                    },
                ),
                site=site,
                value=float(len(records)),
                threshold=float(params.min_conflicts),
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class ParameterSnapshot:
    """Instrument parameters uploaded by a device (HJ 212-2017 CN=3020; i13001–i13009: slope,
    intercept, range, reference O2 …) at one moment."""

    site: str
    at_s: int
    values: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ParameterChangeParameters:
    """Any change of an instrument parameter between consecutive snapshots outside an approved
    change window fires (S8; reliability-security.md §5.2 修改参数)."""

    relative_tolerance: float = 1e-9
    severity: Severity = Severity.HIGH

    def __post_init__(self) -> None:
        rule = RuleCode.PARAMETER_CHANGE.value
        check.number(rule, "relative_tolerance", self.relative_tolerance, minimum=0.0)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def parameter_changes(
    snapshots: Sequence[ParameterSnapshot],
    *,
    approved: Sequence[tuple[str, int, int]] = (),
    params: ParameterChangeParameters | None = None,
) -> list[Finding]:
    """Changes of uploaded instrument parameters not covered by an approval.

    Parameters
    ----------
    snapshots
        Parameter uploads of one or more sites, any order.
    approved
        Approved change windows as (site, start_s, end_s); a change first seen inside one is
        explained.
    """
    params = params or ParameterChangeParameters()
    findings = []
    ordered = sorted(snapshots, key=lambda snapshot: (snapshot.site, snapshot.at_s))
    for before, after in itertools.pairwise(ordered):
        if before.site != after.site:
            continue
        if any(
            site == after.site and start_s <= after.at_s < end_s
            for site, start_s, end_s in approved
        ):
            continue
        old = dict(before.values)
        changed = [
            (code, old[code], value)
            for code, value in after.values
            if code in old
            and abs(value - old[code]) > params.relative_tolerance * max(abs(old[code]), 1.0)
        ]
        if not changed:
            continue
        findings.append(
            Finding(
                rule=RuleCode.PARAMETER_CHANGE,
                subject=after.site,
                start_s=before.at_s,
                end_s=after.at_s + 1,
                severity=params.severity,
                message=f"{after.site} 仪器参数未经批准变更："
                + "，".join(f"{code} {a:g} → {b:g}" for code, a, b in changed),
                evidence=evidence(
                    [EvidenceReading(code, after.at_s, b, None) for code, _, b in changed]
                    + [EvidenceReading(code, before.at_s, a, None) for code, a, _ in changed],
                    {"changed": ",".join(code for code, _, _ in changed)},
                ),
                site=after.site,
                value=float(len(changed)),
                threshold=0.0,
            )
        )
    return findings
