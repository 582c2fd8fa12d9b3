"""GB 3096-2008 zones: Table 1, the 4b / railway, Lmax and indoor rules (reference §1)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise import (
    ZONE_LIMITS,
    Railway,
    ValidityRule,
    Verdict,
    Zone,
    ZoneLimits,
    parse_zone,
    railway_regime,
    zone_compliance,
    zone_limits,
)


@pytest.mark.parametrize(
    ("zone", "day", "night"),
    [
        # GB 3096-2008 §5.1 Table 1, LAeq dB(A)
        ("0", 50, 40),
        ("1", 55, 45),
        ("2", 60, 50),
        ("3", 65, 55),
        ("4a", 70, 55),
        ("4b", 70, 60),
    ],
)
def test_table_1_limits(zone: str, day: int, night: int) -> None:
    assert zone_limits(zone) == ZoneLimits(day, night)


def test_table_1_has_exactly_the_six_classes() -> None:
    assert [z.value for z in ZONE_LIMITS] == ["0", "1", "2", "3", "4a", "4b"]


@pytest.mark.parametrize(
    ("given", "zone"), [(0, Zone.QUIET), (3, Zone.INDUSTRIAL), ("4A", Zone.TRAFFIC_ARTERY)]
)
def test_zone_names(given: str | int, zone: Zone) -> None:
    assert parse_zone(given) is zone


@pytest.mark.parametrize("bad", ["4", 4, "5", True, "4c"])
def test_unknown_zone_lists_valid_names(bad: str | int) -> None:
    with pytest.raises(UnknownNameError, match="valid: 0, 1, 2, 3, 4a, 4b"):
        zone_limits(bad)


def test_zone_labels_are_chinese() -> None:
    assert Zone.RAILWAY_TRUNK.label == "铁路干线两侧区域"


def test_railway_regimes_of_4b() -> None:
    # §5.2: new lines (EIA from 2011-01-01) → Table 1 70/60; §5.3: existing lines →
    # background without trains 70/55
    assert zone_limits("4b", railway="new") == ZoneLimits(70, 60)
    assert zone_limits("4b", railway=Railway.EXISTING_LINE) == ZoneLimits(70, 55)


def test_railway_regime_from_the_eia_date() -> None:
    assert railway_regime(dt.date(2010, 12, 31)) is Railway.EXISTING_LINE
    assert railway_regime(dt.date(2011, 1, 1)) is Railway.NEW_LINE


def test_railway_regime_outside_4b_is_refused() -> None:
    with pytest.raises(ValidationError, match="zone 4b only"):
        zone_limits("4a", railway="existing")


def test_unknown_railway_regime_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="new, existing"):
        zone_limits("4b", railway="planned")


def test_indoor_windows_open_lowers_limits_by_ten() -> None:
    # Annex C [unconfirmed, N-Q4]: class 1 indoors 55 − 10 = 45, 45 − 10 = 35
    assert zone_limits("1", indoor=True) == ZoneLimits(45, 35)
    verdict = zone_compliance("1", ld=46.0, ln=35.0, indoor=True)
    assert verdict.day.verdict is Verdict.EXCEEDS
    assert verdict.day.excess_db == 1.0
    assert verdict.night.verdict is Verdict.COMPLIANT
    assert verdict.indoor is True


@pytest.mark.parametrize(("lmax", "verdict"), [(50.0, Verdict.COMPLIANT), (50.1, Verdict.EXCEEDS)])
def test_indoor_lmax_allowance_follows_the_indoor_limit(lmax: float, verdict: Verdict) -> None:
    # class 1 indoors: night 35; 50.0 − 35 = 15 complies, 50.1 − 35 = 15.1 exceeds
    result = zone_compliance("1", lmax_night=lmax, indoor=True).lmax
    assert result is not None
    assert result.verdict is verdict


def test_existing_railway_site_judged_against_70_55() -> None:
    verdict = zone_compliance("4b", ld=69.0, ln=56.0, railway="existing")
    assert verdict.railway is Railway.EXISTING_LINE
    # 56.0 − 55 = 1.0 exceeds; on a new line (60) the same Ln complies
    assert verdict.night.excess_db == 1.0
    assert zone_compliance("4b", ln=56.0, railway="new").night.verdict is Verdict.COMPLIANT


@pytest.mark.parametrize(
    ("ld", "verdict"),
    [
        (55.04, Verdict.COMPLIANT),  # reported 55.0 = limit
        (55.05, Verdict.COMPLIANT),  # half to even: 55.0
        (55.06, Verdict.EXCEEDS),  # 55.1
        (55.15, Verdict.EXCEEDS),  # half to even: 55.2
    ],
)
def test_limits_compared_on_the_reported_value(ld: float, verdict: Verdict) -> None:
    # N-Q2: 0.1 dB, round half to even, then compare with class 1 day limit 55
    assert zone_compliance("1", ld=ld).day.verdict is verdict


def test_reporting_switch_compares_the_raw_value() -> None:
    # decimals=None: 55.04 > 55 exceeds by 0.04
    day = zone_compliance("1", ld=55.04, decimals=None).day
    assert day.verdict is Verdict.EXCEEDS
    assert day.excess_db == pytest.approx(0.04, abs=1e-12)


def test_missing_levels_are_never_compliant() -> None:
    verdict = zone_compliance("2", ld=None, ln=float("nan"))
    assert verdict.day.verdict is Verdict.MISSING
    assert verdict.night.verdict is Verdict.MISSING
    assert verdict.day.level_db is None
    assert verdict.lmax is None


def test_hourly_profile_below_coverage_is_insufficient() -> None:
    # 5 of 16 day hours missing → 11 < 12: not judged, level still reported (60.0)
    profile = np.full(24, 60.0)
    profile[8:13] = np.nan
    verdict = zone_compliance("1", hourly_leq=profile)
    assert verdict.day.verdict is Verdict.INSUFFICIENT
    assert verdict.day.level_db == 60.0
    assert verdict.day.hours_valid == 11
    assert verdict.day.excess_db is None
    assert verdict.night.verdict is Verdict.EXCEEDS  # 60 > 45 with all 8 night hours


def test_hourly_profile_with_no_night_hours_is_missing() -> None:
    profile = np.full(24, 40.0)
    profile[[22, 23, 0, 1, 2, 3, 4, 5]] = np.nan
    verdict = zone_compliance("1", hourly_leq=profile)
    assert verdict.night.verdict is Verdict.MISSING
    assert verdict.night.hours_valid == 0
    assert verdict.day.verdict is Verdict.COMPLIANT


def test_hourly_profile_uses_the_rule_given() -> None:
    profile = np.full(24, 40.0)
    profile[10] = np.nan
    strict = ValidityRule(min_day_coverage=1.0)
    assert zone_compliance("1", hourly_leq=profile, rule=strict).day.verdict is Verdict.INSUFFICIENT


def test_hourly_profile_and_levels_together_are_refused() -> None:
    with pytest.raises(ValidationError, match="either hourly_leq or ld / ln"):
        zone_compliance("1", ld=50.0, hourly_leq=np.full(24, 50.0))


def test_hourly_profile_needs_24_values() -> None:
    with pytest.raises(ValidationError, match="24 values"):
        zone_compliance("1", hourly_leq=np.full(23, 50.0))


def test_hourly_profile_of_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="numbers in dB"):
        zone_compliance("1", hourly_leq=["quiet"] * 24)


def test_level_out_of_range_is_named() -> None:
    with pytest.raises(ValidationError, match=r"Ld -3\.0 dB"):
        zone_compliance("1", ld=-3.0)


def test_night_lmax_per_hour() -> None:
    # class 2, night limit 50: hours with Lmax 64.9, 65.0, 65.1, missing, 70.0;
    # 65.1 − 50 = 15.1 and 70 − 50 = 20 exceed the 15 dB allowance (§5.4)
    lmax = zone_compliance("2", lmax_night=[64.9, 65.0, 65.1, np.nan, 70.0]).lmax
    assert lmax is not None
    assert lmax.verdict is Verdict.EXCEEDS
    assert (lmax.hours, lmax.hours_exceeding) == (4, 2)
    assert lmax.lmax_db == 70.0
    assert lmax.excess_over_limit_db == 20.0
    assert lmax.allowance_db == 15


def test_night_lmax_all_missing() -> None:
    lmax = zone_compliance("2", lmax_night=[np.nan, np.nan]).lmax
    assert lmax is not None
    assert lmax.verdict is Verdict.MISSING
    assert lmax.lmax_db is None


def test_lmax_is_separate_from_ln() -> None:
    # N-Q3: an Lmax exceedance does not change the Ln verdict
    verdict = zone_compliance("1", ln=44.0, lmax_night=70.0)
    assert verdict.night.verdict is Verdict.COMPLIANT
    assert verdict.lmax is not None
    assert verdict.lmax.verdict is Verdict.EXCEEDS


def test_verdict_labels() -> None:
    assert Verdict.EXCEEDS.label == "超标"
    assert Verdict.INSUFFICIENT.label == "数据不足"
