"""Electricity coupling: control equipment off, idle, late, early; production in a shutdown."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.electricity import (
    CouplingParameters,
    LinePower,
    ShutdownOrder,
    control_violations,
    minute_power,
    production_during_shutdown,
)
from ecowarden.supervision.findings import RuleCode

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())
PARAMS = CouplingParameters(production_on_kw=5, control_on_kw=1, control_rated_kw=50)


def line(production: list[tuple[int, int]], control: list[tuple[int, int, float]]) -> LinePower:
    n = 24 * 60
    prod = np.zeros(n)
    ctrl = np.zeros(n)
    for a, b in production:
        prod[a:b] = 100.0
    for a, b, kw in control:
        ctrl[a:b] = kw
    return LinePower("L1", T0 + 60 * np.arange(n, dtype=np.int64), prod, ctrl)


def rules(power: LinePower) -> list[tuple[RuleCode, int, int]]:
    return [
        (f.rule, (f.start_s - T0) // 60, (f.end_s - T0) // 60)
        for f in control_violations(power, params=PARAMS)
    ]


def test_clean_line_has_no_finding() -> None:
    assert rules(line([(360, 1320)], [(355, 1325, 45.0)])) == []


def test_control_started_late() -> None:
    # Production from 06:00, filter from 06:30: 30 min > 10 min grace.
    assert rules(line([(360, 1320)], [(390, 1325, 45.0)])) == [(RuleCode.CONTROL_LATE, 360, 390)]
    # 10 min late is within the grace.
    assert rules(line([(360, 1320)], [(370, 1325, 45.0)])) == []


def test_control_stopped_early() -> None:
    assert rules(line([(360, 1320)], [(355, 1280, 45.0)])) == [(RuleCode.CONTROL_EARLY, 1280, 1320)]


def test_control_off_and_idle_in_the_middle() -> None:
    off = line([(360, 1320)], [(355, 600, 45.0), (660, 1325, 45.0)])
    assert rules(off) == [(RuleCode.CONTROL_OFF, 600, 660)]
    # 8 kW < 0.3 × 50 kW rated: idling.
    idle = line([(360, 1320)], [(355, 600, 45.0), (600, 660, 8.0), (660, 1325, 45.0)])
    assert rules(idle) == [(RuleCode.CONTROL_IDLE, 600, 660)]


def test_no_control_for_a_whole_episode() -> None:
    assert rules(line([(360, 420)], [])) == [(RuleCode.CONTROL_OFF, 360, 420)]


def test_production_during_shutdown_order() -> None:
    power = line([(360, 1320)], [(355, 1325, 45.0)])
    order = ShutdownOrder("E01", T0 + 12 * 3600, T0 + 86_400, "重污染天气应急")
    (finding,) = production_during_shutdown(power, [order])
    assert (finding.start_s, finding.end_s) == (T0 + 12 * 3600, T0 + 1320 * 60)
    with pytest.raises(ValidationError, match="not after"):
        ShutdownOrder("E01", T0, T0, "x")


def test_minute_power_means() -> None:
    # Two messages in minute 0 (10 and 20 kW) → 15; none in minute 1 → NaN; 30 in minute 2.
    grid = minute_power(
        np.array([T0, T0 + 30, T0 + 125]), np.array([10.0, 20.0, 30.0]), first_s=T0, minutes=3
    )
    assert grid[0] == 15.0
    assert np.isnan(grid[1])
    assert grid[2] == 30.0


def test_coupling_parameters_refused() -> None:
    with pytest.raises(ValidationError, match=r"control_rated_kw = 0\.5"):
        CouplingParameters(control_on_kw=1, control_rated_kw=0.5)
