"""Receiver levels of a point source: octave-band downwind levels, A-weighted and long-term.

Shapes: band-resolved quantities carry the 8 octave bands on the last axis, ``(..., 8)``;
per-path quantities (distance, C_met) have the leading shape ``(...)`` alone. A per-path value
of a band term (one A_gr from the alternative ground method for every band) is passed with a
trailing axis of length 1, ``a_gr[..., np.newaxis]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError
from ecowarden.standards.iso9613.atmosphere import a_atm
from ecowarden.standards.iso9613.attenuation import a_div
from ecowarden.standards.iso9613.bands import OCTAVE_BANDS_HZ, a_weighted_sum
from ecowarden.standards.iso9613.inputs import FloatArray, checked


def downwind_band_level(
    lw_db: npt.ArrayLike,
    d_m: npt.ArrayLike,
    alpha_db_per_km: npt.ArrayLike,
    *,
    dc_db: npt.ArrayLike = 0.0,
    a_gr_db: npt.ArrayLike = 0.0,
    a_bar_db: npt.ArrayLike = 0.0,
    a_misc_db: npt.ArrayLike = 0.0,
) -> FloatArray:
    r"""Equivalent continuous downwind octave-band level at the receiver.

    ISO 9613-2 Eqs. (3), (4) [ISO9613-2], element-wise:

    .. math::

        L_{fT}(DW) = L_W + D_c - A,\qquad
        A = A_{div} + A_{atm} + A_{gr} + A_{bar} + A_{misc}

    with A_div of Eq. (7) and A_atm = α·d/1000 of Eq. (8).

    Parameters
    ----------
    lw_db : array_like
        Octave-band sound power level L_W of the point source (−∞ = no power). [dB re 1 pW]
    d_m : array_like
        Distance from source to receiver, > 0. [m]
    alpha_db_per_km : array_like
        Atmospheric attenuation coefficient of the band, ≥ 0. [dB/km]
    dc_db : array_like
        Directivity correction D_c = D_I + D_Ω. [dB]
    a_gr_db, a_bar_db, a_misc_db : array_like
        Ground, barrier and miscellaneous attenuation. [dB]

    Returns
    -------
    numpy.ndarray
        L_fT(DW), broadcast over the inputs. [dB]

    Raises
    ------
    ValidationError
        A distance ≤ 0, a negative α, or an infinite value (L_W may be −∞).
    """
    lw = checked("sound power level L_W [dB]", lw_db, allow_minus_inf=True)
    dc = checked("directivity correction D_c [dB]", dc_db)
    a_gr = checked("ground attenuation A_gr [dB]", a_gr_db)
    a_bar = checked("barrier attenuation A_bar [dB]", a_bar_db)
    a_misc = checked("miscellaneous attenuation A_misc [dB]", a_misc_db)
    # The band terms are usually small (8 bands, or scalars) and are combined first; the path
    # terms span the receiver grid, so the sum is built in the one array A_atm allocates.
    net_band_terms = lw + dc - a_gr - a_bar - a_misc
    # asarray: for scalar inputs the ufuncs hand back a NumPy scalar, which has no buffer.
    attenuation = np.asarray(a_atm(alpha_db_per_km, d_m))
    attenuation += a_div(d_m)
    shape = np.broadcast_shapes(net_band_terms.shape, attenuation.shape)
    result: FloatArray = np.subtract(
        net_band_terms, attenuation, out=attenuation if shape == attenuation.shape else None
    )
    return result


@dataclass(frozen=True, eq=False)
class PointSourceLevel:
    """Levels of one point source at its receivers (``eq=False``: fields are arrays)."""

    band_levels_db: FloatArray  # L_fT(DW), shape (..., 8) [dB]
    downwind_a_db: FloatArray  # L_AT(DW), shape (...) [dB(A)]
    c_met_db: FloatArray  # C_met applied, shape (...) [dB]
    long_term_a_db: FloatArray  # L_AT(LT) = L_AT(DW) − C_met, shape (...) [dB(A)]


def point_source_level(
    lw_db: npt.ArrayLike,
    d_m: npt.ArrayLike,
    alpha_db_per_km: npt.ArrayLike,
    *,
    dc_db: npt.ArrayLike = 0.0,
    a_gr_db: npt.ArrayLike = 0.0,
    a_bar_db: npt.ArrayLike = 0.0,
    a_misc_db: npt.ArrayLike = 0.0,
    c_met_db: npt.ArrayLike = 0.0,
) -> PointSourceLevel:
    r"""Octave-band, A-weighted downwind and long-term levels of a point source.

    ISO 9613-2 Eqs. (3)–(5) and (21) [ISO9613-2]:

    .. math::

        L_{fT}(DW) = L_W + D_c - A,\quad
        L_{AT}(DW) = 10 \lg \sum_f 10^{[L_{fT}(DW) + A_f]/10},\quad
        L_{AT}(LT) = L_{AT}(DW) - C_{met}

    C_met applies to the A-weighted level, as the standard applies it.

    Parameters
    ----------
    lw_db : array_like, shape (..., 8)
        Octave-band sound power levels L_W, 63 Hz … 8 kHz on the last axis. [dB re 1 pW]
    d_m : array_like, shape (...)
        Distance from source to receiver, > 0; one per path. [m]
    alpha_db_per_km : array_like, shape (..., 8)
        Attenuation coefficients α of the 8 bands (see ``alpha``). [dB/km]
    dc_db, a_gr_db, a_bar_db, a_misc_db : array_like, broadcast to (..., 8)
        D_c and the attenuation terms per band; a per-path value needs a trailing axis of
        length 1. [dB]
    c_met_db : array_like, shape (...)
        Meteorological correction C_met (see ``c_met``); the default 0 makes L_AT(LT) equal to
        L_AT(DW). [dB]

    Returns
    -------
    PointSourceLevel
        The band levels, L_AT(DW), C_met and L_AT(LT); NaN wherever an input is missing.

    Raises
    ------
    ValidationError
        As :func:`downwind_band_level`, or band levels that are not 8 bands on the last axis.
    """
    distance = checked("distance d [m]", d_m, above=0.0)[..., np.newaxis]
    correction = checked("meteorological correction C_met [dB]", c_met_db)
    bands = downwind_band_level(
        lw_db,
        distance,
        alpha_db_per_km,
        dc_db=dc_db,
        a_gr_db=a_gr_db,
        a_bar_db=a_bar_db,
        a_misc_db=a_misc_db,
    )
    if bands.ndim == 0 or bands.shape[-1] != len(OCTAVE_BANDS_HZ):
        raise ValidationError(
            f"band inputs need the {len(OCTAVE_BANDS_HZ)} octave bands on the last axis, "
            f"got shape {bands.shape}"
        )
    downwind = a_weighted_sum(bands)
    long_term = downwind - correction
    return PointSourceLevel(
        band_levels_db=bands,
        downwind_a_db=downwind,
        c_met_db=np.broadcast_to(correction, long_term.shape).copy(),
        long_term_a_db=long_term,
    )
