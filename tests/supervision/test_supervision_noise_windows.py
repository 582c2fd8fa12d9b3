"""Noise protection windows: monitors inside, construction sites nearby, energy means."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from ecowarden.errors import ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.findings import Severity
from ecowarden.supervision.noise_windows import (
    MonitorKind,
    NoiseMonitor,
    NoiseWindow,
    energy_means,
    noise_window_exceedances,
    relevant_monitors,
)

T0 = int(dt.datetime(2026, 6, 7, tzinfo=LOCAL_ZONE).timestamp())
VENUE = shapely.box(118.409, 30.189, 118.411, 30.191)
WINDOW = NoiseWindow("EXAM", "考点", VENUE, ((T0 + 8 * 3600, T0 + 18 * 3600),), 55.0, 500.0)


def levels(n: int, value: float) -> tuple[np.ndarray, np.ndarray]:
    return T0 + 8 * 3600 + 60 * np.arange(n, dtype=np.int64), np.full(n, value)


def test_energy_means_of_minutes() -> None:
    # Five minutes at 50 and 60 alternately over 300 s: 10 lg((3·10^5 + 2·10^6)/5) = 56.63
    at = T0 + 60 * np.arange(5, dtype=np.int64)
    starts, leq = energy_means(
        at,
        np.array([50.0, 60.0, 50.0, 60.0, 50.0]),
        interval_s=60,
        averaging_s=300,
        min_coverage=0.5,
    )
    assert starts.tolist() == [T0]
    assert leq[0] == pytest.approx(56.628, abs=1e-3)


def test_construction_site_near_the_venue() -> None:
    # ~0.003° of longitude east of the venue edge at 30.19° N ≈ 289 m (< 500 m buffer).
    site = NoiseMonitor("CS01", "工地", 118.414, 30.19, MonitorKind.CONSTRUCTION)
    at, leq = levels(30, 62.0)
    findings = noise_window_exceedances(WINDOW, site, at, leq, interval_s=60)
    assert len(findings) == 1
    assert findings[0].severity is Severity.MEDIUM
    assert dict(findings[0].evidence.facts)["distance_m"] == pytest.approx(289.0, abs=5)
    # An ambient monitor at the same place is not the window's business.
    other = NoiseMonitor("AMB", "站", 118.414, 30.19, MonitorKind.AMBIENT)
    assert noise_window_exceedances(WINDOW, other, at, leq, interval_s=60) == []
    assert relevant_monitors(WINDOW, [site, other]) == [site]


def test_inside_only_during_active_periods() -> None:
    inside = NoiseMonitor("V1", "考点监测", 118.41, 30.19, MonitorKind.VENUE)
    at = T0 + 60 * np.arange(24 * 60, dtype=np.int64)
    findings = noise_window_exceedances(WINDOW, inside, at, np.full(at.size, 60.0), interval_s=60)
    assert [(f.start_s, f.end_s) for f in findings] == [(T0 + 8 * 3600, T0 + 18 * 3600)]
    assert findings[0].severity is Severity.HIGH


def test_window_refused_without_period() -> None:
    with pytest.raises(ValidationError, match="no active period"):
        NoiseWindow("X", "x", VENUE, (), 55.0)
