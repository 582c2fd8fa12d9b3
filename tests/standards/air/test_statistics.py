"""HJ 663 statistics: percentile, rates, indices, changes, period statistics and attainment."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import StandardNotFound, UnknownNameError, ValidationError
from ecowarden.standards.air.limits import AirPollutant
from ecowarden.standards.air.statistics import (
    PERCENTILE_OF,
    RANK2018_UNWEIGHTED,
    attainment,
    calendar_periods,
    comprehensive_index,
    evaluate,
    exceedance_multiple,
    good_day_rate,
    percentile,
    period_attainment,
    period_statistics,
    report,
    reporting_decimals,
    round_half_even_ratio,
    year_on_year,
)
from ecowarden.standards.air.validity import ValidatedValues, daily_means
from ecowarden.standards.rounding import round_half_even

# --- percentile, HJ 663-2013 Appendix A ------------------------------------------------------


def test_percentile_worked_case() -> None:
    # sorted 2, 3, 4, 4, 5, 8; k = 1 + 5·0.9 = 5.5; X(5) = 5, X(6) = 8 → 5 + 0.5·3 = 6.5
    result = percentile([3, 4, 8, 2, 5, 4], 90, decimals=1)
    assert (result.n, result.k, result.s) == (6, Fraction(11, 2), 5)
    assert result.exact == Fraction(13, 2)
    assert result.reported == Decimal("6.5")


def test_percentile_at_integer_rank_is_that_value() -> None:
    # n = 11, P90: k = 1 + 10·0.9 = 10 → X(10) = 100
    assert percentile([*range(10, 101, 10), 200], 90).exact == 100


def test_percentile_skips_missing_values() -> None:
    # valid 1, 2, 3: P50 k = 1 + 2·0.5 = 2 → 2
    assert percentile([None, 3, float("nan"), 1, 2], 50).exact == 2


def test_percentile_without_values_is_none() -> None:
    result = percentile([None, float("nan")], 95)
    assert (result.n, result.exact, result.reported) == (0, None, None)


def test_percentile_rounds_once_half_to_even() -> None:
    # {22, 23}, P50: k = 1.5 → 22.5 exactly → 22 (GB/T 8170, even); {23, 24} → 23.5 → 24
    assert percentile([22, 23], 50).reported == Decimal("22")
    assert percentile([23, 24], 50).reported == Decimal("24")


def test_percentile_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="0…100"):
        percentile([1, 2], 101)
    with pytest.raises(ValidationError, match=r"value -1 at index 1 is negative"):
        percentile([1, -1], 50)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 100_000).map(lambda v: v / 100), min_size=1, max_size=40),
    st.integers(0, 100),
)
def test_percentile_equals_numpy_linear(values: list[float], p: int) -> None:
    # HJ 663 Appendix A is the linear / inclusive definition of numpy.percentile
    exact = percentile(values, p).exact
    assert exact is not None
    assert float(exact) == pytest.approx(np.percentile(values, p, method="linear"), abs=1e-9)


# --- good-day rate (OQ-5) --------------------------------------------------------------------


def test_good_day_rate_naiman_q1() -> None:
    # 86 / 91 × 100 = 94.505… → 94.5
    result = good_day_rate([100] * 86 + [101] * 5)
    assert (result.good_days, result.valid_days, result.na_days) == (86, 91, 0)
    assert result.rate == Decimal("94.5")


def test_na_days_leave_numerator_and_denominator() -> None:
    # 2 good of 3 valid; 2 NA days excluded: 2/3 × 100 = 66.666… → 66.7 (not 2/5 = 40.0)
    result = good_day_rate([50, None, 150, float("nan"), 100])
    assert (result.good_days, result.valid_days, result.na_days) == (2, 3, 2)
    assert result.rate == Decimal("66.7")


def test_masked_days_are_na() -> None:
    aqi = np.ma.MaskedArray([40, 300, 60], mask=[False, False, True])
    # 1 good of 2 valid → 50.0
    assert good_day_rate(aqi).rate == Decimal("50.0")


def test_good_day_rate_without_valid_days_is_none_not_zero() -> None:
    result = good_day_rate([None, None])
    assert (result.rate, result.valid_days, result.na_days) == (None, 0, 2)


def test_negative_aqi_is_refused() -> None:
    with pytest.raises(ValidationError, match="daily AQI -1 at index 0"):
        good_day_rate([-1])


# --- exceedance multiple ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (35, "0.20"),  # (42 − 35)/35 = 0.2            GB 3095-2012
        (30, "0.40"),  # (42 − 30)/30 = 0.4            2026 transitional
        (25, "0.68"),  # (42 − 25)/25 = 0.68           2026 final
    ],
)
def test_exceedance_multiple_pm25_42(limit: int, expected: str) -> None:
    assert exceedance_multiple(42, limit) == Decimal(expected)


def test_no_multiple_when_not_exceeding() -> None:
    assert exceedance_multiple(35, 35) is None
    assert exceedance_multiple(35, 35, not_exceeding_as_zero=True) == Decimal("0.00")
    assert exceedance_multiple(None, 35) is None


def test_exceedance_multiple_rounds_half_to_even() -> None:
    # (C − S)/S = 0.125 → 0.12 (kept 2 even); 0.135 → 0.14
    assert exceedance_multiple(Decimal("45"), 40) == Decimal("0.12")
    assert exceedance_multiple(Decimal("227"), 200) == Decimal("0.14")


def test_exceedance_multiple_refuses_a_zero_limit() -> None:
    with pytest.raises(ValidationError, match="S > 0"):
        exceedance_multiple(1, 0)


# --- comprehensive index (OQ-18) -------------------------------------------------------------

STATS = {"PM2.5": 21, "PM10": 39, "SO2": 9, "NO2": 15, "O3": 192, "CO": 0.7}


def test_comprehensive_index_unweighted_2012_limits() -> None:
    # 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.0571 → 3.06
    result = comprehensive_index(STATS)
    assert result.index == Decimal("3.06")
    assert result.exact == Fraction(107, 35)
    assert result.single_indices[AirPollutant.PM25] == Fraction(21, 35)
    assert result.method is not None
    assert "GB 3095-2012 class 2" in result.method.description


def test_comprehensive_index_from_rounded_statistics() -> None:
    # 21.4 → 21 and 0.74 → 0.7 before the index: still 3.06 (unrounded would give 3.08)
    result = comprehensive_index({**STATS, "PM2.5": 21.4, "CO": 0.74})
    assert result.statistics[AirPollutant.PM25] == Decimal("21")
    assert result.index == Decimal("3.06")


def test_comprehensive_index_with_2026_transitional_denominators() -> None:
    # 21/30 + 39/60 + 9/60 + 15/40 + 192/160 + 0.7/4 = 0.7 + 0.65 + 0.15 + 0.375 + 1.2 + 0.175
    # = 3.25
    result = comprehensive_index(STATS, standard="GB 3095-2026 transitional")
    assert result.index == Decimal("3.25")


def test_comprehensive_index_weighted_variant() -> None:
    # PM2.5 ×3, NO2 ×2, O3 ×2: 3·0.6 + 0.5571 + 0.15 + 2·0.375 + 2·1.2 + 0.175 = 5.8321 → 5.83
    result = comprehensive_index(STATS, weights={"PM2.5": 3, "NO2": 2, "O3": 2})
    assert result.index == Decimal("5.83")
    assert "PM2.5×3" in result.method.description


def test_comprehensive_index_with_a_missing_statistic_is_none() -> None:
    result = comprehensive_index({**STATS, "O3": None})
    assert result.index is None
    assert result.missing == (AirPollutant.O3,)


def test_comprehensive_index_refuses_unknown_names() -> None:
    with pytest.raises(UnknownNameError, match="index pollutant 'TSP'"):
        comprehensive_index({**STATS, "TSP": 100})
    with pytest.raises(StandardNotFound):
        comprehensive_index(STATS, standard="GB 3095-1996")


def test_default_method_is_unweighted_2012() -> None:
    assert set(RANK2018_UNWEIGHTED.weights.values()) == {1}
    assert RANK2018_UNWEIGHTED.limit_set == "GB 3095-2012"


# --- year on year (OQ-23) --------------------------------------------------------------------


def test_concentration_change_pm25() -> None:
    # (21.5 − 22.2)/22.2 × 100 = −3.153… → −3.2
    result = year_on_year(21.5, 22.2)
    assert result.change == Decimal("-3.2")
    assert result.wording == "下降3.2%"


def test_rate_change_in_percentage_points() -> None:
    # 88.6 − 88.1 = 0.5 percentage points
    result = year_on_year(88.6, 88.1, kind="rate")
    assert result.change == Decimal("0.5")
    assert result.wording == "上升0.5个百分点"


def test_zero_change_is_level() -> None:
    assert year_on_year(30, 30).wording == "持平"
    # (1000.4 − 1000)/1000 × 100 = 0.04 → 0.0: reported as 持平
    assert year_on_year(Decimal("1000.4"), 1000).wording == "持平"


def test_rise_keeps_one_decimal() -> None:
    # (33 − 30)/30 × 100 = 10 → "上升10.0%"
    assert year_on_year(33, 30).wording == "上升10.0%"


def test_change_undefined_without_values() -> None:
    assert year_on_year(None, 30).change is None
    assert year_on_year(30, 0).wording is None
    with pytest.raises(UnknownNameError, match="change kind"):
        year_on_year(1, 2, kind="index")


# --- precision table (OQ-3, OQ-4) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "decimals"),
    [
        ("PM2.5", 0),
        ("SO2", 0),
        ("O3", 0),
        ("CO", 1),
        ("Pb", 2),
        ("BaP", 4),
        ("good_day_rate", 1),
        ("comprehensive_index", 2),
        ("exceedance_multiple", 2),
        ("change_percent", 1),
        ("change_points", 1),
    ],
)
def test_reporting_precision(quantity: str, decimals: int) -> None:
    for edition in ("HJ 663-2013", "HJ 663-2026"):
        assert reporting_decimals(quantity, evaluation=edition) == decimals


def test_report_rounds_once() -> None:
    assert report(Fraction(461, 200), "CO") == Decimal("2.3")  # 2.305 → 2.3
    assert report(35.46, "PM2.5") == Decimal("35")  # not 35.46 → 35.5 → 36
    with pytest.raises(UnknownNameError, match="reported quantity"):
        report(1, "AQI")
    with pytest.raises(StandardNotFound):
        report(1, "CO", evaluation="HJ 663-2099")


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**12), 10**12), st.integers(1, 10**9), st.integers(0, 4))
def test_round_half_even_ratio_equals_round_half_even(num: int, den: int, decimals: int) -> None:
    got = round_half_even_ratio(np.array([num]), np.array([den]), decimals)[0]
    assert Decimal(int(got)).scaleb(-decimals) == round_half_even(Fraction(num, den), decimals)


# --- calendar periods --------------------------------------------------------------------------


def test_calendar_periods_of_a_series_starting_mid_year() -> None:
    years = calendar_periods(dt.date(2025, 3, 1), 400, "year")
    assert [y.start for y in years] == [dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
    # January and February 2025 are not covered: zero days
    assert years[0].months[0] == (1, 0, 0)
    assert years[0].months[2] == (3, 0, 31)
    # 2025-03-01 + 400 days: 306 days in 2025, 94 in 2026
    assert (years[0].stop - years[0].first, years[1].stop - years[1].first) == (306, 94)
    quarters = calendar_periods(dt.date(2025, 2, 10), 30, "quarter")
    assert [q.start for q in quarters] == [dt.date(2025, 1, 1)]
    assert [m for m, _, _ in quarters[0].months] == [1, 2, 3]
    with pytest.raises(UnknownNameError, match="period 'week'"):
        calendar_periods(dt.date(2025, 1, 1), 10, "week")


# --- period statistics -------------------------------------------------------------------------


def _hourly_for_days(daily_levels: list[float | None]) -> np.ndarray:
    return np.concatenate([np.full(24, np.nan if v is None else v) for v in daily_levels])


def test_annual_statistics_of_a_full_year() -> None:
    # 365 days of 2025: values 1 … 365; mean (1 + 365)/2 = 183; P95 (PM2.5):
    # k = 1 + 364·0.95 = 346.8 → 346 + 0.8·(347 − 346) = 346.8 → 347
    daily = daily_means(_hourly_for_days(list(range(1, 366))), pollutant="PM2.5")
    stats = period_statistics(daily, pollutant="PM2.5", first_date=dt.date(2025, 1, 1))
    assert stats.valid.tolist() == [True]
    assert stats.valid_days.tolist() == [365]
    assert stats.mean_reported.tolist() == [183.0]
    assert stats.percentile.tolist() == pytest.approx([346.8])
    assert stats.percentile_reported.tolist() == [347.0]
    assert stats.p == 95


def test_annual_statistics_invalid_with_323_days() -> None:
    levels: list[float | None] = [40.0] * 365
    for day in range(0, 42):  # 42 missing days spread from January: January has 31 missing
        levels[day * 8] = None
    daily = daily_means(_hourly_for_days(levels), pollutant="NO2")
    stats = period_statistics(daily, pollutant="NO2", first_date=dt.date(2025, 1, 1))
    assert stats.valid_days.tolist() == [323]
    assert stats.valid.tolist() == [False]
    assert np.isnan(stats.mean[0])
    assert stats.mean_units.tolist() == [0]


def test_annual_mean_exact_half_rounds_to_even() -> None:
    # 364 days at 22 and one at 22 + 182.5 = 204.5 → mean 22 + 182.5/365 = 22.5 → 22 (even);
    # float summation of daily means could land on 22.499… or 22.500…1
    levels: list[float | None] = [22.0] * 364 + [204.5]
    daily = daily_means(_hourly_for_days(levels), pollutant="SO2")
    stats = period_statistics(daily, pollutant="SO2", first_date=dt.date(2025, 1, 1))
    assert stats.mean.tolist() == [22.5]
    assert stats.mean_reported.tolist() == [22.0]


def test_monthly_statistics_february_25_days() -> None:
    levels: list[float | None] = [30.0] * 59  # January and February 2025
    for day in range(31, 34):  # three missing February days → 25
        levels[day] = None
    stats = period_statistics(
        daily_means(_hourly_for_days(levels), pollutant="PM10"),
        pollutant="PM10",
        first_date=dt.date(2025, 1, 1),
        period="month",
    )
    assert stats.valid_days.tolist() == [31, 25]
    assert stats.valid.tolist() == [True, True]
    assert stats.months_short.tolist() == [0, 0]


def test_quarter_invalid_when_a_month_is_short() -> None:
    levels: list[float | None] = [30.0] * 90  # Q1 2025
    for day in range(59, 64):  # March loses 5 days → 26
        levels[day] = None
    stats = period_statistics(
        np.array([np.nan if v is None else v for v in levels]),
        pollutant="PM10",
        first_date=dt.date(2025, 1, 1),
        period="quarter",
    )
    assert stats.valid_days.tolist() == [85]
    assert stats.months_short.tolist() == [1]
    assert stats.valid.tolist() == [False]


def test_excluded_days_leave_the_statistics_but_not_the_validity() -> None:
    levels = [10.0] * 365
    excluded = np.zeros(365, dtype=bool)
    excluded[:10] = True
    levels[:10] = [500.0] * 10  # a dust episode, marked as exceptional (OQ-1)
    stats = period_statistics(
        np.array(levels), pollutant="PM10", first_date=dt.date(2025, 1, 1), excluded=excluded
    )
    assert stats.valid_days.tolist() == [365]
    assert stats.used_days.tolist() == [355]
    assert stats.mean_reported.tolist() == [10.0]


def test_plain_float_daily_values_for_co() -> None:
    # CO daily values 0.5 … 2.4 (twenty values) in January; P95 = 2.305 → 2.3 (vector pct-co-95)
    values = [0.5 + 0.1 * i for i in range(20)] + [np.nan] * 11
    stats = period_statistics(
        np.array(values), pollutant="CO", first_date=dt.date(2025, 1, 1), period="month", p=95
    )
    assert stats.valid.tolist() == [False]  # only 20 of the 27 days required
    wider = period_statistics(
        np.array(values[:20] + [1.0] * 11),
        pollutant="CO",
        first_date=dt.date(2025, 1, 1),
        period="month",
    )
    # 31 values: the twenty plus eleven at 1.0; k = 1 + 30·0.95 = 29.5 → 2.2 + 0.5·0.1 = 2.25
    # → 2.2 (exactly half, 2 even)
    assert wider.percentile_reported.tolist() == [2.2]


def _exact_row(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> list[Fraction]:
    return [Fraction(int(a), int(b)) for a, b, v in zip(num, den, ok, strict=True) if v]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 3000)), min_size=28, max_size=31),
    st.lists(st.integers(20, 24), min_size=31, max_size=31),
    st.sampled_from(["SO2", "PM2.5", "O3"]),
)
def test_vectorised_period_statistics_equal_exact_fractions(
    sums: list[int | None], counts: list[int], pollutant: str
) -> None:
    # daily values sum/count with the denominators daily means carry (20…24 hours × 1000)
    n = len(sums)
    num = np.array([0 if s is None else s * 1000 for s in sums], dtype=np.int64)
    den = np.array([c * 1000 for c in counts[:n]], dtype=np.int64)
    ok = np.array([s is not None for s in sums])
    daily = ValidatedValues(num / den, np.zeros(n, np.int64), ok, num, den, 20)
    stats = period_statistics(
        daily, pollutant=pollutant, first_date=dt.date(2025, 3, 1), period="month"
    )
    row = _exact_row(num, den, ok)
    if len(row) < 27:
        assert not stats.valid[0]
        return
    mean = sum(row, Fraction(0)) / len(row)
    pct = percentile(row, PERCENTILE_OF[AirPollutant(pollutant)])
    assert stats.mean_units[0] == int(round_half_even(mean, 0))
    assert stats.percentile_units[0] == int(pct.reported or 0)
    assert stats.mean[0] == float(mean)


def test_fallback_when_denominators_share_no_small_multiple() -> None:
    # Denominators of large distinct primes: no int64 common denominator → exact fractions
    primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039, 1_000_081, 1_000_099]
    den = np.array((primes * 6)[:31], dtype=np.int64)
    num = den * 30 + np.arange(31)
    ok = np.ones(31, dtype=bool)
    daily = ValidatedValues(num / den, np.zeros(31, np.int64), ok, num, den, 20)
    stats = period_statistics(
        daily, pollutant="SO2", first_date=dt.date(2025, 1, 1), period="month"
    )
    row = _exact_row(num, den, ok)
    mean = sum(row, Fraction(0)) / 31
    assert stats.mean[0] == float(mean)
    assert stats.mean_units[0] == int(round_half_even(mean, 0))
    assert stats.percentile_units[0] == int(percentile(row, 98).reported or 0)


def test_no_percentile_without_an_hj663_rank() -> None:
    # HJ 663 names no percentile for NOx: the mean only, unless a rank is asked for
    # NOx 1 … 365: mean 183; P90 k = 1 + 364·0.9 = 328.6 → 328.6 → 329
    values = np.arange(1.0, 366.0)
    plain = period_statistics(values, pollutant="NOx", first_date=dt.date(2025, 1, 1))
    assert plain.p is None
    assert plain.mean_reported.tolist() == [183.0]
    assert np.isnan(plain.percentile[0])
    asked = period_statistics(values, pollutant="NOx", first_date=dt.date(2025, 1, 1), p=90)
    assert asked.percentile_reported.tolist() == [329.0]


def test_stations_axis_is_vectorised() -> None:
    hourly = np.stack([_hourly_for_days([30.0] * 365), _hourly_for_days([None] * 365)])
    stats = period_statistics(
        daily_means(hourly, pollutant="PM2.5"), pollutant="PM2.5", first_date=dt.date(2025, 1, 1)
    )
    assert stats.valid.tolist() == [[True], [False]]
    assert stats.valid_days.tolist() == [[365], [0]]
    assert stats.mean_reported[0, 0] == 30.0
    assert math.isnan(stats.mean_reported[1, 0])


# --- attainment and evaluation (OQ-19) -------------------------------------------------------


def test_attains_only_when_mean_and_percentile_both_do() -> None:
    ok = attainment("PM2.5", mean=35, percentile=75, air_class=2, limit_set="GB 3095-2012")
    assert ok.attains is True
    mean_high = attainment("PM2.5", mean=36, percentile=70, air_class=2, limit_set="GB 3095-2012")
    assert (mean_high.mean_attains, mean_high.percentile_attains, mean_high.attains) == (
        False,
        True,
        False,
    )
    # (36 − 35)/35 = 0.0286 → 0.03
    assert mean_high.mean_exceedance == Decimal("0.03")
    pct_high = attainment("PM2.5", mean=30, percentile=76, air_class=2, limit_set="GB 3095-2012")
    assert pct_high.attains is False


def test_same_figures_fail_the_2026_transitional_limits() -> None:
    # PM2.5 mean 35 > 30 and P95 75 > 60 (2026 transitional class 2)
    result = attainment(
        "PM2.5", mean=35, percentile=75, air_class=2, limit_set="GB 3095-2026 transitional"
    )
    assert result.attains is False
    # (75 − 60)/60 = 0.25
    assert result.percentile_exceedance == Decimal("0.25")


def test_o3_and_co_are_judged_on_the_percentile() -> None:
    o3 = attainment("O3", mean=None, percentile=161, air_class=2, limit_set="GB 3095-2012")
    assert (o3.mean_limit, o3.percentile_limit, o3.attains) == (None, Decimal("160"), False)
    co = attainment("CO", mean=3.0, percentile=4.0, air_class=1, limit_set="GB 3095-2012")
    assert co.attains is True


def test_missing_statistic_is_undetermined() -> None:
    result = attainment("NO2", mean=None, percentile=50, air_class=2, limit_set="GB 3095-2012")
    assert result.attains is None
    failing = attainment("NO2", mean=None, percentile=90, air_class=2, limit_set="GB 3095-2012")
    assert failing.attains is False  # P98 90 > 80 decides without the mean


def test_attainment_refuses_items_without_evaluation() -> None:
    with pytest.raises(UnknownNameError, match="evaluation item 'TSP'"):
        attainment("TSP", mean=1, percentile=1, air_class=2, limit_set="GB 3095-2012")


def test_multi_item_evaluation() -> None:
    means = {"SO2": 9, "NO2": 30, "PM10": 60, "PM2.5": 36}
    percentiles = {"SO2": 20, "NO2": 60, "PM10": 100, "PM2.5": 70, "CO": 1.2, "O3": 150}
    result = evaluate(means, percentiles, air_class=2, limit_set="GB 3095-2012")
    assert result.attains is False
    assert result.exceeding == (AirPollutant.PM25,)
    clean = evaluate({**means, "PM2.5": 30}, percentiles, air_class=2, limit_set="GB 3095-2012")
    assert clean.attains is True
    partial = evaluate(
        {**means, "PM2.5": 30}, {**percentiles, "O3": None}, air_class=2, limit_set="GB 3095-2012"
    )
    assert partial.attains is None
    assert partial.undetermined == (AirPollutant.O3,)


def test_period_attainment_matches_scalar_attainment() -> None:
    levels = [[30.0] * 365, [36.0] * 365, [None] * 365]
    hourly = np.stack([_hourly_for_days(list(v)) for v in levels])
    stats = period_statistics(
        daily_means(hourly, pollutant="PM2.5"), pollutant="PM2.5", first_date=dt.date(2025, 1, 1)
    )
    arrays = period_attainment(stats, air_class=2, limit_sets="GB 3095-2012")
    assert arrays.determined[:, 0].tolist() == [True, True, False]
    assert arrays.attains[:, 0].tolist() == [True, False, False]
    scalar = attainment("PM2.5", mean=36, percentile=36, air_class=2, limit_set="GB 3095-2012")
    assert arrays.mean_exceedance[1, 0] == float(scalar.mean_exceedance or 0)
    assert math.isnan(arrays.percentile_exceedance[1, 0])
    # per-period limit sets: 2026 transitional limit 30 for the mean
    strict = period_attainment(stats, air_class=[2, 2, 2], limit_sets=["GB 3095-2026 final"])
    # final: 25 annual, 50 daily → 30 fails (30 > 25)
    assert strict.attains[:, 0].tolist() == [False, False, False]
    assert strict.mean_limit[0, 0] == 25.0


def test_period_attainment_refuses_mismatched_inputs() -> None:
    stats = period_statistics(np.full(365, 10.0), pollutant="SO2", first_date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="2 limit sets given for 1 periods"):
        period_attainment(stats, air_class=2, limit_sets=["GB 3095-2012", "GB 3095-2012"])
    with pytest.raises(UnknownNameError, match="air class"):
        period_attainment(stats, air_class=3, limit_sets="GB 3095-2012")
