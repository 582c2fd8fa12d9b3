"""Rule configuration: defaults per rule, overrides per site, rules switched off.

A configuration document (YAML or JSON, docs/supervision.md)::

    rules:
      flatline: {min_duration_s: 7200}
      emission_hour: {min_consecutive: 2, flags: {over_range_counts: false}}
    sites:
      E01-DA001:
        o2_ambient: {min_o2_pct: 20.0}
    disabled: [clock_drift]
    alerts: {dedupe_window_s: 86400, escalate_after_s: {high: 1800, medium: 14400, low: 86400}}

Everything is checked when the document is loaded: an unknown rule, site section or parameter
raises :class:`UnknownNameError` listing the valid names; an invalid value raises
:class:`ValidationError` naming the parameter. A site override lists only what differs from
the rule's defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.supervision.alerts import AlertPolicy
from ecowarden.supervision.ambient import AqiParameters, NoiseZoneParameters, WaterTargetParameters
from ecowarden.supervision.availability import (
    ClockDriftParameters,
    GapParameters,
    OfflineParameters,
    ValidRateParameters,
)
from ecowarden.supervision.electricity import CouplingParameters, ShutdownParameters
from ecowarden.supervision.emission import EmissionParameters, MarkedExceedanceParameters
from ecowarden.supervision.falsification import (
    ConflictParameters,
    DilutionParameters,
    FlatlineParameters,
    FlowZeroParameters,
    O2AmbientParameters,
    ParameterChangeParameters,
    StepChangeParameters,
)
from ecowarden.supervision.findings import RuleCode, parse_rule
from ecowarden.supervision.geofence import FenceParameters, TierRule, parse_tier
from ecowarden.supervision.noise_windows import NoiseWindowParameters
from ecowarden.supervision.series import FlagPolicy

#: The parameter class of every rule (the four coupling rules share one).
PARAMETER_TYPES: Final[Mapping[RuleCode, type[Any]]] = MappingProxyType(
    {
        RuleCode.EMISSION_HOUR: EmissionParameters,
        RuleCode.EMISSION_DAY: EmissionParameters,
        RuleCode.AMBIENT_AQI: AqiParameters,
        RuleCode.WATER_BELOW_TARGET: WaterTargetParameters,
        RuleCode.NOISE_ZONE: NoiseZoneParameters,
        RuleCode.DEVICE_OFFLINE: OfflineParameters,
        RuleCode.TRANSMISSION_GAP: GapParameters,
        RuleCode.VALID_RATE: ValidRateParameters,
        RuleCode.CLOCK_DRIFT: ClockDriftParameters,
        RuleCode.FLATLINE: FlatlineParameters,
        RuleCode.FLOW_ZERO_CONCENTRATION: FlowZeroParameters,
        RuleCode.DILUTION: DilutionParameters,
        RuleCode.O2_AMBIENT: O2AmbientParameters,
        RuleCode.MARKED_EXCEEDANCE: MarkedExceedanceParameters,
        RuleCode.CONFLICTING_RESEND: ConflictParameters,
        RuleCode.STEP_CHANGE: StepChangeParameters,
        RuleCode.PARAMETER_CHANGE: ParameterChangeParameters,
        RuleCode.CONTROL_OFF: CouplingParameters,
        RuleCode.CONTROL_IDLE: CouplingParameters,
        RuleCode.CONTROL_LATE: CouplingParameters,
        RuleCode.CONTROL_EARLY: CouplingParameters,
        RuleCode.SHUTDOWN_ORDER: ShutdownParameters,
        RuleCode.FENCE_INTRUSION: FenceParameters,
        RuleCode.NOISE_WINDOW: NoiseWindowParameters,
    }
)
_TOP_LEVEL: Final = ("rules", "sites", "disabled", "alerts")


def _section(where: str, value: object) -> Mapping[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError(f"{where} is not a table of names to values")
    return value


def _converted(rule: RuleCode, name: str, value: object) -> object:
    """Values that configuration documents spell as plain data: flag policies, fence tiers,
    name sets."""
    if name == "flags":
        flags = _section(f"rule {rule.value}: parameter flags", value)
        known = [f.name for f in dataclasses.fields(FlagPolicy)]
        for key in flags:
            if key not in known:
                raise UnknownNameError(f"flags parameter of rule {rule.value}", key, known)
        options: dict[str, Any] = {
            key: frozenset(item) if key != "over_range_counts" and isinstance(item, list) else item
            for key, item in flags.items()
        }
        return FlagPolicy(**options)
    if name == "tiers" and rule is RuleCode.FENCE_INTRUSION:
        tiers: dict[object, TierRule] = {}
        for tier_name, settings in _section(f"rule {rule.value}: parameter tiers", value).items():
            tier = parse_tier(tier_name)
            fields = _section(f"rule {rule.value}: tiers.{tier.value}", settings)
            unknown = set(fields) - {"min_dwell_s", "severity"}
            if unknown:
                raise UnknownNameError(
                    f"parameter of rule {rule.value} tier {tier.value}",
                    sorted(unknown)[0],
                    ["min_dwell_s", "severity"],
                )
            default = FenceParameters().tiers[tier]
            tiers[tier] = TierRule(
                fields.get("min_dwell_s", default.min_dwell_s),  # type: ignore[arg-type]
                fields.get("severity", default.severity),  # type: ignore[arg-type]
            )
        return tiers
    if isinstance(value, list):
        return frozenset(value)
    return value


def build_parameters(rule: RuleCode, base: object, overrides: Mapping[str, object]) -> object:
    """``base`` (a parameter object of ``rule``) with ``overrides`` applied and re-validated."""
    known = [f.name for f in dataclasses.fields(PARAMETER_TYPES[rule])]
    for name in overrides:
        if name not in known:
            raise UnknownNameError(f"parameter of rule {rule.value}", name, known)
    changes = {name: _converted(rule, name, value) for name, value in overrides.items()}
    return dataclasses.replace(base, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class RuleSettings:
    """Parameters of every rule, per-site overrides, the rules switched off, the alert policy."""

    defaults: Mapping[RuleCode, object] = field(
        default_factory=lambda: {rule: kind() for rule, kind in PARAMETER_TYPES.items()}
    )
    sites: Mapping[str, Mapping[RuleCode, object]] = field(default_factory=dict)
    disabled: frozenset[RuleCode] = frozenset()
    alerts: AlertPolicy = field(default_factory=AlertPolicy)

    def enabled(self, rule: RuleCode) -> bool:
        """Whether ``rule`` runs."""
        return rule not in self.disabled

    def parameters(self, rule: RuleCode, site: str | None = None) -> Any:
        """The parameters of ``rule`` at ``site`` (its override, else the default)."""
        if site is not None:
            override = self.sites.get(site, {}).get(rule)
            if override is not None:
                return override
        return self.defaults[rule]


def load_rule_settings(document: Mapping[str, object] | None) -> RuleSettings:
    """Check and load a configuration document (see the module docstring); None = defaults."""
    root = _section("rule configuration", document)
    for key in root:
        if key not in _TOP_LEVEL:
            raise UnknownNameError("rule configuration section", key, _TOP_LEVEL)
    defaults: dict[RuleCode, object] = {rule: kind() for rule, kind in PARAMETER_TYPES.items()}
    for name, overrides in _section("rules", root.get("rules")).items():
        rule = parse_rule(name)
        defaults[rule] = build_parameters(
            rule, defaults[rule], _section(f"rules.{name}", overrides)
        )
    sites: dict[str, dict[RuleCode, object]] = {}
    for site, rules in _section("sites", root.get("sites")).items():
        for name, overrides in _section(f"sites.{site}", rules).items():
            rule = parse_rule(name)
            sites.setdefault(site, {})[rule] = build_parameters(
                rule, defaults[rule], _section(f"sites.{site}.{name}", overrides)
            )
    disabled_names = root.get("disabled") or []
    if isinstance(disabled_names, str) or not isinstance(disabled_names, list):
        raise ValidationError(f"disabled = {disabled_names!r} is not a list of rule names")
    alerts = _section("alerts", root.get("alerts"))
    known_alert_fields = [f.name for f in dataclasses.fields(AlertPolicy)]
    for key in alerts:
        if key not in known_alert_fields:
            raise UnknownNameError("alert policy parameter", key, known_alert_fields)
    policy = AlertPolicy(**dict(alerts))  # type: ignore[arg-type]
    return RuleSettings(
        defaults=MappingProxyType(defaults),
        sites=MappingProxyType({site: MappingProxyType(r) for site, r in sites.items()}),
        disabled=frozenset(parse_rule(name) for name in disabled_names),
        alerts=policy,
    )
