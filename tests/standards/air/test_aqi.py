"""AQI of a report: compositions, primary and exceeding pollutants, publication, categories.

HJ 633-2012 §3.3, §3.4, §4.4, §5.1; HJ 633-2026 §4.2–§4.3, §5.3, Table 1 (reference §2.8–§2.11).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import StandardNotFound, UnknownNameError, ValidationError
from ecowarden.standards.air.aqi import (
    AQIArrayResult,
    AQIResult,
    aqi,
    category,
    items_in,
    pollutants_in,
)
from ecowarden.standards.air.breakpoints import (
    AQI_BANDS,
    REPORT_COMPOSITIONS,
    AqiLevel,
    Item,
    Pollutant,
    Profile,
    Report,
)
from ecowarden.standards.air.editions import AqiStandard
from ecowarden.standards.air.iaqi import (
    BeyondTable,
    IndexPolicy,
    MissingRule2012,
    So2Over800Rule2012,
    TieRule,
    ZeroAqi2026,
)

Y2012 = "HJ 633-2012"
Y2026 = "HJ 633-2026"
# A clean 2026 day: IAQIs SO2 10, NO2 38, CO 20, O3 92, PM10 65 (50 + 50·20/70 = 64.3 → 65)
CLEAN_2026 = {
    "SO2_24H": 10,
    "NO2_24H": 30,
    "CO_24H": 0.8,
    "O3_8H": 150,
    "PM10_24H": 70,
}


def _as_arrays(concentrations: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: np.array([np.nan if v is None else float(v)]) for k, v in concentrations.items()}


def _row(result: AQIArrayResult, i: int = 0) -> dict[str, Any]:
    def value(column: np.ma.MaskedArray) -> int | None:
        element = column[i]
        return None if element is np.ma.masked else int(element)

    exceeding = result.exceeding_pollutants
    return {
        "aqi": value(result.aqi),
        "aqi_from_available": value(result.aqi_from_available),
        "iaqi": {item: value(column) for item, column in result.iaqi.items()},
        "primary_pollutants": pollutants_in(result.primary_pollutants[i]),
        "exceeding_pollutants": None if exceeding is None else pollutants_in(exceeding[i]),
        "category": int(result.category[i]),
        "publishable": bool(result.publishable[i]),
        "incomplete": bool(result.incomplete[i]),
        "zero_aqi": bool(result.zero_aqi[i]),
        "missing": set(items_in(result.missing[i])),
        "beyond_table": set(items_in(result.beyond_table[i])),
        "special_rule_800": set(items_in(result.special_rule_800[i])),
        "not_monitored": result.not_monitored,
    }


def _scalar_row(result: AQIResult) -> dict[str, Any]:
    code = 0 if result.level is None else next(b.code for b in AQI_BANDS if b.level == result.level)
    return {
        "aqi": result.aqi,
        "aqi_from_available": result.aqi_from_available,
        "iaqi": {item: None if v is None else int(v) for item, v in result.iaqi.items()},
        "primary_pollutants": result.primary_pollutants,
        "exceeding_pollutants": result.exceeding_pollutants,
        "category": code,
        "publishable": result.publishable,
        "incomplete": result.incomplete,
        "zero_aqi": result.zero_aqi,
        "missing": set(result.missing),
        "beyond_table": set(result.beyond_table),
        "special_rule_800": set(result.special_rule_800),
        "not_monitored": result.not_monitored,
    }


def _both(concentrations: dict[str, Any], **options: Any) -> AQIResult:
    """The scalar result, after checking that the array path gives the same row."""
    scalar: AQIResult = aqi(concentrations, **options)
    array = aqi(_as_arrays(concentrations), **options)
    assert _row(array) == _scalar_row(scalar)
    return scalar


# --- category --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level", "name", "rgb", "colour"),
    [
        (0, "一级", "优", (0, 228, 0), "绿色"),
        (1, "一级", "优", (0, 228, 0), "绿色"),
        (50, "一级", "优", (0, 228, 0), "绿色"),
        (51, "二级", "良", (255, 255, 0), "黄色"),
        (100, "二级", "良", (255, 255, 0), "黄色"),
        (101, "三级", "轻度污染", (255, 126, 0), "橙色"),
        (150, "三级", "轻度污染", (255, 126, 0), "橙色"),
        (151, "四级", "中度污染", (255, 0, 0), "红色"),
        (200, "四级", "中度污染", (255, 0, 0), "红色"),
        (201, "五级", "重度污染", (153, 0, 76), "紫色"),
        (300, "五级", "重度污染", (153, 0, 76), "紫色"),
        (301, "六级", "严重污染", (126, 0, 35), "褐红色"),
        (500, "六级", "严重污染", (126, 0, 35), "褐红色"),
    ],
)
def test_category_band_edges(
    value: int, level: str, name: str, rgb: tuple[int, int, int], colour: str
) -> None:
    got_level, got_name, got_rgb = category(value)
    assert (got_level, got_name, got_rgb) == (level, name, rgb)
    assert category(value).colour == colour
    assert category(np.int16(value)) == category(value)


@pytest.mark.parametrize("bad", [-1, 50.0, True, "50"])
def test_category_rejects_non_integers_and_negatives(bad: object) -> None:
    with pytest.raises(ValidationError, match="AQI"):
        category(bad)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500))
def test_category_agrees_with_the_band_table(value: int) -> None:
    result = category(value)
    band = result.band
    assert band.low <= value
    assert band.high is None or value <= band.high
    assert (result.level, result.category, result.rgb) == (band.level, band.category, band.rgb)


# --- primary pollutants ----------------------------------------------------------------------


def test_2012_tie_after_the_ceiling_names_both() -> None:
    # PM2.5 36: 50 + 50·1/40 = 51.25 → 52; PM10 53: 50 + 50·3/100 = 51.5 → 52 (reference OQ-10)
    result = _both({"PM25_24H": 36, "PM10_24H": 53}, standard=Y2012)
    assert result.aqi == 52
    assert set(result.primary_pollutants) == {Pollutant.PM25, Pollutant.PM10}
    # pollutant order is GB 3095 Table 1 order
    assert result.primary_pollutants == (Pollutant.PM10, Pollutant.PM25)


def test_2026_same_inputs_no_tie() -> None:
    # PM10 53: 50 + 50·3/70 = 52.14 → 53; PM2.5 36: 50 + 50·1/25 = 52 → PM10 alone
    result = _both({"PM25_24H": 36, "PM10_24H": 53}, standard=Y2026)
    assert result.aqi == 53
    assert result.primary_pollutants == (Pollutant.PM10,)


def test_exact_tie_policy() -> None:
    # Exact IAQIs 51.25 (PM2.5) and 51.5 (PM10): only PM10 is the largest.
    policy = IndexPolicy(ties=TieRule.EXACT)
    result = _both({"PM25_24H": 36, "PM10_24H": 53}, standard=Y2012, policy=policy)
    assert result.aqi == 52
    assert result.primary_pollutants == (Pollutant.PM10,)
    # A true tie stays a tie: PM2.5 55 and PM10 100 are both exactly 75 (2012).
    tie = _both({"PM25_24H": 55, "PM10_24H": 100}, standard=Y2012, policy=policy)
    assert tie.primary_pollutants == (Pollutant.PM10, Pollutant.PM25)


def test_exact_ties_in_arrays_need_3_decimals_under_2012() -> None:
    policy = IndexPolicy(ties=TieRule.EXACT)
    with pytest.raises(ValidationError, match="at most 3 decimals"):
        aqi({"PM25_24H": np.array([36.0001])}, standard=Y2012, policy=policy)


def test_o3_is_named_once_when_both_indicators_tie() -> None:
    # 2012 daily: O3 1-h 200 → 100 and O3 8-h 160 → 100 (reference OQ-22)
    result = _both({"O3_1H": 200, "O3_8H": 160, "PM25_24H": 30}, standard=Y2012)
    assert result.aqi == 100
    assert result.primary_pollutants == (Pollutant.O3,)
    assert result.primary_indicators == (Item.O3_1H, Item.O3_8H)


def test_no_primary_pollutant_at_or_below_50() -> None:
    # PM2.5 35 → 50 exactly (multiply before dividing; slope first gives 50.000…02 → 51)
    result = _both({"PM25_24H": 35, "PM10_24H": 50}, standard=Y2026)
    assert result.aqi == 50
    assert result.primary_pollutants == ()
    assert result.category == "优"


# --- exceeding pollutants (2012 only) --------------------------------------------------------


def test_exceeding_pollutants_exist_only_in_2012() -> None:
    # PM2.5 80: 100 + 50·5/40 = 106.25 → 107 > 100; PM10 150 → 100 is not above
    old = _both({"PM25_24H": 80, "PM10_24H": 150}, standard=Y2012)
    assert old.exceeding_pollutants == (Pollutant.PM25,)
    new = _both({"PM25_24H": 80, "PM10_24H": 150}, standard=Y2026)
    assert new.exceeding_pollutants is None


# --- HJ 633-2012 rules above 800 in reports --------------------------------------------------


def test_2012_hourly_so2_above_800_takes_the_24h_iaqi() -> None:
    # SO2 24-h 300: 100 + 50·150/325 = 123.08 → 124 replaces the SO2 1-h 850 (OQ-11)
    result = _both({"SO2_1H": 850, "SO2_24H": 300, "NO2_1H": 80}, standard=Y2012, report="hourly")
    assert result.iaqi[Item.SO2_1H] == 124
    value = result.iaqi[Item.SO2_1H]
    assert value is not None
    assert value.special_rule_800
    assert result.special_rule_800 == (Item.SO2_1H,)
    assert result.aqi == 124
    assert result.primary_pollutants == (Pollutant.SO2,)
    assert result.concentrations[Item.SO2_1H] == Decimal(850)
    assert result.concentrations[Item.SO2_24H] == Decimal(300)
    assert Item.SO2_24H not in result.iaqi


@pytest.mark.parametrize("so2_24h", ["absent", None])
def test_2012_hourly_so2_above_800_without_24h_is_na(so2_24h: str | None) -> None:
    concentrations: dict[str, Any] = {"SO2_1H": 850, "NO2_1H": 250}
    if so2_24h != "absent":
        concentrations["SO2_24H"] = so2_24h
    result = _both(concentrations, standard=Y2012, report="hourly")
    assert result.iaqi[Item.SO2_1H] is None
    assert result.special_rule_800 == (Item.SO2_1H,)
    assert result.incomplete
    assert result.missing == ()
    # AQI from the others (OQ-12): NO2 1-h 250 → 105
    assert result.aqi == 105
    assert result.publishable


def test_so2_policy_no_index() -> None:
    policy = IndexPolicy(so2_1h_over_800_2012=So2Over800Rule2012.NO_INDEX)
    result = _both(
        {"SO2_1H": 850, "SO2_24H": 300, "NO2_1H": 80},
        standard=Y2012,
        report="hourly",
        policy=policy,
    )
    assert result.iaqi[Item.SO2_1H] is None
    assert result.aqi == 40


def test_2012_o3_8h_above_800_takes_the_1h_iaqi() -> None:
    # O3 1-h 900: 300 + 100·100/200 = 350; the O3 8-h 850 reports that IAQI (note (3))
    result = _both({"O3_1H": 900, "O3_8H": 850, "PM25_24H": 50}, standard=Y2012)
    assert result.iaqi[Item.O3_8H] == 350
    assert result.aqi == 350
    assert result.primary_pollutants == (Pollutant.O3,)
    assert result.special_rule_800 == (Item.O3_8H,)
    assert None not in result.iaqi.values()


def test_2012_o3_8h_above_800_without_1h() -> None:
    result = _both({"O3_8H": 850, "PM25_24H": 50}, standard=Y2012)
    assert result.iaqi[Item.O3_8H] is None
    assert result.incomplete
    assert result.aqi == 69  # PM2.5 50: 50 + 50·15/40 = 68.75 → 69


def test_2026_rules_above_800_in_a_report() -> None:
    # SO2 1-h 850 → 200 (note b)
    result = _both({"SO2_1H": 850, "PM25_1H": 20}, report="hourly")
    assert result.aqi == 200
    assert result.special_rule_800 == (Item.SO2_1H,)
    assert result.level == AqiLevel.LEVEL_4


# --- report compositions ---------------------------------------------------------------------


def test_2026_hourly_indexes_pm_1h_on_daily_columns() -> None:
    # PM2.5 1-h 90: 100 + 50·30/55 = 127.27 → 128
    result = _both({"PM25_1H": 90, "PM10_1H": 100, "O3_1H": 180}, report="hourly")
    assert result.iaqi[Item.PM25_1H] == 128
    assert result.aqi == 128
    assert result.primary_pollutants == (Pollutant.PM25,)


def test_2012_hourly_shows_pm_1h_without_indexing() -> None:
    result = _both(
        {"PM25_24H": 50, "PM25_1H": 90, "PM10_1H": 100.4}, standard=Y2012, report="hourly"
    )
    assert Item.PM25_1H not in result.iaqi
    assert result.concentrations[Item.PM25_1H] == Decimal(90)
    assert result.concentrations[Item.PM10_1H] == Decimal("100.4")
    assert result.aqi == 69


def test_national_release_profile_indexes_pm_1h_on_2012_24h_columns() -> None:
    # PM2.5 1-h 90 on the 2012 24-h column: 100 + 50·15/40 = 118.75 → 119
    # PM10 1-h 100: 50 + 50·50/100 = 75
    concentrations = {"PM25_1H": 90, "PM10_1H": 100, "O3_1H": 100, "O3_8H": 300}
    result = _both(concentrations, standard=Y2012, report="hourly", profile="national-release")
    assert result.iaqi[Item.PM25_1H] == 119
    assert result.iaqi[Item.PM10_1H] == 75
    assert Item.O3_8H not in result.iaqi  # no O3 8-h item; shown only
    assert result.concentrations[Item.O3_8H] == Decimal(300)
    assert result.aqi == 119
    # the text profile shows the PM 1-h values and indexes the O3 8-h:
    # O3 8-h 300: 200 + 100·35/535 = 206.54 → 207
    text = _both(concentrations, standard=Y2012, report="hourly", profile="text")
    assert Item.PM25_1H not in text.iaqi
    assert text.aqi == 207


def test_daily_2026_has_no_o3_1h() -> None:
    with pytest.raises(UnknownNameError, match="O3_1H") as info:
        aqi({"O3_1H": 100}, standard=Y2026, report="daily")
    assert "O3_8H" in info.value.valid


def test_concentrations_are_reported_rounded_under_2026() -> None:
    result = _both({"PM25_24H": 36.5, "CO_24H": 1.35, "PM10_24H": 35.46})
    assert result.concentrations == {
        Item.CO_24H: Decimal("1.4"),
        Item.PM10_24H: Decimal("35"),
        Item.PM25_24H: Decimal("36"),
    }


# --- publication (HJ 633-2026 §5.3) and missing data -----------------------------------------


def test_missing_pollutant_and_low_aqi_is_not_published() -> None:
    result = _both({**CLEAN_2026, "PM25_24H": None})
    assert result.aqi is None
    assert result.aqi_from_available == 92  # O3 8-h 150: 50 + 50·50/60 = 91.67 → 92
    assert not result.publishable
    assert (result.level, result.category, result.colour, result.rgb) == (None,) * 4
    assert result.primary_pollutants == ()
    assert result.missing == (Item.PM25_24H,)
    assert result.iaqi[Item.PM10_24H] == 65  # single-pollutant IAQIs are still given
    assert result.incomplete


def test_missing_pollutant_and_high_aqi_is_published() -> None:
    # PM10 200: 100 + 50·80/130 = 130.77 → 131 > 100
    result = _both({**CLEAN_2026, "PM10_24H": 200, "PM25_24H": float("nan")})
    assert result.aqi == 131
    assert result.publishable
    assert result.primary_pollutants == (Pollutant.PM10,)
    assert result.missing == (Item.PM25_24H,)


def test_not_monitored_pollutant_is_shown_slash_and_published() -> None:
    # §5.3.2: PM2.5 absent (not in the monitoring plan) → AQI from the others, published
    result = _both(dict(CLEAN_2026))
    assert result.aqi == 92
    assert result.publishable
    assert result.not_monitored == (Item.PM25_24H,)
    assert Item.PM25_24H not in result.iaqi
    assert result.missing == ()
    assert result.incomplete


def test_not_monitored_former_primary_pollutant_counts_as_missing() -> None:
    result = _both(dict(CLEAN_2026), formerly_primary=["PM2.5"])
    assert result.aqi is None
    assert not result.publishable
    assert result.aqi_from_available == 92


def test_2012_missing_pollutant_is_published_from_the_others() -> None:
    # OQ-12: AQI from the available indicators, flagged incomplete
    result = _both({"PM25_24H": None, "PM10_24H": 70}, standard=Y2012)
    assert result.aqi == 60  # PM10 70: 50 + 50·20/100
    assert result.publishable
    assert result.incomplete
    policy = IndexPolicy(missing_2012=MissingRule2012.HJ633_2026_RULE)
    strict = _both({"PM25_24H": None, "PM10_24H": 70}, standard=Y2012, policy=policy)
    assert strict.aqi is None
    assert strict.aqi_from_available == 60


def test_nothing_available() -> None:
    for concentrations in ({}, {"PM25_24H": None}):
        result = aqi(concentrations)
        assert result.aqi is None
        assert result.aqi_from_available is None
        assert not result.publishable
    array = aqi({"PM25_24H": np.array([np.nan, np.nan])})
    assert array.aqi.mask.all()
    assert array.aqi_from_available.mask.all()
    assert array.category.tolist() == [0, 0]


def test_zero_aqi_under_2026() -> None:
    zeros = dict.fromkeys(("SO2_24H", "NO2_24H", "CO_24H", "O3_8H", "PM10_24H", "PM25_24H"), 0)
    result = _both(zeros)
    assert result.aqi == 0
    assert result.category == "优"
    assert result.zero_aqi
    lifted = _both(zeros, policy=IndexPolicy(zero_aqi_2026=ZeroAqi2026.ONE))
    assert lifted.aqi == 1
    assert lifted.zero_aqi
    assert not _both(zeros, standard=Y2012).zero_aqi


def test_beyond_table_in_a_report() -> None:
    result = _both({**CLEAN_2026, "PM25_24H": 650})
    assert result.aqi == 500
    assert result.beyond_table == (Item.PM25_24H,)
    assert result.concentrations[Item.PM25_24H] == Decimal(650)
    policy = IndexPolicy(beyond_table=BeyondTable.NO_INDEX)
    dropped = _both({**CLEAN_2026, "PM25_24H": 650}, policy=policy)
    assert dropped.iaqi[Item.PM25_24H] is None
    assert dropped.beyond_table == (Item.PM25_24H,)
    assert dropped.aqi is None  # NA pollutant, others ≤ 100 (§5.3.1)


# --- bad input -------------------------------------------------------------------------------


def test_unknown_names() -> None:
    with pytest.raises(UnknownNameError, match="PM25_24H"):
        aqi({"PM2.5": 55})
    with pytest.raises(UnknownNameError, match="daily, hourly"):
        aqi({"PM25_24H": 55}, report="monthly")
    with pytest.raises(UnknownNameError, match="text, national-release"):
        aqi({"PM25_24H": 55}, profile="cnemc")
    with pytest.raises(UnknownNameError, match=r"PM2\.5"):
        aqi({"PM25_24H": 55}, formerly_primary=["PM25"])
    with pytest.raises(StandardNotFound):
        aqi({"PM25_24H": 55}, standard="GB 3095-2012")


def test_bad_values() -> None:
    with pytest.raises(ValidationError, match="PM10_24H: negative concentration -1"):
        aqi({"PM25_24H": 55, "PM10_24H": -1})
    with pytest.raises(ValidationError, match="mix arrays and scalars"):
        aqi({"PM25_24H": np.array([55.0]), "PM10_24H": 55})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="1-D of one length"):
        aqi({"PM25_24H": np.array([55.0]), "PM10_24H": np.array([55.0, 60.0])})
    with pytest.raises(ValidationError, match="1-D of one length"):
        aqi({"PM25_24H": np.array([[55.0]])})
    with pytest.raises(ValidationError, match="numeric array"):
        aqi({"PM25_24H": np.array(["55"])})


def test_invalid_array_elements_are_na_and_summarised() -> None:
    result = aqi(
        {
            "PM25_24H": np.array([55.0, -2.0, 80.0]),
            "PM10_24H": np.array([70.0, 70.0, -np.inf]),
        }
    )
    assert items_in(result.invalid[1]) == (Item.PM25_24H,)
    assert items_in(result.invalid[2]) == (Item.PM10_24H,)
    assert result.iaqi[Item.PM25_24H].mask.tolist() == [False, True, False]
    # row 1: PM2.5 invalid = "NA"; PM10 70 → 65 ≤ 100: not published (§5.3.1)
    assert result.publishable.tolist() == [True, False, True]
    assert result.problems == (
        "PM10_24H: 1 negative or infinite value, first -inf at index 2; "
        "PM25_24H: 1 negative or infinite value, first -2.0 at index 1"
    )


def test_helpers_render_bitmasks() -> None:
    assert pollutants_in(0) == ()
    assert pollutants_in(1 | 32) == (Pollutant.SO2, Pollutant.PM25)
    assert items_in(0) == ()
    assert items_in(1 << 7) == (Item.PM25_24H,)


def test_arrays_span_several_chunks() -> None:
    n = 40_000  # more than two chunks of 16,384 rows
    values = np.linspace(0.0, 600.0, n)
    result = aqi({"PM25_24H": values, "PM10_24H": values[::-1].copy()})
    for i in (0, 16_383, 16_384, 32_768, n - 1):
        scalar = aqi({"PM25_24H": float(values[i]), "PM10_24H": float(values[::-1][i])})
        assert _row(result, i) == _scalar_row(scalar)


# --- the array path equals the scalar path ---------------------------------------------------

_REPORTS = [
    (standard, report, profile)
    for (standard, report, profile) in REPORT_COMPOSITIONS
    if not (profile is Profile.NATIONAL_RELEASE and standard is AqiStandard.HJ633_2026)
]
# Values with at most 3 decimals, halves, above 800, beyond the tables, missing.
_VALUE = st.one_of(
    st.none(),
    st.integers(0, 1000).map(float),
    st.integers(0, 10000).map(lambda k: k / 10),
    st.integers(0, 30000).map(lambda k: k / 100),
    st.integers(0, 400000).map(lambda k: k / 1000),
    st.sampled_from([800.0, 800.5, 800.6, 850.0, 3840.0, 3841.0, 5000.0]),
)


@st.composite
def _reports(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    standard, report, profile = draw(st.sampled_from(_REPORTS))
    accepted = REPORT_COMPOSITIONS[(standard, report, profile)].accepted
    present = draw(
        st.lists(st.sampled_from(accepted), unique=True, min_size=1, max_size=len(accepted))
    )
    rows = draw(
        st.lists(
            st.fixed_dictionaries({item.value: _VALUE for item in present}), min_size=1, max_size=8
        )
    )
    policy = IndexPolicy(
        beyond_table=draw(st.sampled_from(BeyondTable)),
        ties=draw(st.sampled_from(TieRule)),
        so2_1h_over_800_2012=draw(st.sampled_from(So2Over800Rule2012)),
        missing_2012=draw(st.sampled_from(MissingRule2012)),
        zero_aqi_2026=draw(st.sampled_from(ZeroAqi2026)),
    )
    options = {
        "standard": standard,
        "report": report.value,
        "profile": profile.value,
        "policy": policy,
        "formerly_primary": draw(st.lists(st.sampled_from([p.value for p in Pollutant]))),
    }
    return options, rows


@settings(max_examples=150, deadline=None)
@given(_reports())
def test_array_path_equals_scalar_path(case: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    options, rows = case
    names = list(rows[0])
    arrays = {
        name: np.array([math.nan if row[name] is None else row[name] for row in rows])
        for name in names
    }
    result = aqi(arrays, **options)
    for i, row in enumerate(rows):
        assert _row(result, i) == _scalar_row(aqi(row, **options)), row


def test_report_enum_values_are_accepted() -> None:
    assert aqi({"PM25_1H": 90}, report=Report.HOURLY).aqi == 128
