"""The attenuation terms of ISO 9613-2 other than air absorption.

Divergence (Eq. (7)), the alternative ground method with its solid-angle index (Eqs. (10),
(11)) and the meteorological correction (Eqs. (21), (22)) [ISO9613-2]; barrier screening is in
:mod:`ecowarden.standards.iso9613.barrier`. Each function is element-wise over NumPy arrays
with the usual broadcasting, so a row of receivers, a column of sources and a trailing axis of
octave bands combine freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError
from ecowarden.standards.iso9613.inputs import FloatArray, checked

# ISO 9613-2 Eq. (7): the constant 11 dB (≈ 10·lg 4π) at the reference distance d_0 = 1 m.
DIVERGENCE_CONSTANT_DB = 11.0


def a_div(d_m: npt.ArrayLike) -> FloatArray:
    r"""Attenuation by geometrical divergence from a point source.

    ISO 9613-2 Eq. (7) [ISO9613-2]:

    .. math:: A_{div} = 20 \lg(d/d_0) + 11, \quad d_0 = 1\ \mathrm{m}

    Parameters
    ----------
    d_m : array_like
        Distance from source to receiver, > 0. [m]

    Returns
    -------
    numpy.ndarray
        A_div; NaN where d is NaN. [dB]

    Raises
    ------
    ValidationError
        A distance ≤ 0 or infinite.
    """
    distance = checked("distance d [m]", d_m, above=0.0)
    # d0 = 1 m, so d in metres is already d/d0. In place after the one temporary: this term
    # runs once per source-receiver pair of a noise map.
    result: FloatArray = np.asarray(np.log10(distance))
    result *= 20.0
    result += DIVERGENCE_CONSTANT_DB
    return result


def d_omega(hs_m: npt.ArrayLike, hr_m: npt.ArrayLike, dp_m: npt.ArrayLike) -> FloatArray:
    r"""Solid-angle index D_Ω for reflections from the ground near the source.

    ISO 9613-2 Eq. (11) [ISO9613-2], added to D_c when A_gr comes from Eq. (10):

    .. math:: D_\Omega = 10 \lg\Big\{1 + \frac{d_p^2 + (h_s - h_r)^2}{d_p^2 + (h_s + h_r)^2}\Big\}

    Parameters
    ----------
    hs_m, hr_m : array_like
        Heights of source and receiver above ground, ≥ 0. [m]
    dp_m : array_like
        Source-receiver distance projected on the ground plane, ≥ 0. [m]

    Returns
    -------
    numpy.ndarray
        D_Ω, between 0 and 10·lg 2 ≈ 3.01. [dB]

    Raises
    ------
    ValidationError
        A negative or infinite height or distance, or a source and receiver both on the ground
        at the same point.
    """
    hs = checked("source height h_s [m]", hs_m, at_least=0.0)
    hr = checked("receiver height h_r [m]", hr_m, at_least=0.0)
    dp = checked("projected distance d_p [m]", dp_m, at_least=0.0)
    denominator = dp**2 + (hs + hr) ** 2
    if np.any(denominator == 0.0):
        raise ValidationError("d_p and h_s + h_r are both 0: source and receiver coincide")
    result: FloatArray = 10.0 * np.log10(1.0 + (dp**2 + (hs - hr) ** 2) / denominator)
    return result


@dataclass(frozen=True, eq=False)
class SimplifiedGround:
    """Result of the alternative ground method: A_gr with its companion D_Ω.

    ``eq=False``: the fields are arrays, compared with NumPy, not with ``==``.
    """

    a_gr_db: FloatArray  # A_gr, Eq. (10) [dB]
    d_omega_db: FloatArray  # D_Ω, Eq. (11), to add to D_c [dB]


def a_ground_simplified(
    hs_m: npt.ArrayLike,
    hr_m: npt.ArrayLike,
    d_m: npt.ArrayLike,
    *,
    mean_height_m: npt.ArrayLike | None = None,
) -> SimplifiedGround:
    r"""Ground attenuation by the alternative method for A-weighted levels, with D_Ω.

    ISO 9613-2 §7.3.2 Eqs. (10), (11) [ISO9613-2], for porous or mostly porous ground and
    sound that is not a pure tone:

    .. math::

        A_{gr} = \max\Big[4.8 - \frac{2 h_m}{d}\Big(17 + \frac{300}{d}\Big),\ 0\Big],
        \qquad d_p = \sqrt{d^2 - (h_s - h_r)^2}

    D_Ω of :func:`d_omega` must then be added to D_c; it is returned beside A_gr so that the
    pair is not split.

    Parameters
    ----------
    hs_m, hr_m : array_like
        Heights of source and receiver above ground, ≥ 0. [m]
    d_m : array_like
        Distance from source to receiver, > 0 and ≥ |h_s − h_r|. [m]
    mean_height_m : array_like, optional
        Mean height h_m of the propagation path above ground (ISO 9613-2 Figure 3), ≥ 0.
        Default (h_s + h_r)/2, the value over flat ground. [m]

    Returns
    -------
    SimplifiedGround
        ``a_gr_db`` ≥ 0 and ``d_omega_db``, broadcast over the inputs. [dB]

    Raises
    ------
    ValidationError
        A height < 0, a distance ≤ 0, an infinite value, or d < |h_s − h_r|.
    """
    hs = checked("source height h_s [m]", hs_m, at_least=0.0)
    hr = checked("receiver height h_r [m]", hr_m, at_least=0.0)
    d = checked("distance d [m]", d_m, above=0.0)
    short = d < np.abs(hs - hr)
    if np.any(short):
        first = float(np.broadcast_to(d, short.shape)[short].flat[0])
        raise ValidationError(f"distance d [m] must be >= |h_s - h_r|, got {first}")
    hm = (
        (hs + hr) / 2.0
        if mean_height_m is None
        else checked("mean path height h_m [m]", mean_height_m, at_least=0.0)
    )
    a_gr: FloatArray = np.maximum(4.8 - (2.0 * hm / d) * (17.0 + 300.0 / d), 0.0)
    dp = np.sqrt(d**2 - (hs - hr) ** 2)
    return SimplifiedGround(a_gr_db=a_gr, d_omega_db=d_omega(hs, hr, dp))


def c_met(
    dp_m: npt.ArrayLike, hs_m: npt.ArrayLike, hr_m: npt.ArrayLike, c0_db: npt.ArrayLike
) -> FloatArray:
    r"""Meteorological correction C_met from the downwind to the long-term level.

    ISO 9613-2 Eqs. (21), (22) [ISO9613-2]:

    .. math::

        C_{met} = 0 \text{ if } d_p \le 10(h_s + h_r), \qquad
        C_{met} = C_0\Big[1 - \frac{10(h_s + h_r)}{d_p}\Big] \text{ otherwise}

    Parameters
    ----------
    dp_m : array_like
        Source-receiver distance projected on the ground plane, > 0. [m]
    hs_m, hr_m : array_like
        Heights of source and receiver above ground, ≥ 0. [m]
    c0_db : array_like
        C_0 from local meteorological statistics (wind speed and direction, temperature
        gradients), ≥ 0; ISO 9613-2 Note 22 puts it at 0 … 5 dB, above 2 dB being exceptional.
        [dB]

    Returns
    -------
    numpy.ndarray
        C_met, 0 ≤ C_met < C_0. [dB]

    Raises
    ------
    ValidationError
        A distance ≤ 0, a height or C_0 < 0, or an infinite value.
    """
    dp = checked("projected distance d_p [m]", dp_m, above=0.0)
    hs = checked("source height h_s [m]", hs_m, at_least=0.0)
    hr = checked("receiver height h_r [m]", hr_m, at_least=0.0)
    c0 = checked("meteorological factor C_0 [dB]", c0_db, at_least=0.0)
    threshold = 10.0 * (hs + hr)
    # Written so that a NaN (missing) d_p falls through to the formula and stays NaN.
    result: FloatArray = np.where(dp <= threshold, 0.0, c0 * (1.0 - threshold / dp))
    return result
