"""Compliance rates by point-times, per class and pooled (reference §3.3; N19 in the vectors)."""

from __future__ import annotations

from fractions import Fraction

from ecowarden.standards.noise import Zone, compliance_rates, zone_compliance


def test_overall_rate_pools_counts_not_class_rates() -> None:
    # class 1: 1 of 1 compliant by day; class 2: 1 of 3.
    # Pooled: 2/4 = 50.0 %; the mean of class rates would be (100 + 33.3)/2 = 66.7 %.
    point_times = [
        zone_compliance("1", ld=50.0, ln=40.0),
        zone_compliance("2", ld=59.0, ln=45.0),
        zone_compliance("2", ld=61.0, ln=45.0),
        zone_compliance("2", ld=62.0, ln=45.0),
    ]
    rates = compliance_rates(point_times)
    assert rates.overall.day.rate_pct == 50.0
    assert rates.by_zone[Zone.MIXED].day.rate == Fraction(1, 3)
    assert rates.by_zone[Zone.MIXED].day.rate_pct == 33.3
    assert rates.overall.night.rate_pct == 100.0


def test_missing_and_insufficient_are_excluded_and_reported() -> None:
    # Day: 1 compliant, 1 missing → 1/1 = 100 %, 1 excluded.
    rates = compliance_rates([zone_compliance("1", ld=55.0), zone_compliance("1", ld=None)])
    day = rates.overall.day
    assert (day.compliant, day.monitored, day.excluded) == (1, 1, 1)
    assert day.rate_pct == 100.0


def test_insufficient_coverage_is_excluded() -> None:
    # Night: 46 > 45 exceeds; a profile with 5 of 8 night hours is insufficient → 0/1,
    # 1 excluded (not counted as compliant, not counted as exceeding)
    short_night = [45.0] * 24
    for hour in (22, 23, 0):
        short_night[hour] = float("nan")
    insufficient = zone_compliance("1", hourly_leq=short_night)
    rates = compliance_rates([zone_compliance("1", ln=46.0), insufficient])
    night = rates.overall.night
    assert (night.compliant, night.monitored, night.excluded) == (0, 1, 1)
    assert night.rate_pct == 0.0


def test_nothing_monitored_has_no_rate() -> None:
    rates = compliance_rates([zone_compliance("3")])
    assert rates.overall.day.rate is None
    assert rates.overall.day.rate_pct is None
    assert rates.overall.day.excluded == 1


def test_empty_input() -> None:
    rates = compliance_rates([])
    assert rates.overall.day.monitored == 0
    assert dict(rates.by_zone) == {}


def test_classes_listed_in_gb3096_order() -> None:
    point_times = [zone_compliance(z, ld=50.0, ln=40.0) for z in ("4a", "0", "2")]
    assert list(compliance_rates(point_times).by_zone) == [
        Zone.QUIET,
        Zone.MIXED,
        Zone.TRAFFIC_ARTERY,
    ]


def test_rate_rounds_half_to_even_from_the_exact_ratio() -> None:
    # 1/16 = 6.25 % exactly → 6.2 (half to even), not 6.3
    point_times = [zone_compliance("1", ld=50.0)] + [zone_compliance("1", ld=60.0)] * 15
    assert compliance_rates(point_times).overall.day.rate_pct == 6.2
