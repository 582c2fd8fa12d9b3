"""Outlet emission limits: hourly and daily exceedance, converted concentrations, flags, S5."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.emission import (
    EmissionParameters,
    MarkedExceedanceParameters,
    emission_exceedances,
    marked_exceedances,
)
from ecowarden.supervision.findings import RuleCode, Severity
from ecowarden.supervision.series import FlagPolicy, Series

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())
NOX = EmissionLimit("E01-DA001", "a21002", 200.0, "mg/m³", Averaging.HOUR, 9.0)
COD = EmissionLimit("E05-DW001", "w01018", 50.0, "mg/L", Averaging.DAY)
PH = EmissionLimit("E05-DW001", "w01001", 9.0, "—", Averaging.DAY, lower_limit=6.0)


def hourly(values: list[float], flags: list[str] | None = None) -> Series:
    n = len(values)
    return Series(
        T0 + 3600 * np.arange(n, dtype=np.int64),
        np.array(values, dtype=float),
        np.array(flags or ["N"] * n),
    )


def test_converted_hour_exceeds_while_raw_does_not() -> None:
    # 180 × (21 − 9)/(21 − 12) = 180 × 12/9 = 240 > 200; at O2 = 9 % 180 stays 180 ≤ 200.
    nox = hourly([180.0, 180.0])
    o2 = hourly([12.0, 9.0])
    findings = emission_exceedances(NOX, nox, o2=o2)
    assert len(findings) == 1
    (finding,) = findings
    assert finding.rule is RuleCode.EMISSION_HOUR
    assert finding.value == pytest.approx(240.0)
    assert (finding.start_s, finding.end_s) == (T0, T0 + 3600)
    facts = dict(finding.evidence.facts)
    assert facts["reference_o2_pct"] == 9.0
    assert [r.series for r in finding.evidence.readings] == ["a21002", "a19001"]


def test_missing_o2_means_not_judged() -> None:
    assert emission_exceedances(NOX, hourly([500.0]), o2=None) == []


@pytest.mark.parametrize("flag", ["F", "M", "S", "D", "C", "B", "P", "St", "Sd", "Md", "H"])
def test_invalid_flags_never_fire(flag: str) -> None:
    # Issue 6, bad input: readings with invalid flags never fire exceedance rules.
    nox = hourly([900.0], [flag])
    assert emission_exceedances(NOX, nox, o2=hourly([9.0])) == []


def test_over_range_value_is_a_lower_bound_switch() -> None:
    nox, o2 = hourly([250.0], ["T"]), hourly([9.0])
    assert len(emission_exceedances(NOX, nox, o2=o2)) == 1
    strict = EmissionParameters(flags=FlagPolicy(over_range_counts=False))
    assert emission_exceedances(NOX, nox, o2=o2, params=strict) == []


def test_min_consecutive_hours() -> None:
    # Exceeding hours 1–2 and 4: with min_consecutive = 2 only the run of two fires.
    nox = hourly([100.0, 250.0, 260.0, 100.0, 300.0])
    o2 = hourly([9.0] * 5)
    findings = emission_exceedances(NOX, nox, o2=o2, params=EmissionParameters(min_consecutive=2))
    assert [(f.start_s - T0) // 3600 for f in findings] == [1]
    assert findings[0].end_s == T0 + 3 * 3600
    assert findings[0].value == 260.0


def test_hours_from_minutes_need_45_valid_minutes() -> None:
    # 45 valid minutes of 300 mg/m³ (converted at 9 %) → hourly mean 300 > 200: fires;
    # 44 valid → the hour is not valid (HJ 76 App. B) and nothing fires.
    minutes = T0 + 60 * np.arange(60, dtype=np.int64)
    for n_valid, expected in ((45, 1), (44, 0)):
        flags = np.where(np.arange(60) < n_valid, "N", "D")
        nox = Series(minutes, np.full(60, 300.0), flags, step_s=60)
        o2 = Series(minutes, np.full(60, 9.0), np.full(60, "N"), step_s=60)
        assert len(emission_exceedances(NOX, nox, o2=o2)) == expected


def test_daily_mean_of_valid_hours() -> None:
    # 20 valid hours of 55 mg/L and 4 flagged D at 500: daily mean of valid hours 55 > 50.
    values = [55.0] * 20 + [500.0] * 4
    flags = ["N"] * 20 + ["D"] * 4
    (finding,) = emission_exceedances(COD, hourly(values, flags))
    assert finding.rule is RuleCode.EMISSION_DAY
    assert finding.value == pytest.approx(55.0)
    assert (finding.start_s, finding.end_s) == (T0, T0 + 86_400)
    # 19 valid hours: the day is not valid, not judged.
    assert emission_exceedances(COD, hourly([*values[1:], 0.0], [*flags[1:], "D"])) == []


def test_ph_below_lower_limit_fires() -> None:
    (finding,) = emission_exceedances(PH, hourly([5.5] * 24))
    assert finding.value == pytest.approx(5.5)
    assert "6–9" in finding.message


def test_marked_exceedances_fire_and_list_the_windows() -> None:
    # S5: 5 exceeding hours (> 50), 4 marked D (80 %) and no O&M record → fires.
    values = [20.0, 80.0, 80.0, 20.0, 90.0, 95.0, 70.0]
    flags = ["N", "D", "D", "N", "D", "D", "N"]
    (finding,) = marked_exceedances(COD, hourly(values, flags))
    assert finding.rule is RuleCode.MARKED_EXCEEDANCE
    assert finding.value == pytest.approx(0.8)
    facts = dict(finding.evidence.facts)
    assert facts["marked_without_record"] == 4
    assert str(facts["marked_windows"]).count("/") == 2  # two marked windows
    # An O&M record covering hours 1–2 explains them: 2 of 5 marked (40 %) → no finding.
    record = ((T0 + 3600, T0 + 3 * 3600),)
    assert marked_exceedances(COD, hourly(values, flags), maintenance=record) == []


def test_parameter_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="min_valid_minutes = 61"):
        EmissionParameters(min_valid_minutes=61)
    with pytest.raises(ValidationError, match="o2_cap_pct = 21"):
        EmissionParameters(o2_cap_pct=21)
    with pytest.raises(ValidationError, match="min_marked_share = 0"):
        MarkedExceedanceParameters(min_marked_share=0)
    assert EmissionParameters(severity="low").severity is Severity.LOW  # type: ignore[arg-type]
