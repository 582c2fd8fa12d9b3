"""Ambient thresholds: hourly AQI, water classes against targets, GB 3096 zone limits."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.ambient import (
    AqiParameters,
    aqi_exceedances,
    energy_mean,
    noise_zone_exceedances,
    water_below_target,
)
from ecowarden.supervision.findings import RuleCode

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())


def test_hourly_aqi_above_100() -> None:
    # HJ 633-2026 hourly report: PM2.5 1-h on the daily column (Table 5 / §4.2.4).
    # PM2.5 115 µg/m³ is the 150 breakpoint: IAQI = 150 > 100; 30 µg/m³ gives 43 (≤ 100).
    starts = T0 + 3600 * np.arange(3, dtype=np.int64)
    pm25 = np.array([30.0, 115.0, 115.0])
    (finding,) = aqi_exceedances("A01", starts, {"a34004": pm25})
    assert finding.rule is RuleCode.AMBIENT_AQI
    assert finding.value == 150
    assert (finding.start_s, finding.end_s) == (T0 + 3600, T0 + 3 * 3600)
    assert (
        aqi_exceedances(
            "A01", starts, {"a34004": pm25}, params=AqiParameters(min_consecutive_hours=3)
        )
        == []
    )


def test_section_below_target_class() -> None:
    # GB 3838-2002 Table 1: COD ≤ 15 (II), ≤ 20 (III), ≤ 30 (IV): 25 mg/L is Class IV.
    (finding,) = water_below_target(
        "W02", np.array([T0]), {"w01018": np.array([25.0])}, target_class="II", water_body="river"
    )
    assert dict(finding.evidence.facts)["class"] == "IV"
    assert (
        water_below_target(
            "W02",
            np.array([T0]),
            {"w01018": np.array([14.0])},
            target_class="II",
            water_body="river",
        )
        == []
    )


def test_energy_mean() -> None:
    # 10 lg((10^5 + 10^6)/2) = 10 lg(550000) = 57.40
    assert energy_mean(np.array([50.0, 60.0])) == pytest.approx(57.404, abs=1e-3)


def test_noise_night_above_zone_limit() -> None:
    # Zone 1: day 55, night 45 dB(A) (GB 3096-2008 Table 1). Day hours at 50, night at 48:
    # Ln = 48 > 45 fires for the night starting 22:00 on the first day, and for the night
    # ending 06:00 on the first day (6 of its 8 hours = 0.75, the minimum coverage); Ld = 50 ≤ 55.
    starts = T0 + 3600 * np.arange(48, dtype=np.int64)
    local_hour = np.arange(48) % 24
    leq = np.where((local_hour >= 6) & (local_hour < 22), 50.0, 48.0)
    findings = noise_zone_exceedances("N02", starts, leq, zone="1")
    nights = [f for f in findings if dict(f.evidence.facts)["period"] == "night"]
    assert {f.start_s for f in nights} == {T0, T0 + 22 * 3600}
    assert all(f.value == 48.0 and f.threshold == 45.0 for f in nights)
    assert not any(dict(f.evidence.facts)["period"] == "day" for f in findings)
