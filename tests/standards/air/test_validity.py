"""GB 3095 Table 4 minimum data, MDA8 validity, vectorised averages (reference §3.6, §3.7)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.air.validity import (
    annual_valid,
    daily_max_1h,
    daily_max_8h,
    daily_mean,
    daily_means,
    limit_sets_by_day,
    mda8,
    mda8_valid,
    month_valid,
    moving_8h_means,
    moving_24h_mean,
    moving_24h_means,
    o3_8h_mean,
    o3_daily_max_1h,
    period_valid,
    quarter_valid,
    requirement,
)

NAN = float("nan")


def _day(valid_hours: int, value: float = 30.0) -> list[float | None]:
    return [value] * valid_hours + [None] * (24 - valid_hours)


# --- daily mean: ≥ 20 hourly values (Table 4) ----------------------------------------------


def test_daily_mean_with_19_hours_is_invalid() -> None:
    assert daily_mean(_day(19), pollutant="PM2.5") is None


def test_daily_mean_with_20_hours_is_the_mean_of_those_hours() -> None:
    hours: list[float | None] = [10.0] * 10 + [20.0] * 10 + [None, NAN, None, NAN]
    # (10·10 + 10·20) / 20 = 15; NaN and None both mark missing hours
    assert daily_mean(hours, pollutant="SO2") == 15.0


def test_daily_mean_is_exact_before_rounding() -> None:
    # 12 × 1.1 + 12 × 1.2 = 27.6 over 24 hours = 1.15 exactly; float summation would give
    # 1.1499999999999997 and break a later GB/T 8170 rounding (1.15 → 1.2, not 1.1).
    hours = [1.1] * 12 + [1.2] * 12
    assert daily_mean(hours, pollutant="CO") == 1.15
    assert daily_means(np.array(hours), pollutant="CO").value[0] == 1.15


def test_manual_items_need_24_hours_of_sampling() -> None:
    assert daily_mean(_day(23, 100.0), pollutant="TSP") is None
    assert daily_mean(_day(24, 100.0), pollutant="TSP") == 100.0


def test_o3_has_no_daily_mean_rule() -> None:
    with pytest.raises(
        UnknownNameError, match="for O3 'daily'; valid: annual, quarterly, monthly, 8h"
    ):
        daily_mean(_day(24), pollutant="O3")


def test_negative_hour_names_the_value() -> None:
    with pytest.raises(ValidationError, match=r"PM10 hourly value -3\.0 at hour 5 is negative"):
        daily_mean([1.0] * 5 + [-3.0] + [1.0] * 18, pollutant="PM10")


def test_wrong_number_of_hours() -> None:
    with pytest.raises(ValidationError, match="expected 24 NO2 hourly values, got 23"):
        daily_mean([1.0] * 23, pollutant="NO2")


def test_numpy_scalars_are_read_as_numbers() -> None:
    assert daily_mean(list(np.full(24, 35.5)), pollutant="PM2.5") == 35.5


# --- O3 8-h mean: ≥ 6 of 8 --------------------------------------------------------------------


def test_o3_8h_mean_5_of_8_is_invalid() -> None:
    assert o3_8h_mean([100, 110, None, 130, None, None, 160, 170]) is None


def test_o3_8h_mean_6_of_8() -> None:
    # (100 + 110 + 130 + 150 + 160 + 170) / 6 = 820 / 6 = 136.67
    assert o3_8h_mean([100, 110, None, 130, None, 150, 160, 170]) == pytest.approx(820 / 6)


# --- MDA8: ≥ 14 of the 17 windows ending 08:00…24:00, or above the limit (OQ-14) ----------


def _o3_day_with_valid_windows(n_windows: int, level: float) -> list[float | None]:
    """A day with exactly ``n_windows`` valid 8-h windows, all averaging ``level``.

    With hours 0 … V−1 valid and the rest missing, the window ending at hour w+8 (hours
    w … w+7) holds min(8, V − w) valid hours, valid when V − w ≥ 6: windows w = 0 … V−6,
    i.e. V − 5 of them. So V = n_windows + 5.
    """
    valid_hours = n_windows + 5
    return [level] * valid_hours + [None] * (24 - valid_hours)


@pytest.mark.parametrize(
    ("windows", "level", "air_class", "valid"),
    [
        (13, 150.0, 2, False),  # 13 windows, max 150 < 160: invalid (vector valid-mda8-13-below)
        (13, 170.0, 2, True),  # 13 windows, max 170 > 160: valid by the exceedance exception
        (13, 160.0, 2, False),  # exactly the limit does not exceed it
        (13, 150.0, 1, True),  # class 1: limit 100, 150 exceeds it
        (14, 50.0, 2, True),  # 14 windows: valid whatever the level
        (0, 0.0, 2, False),  # no valid window at all
    ],
)
def test_mda8_validity_edges(windows: int, level: float, air_class: int, valid: bool) -> None:
    hours = _o3_day_with_valid_windows(windows, level) if windows else [None] * 24
    result = mda8(hours, air_class=air_class, on=dt.date(2025, 7, 1))
    assert result.valid_windows == windows
    assert result.valid is valid
    assert result.value == (level if valid else None)


def test_mda8_valid_function_edges() -> None:
    assert mda8_valid(13, 150, limit=160) is False  # vector valid-mda8-13-below
    assert mda8_valid(13, 161, limit=160) is True
    assert mda8_valid(14, 10, limit=160) is True
    assert mda8_valid(0, None, limit=160) is False
    with pytest.raises(ValidationError, match="0…17"):
        mda8_valid(18, 100, limit=160)


def test_mda8_window_ending_0800_covers_0000_to_0800() -> None:
    # Only hours 00:00–08:00 high: the window ending 08:00 averages exactly those 8 hours.
    hours = [200.0] * 8 + [0.0] * 16
    result = mda8(hours, on=dt.date(2025, 7, 1))
    assert result.max_of_valid == 200.0
    assert result.valid_windows == 17


def test_mda8_ignores_windows_reaching_into_the_next_day() -> None:
    # A peak in the last hour: the window ending 24:00 holds it with 7 zeros → 240/8 = 30.
    hours = [0.0] * 23 + [240.0]
    assert mda8(hours, on=dt.date(2025, 7, 1)).value == 30.0


def test_mda8_limit_is_that_of_the_class() -> None:
    assert mda8(_day(24, 50.0), air_class=1, on=dt.date(2025, 1, 1)).limit == Decimal("100")
    assert mda8(_day(24, 50.0), on=dt.date(2031, 1, 1)).limit == Decimal("160")


# --- O3 daily max 1-h and 24-h moving mean: ≥ 20 hours (OQ-13) ------------------------------


def test_o3_daily_max_1h_edges() -> None:
    assert o3_daily_max_1h(_day(19, 180.0)) is None
    assert o3_daily_max_1h([*_day(19, 180.0)[:19], 190.0, None, None, None, None]) == 190.0


def test_moving_24h_mean_edges() -> None:
    assert moving_24h_mean(_day(19, 80.0), pollutant="PM2.5") is None
    assert moving_24h_mean(_day(20, 80.0), pollutant="PM2.5") == 80.0


# --- period validity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "month", "valid"),
    [(24, 2, False), (25, 2, True), (26, 3, False), (27, 3, True), (26, 4, False)],
)
def test_month_validity_edges(days: int, month: int, valid: bool) -> None:
    # ≥ 27 daily values, February ≥ 25 (OQ-13; vector valid-month-feb-25)
    assert month_valid(days, month=month, pollutant="PM10") is valid


def test_month_validity_of_manual_items() -> None:
    assert month_valid(4, month=5, pollutant="Pb") is False
    assert month_valid(5, month=5, pollutant="Pb") is True


def test_quarter_is_valid_when_each_month_is() -> None:
    assert quarter_valid([27, 25, 27], quarter=1, pollutant="SO2") is True
    assert quarter_valid([27, 24, 31], quarter=1, pollutant="SO2") is False  # February short
    assert quarter_valid([31, 31, 25], quarter=3, pollutant="SO2") is False  # September short
    with pytest.raises(ValidationError, match="quarter"):
        quarter_valid([27, 27, 27], quarter=5, pollutant="SO2")


def test_lead_quarterly_needs_15_and_5_per_month() -> None:
    # Table 4: Pb quarterly ≥ 15 daily values per quarter and ≥ 5 per month
    assert quarter_valid([5, 5, 5], quarter=2, pollutant="Pb") is True
    assert quarter_valid([5, 5, 4], quarter=2, pollutant="Pb") is False
    assert quarter_valid([10, 4, 10], quarter=2, pollutant="Pb") is False


def _year(total: int) -> list[int]:
    # February 26 (≥ 25), other months share the rest with each ≥ 27
    rest = total - 26
    months = [rest // 11] * 11
    for i in range(rest - sum(months)):
        months[i] += 1
    return [months[0], 26, *months[1:]]


def test_year_with_323_days_is_invalid() -> None:
    assert sum(_year(323)) == 323
    assert annual_valid(_year(323), pollutant="PM2.5") is False


def test_year_with_324_days_is_valid() -> None:
    assert annual_valid(_year(324), pollutant="PM2.5") is True


def test_year_with_a_short_month_fails_the_monthly_clause() -> None:
    # 350 days, but April has 26: the annual row's monthly clause fails; without it, valid.
    months = [31, 28, 31, 26, 31, 30, 31, 31, 30, 31, 30, 0]
    months[11] = 350 - sum(months)
    assert annual_valid(months, pollutant="NO2") is False
    assert annual_valid(months, pollutant="NO2", monthly_clause=False) is True


def test_manual_items_annual_rule() -> None:
    assert annual_valid([5] * 12, pollutant="BaP") is True  # 60 per year, 5 per month
    assert annual_valid([5] * 11 + [4], pollutant="BaP") is False


def test_period_valid_refuses_bad_counts() -> None:
    with pytest.raises(ValidationError, match="negative"):
        period_valid([-1], [3], pollutant="SO2", statistic="monthly")
    with pytest.raises(ValidationError, match="1…12"):
        period_valid([30], [13], pollutant="SO2", statistic="monthly")
    with pytest.raises(ValidationError, match="one entry per month"):
        period_valid([30, 30], [3], pollutant="SO2", statistic="monthly")


def test_requirement_lists_valid_statistics() -> None:
    assert requirement("PM2.5", "annual").minimum == 324
    with pytest.raises(UnknownNameError, match="unknown statistic 'weekly'"):
        requirement("PM2.5", "weekly")
    with pytest.raises(UnknownNameError, match="for Pb"):
        requirement("Pb", "mda8")


# --- vectorised ------------------------------------------------------------------------------


def test_daily_means_carry_counts_and_validity() -> None:
    hourly = np.full((2, 48), 40.0)
    hourly[0, :5] = np.nan  # day 1 of station 0: 19 hours
    hourly[1, 24:28] = np.nan  # day 2 of station 1: 20 hours
    result = daily_means(hourly, pollutant="PM2.5")
    assert result.count.tolist() == [[19, 24], [24, 20]]
    assert result.valid.tolist() == [[False, True], [True, True]]
    assert np.isnan(result.value[0, 0])
    assert result.value[1, 1] == 40.0
    # exact: 20 hours × 40 = 800 at the 0.001 grid over 20 × 1000
    assert (result.numerator[1, 1], result.denominator[1, 1]) == (800_000, 20_000)


def test_daily_means_refuse_partial_days_and_negative_values() -> None:
    with pytest.raises(ValidationError, match="multiple of 24"):
        daily_means(np.zeros(25), pollutant="SO2")
    bad = np.zeros((2, 24))
    bad[1, 3] = -1.0
    with pytest.raises(ValidationError, match=r"-1\.0 at index \(1, 3\) is negative"):
        daily_means(bad, pollutant="SO2")
    with pytest.raises(ValidationError, match="inf"):
        daily_means(np.full(24, np.inf), pollutant="SO2")


def test_all_missing_day_gives_nan_not_zero() -> None:
    result = daily_means(np.full(24, np.nan), pollutant="NO2")
    assert result.count[0] == 0
    assert not result.valid[0]
    assert np.isnan(result.value[0])


hour_value = st.one_of(st.none(), st.integers(0, 5000).map(lambda v: v / 10))
# Days near the 20-hour edge: 24 values on the 0.1 grid with up to 8 hours missing.
day_of_hours = st.tuples(
    st.lists(st.integers(0, 5000).map(lambda v: v / 10), min_size=24, max_size=24),
    st.sets(st.integers(0, 23), max_size=8),
).map(lambda vm: [None if h in vm[1] else v for h, v in enumerate(vm[0])])
# Days around the MDA8 edge (13/14 valid windows) need more missing hours.
sparse_day = st.tuples(
    st.lists(st.integers(0, 3000).map(lambda v: v / 10), min_size=24, max_size=24),
    st.sets(st.integers(0, 23), max_size=16),
).map(lambda vm: [None if h in vm[1] else v for h, v in enumerate(vm[0])])


def _as_array(days: list[list[float | None]]) -> np.ndarray:
    return np.array([[NAN if v is None else v for v in day] for day in days]).reshape(-1)


@settings(max_examples=60, deadline=None)
@given(st.lists(day_of_hours, min_size=1, max_size=4))
def test_vectorised_daily_means_equal_scalar_daily_mean(days: list[list[float | None]]) -> None:
    result = daily_means(_as_array(days), pollutant="PM10")
    for d, day in enumerate(days):
        expected = daily_mean(day, pollutant="PM10")
        if expected is None:
            assert not result.valid[d]
            assert math.isnan(result.value[d])
        else:
            assert result.valid[d]
            assert result.value[d] == expected
        assert result.count[d] == sum(v is not None for v in day)


@settings(max_examples=40, deadline=None)
@given(st.lists(sparse_day, min_size=1, max_size=3), st.sampled_from([1, 2]))
def test_vectorised_mda8_equals_scalar_mda8(days: list[list[float | None]], air_class: int) -> None:
    first = dt.date(2026, 2, 27)
    result = daily_max_8h(_as_array(days), first_date=first, air_class=air_class)
    for d, day in enumerate(days):
        expected = mda8(day, air_class=air_class, on=first + dt.timedelta(days=d))
        assert result.count[d] == expected.valid_windows
        assert bool(result.valid[d]) is expected.valid
        if expected.value is None:
            assert math.isnan(result.value[d])
        else:
            assert result.value[d] == expected.value
        assert result.limit[d] == float(expected.limit)


@settings(max_examples=40, deadline=None)
@given(st.lists(hour_value, min_size=1, max_size=60))
def test_vectorised_moving_means_equal_scalar_windows(hours: list[float | None]) -> None:
    series = np.array([NAN if v is None else v for v in hours])
    eight = moving_8h_means(series)
    day = moving_24h_means(series, pollutant="PM2.5")
    for i in range(len(hours)):
        # hours before the series count as missing
        window8 = [None] * max(0, 7 - i) + hours[max(0, i - 7) : i + 1]
        window24 = [None] * max(0, 23 - i) + hours[max(0, i - 23) : i + 1]
        for got, expected in (
            (eight.value[i], o3_8h_mean(window8)),
            (day.value[i], moving_24h_mean(window24, pollutant="PM2.5")),
        ):
            assert (math.isnan(got) and expected is None) or got == expected


def test_daily_max_1h_edges() -> None:
    hourly = np.full((2, 24), 100.0)
    hourly[0, :5] = np.nan  # 19 hours
    hourly[1, :4] = np.nan  # 20 hours
    hourly[1, 10] = 210.0
    result = daily_max_1h(hourly)
    assert result.count[:, 0].tolist() == [19, 20]
    assert np.isnan(result.value[0, 0])
    assert result.value[1, 0] == 210.0


def test_mda8_limit_follows_the_day_and_the_class() -> None:
    hourly = np.full((2, 48), 50.0)
    result = daily_max_8h(hourly, first_date=dt.date(2026, 2, 28), air_class=[1, 2])
    assert result.limit.tolist() == [[100.0, 100.0], [160.0, 160.0]]
    assert result.count.tolist() == [[17, 17], [17, 17]]


def test_mda8_vectorised_exceedance_exception() -> None:
    # 13 valid windows: at 170 > 160 valid; at 150 invalid (vector valid-mda8-13-below); 14: valid
    days = [
        _o3_day_with_valid_windows(13, 170.0),
        _o3_day_with_valid_windows(13, 150.0),
        _o3_day_with_valid_windows(14, 150.0),
    ]
    result = daily_max_8h(_as_array(days), first_date=dt.date(2025, 7, 1))
    assert result.count.tolist() == [13, 13, 14]
    assert result.valid.tolist() == [True, False, True]
    assert result.max_of_valid.tolist() == [170.0, 150.0, 150.0]
    assert np.isnan(result.value[1])
    assert result.value[2] == 150.0


def test_unknown_air_class_in_arrays() -> None:
    with pytest.raises(UnknownNameError, match="air class 3"):
        daily_max_8h(np.zeros((2, 24)), first_date=dt.date(2025, 1, 1), air_class=[1, 3])


def test_limit_sets_by_day_cross_the_switch() -> None:
    sets = limit_sets_by_day(dt.date(2026, 2, 27), 3)
    assert [s.value for s in sets] == ["GB 3095-2012", "GB 3095-2012", "GB 3095-2026 transitional"]
