"""HJ 2.4-2021 Appendix A divergence and level formulas: worked values, vector N33, properties."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.hj24 import (
    FiniteLineMethod,
    SoundField,
    area_divergence,
    finite_line_divergence,
    infinite_line_divergence,
    point_a_level,
    point_divergence,
    predicted_leq,
    project_contribution_leq,
)
from ecowarden.standards.iso9613 import a_div

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
PROPERTY = settings(max_examples=40, deadline=None)
distances = st.floats(min_value=0.1, max_value=1e4)


def _vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(v for v in vectors if v["id"] == vector_id)
    return found


# --- point source ----------------------------------------------------------------------------


def test_n33_point_source_semi_free_field() -> None:
    vector = _vector("N33")
    given_ = vector["input"]
    # 90 − 20·lg 50 − 8 = 90 − 33.9794 − 8 = 48.0206
    level = point_a_level(given_["L_Aw_dB"], given_["r_m"], field="semi-free")
    assert round(float(level), 2) == vector["expected"]["L_A_dB"]


def test_point_a_level_free_field_and_iso_equivalence() -> None:
    # free field: 90 − 33.9794 − 11 = 45.0206
    assert float(point_a_level(90.0, 50.0)) == pytest.approx(45.0206, abs=1e-4)
    # semi-free = L_Aw − A_div(ISO 9613-2 Eq. (7)) + D_Ω of 3 dB: 90 − (33.9794 + 11) + 3
    semi = point_a_level(90.0, 50.0, field=SoundField.SEMI_FREE)
    assert float(semi) == pytest.approx(90.0 - float(a_div(50.0)) + 3.0)


def test_sound_field_labels_and_unknown_name() -> None:
    assert SoundField.SEMI_FREE.label_zh == "半自由声场"
    assert SoundField.FREE.label_zh == "自由声场"
    with pytest.raises(UnknownNameError, match="sound field 'half'; valid: free, semi-free"):
        point_a_level(90.0, 50.0, field="half")


def test_point_divergence_worked_values() -> None:
    # 20·lg(100/10) = 20; 20·lg(20/10) = 6.0206; 20·lg(5/10) = −6.0206 (a gain, nearer)
    assert point_divergence([100.0, 20.0, 5.0], 10.0) == pytest.approx(
        [20.0, 6.0206, -6.0206], abs=1e-4
    )


@PROPERTY
@given(distances, st.floats(min_value=1.001, max_value=50.0), distances)
def test_point_divergence_increases_with_distance(r: float, factor: float, r0: float) -> None:
    assert float(point_divergence(r * factor, r0)) > float(point_divergence(r, r0))


def test_point_divergence_rejects_distance_not_positive() -> None:
    with pytest.raises(ValidationError, match=r"reference distance r0 \[m\].*got 0"):
        point_divergence(10.0, 0.0)
    with pytest.raises(ValidationError, match=r"distance r \[m\].*got -5"):
        point_divergence([1.0, -5.0], 1.0)


# --- line sources ----------------------------------------------------------------------------


def test_infinite_line_divergence() -> None:
    # 10·lg(100/10) = 10; 10·lg(2) = 3.0103 per doubling
    assert infinite_line_divergence([100.0, 20.0], 10.0) == pytest.approx([10.0, 3.0103], abs=1e-4)


def test_finite_line_guideline_ranges() -> None:
    # l0 = 30: r, r0 < l0/3 = 10 → 10·lg(5/1) = 6.9897
    assert float(finite_line_divergence(5.0, 1.0, 30.0)) == pytest.approx(6.9897, abs=1e-4)
    # r, r0 > l0 = 30 → 20·lg(200/40) = 13.9794
    assert float(finite_line_divergence(200.0, 40.0, 30.0)) == pytest.approx(13.9794, abs=1e-4)


def test_finite_line_between_ranges_follows_the_bisector_integral() -> None:
    # I(r) = −10·lg[arctan(l0/2r)/r], l0 = 30:
    # I(10) = −10·lg(arctan 1.5/10) = −10·lg(0.0982794) = 10.0754
    # I(15) = −10·lg(arctan 1/15) = −10·lg(0.0523599) = 12.8100
    # I(20) = −10·lg(arctan 0.75/20) = −10·lg(0.0321751) = 14.9248
    # I(30) = −10·lg(arctan 0.5/30) = −10·lg(0.0154549) = 18.1093
    # both in l0/3 … l0: I(20) − I(15) = 2.1148
    assert float(finite_line_divergence(20.0, 15.0, 30.0)) == pytest.approx(2.1148, abs=1e-4)
    # r0 = 1 below l0/3, r = 20 inside: 10·lg(10/1) + I(20) − I(10) = 10 + 4.8494 = 14.8494
    assert float(finite_line_divergence(20.0, 1.0, 30.0)) == pytest.approx(14.8494, abs=1e-4)
    # r0 = 1 below l0/3, r = 100 beyond l0: 10 + (I(30) − I(10)) + 20·lg(100/30)
    # = 10 + 8.0340 + 10.4576 = 28.4915
    assert float(finite_line_divergence(100.0, 1.0, 30.0)) == pytest.approx(28.4915, abs=1e-4)


def test_finite_line_bisector_integral_method() -> None:
    # r = 5, r0 = 1, l0 = 30: 10·lg[(arctan 15 / 1) / (arctan 3 / 5)]
    # = 10·lg[1.504228 / 0.249809] = 10·lg 6.02155 = 7.7971 (the guideline's 10·lg 5 = 6.99)
    value = finite_line_divergence(5.0, 1.0, 30.0, method="bisector integral")
    assert float(value) == pytest.approx(7.7971, abs=1e-4)
    with pytest.raises(UnknownNameError, match="finite line method 'exact'"):
        finite_line_divergence(5.0, 1.0, 30.0, method="exact")


@PROPERTY
@given(
    r0=st.floats(min_value=0.5, max_value=2000.0),
    factor=st.floats(min_value=1.01, max_value=100.0),
    length=st.floats(min_value=1.0, max_value=5000.0),
)
def test_finite_line_integral_lies_between_line_and_point(
    r0: float, factor: float, length: float
) -> None:
    r = r0 * factor
    integral = float(
        finite_line_divergence(r, r0, length, method=FiniteLineMethod.BISECTOR_INTEGRAL)
    )
    line = float(infinite_line_divergence(r, r0))
    point = float(point_divergence(r, r0))
    assert line - 1e-9 <= integral <= point + 1e-9
    guideline = float(finite_line_divergence(r, r0, length))
    assert line - 1e-9 <= guideline <= point + 1e-9


@PROPERTY
@given(
    r0=st.floats(min_value=0.5, max_value=100.0),
    r=st.floats(min_value=0.5, max_value=5000.0),
    step=st.floats(min_value=1.01, max_value=10.0),
    length=st.floats(min_value=1.0, max_value=3000.0),
)
def test_finite_line_divergence_increases_with_distance(
    r0: float, r: float, step: float, length: float
) -> None:
    for method in FiniteLineMethod:
        nearer = float(finite_line_divergence(r, r0, length, method=method))
        farther = float(finite_line_divergence(r * step, r0, length, method=method))
        assert farther > nearer


def test_finite_line_approaches_its_limits() -> None:
    # a line much longer than r behaves as an infinite line, a short one as a point
    long_line = finite_line_divergence(100.0, 10.0, 1e7, method="bisector integral")
    short_line = finite_line_divergence(100.0, 10.0, 1e-3, method="bisector integral")
    assert float(long_line) == pytest.approx(10.0, abs=1e-3)  # 10·lg 10
    assert float(short_line) == pytest.approx(20.0, abs=1e-3)  # 20·lg 10


# --- area source -----------------------------------------------------------------------------


def test_area_divergence_guideline_ranges() -> None:
    # a = 10, b = 100: a/π = 3.183, b/π = 31.831
    # r, r0 < a/π: ≈ 0
    assert float(area_divergence(3.0, 0.5, 10.0, 100.0)) == 0.0
    # a/π < r, r0 < b/π: 10·lg(20/5) = 6.0206
    assert float(area_divergence(20.0, 5.0, 10.0, 100.0)) == pytest.approx(6.0206, abs=1e-4)
    # r, r0 > b/π: 20·lg(500/100) = 13.9794
    assert float(area_divergence(500.0, 100.0, 10.0, 100.0)) == pytest.approx(13.9794, abs=1e-4)


def test_area_divergence_across_ranges_and_side_order() -> None:
    # r0 = 1 in the flat range, r = 50 in the point range: the joined curve gives
    # 10·lg(b/a) + 20·lg(50/(b/π)) = 10 + 20·lg(1.570796) = 10 + 3.9224 = 13.9224
    assert float(area_divergence(50.0, 1.0, 10.0, 100.0)) == pytest.approx(13.9224, abs=1e-4)
    assert float(area_divergence(50.0, 1.0, 100.0, 10.0)) == pytest.approx(13.9224, abs=1e-4)


@PROPERTY
@given(
    r=st.floats(min_value=0.1, max_value=5000.0),
    step=st.floats(min_value=1.0, max_value=10.0),
    side_a=st.floats(min_value=1.0, max_value=500.0),
    side_b=st.floats(min_value=1.0, max_value=500.0),
)
def test_area_divergence_never_decreases_with_distance(
    r: float, step: float, side_a: float, side_b: float
) -> None:
    nearer = float(area_divergence(r, 1.0, side_a, side_b))
    farther = float(area_divergence(r * step, 1.0, side_a, side_b))
    assert farther >= nearer - 1e-9


# --- project contribution and predicted level ------------------------------------------------


def test_project_contribution_leq_worked_value() -> None:
    # 60 dB for 1800 s and 50 dB for 3600 s in T = 3600 s:
    # 10·lg[(1800·10^6 + 3600·10^5)/3600] = 10·lg(500000 + 100000) = 10·lg 600000 = 57.7815
    value = project_contribution_leq([60.0, 50.0], [1800.0, 3600.0], 3600.0)
    assert float(value) == pytest.approx(57.7815, abs=1e-4)
    assert float(project_contribution_leq([60.0, 50.0], [0.0, 0.0], 3600.0)) == -math.inf


def test_project_contribution_rejects_time_beyond_period() -> None:
    with pytest.raises(ValidationError, match=r"must not exceed the period T, got 4000"):
        project_contribution_leq([60.0], [4000.0], 3600.0)
    with pytest.raises(ValidationError, match=r"period T \[s\].*got 0"):
        project_contribution_leq([60.0], [0.0], 0.0)


def test_predicted_leq_adds_background() -> None:
    # 50 ⊕ 50 = 50 + 10·lg 2 = 53.0103; 60 ⊕ (no background) = 60; 55 ⊕ 45 = 55.4139
    assert predicted_leq([50.0, 60.0, 55.0], [50.0, -math.inf, 45.0]) == pytest.approx(
        [53.0103, 60.0, 55.4139], abs=1e-4
    )
    assert np.isnan(predicted_leq(np.nan, 45.0))


# --- vectorised equals scalar ----------------------------------------------------------------


def test_vectorised_divergences_equal_scalar_calls() -> None:
    rng = np.random.default_rng(24)
    r = rng.uniform(0.5, 3000.0, 80)
    r0 = rng.uniform(0.5, 50.0, 80)
    length = rng.uniform(5.0, 1000.0, 80)
    side_a = rng.uniform(5.0, 200.0, 80)
    side_b = rng.uniform(5.0, 200.0, 80)
    levels = rng.uniform(60.0, 110.0, 80)
    vectorised = {
        "point": point_divergence(r, r0),
        "level": point_a_level(levels, r, field="semi-free"),
        "line": infinite_line_divergence(r, r0),
        "finite": finite_line_divergence(r, r0, length),
        "integral": finite_line_divergence(r, r0, length, method="bisector integral"),
        "area": area_divergence(r, r0, side_a, side_b),
    }
    for i in range(r.size):
        scalar = {
            "point": point_divergence(r[i], r0[i]),
            "level": point_a_level(levels[i], r[i], field="semi-free"),
            "line": infinite_line_divergence(r[i], r0[i]),
            "finite": finite_line_divergence(r[i], r0[i], length[i]),
            "integral": finite_line_divergence(r[i], r0[i], length[i], method="bisector integral"),
            "area": area_divergence(r[i], r0[i], side_a[i], side_b[i]),
        }
        for name, value in scalar.items():
            assert vectorised[name][i] == pytest.approx(float(value), rel=1e-12), name


def test_missing_distance_gives_missing_divergence() -> None:
    assert np.isnan(finite_line_divergence([np.nan], 1.0, 30.0)[0])
    assert np.isnan(area_divergence(np.nan, 1.0, 10.0, 100.0))
