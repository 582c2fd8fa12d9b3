"""Rule configuration: defaults, per-site overrides, refusals that name the parameter."""

from __future__ import annotations

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.supervision.config import load_rule_settings
from ecowarden.supervision.findings import RuleCode, Severity
from ecowarden.supervision.geofence import ProtectionTier


def test_defaults_overrides_and_disabled() -> None:
    settings = load_rule_settings(
        {
            "rules": {"flatline": {"min_duration_s": 7200}},
            "sites": {"E01-DA001": {"flatline": {"tolerance": 0.05}}},
            "disabled": ["clock_drift"],
            "alerts": {"escalate_after_s": {"high": 1800}},
        }
    )
    assert settings.parameters(RuleCode.FLATLINE).min_duration_s == 7200
    site = settings.parameters(RuleCode.FLATLINE, "E01-DA001")
    # A site override changes only what it lists; the rest comes from the rule's defaults.
    assert (site.min_duration_s, site.tolerance) == (7200, 0.05)
    assert not settings.enabled(RuleCode.CLOCK_DRIFT)
    assert settings.alerts.escalate_after_s[Severity.HIGH] == 1800


def test_nested_flags_and_tiers() -> None:
    settings = load_rule_settings(
        {
            "rules": {
                "emission_hour": {"flags": {"over_range_counts": False}},
                "fence_intrusion": {"tiers": {"二级": {"min_dwell_s": 60}}},
            }
        }
    )
    assert not settings.parameters(RuleCode.EMISSION_HOUR).flags.over_range_counts
    tiers = settings.parameters(RuleCode.FENCE_INTRUSION).tiers
    assert tiers[ProtectionTier.SECOND].min_dwell_s == 60
    assert tiers[ProtectionTier.FIRST].min_dwell_s == 0


@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        ({"rules": {"flatline": {"min_duration_s": -5}}}, ValidationError, "min_duration_s = -5"),
        ({"rules": {"flatline": {"min_durations": 5}}}, UnknownNameError, "'min_durations'"),
        ({"rules": {"flatlines": {}}}, UnknownNameError, "unknown rule 'flatlines'"),
        ({"rule": {}}, UnknownNameError, "rule configuration section 'rule'"),
        ({"sites": {"S": {"o2_ambient": {"min_o2_pct": 30}}}}, ValidationError, "min_o2_pct = 30"),
        ({"rules": {"dilution": {"severity": "urgent"}}}, UnknownNameError, "severity 'urgent'"),
        ({"disabled": "flatline"}, ValidationError, "not a list"),
        ({"alerts": {"dedupe_window_s": 1}}, ValidationError, "dedupe_window_s = 1"),
    ],
)
def test_invalid_configuration_refused_at_load(
    document: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        load_rule_settings(document)
