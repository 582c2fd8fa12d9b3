"""Atmospheric absorption: the coefficient α of ISO 9613-1 and A_atm of ISO 9613-2 Eq. (8).

α is computed from the ISO 9613-1 formula at the exact midband of each octave band, not looked up
in ISO 9613-2 Table 2: the table holds six atmospheres only, and it was itself computed this way
(reference §6.1, §9 N-Q11). The tests reproduce every printed cell of Table 2.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ecowarden.standards.iso9613.bands import Midband, midband_frequency_hz
from ecowarden.standards.iso9613.inputs import FloatArray, checked

# ISO 9613-1 §4.2 reference atmosphere [ISO9613-1].
REFERENCE_PRESSURE_KPA = 101.325  # p_r [kPa]
REFERENCE_TEMPERATURE_K = 293.15  # T_0 [K]
# ISO 9613-1 Annex B: triple-point isotherm temperature T_01 [K] of the saturation-pressure formula.
TRIPLE_POINT_K = 273.16
# Celsius to kelvin [K].
ZERO_CELSIUS_K = 273.15


def alpha(
    temperature_c: npt.ArrayLike,
    humidity_pct: npt.ArrayLike,
    frequency_hz: npt.ArrayLike,
    *,
    pressure_kpa: npt.ArrayLike = REFERENCE_PRESSURE_KPA,
    midband: str | Midband = Midband.EXACT,
) -> FloatArray:
    r"""Atmospheric attenuation coefficient α of an octave band.

    ISO 9613-1 Eq. (5) [ISO9613-1], in dB/km as ISO 9613-2 Table 2 prints it [ISO9613-2]:

    .. math::

        \alpha = 8686 f^2 \Big[1.84\times10^{-11} (p_a/p_r)^{-1} (T/T_0)^{1/2}
        + (T/T_0)^{-5/2} \Big(\frac{0.01275\, e^{-2239.1/T}}{f_{rO} + f^2/f_{rO}}
        + \frac{0.1068\, e^{-3352.0/T}}{f_{rN} + f^2/f_{rN}}\Big)\Big]

    with the relaxation frequencies of oxygen and nitrogen (Eqs. (3), (4))

    .. math::

        f_{rO} = \frac{p_a}{p_r}\Big(24 + 4.04\times10^4\, h\, \frac{0.02 + h}{0.391 + h}\Big),
        \quad
        f_{rN} = \frac{p_a}{p_r}\Big(\frac{T}{T_0}\Big)^{-1/2}
        \Big(9 + 280\, h\, e^{-4.170[(T/T_0)^{-1/3} - 1]}\Big)

    and the molar concentration of water vapour h [%] from the relative humidity h_r [%]
    (Annex B): h = h_r (p_sat/p_r)/(p_a/p_r), p_sat/p_r = 10^C,
    C = −6.8346 (T_01/T)^1.261 + 4.6151.

    Parameters
    ----------
    temperature_c : array_like
        Air temperature, > −273.15. [℃]
    humidity_pct : array_like
        Relative humidity h_r, 0 … 100. [%]
    frequency_hz : array_like
        Nominal octave bands, each one of ``OCTAVE_BANDS_HZ``. [Hz]
    pressure_kpa : array_like
        Atmospheric pressure p_a, > 0; default the reference 101.325. [kPa]
    midband : Midband or str
        ``"exact"`` (default) evaluates at f_m = 1000·10^(k/10) Hz as Table 2 does;
        ``"nominal"`` at the band label (~1 % higher α at 4 and 8 kHz).

    Returns
    -------
    numpy.ndarray
        α, broadcast over the four inputs; NaN where an input is NaN. [dB/km]

    Raises
    ------
    ValidationError
        Humidity outside 0–100 %, temperature ≤ −273.15 ℃, pressure ≤ 0, or an infinite input.
    UnknownNameError
        A frequency that is not a nominal octave band.

    Notes
    -----
    ISO 9613-1 states ±10 % accuracy for −20 … +50 ℃, 10 … 100 % humidity and pressures below
    200 kPa; values outside that window are computed, not refused, since a county's winter
    nights fall below −20 ℃.
    """
    temperature_k = (
        checked("temperature [℃]", temperature_c, above=-ZERO_CELSIUS_K) + ZERO_CELSIUS_K
    )
    humidity = checked("relative humidity [%]", humidity_pct, at_least=0.0, at_most=100.0)
    pressure = checked("atmospheric pressure [kPa]", pressure_kpa, above=0.0)
    frequency = midband_frequency_hz(frequency_hz, midband)

    pressure_ratio = pressure / REFERENCE_PRESSURE_KPA
    temperature_ratio = temperature_k / REFERENCE_TEMPERATURE_K
    exponent_c = -6.8346 * (TRIPLE_POINT_K / temperature_k) ** 1.261 + 4.6151
    h = humidity * 10.0**exponent_c / pressure_ratio
    f_ro = pressure_ratio * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h))
    f_rn = (
        pressure_ratio
        * temperature_ratio**-0.5
        * (9.0 + 280.0 * h * np.exp(-4.170 * (temperature_ratio ** (-1.0 / 3.0) - 1.0)))
    )
    f2 = frequency**2
    per_metre = (
        8.686
        * f2
        * (
            1.84e-11 / pressure_ratio * temperature_ratio**0.5
            + temperature_ratio**-2.5
            * (
                0.01275 * np.exp(-2239.1 / temperature_k) / (f_ro + f2 / f_ro)
                + 0.1068 * np.exp(-3352.0 / temperature_k) / (f_rn + f2 / f_rn)
            )
        )
    )
    result: FloatArray = 1000.0 * per_metre
    return result


def a_atm(alpha_db_per_km: npt.ArrayLike, d_m: npt.ArrayLike) -> FloatArray:
    r"""Attenuation by atmospheric absorption over a path.

    ISO 9613-2 Eq. (8) [ISO9613-2]:

    .. math:: A_{atm} = \alpha d / 1000

    Parameters
    ----------
    alpha_db_per_km : array_like
        Attenuation coefficient α of the band, ≥ 0 (see :func:`alpha`). [dB/km]
    d_m : array_like
        Distance from source to receiver, > 0. [m]

    Returns
    -------
    numpy.ndarray
        A_atm, broadcast over the inputs (α of shape (8,) against d of shape (n, 1) gives
        (n, 8)). [dB]

    Raises
    ------
    ValidationError
        A negative or infinite α, a distance ≤ 0 or infinite.
    """
    coefficient = checked("attenuation coefficient alpha [dB/km]", alpha_db_per_km, at_least=0.0)
    distance = checked("distance d [m]", d_m, above=0.0)
    # distance/1000 first: the division runs over the (smaller) path array, not the band grid.
    result: FloatArray = coefficient * (distance / 1000.0)
    return result
