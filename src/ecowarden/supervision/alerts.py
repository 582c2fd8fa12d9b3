"""The alert lifecycle: states, actions and the transitions table; deduplication keys and
escalation.

::

    open ──acknowledge──▶ acknowledged ──dispatch──▶ dispatched ──close──▶ closed
      │                        │  └────────close──────────────────────────▶ closed
      └──dismiss (reason)──────┴──dismiss (reason)── dispatched ──dismiss──▶ dismissed

``escalate`` keeps an open alert open and raises its escalation level; ``hand_off`` records the
enforcement case an acknowledged, dispatched or closed alert was handed to. Closed and dismissed
alerts are final. Every action is an event (who, when, why) kept beside the alert; the evidence
snapshot taken when the alert opened never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import Finding, Severity


class InvalidTransition(ValidationError):
    """An action the alert's state does not allow (acknowledging a closed alert …)."""


class AlertState(StrEnum):
    """Where an alert stands."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISPATCHED = "dispatched"
    CLOSED = "closed"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        """Chinese name of the state."""
        return _STATE_LABELS[self]

    @property
    def final(self) -> bool:
        """Closed and dismissed alerts take no further state change."""
        return self in (AlertState.CLOSED, AlertState.DISMISSED)


_STATE_LABELS: Final = {
    AlertState.OPEN: "待处理",
    AlertState.ACKNOWLEDGED: "已确认",
    AlertState.DISPATCHED: "已派发",
    AlertState.CLOSED: "已办结",
    AlertState.DISMISSED: "误报已排除",
}


class AlertAction(StrEnum):
    """What a person (or the scheduler) does to an alert."""

    OPEN = "open"  # the scheduler opened it (first event)
    ACKNOWLEDGE = "acknowledge"
    DISPATCH = "dispatch"
    CLOSE = "close"
    DISMISS = "dismiss"
    ESCALATE = "escalate"
    HAND_OFF = "hand_off"
    RECUR = "recur"  # the same rule fired again for the same subject and window


#: (state, action) → next state. Anything absent is an :class:`InvalidTransition`.
TRANSITIONS: Final[Mapping[tuple[AlertState, AlertAction], AlertState]] = MappingProxyType(
    {
        (AlertState.OPEN, AlertAction.ACKNOWLEDGE): AlertState.ACKNOWLEDGED,
        (AlertState.OPEN, AlertAction.DISMISS): AlertState.DISMISSED,
        (AlertState.OPEN, AlertAction.ESCALATE): AlertState.OPEN,
        (AlertState.OPEN, AlertAction.RECUR): AlertState.OPEN,
        (AlertState.ACKNOWLEDGED, AlertAction.DISPATCH): AlertState.DISPATCHED,
        (AlertState.ACKNOWLEDGED, AlertAction.CLOSE): AlertState.CLOSED,
        (AlertState.ACKNOWLEDGED, AlertAction.DISMISS): AlertState.DISMISSED,
        (AlertState.ACKNOWLEDGED, AlertAction.HAND_OFF): AlertState.ACKNOWLEDGED,
        (AlertState.ACKNOWLEDGED, AlertAction.RECUR): AlertState.ACKNOWLEDGED,
        (AlertState.DISPATCHED, AlertAction.CLOSE): AlertState.CLOSED,
        (AlertState.DISPATCHED, AlertAction.DISMISS): AlertState.DISMISSED,
        (AlertState.DISPATCHED, AlertAction.HAND_OFF): AlertState.DISPATCHED,
        (AlertState.DISPATCHED, AlertAction.RECUR): AlertState.DISPATCHED,
        (AlertState.CLOSED, AlertAction.HAND_OFF): AlertState.CLOSED,
    }
)

#: Actions that need a reason: dismissing as false, closing, handing off (the case reference).
REASON_REQUIRED: Final = frozenset({AlertAction.DISMISS, AlertAction.CLOSE, AlertAction.HAND_OFF})


def parse_action(name: str | AlertAction) -> AlertAction:
    """An action by name; unknown names raise :class:`UnknownNameError` listing them."""
    if isinstance(name, AlertAction):
        return name
    try:
        return AlertAction(name)
    except ValueError:
        raise UnknownNameError("alert action", name, [a.value for a in AlertAction]) from None


def parse_state(name: str | AlertState) -> AlertState:
    """A state by name."""
    if isinstance(name, AlertState):
        return name
    try:
        return AlertState(name)
    except ValueError:
        raise UnknownNameError("alert state", name, [s.value for s in AlertState]) from None


def next_state(state: AlertState, action: AlertAction, reason: str | None = None) -> AlertState:
    """The state after ``action``; refused actions raise :class:`InvalidTransition`."""
    state, action = parse_state(state), parse_action(action)
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s is state)
        raise InvalidTransition(
            f"cannot {action.value} an alert that is {state.value}; allowed: "
            f"{', '.join(allowed) or 'nothing (final state)'}"
        )
    if action in REASON_REQUIRED and not (reason and reason.strip()):
        raise ValidationError(f"{action.value} needs a reason")
    return target


#: Escalation delays by severity; a policy overrides some or all of them. [s]
DEFAULT_ESCALATION_S: Final[Mapping[Severity, int]] = MappingProxyType(
    {Severity.HIGH: 3600, Severity.MEDIUM: 4 * 3600, Severity.LOW: 24 * 3600}
)


@dataclass(frozen=True)
class AlertPolicy:
    """Deduplication window and escalation delays.

    Parameters
    ----------
    dedupe_window_s
        Findings of one rule and subject starting in the same window (local days for the
        default 86 400 s) are one alert; later ones count as recurrences. [s]
    escalate_after_s
        Per severity (the others keep :data:`DEFAULT_ESCALATION_S`): an alert still open this
        long after opening (or after its last escalation) is escalated. [s]
    max_escalation_level
        Escalation stops at this level.
    """

    dedupe_window_s: int = 86_400
    escalate_after_s: Mapping[Severity, int] = field(
        default_factory=lambda: dict(DEFAULT_ESCALATION_S)
    )
    max_escalation_level: int = 3

    def __post_init__(self) -> None:
        rule = "alert policy"
        check.count(rule, "dedupe_window_s", self.dedupe_window_s, minimum=60)
        delays = dict(DEFAULT_ESCALATION_S)
        for name, seconds in dict(self.escalate_after_s).items():
            severity = check.severity(rule, "escalate_after_s key", name)
            delays[severity] = check.count(
                rule, f"escalate_after_s.{severity.value}", seconds, minimum=60
            )
        object.__setattr__(self, "escalate_after_s", MappingProxyType(delays))
        check.count(rule, "max_escalation_level", self.max_escalation_level)


def dedupe_window_start(start_s: int, window_s: int) -> int:
    """Start of the dedupe window holding ``start_s``: local (Asia/Shanghai) midnight for day
    windows, else a multiple of ``window_s`` on local time. [s since the epoch]"""
    offset = int(
        (
            dt.datetime.fromtimestamp(start_s, LOCAL_ZONE).utcoffset() or dt.timedelta()
        ).total_seconds()
    )
    local = start_s + offset
    return local // window_s * window_s - offset


def dedupe_key(finding: Finding, policy: AlertPolicy) -> str:
    """``rule|subject|window start``: findings sharing it are one alert."""
    window = dedupe_window_start(finding.start_s, policy.dedupe_window_s)
    return f"{finding.rule.value}|{finding.subject}|{window}"


def escalation_due(
    *,
    state: AlertState,
    severity: Severity,
    level: int,
    since_s: int,
    now_s: int,
    policy: AlertPolicy,
) -> bool:
    """Whether an alert is due for escalation: still open, below the top level, and
    ``escalate_after_s`` passed since it opened or was last escalated (``since_s``)."""
    return (
        state is AlertState.OPEN
        and level < policy.max_escalation_level
        and now_s - since_s >= policy.escalate_after_s[severity]
    )
