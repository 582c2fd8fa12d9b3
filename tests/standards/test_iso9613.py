"""ISO 9613-2 propagation terms: worked values, Table 2, vectors N27/N29/N31, properties."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.iso9613 import (
    A_WEIGHTING_DB,
    OCTAVE_BANDS_HZ,
    Midband,
    a_atm,
    a_bar,
    a_div,
    a_ground_simplified,
    a_weighting,
    alpha,
    barrier_dz,
    c_met,
    d_omega,
    downwind_band_level,
    k_met,
    midband_frequency_hz,
    path_difference,
    point_source_level,
)
from ecowarden.standards.rounding import round_half_even

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
PROPERTY = settings(max_examples=40, deadline=None)


def _vector(vector_id: str) -> dict[str, Any]:
    vectors = json.loads((REFERENCE / "water-noise-vectors.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(v for v in vectors if v["id"] == vector_id)
    return found


# --- divergence, Eq. (7) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (1.0, 11.0),  # 20·lg(1) + 11 = 11
        (100.0, 51.0),  # 20·lg(100) + 11 = 40 + 11 = 51
        (200.0, 57.0206),  # 20·lg(200) + 11 = 46.0206 + 11
        (1000.0, 71.0),  # 20·lg(1000) + 11 = 60 + 11
        (0.5, 4.9794),  # 20·lg(0.5) + 11 = −6.0206 + 11
    ],
)
def test_a_div_worked_values(d: float, expected: float) -> None:
    assert float(a_div(d)) == pytest.approx(expected, abs=1e-4)


@PROPERTY
@given(
    st.floats(min_value=0.1, max_value=1e5),
    st.floats(min_value=1.001, max_value=100.0),
)
def test_a_div_increases_with_distance(d: float, factor: float) -> None:
    assert float(a_div(d * factor)) > float(a_div(d))
    # doubling adds 20·lg 2 = 6.0206 dB
    assert float(a_div(2 * d) - a_div(d)) == pytest.approx(6.0206, abs=1e-4)


def test_a_div_rejects_distance_not_positive() -> None:
    with pytest.raises(ValidationError, match=r"distance d \[m\].*got -3"):
        a_div([10.0, -3.0])
    with pytest.raises(ValidationError, match="got 0"):
        a_div(0.0)
    with pytest.raises(ValidationError, match="got inf"):
        a_div(math.inf)


def test_a_div_missing_distance_gives_missing_result() -> None:
    result = a_div([np.nan, 10.0])
    assert np.isnan(result[0])
    assert result[1] == pytest.approx(31.0)  # 20·lg(10) + 11


# --- atmospheric absorption, Eq. (8) and ISO 9613-1 -----------------------------------------


def test_n27_a_atm_vectors() -> None:
    vector = _vector("N27")
    cases = vector["input"]["cases"]
    results = a_atm([c["alpha_dB_per_km"] for c in cases], [c["d_m"] for c in cases])
    # 1.9·200/1000 = 0.38; 3.7·1000/1000 = 3.7; 117·500/1000 = 58.5
    expected = [r["A_atm_dB"] for r in vector["expected"]["results"]]
    assert results == pytest.approx(expected, abs=1e-12)


def test_a_atm_rejects_negative_alpha_and_bad_distance() -> None:
    with pytest.raises(ValidationError, match=r"alpha.*got -1"):
        a_atm(-1.0, 100.0)
    with pytest.raises(ValidationError, match=r"distance d \[m\].*got 0"):
        a_atm(1.0, 0.0)


# ISO 9613-2 Table 2, α [dB/km] at the octave bands 63 Hz … 8 kHz, as printed (reference §6.1).
TABLE_2: dict[tuple[float, float], tuple[str, ...]] = {
    (10.0, 70.0): ("0.1", "0.4", "1.0", "1.9", "3.7", "9.7", "32.8", "117"),
    (20.0, 70.0): ("0.1", "0.3", "1.1", "2.8", "5.0", "9.0", "22.9", "76.6"),
    (30.0, 70.0): ("0.1", "0.3", "1.0", "3.1", "7.4", "12.7", "23.1", "59.3"),
    (15.0, 20.0): ("0.3", "0.6", "1.2", "2.7", "8.2", "28.2", "88.8", "202"),
    (15.0, 50.0): ("0.1", "0.5", "1.2", "2.2", "4.2", "10.8", "36.2", "129"),
    (15.0, 80.0): ("0.1", "0.3", "1.1", "2.4", "4.2", "8.3", "23.7", "82.8"),
}


@pytest.mark.parametrize(("atmosphere", "printed"), list(TABLE_2.items()), ids=str)
def test_alpha_reproduces_table_2_row(
    atmosphere: tuple[float, float], printed: tuple[str, ...]
) -> None:
    # Each cell rounded half-to-even to the digits Table 2 prints. The 15 ℃ / 80 % / 1 kHz cell
    # computes to 4.1511, just above the 4.15 rounding edge, and so prints 4.2 (reference §9
    # N-Q11: the ISO 9613-1 formula at exact midbands is the oracle, the table its rounding).
    temperature, humidity = atmosphere
    computed = alpha(temperature, humidity, OCTAVE_BANDS_HZ)
    for band, cell, value in zip(OCTAVE_BANDS_HZ, printed, computed, strict=True):
        decimals = -int(Decimal(cell).as_tuple().exponent)
        assert round_half_even(float(value), decimals) == Decimal(cell), (atmosphere, band)


def test_alpha_at_nominal_midbands_is_about_one_percent_high() -> None:
    # Reference §6.1: at the nominal 4 kHz / 8 kHz, 10 ℃ / 70 % gives 33.1 / 118.4 dB/km
    # (Table 2 prints 32.8 / 117 at the exact midbands 3981 / 7943 Hz).
    nominal = alpha(10.0, 70.0, [4000, 8000], midband="nominal")
    assert [round(float(v), 1) for v in nominal] == [33.1, 118.4]
    exact = alpha(10.0, 70.0, [4000, 8000], midband=Midband.EXACT)
    assert np.all(exact < nominal)


def test_exact_midbands_are_base_ten() -> None:
    # f_m = 1000·10^(k/10): 63 → 10^1.8 = 63.096; 8000 → 1000·10^0.9 = 7943.28
    frequencies = midband_frequency_hz([63, 1000, 8000])
    assert frequencies == pytest.approx([63.0957, 1000.0, 7943.282], abs=1e-3)


def test_alpha_unknown_band_names_the_value() -> None:
    with pytest.raises(UnknownNameError, match=r"1500.*valid: 63, 125, 250"):
        alpha(20.0, 70.0, [1000, 1500])
    with pytest.raises(UnknownNameError, match="midband convention 'centre'"):
        alpha(20.0, 70.0, 1000, midband="centre")


@pytest.mark.parametrize("humidity", [-0.1, 100.5, 120.0])
def test_alpha_rejects_humidity_outside_0_to_100(humidity: float) -> None:
    with pytest.raises(ValidationError, match=rf"relative humidity.*got {humidity}"):
        alpha(20.0, humidity, 1000)


def test_alpha_rejects_impossible_temperature_and_pressure() -> None:
    with pytest.raises(ValidationError, match=r"temperature.*got -280"):
        alpha(-280.0, 50.0, 1000)
    with pytest.raises(ValidationError, match=r"pressure.*got 0"):
        alpha(20.0, 50.0, 1000, pressure_kpa=0.0)


def test_alpha_accepts_humidity_limits_and_missing_values() -> None:
    dry, saturated = alpha(20.0, [0.0, 100.0], 1000)
    assert dry > 0.0
    assert saturated > 0.0
    assert np.isnan(alpha(np.nan, 50.0, 1000))


def test_alpha_broadcasts_atmospheres_against_bands() -> None:
    temperatures = np.array([10.0, 20.0, 30.0])[:, np.newaxis]
    grid = alpha(temperatures, 70.0, OCTAVE_BANDS_HZ)
    assert grid.shape == (3, 8)
    for row, temperature in enumerate((10.0, 20.0, 30.0)):
        for column, band in enumerate(OCTAVE_BANDS_HZ):
            assert grid[row, column] == pytest.approx(
                float(alpha(temperature, 70.0, band)), rel=1e-12
            )


# --- A-weighting ----------------------------------------------------------------------------

# Σ 10^(A_f/10) over the 8 bands, A_f = −26.2, −16.1, −8.6, −3.2, 0, +1.2, +1.0, −1.1:
# 0.0023988 + 0.0245471 + 0.1380384 + 0.4786301 + 1 + 1.3182567 + 1.2589254 + 0.7762471
# = 4.9970437, and 10·lg 4.9970437 = 6.98713 dB.
FLAT_SPECTRUM_GAIN_DB = 6.98713


def test_a_weighting_table_is_iec_61672_octave_values() -> None:
    assert A_WEIGHTING_DB == (-26.2, -16.1, -8.6, -3.2, 0.0, 1.2, 1.0, -1.1)


@PROPERTY
@given(st.floats(min_value=-20.0, max_value=160.0))
def test_a_weighting_of_flat_spectrum(level: float) -> None:
    assert float(a_weighting(np.full(8, level))) == pytest.approx(
        level + FLAT_SPECTRUM_GAIN_DB, abs=1e-4
    )


def test_a_weighting_single_bands() -> None:
    only_1k = [-np.inf, -np.inf, -np.inf, -np.inf, 80.0, -np.inf, -np.inf, -np.inf]
    assert float(a_weighting(only_1k)) == pytest.approx(80.0)  # A_f(1 kHz) = 0
    only_63 = [90.0, *([-np.inf] * 7)]
    assert float(a_weighting(only_63)) == pytest.approx(63.8)  # 90 − 26.2
    # 2 kHz at 60 and 4 kHz at 60: 10·lg(10^6.12 + 10^6.1) = 10·lg(1318257 + 1258925) = 64.112
    pair = [*([-np.inf] * 5), 60.0, 60.0, -np.inf]
    assert float(a_weighting(pair)) == pytest.approx(64.112, abs=1e-3)
    assert float(a_weighting([-np.inf] * 8)) == -np.inf


def test_a_weighting_needs_eight_bands_and_keeps_missing() -> None:
    with pytest.raises(ValidationError, match=r"shape \(7,\)"):
        a_weighting(np.zeros(7))
    with pytest.raises(ValidationError, match="got inf"):
        a_weighting([np.inf, *([0.0] * 7)])
    totals = a_weighting([[np.nan, *([50.0] * 7)], [50.0] * 8])
    assert np.isnan(totals[0])
    assert totals[1] == pytest.approx(50.0 + FLAT_SPECTRUM_GAIN_DB, abs=1e-4)


# --- ground, alternative method, Eqs. (10), (11) --------------------------------------------


def test_a_ground_simplified_worked_value() -> None:
    # h_m = (2 + 2)/2 = 2: A_gr = 4.8 − (2·2/200)·(17 + 300/200) = 4.8 − 0.02·18.5 = 4.43
    # d_p = 200 (equal heights): D_Ω = 10·lg(1 + 40000/(40000 + 16)) = 10·lg 1.9996 = 3.0094
    ground = a_ground_simplified(2.0, 2.0, 200.0)
    assert float(ground.a_gr_db) == pytest.approx(4.43, abs=1e-9)
    assert float(ground.d_omega_db) == pytest.approx(3.0094, abs=1e-4)


def test_a_ground_simplified_mean_height_and_floor_at_zero() -> None:
    # h_m = 5 over terrain: 4.8 − (10/100)·(17 + 3) = 2.8
    assert float(a_ground_simplified(1.0, 4.0, 100.0, mean_height_m=5.0).a_gr_db) == (
        pytest.approx(2.8)
    )
    # h_m = 10: 4.8 − (20/50)·(17 + 6) = 4.8 − 9.2 < 0 → 0
    assert float(a_ground_simplified(10.0, 10.0, 50.0).a_gr_db) == 0.0


def test_d_omega_limits() -> None:
    # both on the ground: 10·lg(1 + d_p²/d_p²) = 10·lg 2 = 3.0103
    assert float(d_omega(0.0, 0.0, 50.0)) == pytest.approx(3.0103, abs=1e-4)
    # straight above (d_p = 0), h_s = 3, h_r = 1: 10·lg(1 + (3 − 1)²/(3 + 1)²) = 10·lg 1.25
    assert float(d_omega(3.0, 1.0, 0.0)) == pytest.approx(10 * math.log10(1.25))


def test_a_ground_simplified_rejects_impossible_geometry() -> None:
    with pytest.raises(ValidationError, match=r"h_s - h_r.*got 5"):
        a_ground_simplified(10.0, 1.0, 5.0)
    with pytest.raises(ValidationError, match=r"receiver height.*got -1"):
        a_ground_simplified(1.0, -1.0, 50.0)


# --- barrier, Eqs. (14)–(18) ----------------------------------------------------------------


def test_n31_barrier_vector() -> None:
    vector = _vector("N31")
    given_ = vector["input"]
    # z = 10 + 20 − 29.5 = 0.5 m
    z = path_difference(given_["dss_m"], given_["dsr_m"], given_["d_m"])
    assert float(z) == pytest.approx(given_["z_m"])
    # K_met = exp(−√(10·20·29.5/(2·0.5))/2000) = exp(−76.811/2000) = 0.96231
    factor = k_met(z, given_["dss_m"], given_["dsr_m"], given_["d_m"])
    assert round(float(factor), 3) == vector["expected"]["K_met"]
    # λ = 340/500 = 0.68 m; D_z = 10·lg(3 + (20/0.68)·1·0.5·0.96231) = 10·lg 17.1523 = 12.343
    dz = barrier_dz(
        z,
        given_["dss_m"],
        given_["dsr_m"],
        given_["d_m"],
        given_["f_Hz"],
        c2=given_["C2"],
        speed_of_sound_m_s=given_["c_m_s"],
    )
    assert round(float(dz), 2) == vector["expected"]["D_z_dB"]


def test_path_difference_double_diffraction_offset_and_clear_sight() -> None:
    # e = 2: 10 + 20 + 2 − 29.5 = 2.5; a = 4: √(30² + 4²) − 29.5 = 30.2655 − 29.5 = 0.7655
    assert float(path_difference(10.0, 20.0, 29.5, edge_spacing_m=2.0)) == pytest.approx(2.5)
    assert float(path_difference(10.0, 20.0, 29.5, parallel_offset_m=4.0)) == pytest.approx(
        0.76549, abs=1e-5
    )
    assert float(path_difference(10.0, 20.0, 29.5, line_of_sight_blocked=False)) == -0.5


def test_path_difference_rejects_triangle_violation() -> None:
    with pytest.raises(ValidationError, match="path over the edge, got 31"):
        path_difference(10.0, 20.0, 31.0)


def test_barrier_dz_double_diffraction_and_c2_40() -> None:
    # λ = 0.68, e = 1: (5λ/e)² = 11.56; C3 = 12.56/11.8933 = 1.05605
    # z = 0.5, K_met = 0.96231 (as N31):
    # D_z = 10·lg(3 + 29.4118·1.05605·0.5·0.96231) = 10·lg 17.9443 = 12.539
    double = barrier_dz(0.5, 10.0, 20.0, 29.5, 500.0, edge_spacing_m=1.0)
    assert float(double) == pytest.approx(12.539, abs=1e-3)
    # C2 = 40: 10·lg(3 + 58.8235·0.5·0.96231) = 10·lg 31.3033 = 14.956
    image = barrier_dz(0.5, 10.0, 20.0, 29.5, 500.0, c2=40.0)
    assert float(image) == pytest.approx(14.956, abs=1e-3)


def test_barrier_dz_lateral_and_clear_line_of_sight() -> None:
    # lateral: K_met = 1, 10·lg(3 + 29.4118·0.5) = 10·lg 17.7059 = 12.481
    assert float(barrier_dz(0.5, 10.0, 20.0, 29.5, 500.0, lateral=True)) == pytest.approx(
        12.481, abs=1e-3
    )
    # z = −0.01: 10·lg(3 − 29.4118·0.01) = 10·lg 2.70588 = 4.3231 (K_met = 1 for z ≤ 0)
    assert float(barrier_dz(-0.01, 10.0, 20.0, 29.99, 500.0)) == pytest.approx(4.3231, abs=1e-4)
    # z = −1: 3 − 29.41 < 1, D_z kept at 0
    assert float(barrier_dz(-1.0, 10.0, 20.0, 29.0, 500.0)) == 0.0


@PROPERTY
@given(
    z=st.floats(min_value=-5.0, max_value=200.0),
    dss=st.floats(min_value=1.0, max_value=500.0),
    dsr=st.floats(min_value=1.0, max_value=500.0),
    e=st.sampled_from([0.0, 0.5, 3.0, 20.0]),
    band=st.sampled_from(OCTAVE_BANDS_HZ),
)
def test_barrier_dz_capped(z: float, dss: float, dsr: float, e: float, band: int) -> None:
    dz = float(barrier_dz(z, dss, dsr, dss + dsr, band, edge_spacing_m=e))
    assert 0.0 <= dz <= (20.0 if e == 0.0 else 25.0)


def test_barrier_dz_reaches_caps() -> None:
    # z = 10 m at 8 kHz: 10·lg(3 + (20/0.0425)·10·K_met) ≈ 36 dB before the caps
    assert float(barrier_dz(10.0, 50.0, 50.0, 90.0, 8000.0)) == 20.0
    assert float(barrier_dz(10.0, 50.0, 50.0, 90.0, 8000.0, edge_spacing_m=2.0)) == 25.0


def test_barrier_dz_rejects_bad_c2_and_frequency() -> None:
    with pytest.raises(ValidationError, match=r"C2 must be 20 or 40.*got 30"):
        barrier_dz(0.5, 10.0, 20.0, 29.5, 500.0, c2=30.0)
    with pytest.raises(ValidationError, match=r"frequency \[Hz\].*got 0"):
        barrier_dz(0.5, 10.0, 20.0, 29.5, 0.0)


def test_a_bar_top_and_lateral_edges() -> None:
    # top edge: max(D_z − A_gr, 0): 12.34 − 3 = 9.34; 12.34 − (−3) = 15.34; 2 − 5 < 0 → 0
    assert a_bar([12.34, 12.34, 2.0], [3.0, -3.0, 5.0]) == pytest.approx([9.34, 15.34, 0.0])
    # lateral edge: A_bar = D_z, the ground term stays in A_gr
    assert float(a_bar(12.34, 3.0, lateral=True)) == pytest.approx(12.34)
    with pytest.raises(ValidationError, match=r"D_z.*got -1"):
        a_bar(-1.0, 0.0)


# --- meteorological correction, Eqs. (21), (22) ---------------------------------------------


def test_c_met_worked_values() -> None:
    # 10·(1.5 + 1.5) = 30 < 200: C_met = 2·(1 − 30/200) = 1.7
    assert float(c_met(200.0, 1.5, 1.5, 2.0)) == pytest.approx(1.7)
    # d_p = 30 = 10(h_s + h_r): Eq. (21), C_met = 0 (≤ includes equality)
    assert float(c_met(30.0, 1.5, 1.5, 2.0)) == 0.0
    # far field tends to C_0: 3·(1 − 30/30000) = 2.997
    assert float(c_met(30000.0, 1.5, 1.5, 3.0)) == pytest.approx(2.997)


def test_c_met_rejects_negative_c0_and_keeps_missing_distance() -> None:
    with pytest.raises(ValidationError, match=r"C_0.*got -1"):
        c_met(200.0, 1.5, 1.5, -1.0)
    assert np.isnan(c_met(np.nan, 1.5, 1.5, 2.0))


# --- assembled levels, Eqs. (3)–(5) ---------------------------------------------------------


def test_n29_point_source_band_level() -> None:
    vector = _vector("N29")
    given_ = vector["input"]
    # 100 + 0 − (51 + 1.9·100/1000 + 0 + 0) = 100 − 51.19 = 48.81
    level = downwind_band_level(
        given_["Lw_dB"],
        given_["d_m"],
        given_["alpha_dB_per_km"],
        dc_db=given_["Dc"],
        a_gr_db=given_["A_gr"],
        a_bar_db=given_["A_bar"],
    )
    assert float(level) == pytest.approx(vector["expected"]["Lp_dB"], abs=1e-9)


def test_point_source_level_single_band_chain() -> None:
    # L_W only at 1 kHz (100 dB), d = 100, α(1 kHz) = 5.0:
    # L_f = 100 − (51 + 0.5) = 48.5; A_f(1 kHz) = 0 → L_AT(DW) = 48.5; C_met 1.7 → 46.8
    lw = [-np.inf] * 4 + [100.0] + [-np.inf] * 3
    result = point_source_level(lw, 100.0, [0, 0, 0, 0, 5.0, 0, 0, 0], c_met_db=1.7)
    assert result.band_levels_db[4] == pytest.approx(48.5)
    assert float(result.downwind_a_db) == pytest.approx(48.5)
    assert float(result.c_met_db) == pytest.approx(1.7)
    assert float(result.long_term_a_db) == pytest.approx(46.8)


def test_point_source_level_flat_spectrum_with_ground_and_directivity() -> None:
    # L_W = 100 in every band, d = 200, α = 0, A_gr = 4.43 (per path), D_Ω = 3.0094:
    # L_f = 100 + 3.0094 − (57.0206 + 4.43) = 41.5588; L_A = 41.5588 + 6.98713 = 48.5459
    ground = a_ground_simplified(2.0, 2.0, 200.0)
    result = point_source_level(
        np.full(8, 100.0),
        200.0,
        np.zeros(8),
        dc_db=ground.d_omega_db[..., np.newaxis],
        a_gr_db=ground.a_gr_db[..., np.newaxis],
    )
    assert result.band_levels_db == pytest.approx(np.full(8, 41.5588), abs=1e-4)
    assert float(result.downwind_a_db) == pytest.approx(48.5459, abs=1e-4)
    assert float(result.long_term_a_db) == float(result.downwind_a_db)  # C_met = 0 default


def test_point_source_level_missing_distance_is_missing_not_error() -> None:
    result = point_source_level(np.full(8, 90.0), [np.nan, 50.0], np.zeros(8))
    assert np.isnan(result.downwind_a_db[0])
    assert np.isfinite(result.downwind_a_db[1])


# --- vectorised equals scalar ---------------------------------------------------------------


def test_vectorised_terms_equal_scalar_calls() -> None:
    rng = np.random.default_rng(9613)
    d = rng.uniform(5.0, 2000.0, 64)
    hs = rng.uniform(0.0, 10.0, 64)
    hr = rng.uniform(0.0, 10.0, 64)
    dss = d / 2.0 + rng.uniform(0.0, 3.0, 64)
    z = path_difference(dss, dss, d)
    vector_ground = a_ground_simplified(hs, hr, d)
    vector_dz = barrier_dz(
        z[:, np.newaxis], dss[:, np.newaxis], dss[:, np.newaxis], d[:, np.newaxis], OCTAVE_BANDS_HZ
    )
    vector_met = c_met(d, hs, hr, 2.0)
    vector_div = a_div(d)
    for i in range(d.size):
        ground = a_ground_simplified(hs[i], hr[i], d[i])
        assert vector_ground.a_gr_db[i] == pytest.approx(float(ground.a_gr_db), rel=1e-12)
        assert vector_ground.d_omega_db[i] == pytest.approx(float(ground.d_omega_db), rel=1e-12)
        assert vector_met[i] == pytest.approx(float(c_met(d[i], hs[i], hr[i], 2.0)), rel=1e-12)
        assert vector_div[i] == pytest.approx(float(a_div(d[i])), rel=1e-12)
        for j, band in enumerate(OCTAVE_BANDS_HZ):
            scalar = float(barrier_dz(z[i], dss[i], dss[i], d[i], band))
            assert vector_dz[i, j] == pytest.approx(scalar, rel=1e-12)


def test_point_source_level_broadcasts_sources_receivers_bands() -> None:
    rng = np.random.default_rng(92)
    sources, receivers = 3, 20
    lw = rng.uniform(70.0, 110.0, (sources, 1, 8))
    d = rng.uniform(10.0, 1500.0, (sources, receivers))
    coefficients = alpha(20.0, 70.0, OCTAVE_BANDS_HZ)
    grid = point_source_level(lw, d, coefficients)
    assert grid.band_levels_db.shape == (sources, receivers, 8)
    assert grid.downwind_a_db.shape == (sources, receivers)
    for s in range(sources):
        for r in range(receivers):
            single = point_source_level(lw[s, 0], d[s, r], coefficients)
            assert grid.downwind_a_db[s, r] == pytest.approx(float(single.downwind_a_db), rel=1e-12)
            assert grid.band_levels_db[s, r] == pytest.approx(single.band_levels_db, rel=1e-12)
