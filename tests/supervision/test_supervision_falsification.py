"""Falsification signatures: frozen values, flow-zero, dilution, O2, resends, steps, parameters."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.falsification import (
    ConflictRecord,
    DilutionParameters,
    FlatlineParameters,
    ParameterSnapshot,
    conflicting_resends,
    dilutions,
    flatlines,
    flow_zero_concentration,
    o2_near_ambient,
    parameter_changes,
    step_changes,
)
from ecowarden.supervision.findings import RuleCode
from ecowarden.supervision.series import Series

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())


def minutes(values: np.ndarray, flags: np.ndarray | None = None) -> Series:
    n = values.size
    return Series(
        T0 + 60 * np.arange(n, dtype=np.int64),
        values.astype(float),
        np.full(n, "N") if flags is None else flags,
        step_s=60,
    )


def test_flatline_while_discharging() -> None:
    # 90 identical minutes from minute 30 while flow > 0: one stretch of 90 min (≥ 60 min).
    values = 50.0 + np.arange(180) % 7
    values[30:120] = 48.2
    (finding,) = flatlines("S", "a21002", minutes(values), flow=minutes(np.full(180, 17.0)))
    assert finding.rule is RuleCode.FLATLINE
    assert (finding.start_s, finding.end_s) == (T0 + 30 * 60, T0 + 120 * 60)
    assert dict(finding.evidence.facts)["constant_value"] == 48.2


def test_flatline_not_while_stopped_or_short() -> None:
    values = np.full(180, 48.2)
    stopped = flatlines("S", "a21002", minutes(values), flow=minutes(np.zeros(180)))
    assert stopped == []
    short = values.copy()
    short[59::60] = 1.0  # breaks every hour: runs of 59 minutes < 60 min
    assert flatlines("S", "a21002", minutes(short), flow=minutes(np.full(180, 17.0))) == []


def test_flatline_parameters_refused() -> None:
    with pytest.raises(ValidationError, match="min_readings = 1"):
        FlatlineParameters(min_readings=1)
    with pytest.raises(ValidationError, match="tolerance = -1"):
        FlatlineParameters(tolerance=-1)


def test_flow_zero_with_moving_concentration() -> None:
    # Flow 0 for minutes 10–19; COD moves 40 → 49 there: (49 − 40)/44.5 = 0.20 ≥ 0.05.
    flow = np.full(30, 28.0)
    flow[10:20] = 0.0
    cod = 40.0 + np.arange(30) % 10
    (finding,) = flow_zero_concentration("S", "w01018", minutes(cod), minutes(flow))
    assert (finding.start_s, finding.end_s) == (T0 + 600, T0 + 1200)
    assert finding.value == pytest.approx(9 / 44.5, rel=1e-3)
    # Constant concentration while the flow is 0: nothing to report here.
    assert flow_zero_concentration("S", "w01018", minutes(np.full(30, 40.0)), minutes(flow)) == []


def test_dilution_flow_up_concentration_down_load_flat() -> None:
    # Hourly: baseline 7 days of C = 100, Q = 10; then 6 h of C = 33.3, Q = 30:
    # flow ratio 3 ≥ 2, concentration ratio 0.333 ≤ 0.5, load ratio 0.999 within 1/1.5 … 1.5.
    n = 8 * 24
    conc = np.full(n, 100.0)
    flow = np.full(n, 10.0)
    conc[7 * 24 : 7 * 24 + 6] = 33.3
    flow[7 * 24 : 7 * 24 + 6] = 30.0
    starts = T0 + 3600 * np.arange(n, dtype=np.int64)
    c, q = Series(starts, conc, np.full(n, "N")), Series(starts, flow, np.full(n, "N"))
    (finding,) = dilutions("S", "a21002", c, q)
    assert finding.start_s == T0 + 7 * 86_400
    facts = dict(finding.evidence.facts)
    assert facts["flow_ratio"] == 3.0
    assert facts["load_ratio"] == pytest.approx(0.999)
    # Flow up with concentration steady (more production): load triples, no dilution.
    c2 = Series(starts, np.full(n, 100.0), np.full(n, "N"))
    assert dilutions("S", "a21002", c2, q) == []


def test_dilution_parameters_refused() -> None:
    with pytest.raises(ValidationError, match="baseline_s = 1000 is not a multiple"):
        DilutionParameters(window_s=300, baseline_s=1000)


def test_o2_near_ambient_during_operation() -> None:
    o2 = np.full(180, 10.5)
    o2[60:150] = 20.7
    (finding,) = o2_near_ambient("S", minutes(o2), flow=minutes(np.full(180, 17.0)))
    assert (finding.start_s, finding.end_s) == (T0 + 3600, T0 + 150 * 60)
    # The same O2 with the stack stopped (flow 0) is what a stopped stack shows.
    assert o2_near_ambient("S", minutes(o2), flow=minutes(np.zeros(180))) == []


def test_conflicts_grouped_per_site_and_day() -> None:
    records = [
        ConflictRecord("S", "a21002", T0, 100.0, "N", 60.0, "N", T0 + 3600 * h) for h in (1, 2, 30)
    ]
    findings = conflicting_resends(records)
    assert [f.value for f in findings] == [2.0, 1.0]
    assert findings[0].evidence.readings[0].series == "a21002 original"


def test_step_change_with_steady_flow() -> None:
    # Day 1 mean 10, day 2 mean 25 (×2.5 ≥ 2) with flow steady: fires on day 2.
    starts = T0 + 3600 * np.arange(48, dtype=np.int64)
    conc = np.r_[np.full(24, 10.0), np.full(24, 25.0)]
    c = Series(starts, conc, np.full(48, "N"))
    q = Series(starts, np.full(48, 17.0), np.full(48, "N"))
    (finding,) = step_changes("S", "a34013", c, q)
    assert finding.start_s == T0 + 86_400
    assert finding.value == pytest.approx(2.5)
    # The same step with the flow ×2.5 too is explained by production.
    q2 = Series(starts, np.r_[np.full(24, 17.0), np.full(24, 42.5)], np.full(48, "N"))
    assert step_changes("S", "a34013", c, q2) == []


def test_parameter_change_without_approval() -> None:
    snaps = [
        ParameterSnapshot("S", T0, (("i13001", 1.0), ("i13003", 500.0))),
        ParameterSnapshot("S", T0 + 86_400, (("i13001", 0.6), ("i13003", 500.0))),
    ]
    (finding,) = parameter_changes(snaps)
    assert "i13001 1 → 0.6" in finding.message
    assert parameter_changes(snaps, approved=[("S", T0 + 3600, T0 + 2 * 86_400)]) == []
