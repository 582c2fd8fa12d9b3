"""What a rule reports: the rule codes, severities, findings and their evidence.

A :class:`Finding` is one firing of one rule for one subject (an outlet, a station, a production
line, an object inside a zone) over one time window. Its :class:`Evidence` holds the readings and
registry facts that made it fire; the service stores it once, unchanged, with the alert it opens.
Detector output is an enforcement lead, never an automatic finding of guilt
(reliability-security.md §5.2).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from ecowarden.errors import UnknownNameError

#: Evidence keeps at most this many readings (the first ones of the window, then the peak); the
#: count left out is recorded as the fact ``readings_left_out``.
MAX_EVIDENCE_READINGS: Final = 240

FactValue = str | int | float | bool | None


class Severity(StrEnum):
    """How urgent an alert is; it selects the escalation delay."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        """Chinese name (高 / 中 / 低)."""
        return _SEVERITY_LABELS[self]


_SEVERITY_LABELS: Final = {Severity.HIGH: "高", Severity.MEDIUM: "中", Severity.LOW: "低"}


class RuleFamily(StrEnum):
    """The groups of rules of issue 6, part 1."""

    EXCEEDANCE = "exceedance"
    AVAILABILITY = "availability"
    FALSIFICATION = "falsification"
    ELECTRICITY = "electricity"
    FENCE = "fence"
    NOISE_WINDOW = "noise_window"


class RuleCode(StrEnum):
    """Every rule, by a stable identifier (used in configuration, alerts and the CLI)."""

    EMISSION_HOUR = "emission_hour"
    EMISSION_DAY = "emission_day"
    AMBIENT_AQI = "ambient_aqi"
    WATER_BELOW_TARGET = "water_below_target"
    NOISE_ZONE = "noise_zone"
    DEVICE_OFFLINE = "device_offline"
    TRANSMISSION_GAP = "transmission_gap"
    VALID_RATE = "valid_rate"
    CLOCK_DRIFT = "clock_drift"
    FLATLINE = "flatline"
    FLOW_ZERO_CONCENTRATION = "flow_zero_concentration"
    DILUTION = "dilution"
    O2_AMBIENT = "o2_ambient"
    MARKED_EXCEEDANCE = "marked_exceedance"
    CONFLICTING_RESEND = "conflicting_resend"
    STEP_CHANGE = "step_change"
    PARAMETER_CHANGE = "parameter_change"
    CONTROL_OFF = "control_off"
    CONTROL_IDLE = "control_idle"
    CONTROL_LATE = "control_late"
    CONTROL_EARLY = "control_early"
    SHUTDOWN_ORDER = "shutdown_order"
    FENCE_INTRUSION = "fence_intrusion"
    NOISE_WINDOW = "noise_window"

    @property
    def label(self) -> str:
        """Chinese name of the rule, as the alert queue shows it."""
        return _RULE_LABELS[self][1]

    @property
    def family(self) -> RuleFamily:
        """The rule's group."""
        return _RULE_LABELS[self][0]


_RULE_LABELS: Final[dict[RuleCode, tuple[RuleFamily, str]]] = {
    RuleCode.EMISSION_HOUR: (RuleFamily.EXCEEDANCE, "排放口小时浓度超标"),
    RuleCode.EMISSION_DAY: (RuleFamily.EXCEEDANCE, "排放口日均浓度超标"),
    RuleCode.AMBIENT_AQI: (RuleFamily.EXCEEDANCE, "空气站 AQI 超过 100"),
    RuleCode.WATER_BELOW_TARGET: (RuleFamily.EXCEEDANCE, "断面水质未达目标类别"),
    RuleCode.NOISE_ZONE: (RuleFamily.EXCEEDANCE, "声环境功能区昼/夜超标"),
    RuleCode.DEVICE_OFFLINE: (RuleFamily.AVAILABILITY, "设备离线"),
    RuleCode.TRANSMISSION_GAP: (RuleFamily.AVAILABILITY, "数据传输缺失"),
    RuleCode.VALID_RATE: (RuleFamily.AVAILABILITY, "数据有效率偏低"),
    RuleCode.CLOCK_DRIFT: (RuleFamily.AVAILABILITY, "设备时钟偏差"),
    RuleCode.FLATLINE: (RuleFamily.FALSIFICATION, "排放期间数据恒定不变"),
    RuleCode.FLOW_ZERO_CONCENTRATION: (RuleFamily.FALSIFICATION, "流量为零而浓度波动"),
    RuleCode.DILUTION: (RuleFamily.FALSIFICATION, "疑似稀释排放"),
    RuleCode.O2_AMBIENT: (RuleFamily.FALSIFICATION, "烟气含氧量接近空气"),
    RuleCode.MARKED_EXCEEDANCE: (RuleFamily.FALSIFICATION, "超标时段被标记为维护/故障"),
    RuleCode.CONFLICTING_RESEND: (RuleFamily.FALSIFICATION, "重传数据与原数据不一致"),
    RuleCode.STEP_CHANGE: (RuleFamily.FALSIFICATION, "浓度无因阶跃变化"),
    RuleCode.PARAMETER_CHANGE: (RuleFamily.FALSIFICATION, "仪器参数未经批准变更"),
    RuleCode.CONTROL_OFF: (RuleFamily.ELECTRICITY, "生产时治污设施未运行"),
    RuleCode.CONTROL_IDLE: (RuleFamily.ELECTRICITY, "生产时治污设施空转"),
    RuleCode.CONTROL_LATE: (RuleFamily.ELECTRICITY, "治污设施晚于生产开启"),
    RuleCode.CONTROL_EARLY: (RuleFamily.ELECTRICITY, "治污设施早于生产关闭"),
    RuleCode.SHUTDOWN_ORDER: (RuleFamily.ELECTRICITY, "停产令期间仍在生产"),
    RuleCode.FENCE_INTRUSION: (RuleFamily.FENCE, "进入饮用水水源保护区"),
    RuleCode.NOISE_WINDOW: (RuleFamily.NOISE_WINDOW, "噪声敏感时段超标"),
}


def parse_rule(name: str | RuleCode) -> RuleCode:
    """A rule by its code; an unknown code raises :class:`UnknownNameError` listing them."""
    if isinstance(name, RuleCode):
        return name
    try:
        return RuleCode(name)
    except ValueError:
        raise UnknownNameError("rule", name, [rule.value for rule in RuleCode]) from None


def parse_severity(name: str | Severity) -> Severity:
    """A severity by name (high, medium, low)."""
    if isinstance(name, Severity):
        return name
    try:
        return Severity(name)
    except ValueError:
        raise UnknownNameError("severity", name, [s.value for s in Severity]) from None


@dataclass(frozen=True, slots=True)
class EvidenceReading:
    """One reading that made a rule fire.

    Parameters
    ----------
    series
        What was measured: a parameter code (``a21002``), an equipment code, an object id.
    at_s
        Interval start (or sampling moment). [s since the epoch, UTC]
    value
        The value as stored; None = missing.
    flag
        The data flag, where the series has one.
    """

    series: str
    at_s: int
    value: float | None
    flag: str | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (``at`` as ISO 8601 in UTC)."""
        at = dt.datetime.fromtimestamp(self.at_s, dt.UTC).isoformat()
        value = None if self.value is None or math.isnan(self.value) else self.value
        return {"series": self.series, "at": at, "value": value, "flag": self.flag}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The readings and registry facts that fired a rule; immutable once stored."""

    readings: tuple[EvidenceReading, ...] = ()
    facts: tuple[tuple[str, FactValue], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: ``{"facts": {...}, "readings": [...]}``."""
        return {
            "facts": dict(self.facts),
            "readings": [reading.as_dict() for reading in self.readings],
        }


def bounded_readings(readings: list[EvidenceReading]) -> tuple[tuple[EvidenceReading, ...], int]:
    """At most :data:`MAX_EVIDENCE_READINGS` readings, and how many were left out."""
    if len(readings) <= MAX_EVIDENCE_READINGS:
        return tuple(readings), 0
    return tuple(readings[:MAX_EVIDENCE_READINGS]), len(readings) - MAX_EVIDENCE_READINGS


def evidence(
    readings: list[EvidenceReading], facts: dict[str, FactValue] | None = None
) -> Evidence:
    """Evidence from readings (bounded) and facts; a bound that bites is itself a fact."""
    kept, left_out = bounded_readings(readings)
    all_facts = dict(facts or {})
    if left_out:
        all_facts["readings_left_out"] = left_out
    return Evidence(kept, tuple(sorted(all_facts.items())))


@dataclass(frozen=True, slots=True)
class Finding:
    """One firing of a rule for one subject over one window ``[start_s, end_s)``.

    Parameters
    ----------
    rule
        The rule that fired.
    subject
        What the finding is about: a site code, ``enterprise/line``, ``object@zone``.
    start_s, end_s
        The window the condition held, end exclusive. [s since the epoch, UTC]
    severity
        Urgency.
    message
        One line saying what happened, with the figures.
    evidence
        Readings and facts that fired it.
    site, parameter
        Registry site code and parameter code, where they apply.
    value, threshold
        The decisive figure and the threshold it crossed, where they apply.
    """

    rule: RuleCode
    subject: str
    start_s: int
    end_s: int
    severity: Severity
    message: str
    evidence: Evidence = field(default_factory=Evidence)
    site: str | None = None
    parameter: str | None = None
    value: float | None = None
    threshold: float | None = None

    @property
    def start(self) -> dt.datetime:
        """Window start (UTC)."""
        return dt.datetime.fromtimestamp(self.start_s, dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """Window end, exclusive (UTC)."""
        return dt.datetime.fromtimestamp(self.end_s, dt.UTC)
