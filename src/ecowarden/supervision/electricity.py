"""Electricity-usage coupling (用电监控): production lines against their pollution-control
equipment, and production during an ordered shutdown.

Meters report the power of each piece of equipment. A production line is *on* while its
production equipment together draws more than ``production_on_kw``; its control equipment
(除尘, 脱硫, 污水处理 …) is *off* at or below ``control_on_kw``, *idle* below ``idle_fraction`` of
its rated power, else *running*. Minutes where the line produces and its control equipment is off
or idle are violations; each run of them is classified:

- ``control_late`` — the run begins when production starts and ends while it still runs
  (control started late), longer than ``start_grace_s``;
- ``control_early`` — the run ends when production stops after the control equipment had been
  running (control stopped early), longer than ``stop_grace_s``;
- ``control_off`` / ``control_idle`` — otherwise (a whole production episode without control,
  or control off or idle in the middle), longer than ``min_duration_s``.

Thresholds are per line; no national rule fixes them (documented defaults, decisions/0010).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ecowarden.errors import ValidationError
from ecowarden.registry.sites import check_code, check_name, parse_choice
from ecowarden.registry.uscc import validate_credit_code
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import (
    EvidenceReading,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.series import MINUTE_S, Bools, Floats, Int64s, true_runs


class EquipmentRole(StrEnum):
    """What a metered piece of equipment does on its production line."""

    PRODUCTION = "production"  # 生产设施
    CONTROL = "control"  # 治污设施

    @property
    def label(self) -> str:
        """Chinese name of the role."""
        return "生产设施" if self is EquipmentRole.PRODUCTION else "治污设施"


@dataclass(frozen=True, slots=True)
class Equipment:
    """A metered piece of equipment of an enterprise's production line.

    Parameters
    ----------
    code
        Equipment code, also the ``{device}`` of its MQTT topic.
    enterprise
        The enterprise's unified social credit code.
    line
        The production line it belongs to (``L1``, ``kiln-2`` …).
    role
        Production or control equipment.
    name
        Name (``1# 球磨机``, ``布袋除尘器``).
    rated_kw
        Rated power, if known. [kW]
    """

    code: str
    enterprise: str
    line: str
    role: EquipmentRole
    name: str
    rated_kw: float | None = None

    def __post_init__(self) -> None:
        check_code("equipment code", self.code)
        check_code(f"equipment {self.code} line", self.line)
        check_name(f"equipment {self.code} name", self.name)
        validate_credit_code(self.enterprise)
        object.__setattr__(self, "role", parse_choice("equipment role", EquipmentRole, self.role))
        if self.rated_kw is not None:
            object.__setattr__(
                self,
                "rated_kw",
                check.number(
                    f"equipment {self.code}",
                    "rated_kw",
                    self.rated_kw,
                    minimum=0.0,
                    open_minimum=True,
                ),
            )


@dataclass(frozen=True)
class CouplingParameters:
    """Parameters of the production/control coupling rules of one line.

    Parameters
    ----------
    production_on_kw
        Production power above which the line produces. [kW]
    control_on_kw
        Control power at or below which the control equipment is off. [kW]
    control_rated_kw
        Rated power of the control equipment; None = no idle classification. [kW]
    idle_fraction
        Below this share of the rated power the control equipment idles.
    min_duration_s
        Shortest off/idle run reported. [s]
    start_grace_s, stop_grace_s
        Allowed lag of the control start after production start, and lead of the control stop
        before production stop. [s]
    """

    production_on_kw: float = 5.0
    control_on_kw: float = 1.0
    control_rated_kw: float | None = None
    idle_fraction: float = 0.3
    min_duration_s: int = 600
    start_grace_s: int = 600
    stop_grace_s: int = 600
    severity: Severity = Severity.HIGH

    def __post_init__(self) -> None:
        rule = "control_off/idle/late/early"
        check.number(rule, "production_on_kw", self.production_on_kw, minimum=0.0)
        check.number(rule, "control_on_kw", self.control_on_kw, minimum=0.0)
        if self.control_rated_kw is not None:
            check.number(
                rule,
                "control_rated_kw",
                self.control_rated_kw,
                minimum=self.control_on_kw,
                open_minimum=True,
            )
        check.number(
            rule, "idle_fraction", self.idle_fraction, minimum=0.0, maximum=1.0, open_maximum=True
        )
        check.count(rule, "min_duration_s", self.min_duration_s, minimum=MINUTE_S)
        check.count(rule, "start_grace_s", self.start_grace_s, minimum=0)
        check.count(rule, "stop_grace_s", self.stop_grace_s, minimum=0)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


@dataclass(frozen=True, eq=False)
class LinePower:
    """Per-minute power of one production line, on a regular minute grid.

    Parameters
    ----------
    line
        ``enterprise credit code/line`` or another subject name.
    starts_s
        Minute starts, evenly spaced by 60 s. [s since the epoch]
    production_kw
        Summed mean power of the production equipment, NaN where no meter reported. [kW]
    control_kw
        Summed mean power of the control equipment, NaN where no meter reported. [kW]
    """

    line: str
    starts_s: Int64s
    production_kw: Floats
    control_kw: Floats

    def __post_init__(self) -> None:
        if not (self.starts_s.shape == self.production_kw.shape == self.control_kw.shape):
            raise ValidationError(f"line {self.line}: power arrays differ in shape")
        if self.starts_s.size > 1 and not bool(np.all(np.diff(self.starts_s) == MINUTE_S)):
            raise ValidationError(f"line {self.line}: minute starts are not evenly spaced")


def _power_readings(power: LinePower, lo: int, hi: int) -> list[EvidenceReading]:
    readings = []
    for name, values in (("production_kw", power.production_kw), ("control_kw", power.control_kw)):
        readings += [
            EvidenceReading(name, int(at), float(value))
            for at, value in zip(
                power.starts_s[lo:hi].tolist(), values[lo:hi].tolist(), strict=True
            )
        ]
    return readings


def control_violations(
    power: LinePower, *, params: CouplingParameters | None = None, site: str | None = None
) -> list[Finding]:
    """Runs of minutes in which a line produces while its control equipment is off or idle."""
    params = params or CouplingParameters()
    known = np.isfinite(power.production_kw) & np.isfinite(power.control_kw)
    producing = known & (power.production_kw > params.production_on_kw)
    control_off = power.control_kw <= params.control_on_kw
    idle = np.zeros(power.starts_s.size, dtype=bool)
    if params.control_rated_kw is not None:
        idle = ~control_off & (power.control_kw < params.idle_fraction * params.control_rated_kw)
    violating = producing & (control_off | idle)
    findings = []
    first, end = true_runs(violating)
    n = power.starts_s.size
    for lo, hi in zip(first.tolist(), end.tolist(), strict=True):
        duration = (hi - lo) * MINUTE_S
        starts_production = lo == 0 or not producing[lo - 1]
        ends_production = hi < n and known[hi] and not producing[hi]
        control_ran_before = lo > 0 and producing[lo - 1] and not violating[lo - 1]
        if starts_production and hi < n and producing[hi]:
            rule, allowed = RuleCode.CONTROL_LATE, params.start_grace_s
            what = "治污设施晚于生产开启"
        elif ends_production and control_ran_before:
            rule, allowed = RuleCode.CONTROL_EARLY, params.stop_grace_s
            what = "治污设施早于生产关闭"
        elif bool(idle[lo:hi].all()):
            rule, allowed = RuleCode.CONTROL_IDLE, params.min_duration_s
            what = "生产时治污设施空转"
        else:
            rule, allowed = RuleCode.CONTROL_OFF, params.min_duration_s
            what = "生产时治污设施未运行"
        # A lag or lead up to the grace is allowed; an off/idle run needs the minimum length.
        graced = rule in (RuleCode.CONTROL_LATE, RuleCode.CONTROL_EARLY)
        if duration <= allowed if graced else duration < allowed:
            continue
        start_s = int(power.starts_s[lo])
        findings.append(
            Finding(
                rule=rule,
                subject=power.line,
                start_s=start_s,
                end_s=start_s + duration,
                severity=params.severity,
                message=(
                    f"{power.line} {what} {duration / 60:.0f} 分钟（生产功率均值 "
                    f"{float(np.mean(power.production_kw[lo:hi])):.1f} kW，治污功率均值 "
                    f"{float(np.mean(power.control_kw[lo:hi])):.1f} kW）"
                ),
                evidence=evidence(
                    _power_readings(power, max(lo - 5, 0), min(hi + 5, n)),
                    {
                        "production_on_kw": params.production_on_kw,
                        "control_on_kw": params.control_on_kw,
                        "control_rated_kw": params.control_rated_kw,
                        "idle_fraction": params.idle_fraction,
                        "minutes": hi - lo,
                    },
                ),
                site=site,
                value=float(duration),
                threshold=float(allowed),
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class ShutdownOrder:
    """An ordered shutdown (停产/限产令, e.g. 重污染天气应急) of an enterprise over
    ``[from_s, to_s)``."""

    enterprise: str
    from_s: int
    to_s: int
    reason: str

    def __post_init__(self) -> None:
        if self.to_s <= self.from_s:
            raise ValidationError(
                f"shutdown order of {self.enterprise}: end {self.to_s} is not after start "
                f"{self.from_s}"
            )


@dataclass(frozen=True)
class ShutdownParameters:
    """Production during an ordered shutdown for at least ``min_duration_s``."""

    production_on_kw: float = 5.0
    min_duration_s: int = 600
    severity: Severity = Severity.HIGH

    def __post_init__(self) -> None:
        rule = RuleCode.SHUTDOWN_ORDER.value
        check.number(rule, "production_on_kw", self.production_on_kw, minimum=0.0)
        check.count(rule, "min_duration_s", self.min_duration_s, minimum=MINUTE_S)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


def production_during_shutdown(
    power: LinePower,
    orders: Sequence[ShutdownOrder],
    *,
    params: ShutdownParameters | None = None,
) -> list[Finding]:
    """Runs of production minutes inside an ordered shutdown of the line's enterprise."""
    params = params or ShutdownParameters()
    findings = []
    producing: Bools = np.isfinite(power.production_kw) & (
        power.production_kw > params.production_on_kw
    )
    for order in orders:
        inside = (power.starts_s >= order.from_s) & (power.starts_s < order.to_s)
        first, end = true_runs(producing & inside)
        for lo, hi in zip(first.tolist(), end.tolist(), strict=True):
            duration = (hi - lo) * MINUTE_S
            if duration < params.min_duration_s:
                continue
            start_s = int(power.starts_s[lo])
            period = (
                f"{dt.datetime.fromtimestamp(order.from_s, dt.UTC).isoformat()}/"
                f"{dt.datetime.fromtimestamp(order.to_s, dt.UTC).isoformat()}"
            )
            findings.append(
                Finding(
                    rule=RuleCode.SHUTDOWN_ORDER,
                    subject=power.line,
                    start_s=start_s,
                    end_s=start_s + duration,
                    severity=params.severity,
                    message=(
                        f"{power.line} 在停产令（{order.reason}）期间生产 {duration / 60:.0f} 分钟"
                    ),
                    evidence=evidence(
                        _power_readings(power, lo, hi),
                        {
                            "order_period": period,
                            "order_reason": order.reason,
                            "production_on_kw": params.production_on_kw,
                        },
                    ),
                    value=float(duration),
                    threshold=float(params.min_duration_s),
                )
            )
    return findings


def minute_power(at_s: Int64s, power_kw: Floats, *, first_s: int, minutes: int) -> Floats:
    """Mean power per minute on the grid ``first_s + 60·k`` (k < ``minutes``) from meter
    messages at arbitrary instants; NaN for minutes without a message. [kW]"""
    grid = np.full(minutes, np.nan)
    index = (at_s - first_s) // MINUTE_S
    inside = (index >= 0) & (index < minutes) & np.isfinite(power_kw)
    if not inside.any():
        return grid
    counts = np.bincount(index[inside], minlength=minutes)
    sums = np.bincount(index[inside], weights=power_kw[inside], minlength=minutes)
    filled = counts > 0
    grid[filled] = sums[filled] / counts[filled]
    return grid
