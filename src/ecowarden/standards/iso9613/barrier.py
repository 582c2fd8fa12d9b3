"""Barrier screening of ISO 9613-2 §7.4: path difference, K_met, D_z and A_bar.

Eqs. (12)–(18) [ISO9613-2], element-wise over NumPy arrays with the usual broadcasting: paths on
the leading axes, octave bands (through ``frequency_hz``) on the last.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError
from ecowarden.standards.iso9613.inputs import BoolArray, FloatArray, checked

# ISO 9613-2 Eq. (14): C2 = 20 includes ground reflections; 40 when they are modelled
# separately by image sources [dimensionless].
C2_GROUND_INCLUDED = 20.0
C2_GROUND_BY_IMAGE_SOURCES = 40.0
# ISO 9613-2 §7.4: D_z shall not exceed 20 dB for single and 25 dB for double diffraction [dB].
DZ_CAP_SINGLE_DB = 20.0
DZ_CAP_DOUBLE_DB = 25.0
# Speed of sound for λ = c/f [m/s]; ISO 9613-2 fixes no value, 340 m/s is the reference's
# vector N31 and common practice (decision record 0005).
SPEED_OF_SOUND_M_S = 340.0
# Paths built from coordinates may miss the triangle inequality by rounding; a shortfall up to
# this fraction of d counts as grazing (z = 0) rather than as bad geometry.
_GRAZING_TOLERANCE = 1e-9


def path_difference(
    dss_m: npt.ArrayLike,
    dsr_m: npt.ArrayLike,
    d_m: npt.ArrayLike,
    *,
    edge_spacing_m: npt.ArrayLike = 0.0,
    parallel_offset_m: npt.ArrayLike = 0.0,
    line_of_sight_blocked: npt.ArrayLike = True,
) -> FloatArray:
    r"""Path-length difference z between the diffracted and the direct path.

    ISO 9613-2 Eqs. (16), (17) [ISO9613-2]:

    .. math:: z = \sqrt{(d_{ss} + d_{sr} + e)^2 + a^2} - d

    with e = 0 for single diffraction. Where the line of sight passes above the top edge, z is
    given a negative sign (text after Eq. (16)).

    Parameters
    ----------
    dss_m : array_like
        Distance from the source to the (first) diffraction edge, > 0. [m]
    dsr_m : array_like
        Distance from the (last) diffraction edge to the receiver, > 0. [m]
    d_m : array_like
        Direct source-receiver distance, > 0. [m]
    edge_spacing_m : array_like
        Distance e between the two edges of double diffraction, ≥ 0; 0 = single. [m]
    parallel_offset_m : array_like
        Component a of the source-receiver distance parallel to the barrier edge. [m]
    line_of_sight_blocked : array_like of bool
        False where the line of sight passes above the edge (z becomes negative).

    Returns
    -------
    numpy.ndarray
        z. [m]

    Raises
    ------
    ValidationError
        A distance ≤ 0, an infinite value, or a direct distance longer than the path over the
        edge (the geometry violates the triangle inequality).
    """
    dss = checked("source-edge distance d_ss [m]", dss_m, above=0.0)
    dsr = checked("edge-receiver distance d_sr [m]", dsr_m, above=0.0)
    d = checked("distance d [m]", d_m, above=0.0)
    e = checked("edge spacing e [m]", edge_spacing_m, at_least=0.0)
    a = checked("parallel offset a [m]", parallel_offset_m)
    blocked: BoolArray = np.asarray(line_of_sight_blocked, dtype=np.bool_)
    z = np.sqrt((dss + dsr + e) ** 2 + a**2) - d
    impossible = z < -_GRAZING_TOLERANCE * d
    if np.any(impossible):
        first = float(np.broadcast_to(d, impossible.shape)[impossible].flat[0])
        raise ValidationError(f"distance d [m] must not exceed the path over the edge, got {first}")
    magnitude = np.maximum(z, 0.0)
    result: FloatArray = np.where(blocked, magnitude, -magnitude)
    return result


def k_met(
    z_m: npt.ArrayLike,
    dss_m: npt.ArrayLike,
    dsr_m: npt.ArrayLike,
    d_m: npt.ArrayLike,
    *,
    lateral: npt.ArrayLike = False,
) -> FloatArray:
    r"""Correction factor K_met for meteorological effects on barrier attenuation.

    ISO 9613-2 Eq. (18) [ISO9613-2]:

    .. math:: K_{met} = \exp\Big[-\frac{1}{2000}\sqrt{\frac{d_{ss} d_{sr} d}{2z}}\Big]
              \ (z > 0),\qquad K_{met} = 1\ (z \le 0 \text{ or lateral diffraction})

    Parameters
    ----------
    z_m : array_like
        Path-length difference (see :func:`path_difference`). [m]
    dss_m, dsr_m, d_m : array_like
        Source-edge, edge-receiver and direct distances, > 0. [m]
    lateral : array_like of bool
        True for diffraction round a vertical edge.

    Returns
    -------
    numpy.ndarray
        K_met, 0 < K_met ≤ 1.

    Raises
    ------
    ValidationError
        A distance ≤ 0 or an infinite value.
    """
    z = checked("path difference z [m]", z_m)
    dss = checked("source-edge distance d_ss [m]", dss_m, above=0.0)
    dsr = checked("edge-receiver distance d_sr [m]", dsr_m, above=0.0)
    d = checked("distance d [m]", d_m, above=0.0)
    return _k_met(z, dss, dsr, d, np.asarray(lateral, dtype=np.bool_))


def _k_met(
    z: FloatArray, dss: FloatArray, dsr: FloatArray, d: FloatArray, lateral: BoolArray
) -> FloatArray:
    screened = (z > 0.0) & ~lateral
    # np.where evaluates both branches: z is replaced by 1 where unscreened to keep the root real.
    # A vanishing z (subnormal) overflows the quotient to inf: K_met → exp(−inf) = 0, the limit.
    with np.errstate(over="ignore"):
        root = np.sqrt(dss * dsr * d / (2.0 * np.where(screened, z, 1.0)))
    factor: FloatArray = np.where(screened, np.exp(-root / 2000.0), 1.0)
    return factor


def barrier_dz(
    z_m: npt.ArrayLike,
    dss_m: npt.ArrayLike,
    dsr_m: npt.ArrayLike,
    d_m: npt.ArrayLike,
    frequency_hz: npt.ArrayLike,
    *,
    edge_spacing_m: npt.ArrayLike = 0.0,
    c2: float = C2_GROUND_INCLUDED,
    lateral: npt.ArrayLike = False,
    speed_of_sound_m_s: float = SPEED_OF_SOUND_M_S,
) -> FloatArray:
    r"""Barrier attenuation D_z of one diffraction path, capped.

    ISO 9613-2 Eqs. (14), (15), (18) [ISO9613-2]:

    .. math::

        D_z = 10 \lg\Big[3 + \frac{C_2}{\lambda} C_3 z K_{met}\Big],\quad
        C_3 = \frac{1 + (5\lambda/e)^2}{1/3 + (5\lambda/e)^2},\quad
        K_{met} = \exp\Big[-\frac{1}{2000}\sqrt{\frac{d_{ss} d_{sr} d}{2z}}\Big]

    C_3 = 1 for single diffraction (e = 0); K_met = 1 for z ≤ 0 and for lateral diffraction.
    D_z is capped at 20 dB (single) or 25 dB (double diffraction), and kept ≥ 0 where a
    negative z (line of sight clear) drives the bracket below 1.

    Parameters
    ----------
    z_m : array_like
        Path-length difference (see :func:`path_difference`). [m]
    dss_m, dsr_m, d_m : array_like
        Source-edge, edge-receiver and direct distances, > 0. [m]
    frequency_hz : array_like
        Frequency for λ = c/f, > 0; ISO 9613-2 takes the nominal octave midband. [Hz]
    edge_spacing_m : array_like
        Edge spacing e of double diffraction, ≥ 0; 0 = single diffraction. [m]
    c2 : float
        20 (ground reflections included, default) or 40 (modelled by image sources).
    lateral : array_like of bool
        True for diffraction round a vertical edge (K_met = 1).
    speed_of_sound_m_s : float
        Speed of sound c, > 0; default 340. [m/s]

    Returns
    -------
    numpy.ndarray
        D_z, 0 … 20 (single) or 0 … 25 (double diffraction). [dB]

    Raises
    ------
    ValidationError
        C2 other than 20 or 40, a distance, frequency or speed ≤ 0, e < 0, an infinite value.
    """
    if c2 not in (C2_GROUND_INCLUDED, C2_GROUND_BY_IMAGE_SOURCES):
        raise ValidationError(f"C2 must be 20 or 40 (ISO 9613-2 Eq. (14)), got {c2!r}")
    z = checked("path difference z [m]", z_m)
    dss = checked("source-edge distance d_ss [m]", dss_m, above=0.0)
    dsr = checked("edge-receiver distance d_sr [m]", dsr_m, above=0.0)
    d = checked("distance d [m]", d_m, above=0.0)
    frequency = checked("frequency [Hz]", frequency_hz, above=0.0)
    e = checked("edge spacing e [m]", edge_spacing_m, at_least=0.0)
    speed = float(checked("speed of sound c [m/s]", speed_of_sound_m_s, above=0.0))
    is_lateral: BoolArray = np.asarray(lateral, dtype=np.bool_)

    wavelength = speed / frequency
    single = e == 0.0
    # Where e = 0 the formula is replaced by its limit C_3 = 1; the placeholder 1 m only keeps
    # the division defined.
    ratio_sq = (5.0 * wavelength / np.where(single, 1.0, e)) ** 2
    c3 = np.where(single, 1.0, (1.0 + ratio_sq) / (1.0 / 3.0 + ratio_sq))
    factor = _k_met(z, dss, dsr, d, is_lateral)
    bracket = 3.0 + (c2 / wavelength) * c3 * z * factor
    dz = 10.0 * np.log10(np.maximum(bracket, 1.0))
    result: FloatArray = np.minimum(dz, np.where(single, DZ_CAP_SINGLE_DB, DZ_CAP_DOUBLE_DB))
    return result


def a_bar(
    dz_db: npt.ArrayLike, a_gr_db: npt.ArrayLike, *, lateral: npt.ArrayLike = False
) -> FloatArray:
    r"""Attenuation A_bar of a barrier from its D_z.

    ISO 9613-2 Eqs. (12), (13) [ISO9613-2]: over the top edge the ground effect of the
    unscreened path is spent in the diffraction; round a vertical edge it is kept:

    .. math:: A_{bar} = \max(D_z - A_{gr}, 0)\ \text{(top edge)},\qquad
              A_{bar} = D_z\ \text{(lateral edge)}

    Parameters
    ----------
    dz_db : array_like
        Barrier attenuation D_z (see :func:`barrier_dz`), ≥ 0. [dB]
    a_gr_db : array_like
        Ground attenuation A_gr of the path without the barrier (may be negative). [dB]
    lateral : array_like of bool
        True for diffraction round a vertical edge.

    Returns
    -------
    numpy.ndarray
        A_bar ≥ 0. [dB]

    Raises
    ------
    ValidationError
        A negative D_z or an infinite value.
    """
    dz = checked("barrier attenuation D_z [dB]", dz_db, at_least=0.0)
    a_gr = checked("ground attenuation A_gr [dB]", a_gr_db)
    is_lateral: BoolArray = np.asarray(lateral, dtype=np.bool_)
    result: FloatArray = np.where(is_lateral, dz, np.maximum(dz - a_gr, 0.0))
    return result
