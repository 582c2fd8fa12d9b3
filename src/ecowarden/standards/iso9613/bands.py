"""Octave bands of ISO 9613-2 and the A-weighted total over them.

ISO 9613-2 computes per octave band, nominal midband frequencies 63 Hz to 8 kHz [ISO9613-2], and
sums the bands with the A-weighting corrections into one A-weighted level. Arrays of band values
carry the bands on their **last axis**, in the order of :data:`OCTAVE_BANDS_HZ`.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.iso9613.inputs import FloatArray, checked

# Nominal octave-band midband frequencies [Hz], ISO 9613-2 §6 and Table 2 [ISO9613-2].
OCTAVE_BANDS_HZ: tuple[int, ...] = (63, 125, 250, 500, 1000, 2000, 4000, 8000)

# Exact base-10 midbands behind the nominal labels: f_m = 1000·10^(k/10) Hz, k a multiple of 3
# for octave bands [ISO9613-1] (the frequencies at which ISO 9613-2 Table 2 was computed).
MIDBAND_EXPONENT_K: dict[int, int] = {
    63: -12,
    125: -9,
    250: -6,
    500: -3,
    1000: 0,
    2000: 3,
    4000: 6,
    8000: 9,
}

# Octave-band A-weighting corrections A_f [dB] for 63 Hz … 8 kHz, IEC 61672-1 values rounded to
# 0.1 dB as ISO 9613-2 §6 applies them [IEC61672-1] [ISO9613-2].
A_WEIGHTING_DB: tuple[float, ...] = (-26.2, -16.1, -8.6, -3.2, 0.0, 1.2, 1.0, -1.1)

_BANDS = np.array(OCTAVE_BANDS_HZ, dtype=np.float64)
# 10^(x/10) = exp(x·ln10/10); exp is the cheaper ufunc on large arrays.
_LN10_OVER_10 = np.log(10.0) / 10.0
_A_WEIGHT_FACTORS = np.exp(np.array(A_WEIGHTING_DB, dtype=np.float64) * _LN10_OVER_10)


class Midband(StrEnum):
    """Which frequency stands for an octave band when a formula needs a frequency."""

    EXACT = "exact"  # 1000·10^(k/10) Hz: reproduces ISO 9613-2 Table 2 (reference §9 N-Q11)
    NOMINAL = "nominal"  # the label itself (63, 125 … Hz): ~1 % high at 4 and 8 kHz


def parse_midband(name: str | Midband) -> Midband:
    """A :class:`Midband` from its value, or :class:`UnknownNameError` listing the valid ones."""
    try:
        return Midband(name)
    except ValueError:
        raise UnknownNameError("midband convention", name, [m.value for m in Midband]) from None


def midband_frequency_hz(
    frequency_hz: npt.ArrayLike, midband: str | Midband = Midband.EXACT
) -> FloatArray:
    r"""Frequency standing for each nominal octave band.

    .. math:: f_m = 1000 \cdot 10^{k/10}\ \mathrm{Hz}

    Parameters
    ----------
    frequency_hz : array_like
        Nominal octave-band midband frequencies, each one of :data:`OCTAVE_BANDS_HZ`. [Hz]
    midband : Midband or str
        ``"exact"`` (default) gives f_m of ISO 9613-1 [ISO9613-1]; ``"nominal"`` the label.

    Returns
    -------
    numpy.ndarray
        Frequencies, same shape as ``frequency_hz``. [Hz]

    Raises
    ------
    UnknownNameError
        A frequency that is not a nominal octave band, listing the valid bands.
    """
    convention = parse_midband(midband)
    nominal = np.asarray(frequency_hz, dtype=np.float64)
    index = np.clip(np.searchsorted(_BANDS, nominal), 0, _BANDS.size - 1)
    known = _BANDS[index] == nominal
    if not known.all():
        unknown = float(nominal[~known].flat[0])
        raise UnknownNameError(
            "octave band [Hz]", f"{unknown:g}", [str(band) for band in OCTAVE_BANDS_HZ]
        )
    if convention is Midband.NOMINAL:
        return nominal
    exponents = np.array([MIDBAND_EXPONENT_K[band] for band in OCTAVE_BANDS_HZ], dtype=np.float64)
    exact: FloatArray = 1000.0 * 10.0 ** (exponents[index] / 10.0)
    return exact


def a_weighting(octave_levels_db: npt.ArrayLike) -> FloatArray:
    r"""A-weighted total of octave-band levels.

    .. math:: L_A = 10 \lg \sum_{f} 10^{(L_f + A_f)/10}

    with the A-weighting corrections A_f of :data:`A_WEIGHTING_DB` [IEC61672-1], as ISO 9613-2
    Eq. (5) sums the bands [ISO9613-2].

    Parameters
    ----------
    octave_levels_db : array_like, shape (..., 8)
        Unweighted octave-band levels L_f, 63 Hz … 8 kHz on the last axis. −∞ marks a band with
        no energy; NaN a missing band. [dB]

    Returns
    -------
    numpy.ndarray, shape (...)
        A-weighted level; NaN where any band is missing, −∞ where no band has energy. [dB(A)]

    Raises
    ------
    ValidationError
        The last axis is not the 8 octave bands, or a level is +∞.
    """
    levels = checked("octave-band level L_f [dB]", octave_levels_db, allow_minus_inf=True)
    if levels.ndim == 0 or levels.shape[-1] != _BANDS.size:
        raise ValidationError(
            f"octave-band levels need the {_BANDS.size} bands 63 Hz … 8 kHz on the last axis, "
            f"got shape {levels.shape}"
        )
    return a_weighted_sum(levels)


def a_weighted_sum(levels: FloatArray) -> FloatArray:
    """:func:`a_weighting` without the checks, for levels already computed from checked input.

    10^((L_f + A_f)/10) = 10^(L_f/10)·10^(A_f/10): one exponential over the band grid in place,
    then a dot product with the weights 10^(A_f/10) sums the bands.
    """
    energy = levels * _LN10_OVER_10
    np.exp(energy, out=energy)
    total_energy = energy @ _A_WEIGHT_FACTORS
    with np.errstate(divide="ignore"):
        total: FloatArray = 10.0 * np.log10(total_energy)
    return total
