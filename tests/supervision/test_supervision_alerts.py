"""The alert lifecycle: transitions table, reasons, dedupe keys, escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.alerts import (
    TRANSITIONS,
    AlertAction,
    AlertPolicy,
    AlertState,
    InvalidTransition,
    dedupe_key,
    escalation_due,
    next_state,
)
from ecowarden.supervision.findings import Finding, RuleCode, Severity

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())


def test_happy_path() -> None:
    state = AlertState.OPEN
    state = next_state(state, AlertAction.ACKNOWLEDGE)
    state = next_state(state, AlertAction.DISPATCH)
    state = next_state(state, AlertAction.HAND_OFF, "案件 2026-017")
    assert next_state(state, AlertAction.CLOSE, "整改完成") is AlertState.CLOSED


@pytest.mark.parametrize("state", [AlertState.CLOSED, AlertState.DISMISSED])
def test_final_states_refuse_state_changes(state: AlertState) -> None:
    with pytest.raises(InvalidTransition, match=f"cannot acknowledge an alert that is {state}"):
        next_state(state, AlertAction.ACKNOWLEDGE)
    assert state.final


def test_every_non_final_state_can_be_dismissed_with_a_reason() -> None:
    for state in (AlertState.OPEN, AlertState.ACKNOWLEDGED, AlertState.DISPATCHED):
        assert TRANSITIONS[(state, AlertAction.DISMISS)] is AlertState.DISMISSED
        with pytest.raises(ValidationError, match="dismiss needs a reason"):
            next_state(state, AlertAction.DISMISS, "  ")


def test_unknown_action_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="acknowledge"):
        next_state(AlertState.OPEN, "approve")  # type: ignore[arg-type]


def finding(start_s: int, subject: str = "E01-DA001") -> Finding:
    return Finding(RuleCode.EMISSION_HOUR, subject, start_s, start_s + 3600, Severity.HIGH, "m")


def test_dedupe_by_rule_subject_and_local_day() -> None:
    policy = AlertPolicy()
    # 00:30 and 23:30 local of the same day share the key; 00:30 the next day does not.
    a, b, c = (dedupe_key(finding(T0 + s), policy) for s in (1800, 84_600, 88_200))
    assert a == b == f"emission_hour|E01-DA001|{T0}"
    assert c != a
    assert dedupe_key(finding(T0, "E02-DA001"), policy) != a


def test_escalation_after_the_delay_of_its_severity() -> None:
    policy = AlertPolicy(escalate_after_s={"high": 1800})  # type: ignore[dict-item]
    due = {
        "state": AlertState.OPEN,
        "severity": Severity.HIGH,
        "level": 0,
        "since_s": T0,
        "policy": policy,
    }
    assert not escalation_due(now_s=T0 + 1799, **due)  # type: ignore[arg-type]
    assert escalation_due(now_s=T0 + 1800, **due)  # type: ignore[arg-type]
    # Medium keeps its default of 4 h; acknowledged alerts and the top level never escalate.
    assert policy.escalate_after_s[Severity.MEDIUM] == 4 * 3600
    assert not escalation_due(
        state=AlertState.ACKNOWLEDGED,
        severity=Severity.HIGH,
        level=0,
        since_s=T0,
        now_s=T0 + 86_400,
        policy=policy,
    )
    assert not escalation_due(
        state=AlertState.OPEN,
        severity=Severity.HIGH,
        level=3,
        since_s=T0,
        now_s=T0 + 86_400,
        policy=policy,
    )
