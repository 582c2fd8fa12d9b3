"""HJ 2.4-2021 Appendix A: geometric divergence of point, line and area sources, and levels.

The guideline's prediction formulas follow ISO 9613-2 / GB/T 17247.2 [HJ2.4-2021] [ISO9613-2];
the reference marks the Appendix A wording [unconfirmed] (reference §6.3), so every choice made
where the text is silent is switchable and recorded in ``docs/decisions/0005-propagation.md``.
All functions broadcast over NumPy arrays of receivers; NaN inputs give NaN results.

The road-traffic model of HJ 2.4 and its (L_0E)_i coefficients are not encoded until verified
(reference §9 N-Q9).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.iso9613.inputs import FloatArray, checked


class SoundField(StrEnum):
    """Sound field of a point source for the A-weighted divergence formula."""

    FREE = "free"  # 自由声场: source radiating into the full sphere
    SEMI_FREE = "semi-free"  # 半自由声场: source on hard ground, radiating into a half sphere

    @property
    def label_zh(self) -> str:
        """Chinese name of the sound field in HJ 2.4."""
        return _SOUND_FIELD_LABELS_ZH[self]


_SOUND_FIELD_LABELS_ZH = {SoundField.FREE: "自由声场", SoundField.SEMI_FREE: "半自由声场"}

# HJ 2.4-2021 Appendix A: L_A(r) = L_Aw − 20·lg r − C, with C = 11 dB in a free field and
# 8 dB in a semi-free field (source on hard ground) [HJ2.4-2021]. [dB]
POINT_FIELD_CONSTANT_DB: dict[SoundField, float] = {
    SoundField.FREE: 11.0,
    SoundField.SEMI_FREE: 8.0,
}


class FiniteLineMethod(StrEnum):
    """How the divergence of a finite line source is computed."""

    # The guideline's two approximations (10 dB per decade below l0/3, 20 above l0), joined
    # through l0/3 … l0 by the bisector integral into one continuous decay curve.
    GUIDELINE = "guideline"
    # The energy integral over an incoherent line source of uniform strength, receiver on
    # the perpendicular bisector, at every distance.
    BISECTOR_INTEGRAL = "bisector integral"


def parse_sound_field(name: str | SoundField) -> SoundField:
    """A :class:`SoundField` from its value, or :class:`UnknownNameError` listing the valid ones."""
    try:
        return SoundField(name)
    except ValueError:
        raise UnknownNameError("sound field", name, [f.value for f in SoundField]) from None


def parse_finite_line_method(name: str | FiniteLineMethod) -> FiniteLineMethod:
    """A :class:`FiniteLineMethod` from its value, or :class:`UnknownNameError`."""
    try:
        return FiniteLineMethod(name)
    except ValueError:
        raise UnknownNameError(
            "finite line method", name, [m.value for m in FiniteLineMethod]
        ) from None


def point_divergence(r_m: npt.ArrayLike, r0_m: npt.ArrayLike) -> FloatArray:
    r"""Divergence of a point source between two distances.

    HJ 2.4-2021 Appendix A [HJ2.4-2021], L_p(r) = L_p(r0) + D_c − A with

    .. math:: A_{div} = 20 \lg(r/r_0)

    Parameters
    ----------
    r_m : array_like
        Distance of the receiver from the source, > 0. [m]
    r0_m : array_like
        Reference distance at which L_p(r0) is known, > 0. [m]

    Returns
    -------
    numpy.ndarray
        A_div (negative when r < r0). [dB]

    Raises
    ------
    ValidationError
        A distance ≤ 0 or infinite.
    """
    r = checked("distance r [m]", r_m, above=0.0)
    r0 = checked("reference distance r0 [m]", r0_m, above=0.0)
    result: FloatArray = 20.0 * np.log10(r / r0)
    return result


def point_a_level(
    l_aw_db: npt.ArrayLike,
    r_m: npt.ArrayLike,
    *,
    field: str | SoundField = SoundField.FREE,
) -> FloatArray:
    r"""A-weighted level of a point source at distance r from its A-weighted sound power.

    HJ 2.4-2021 Appendix A [HJ2.4-2021]:

    .. math:: L_A(r) = L_{Aw} - 20 \lg r - 11\ \text{(free field)},\qquad
              L_A(r) = L_{Aw} - 20 \lg r - 8\ \text{(semi-free field)}

    The semi-free form equals ISO 9613-2 A_div with D_Ω = 3 dB [ISO9613-2].

    Parameters
    ----------
    l_aw_db : array_like
        A-weighted sound power level L_Aw (−∞ = no power). [dB(A) re 1 pW]
    r_m : array_like
        Distance from the source, > 0 (r in metres, r0 = 1 m). [m]
    field : SoundField or str
        ``"free"`` (default) or ``"semi-free"`` (source on hard ground).

    Returns
    -------
    numpy.ndarray
        L_A(r). [dB(A)]

    Raises
    ------
    ValidationError
        A distance ≤ 0, or an infinite value (L_Aw may be −∞).
    UnknownNameError
        An unknown sound field, listing the valid ones.
    """
    constant = POINT_FIELD_CONSTANT_DB[parse_sound_field(field)]
    l_aw = checked("A-weighted sound power level L_Aw [dB]", l_aw_db, allow_minus_inf=True)
    r = checked("distance r [m]", r_m, above=0.0)
    result: FloatArray = l_aw - 20.0 * np.log10(r) - constant
    return result


def infinite_line_divergence(r_m: npt.ArrayLike, r0_m: npt.ArrayLike) -> FloatArray:
    r"""Divergence of an infinite line source between two perpendicular distances.

    HJ 2.4-2021 Appendix A [HJ2.4-2021]:

    .. math:: \Delta L = 10 \lg(r/r_0)

    Parameters
    ----------
    r_m, r0_m : array_like
        Perpendicular distances of receiver and reference point from the line, > 0. [m]

    Returns
    -------
    numpy.ndarray
        ΔL, the level at r0 minus the level at r. [dB]

    Raises
    ------
    ValidationError
        A distance ≤ 0 or infinite.
    """
    r = checked("distance r [m]", r_m, above=0.0)
    r0 = checked("reference distance r0 [m]", r0_m, above=0.0)
    result: FloatArray = 10.0 * np.log10(r / r0)
    return result


def finite_line_divergence(
    r_m: npt.ArrayLike,
    r0_m: npt.ArrayLike,
    length_m: npt.ArrayLike,
    *,
    method: str | FiniteLineMethod = FiniteLineMethod.GUIDELINE,
) -> FloatArray:
    r"""Divergence of a finite line source of length l0 between two distances.

    HJ 2.4-2021 Appendix A approximations [HJ2.4-2021], r and r0 measured perpendicular to the
    line through its midpoint:

    .. math::

        \Delta L \approx 10 \lg(r/r_0)\ \ (r, r_0 < l_0/3),\qquad
        \Delta L \approx 20 \lg(r/r_0)\ \ (r, r_0 > l_0)

    Both are the limits of the energy integral over an incoherent line source of uniform
    strength with the receiver on the perpendicular bisector,

    .. math::

        I(r) = -10 \lg\frac{\arctan(l_0/2r)}{r},\qquad \Delta L = I(r) - I(r_0)

    The guideline says nothing for l0/3 ≤ r ≤ l0 nor for r and r0 in different ranges. The
    default joins its two approximations through that gap with the integral into one continuous
    decay curve G(r) (10 dB per decade up to l0/3, the increments of I up to l0, 20 dB per
    decade beyond), and ΔL = G(r) − G(r0): the guideline's formula where r and r0 share a range,
    never decreasing with distance.

    Parameters
    ----------
    r_m, r0_m : array_like
        Distances of receiver and reference point from the line's midpoint, > 0. [m]
    length_m : array_like
        Length l0 of the line source, > 0. [m]
    method : FiniteLineMethod or str
        ``"guideline"`` (default): the joined curve G. ``"bisector integral"``: I at every
        distance.

    Returns
    -------
    numpy.ndarray
        ΔL, the level at r0 minus the level at r. [dB]

    Raises
    ------
    ValidationError
        A distance or length ≤ 0 or infinite.
    UnknownNameError
        An unknown method, listing the valid ones.
    """
    chosen = parse_finite_line_method(method)
    r = checked("distance r [m]", r_m, above=0.0)
    r0 = checked("reference distance r0 [m]", r0_m, above=0.0)
    length = checked("line length l0 [m]", length_m, above=0.0)
    decay = (
        _line_integral_decay_db
        if chosen is FiniteLineMethod.BISECTOR_INTEGRAL
        else (_line_guideline_decay_db)
    )
    result: FloatArray = decay(r, length) - decay(r0, length)
    return result


def _line_integral_decay_db(r: FloatArray, length: FloatArray) -> FloatArray:
    # I(r) = −10·lg[arctan(l0/2r)/r]: the level at r falls by I(r) plus a constant.
    decay: FloatArray = -10.0 * np.log10(np.arctan(length / (2.0 * r)) / r)
    return decay


def _line_guideline_decay_db(r: FloatArray, length: FloatArray) -> FloatArray:
    # G(r): 10·lg r up to l0/3, then the increments of I up to l0, then 20·lg(r/l0) beyond.
    third = length / 3.0
    near_part = 10.0 * np.log10(np.minimum(r, third))
    bridge = _line_integral_decay_db(np.clip(r, third, length), length)
    bridge_part = bridge - _line_integral_decay_db(third, length)
    far_part = 20.0 * np.log10(np.maximum(r, length) / length)
    decay: FloatArray = near_part + bridge_part + far_part
    return decay


def area_divergence(
    r_m: npt.ArrayLike,
    r0_m: npt.ArrayLike,
    side_a_m: npt.ArrayLike,
    side_b_m: npt.ArrayLike,
) -> FloatArray:
    r"""Divergence of a rectangular area source a × b between two distances on its axis.

    HJ 2.4-2021 Appendix A [HJ2.4-2021], a the shorter side:

    .. math::

        A_{div} \approx 0\ (r < a/\pi),\quad
        \approx 10 \lg(r/r_0)\ (a/\pi < r < b/\pi),\quad
        \approx 20 \lg(r/r_0)\ (r > b/\pi)

    The three ranges are joined into one continuous decay curve G(r) (flat, then 10 dB and
    20 dB per decade, breaking at a/π and b/π), and A_div = G(r) − G(r0); for r and r0 in the
    same range this is the guideline's formula of that range.

    Parameters
    ----------
    r_m, r0_m : array_like
        Distances of receiver and reference point from the centre of the area, > 0. [m]
    side_a_m, side_b_m : array_like
        Sides of the rectangle, > 0, in either order. [m]

    Returns
    -------
    numpy.ndarray
        A_div, the level at r0 minus the level at r. [dB]

    Raises
    ------
    ValidationError
        A distance or side ≤ 0 or infinite.
    """
    r = checked("distance r [m]", r_m, above=0.0)
    r0 = checked("reference distance r0 [m]", r0_m, above=0.0)
    side_a = checked("area side a [m]", side_a_m, above=0.0)
    side_b = checked("area side b [m]", side_b_m, above=0.0)
    short = np.minimum(side_a, side_b)
    long = np.maximum(side_a, side_b)
    result: FloatArray = _area_decay_db(r, short, long) - _area_decay_db(r0, short, long)
    return result


def _area_decay_db(r: FloatArray, short: FloatArray, long: FloatArray) -> FloatArray:
    # The continuous curve through the guideline's three ranges, 0 dB up to a/π.
    near_edge = short / np.pi
    far_edge = long / np.pi
    line_part = 10.0 * np.log10(np.clip(r, near_edge, far_edge) / near_edge)
    point_part = 20.0 * np.log10(np.maximum(r, far_edge) / far_edge)
    decay: FloatArray = line_part + point_part
    return decay


def project_contribution_leq(
    levels_db: npt.ArrayLike,
    durations_s: npt.ArrayLike,
    period_s: npt.ArrayLike,
) -> FloatArray:
    r"""Equivalent level L_eqg of a project's sources at a receiver over a period T.

    HJ 2.4-2021 Appendix A [HJ2.4-2021], outdoor sources i and equivalent outdoor sources j of
    indoor sources taken together on the last axis:

    .. math:: L_{eqg} = 10 \lg\Big[\frac{1}{T}\sum_i t_i 10^{0.1 L_{Ai}}\Big]

    Parameters
    ----------
    levels_db : array_like, shape (..., n)
        A-weighted level L_Ai of each source at the receiver (−∞ = no contribution). [dB(A)]
    durations_s : array_like, broadcast to (..., n)
        Operating time t_i of each source within the period, 0 ≤ t_i ≤ T. [s]
    period_s : array_like, shape (...)
        Length T of the period, > 0 (any time unit, the same as ``durations_s``). [s]

    Returns
    -------
    numpy.ndarray, shape (...)
        L_eqg; −∞ when no source runs. [dB(A)]

    Raises
    ------
    ValidationError
        A period ≤ 0, a duration < 0 or longer than the period, or an infinite value.
    """
    levels = checked("source level L_Ai [dB]", levels_db, allow_minus_inf=True)
    durations = checked("operating time t_i [s]", durations_s, at_least=0.0)
    period = checked("period T [s]", period_s, above=0.0)[..., np.newaxis]
    too_long = durations > period
    if np.any(too_long):
        first = float(np.broadcast_to(durations, too_long.shape)[too_long].flat[0])
        raise ValidationError(f"operating time t_i [s] must not exceed the period T, got {first}")
    weighted = (durations / period * 10.0 ** (0.1 * levels)).sum(axis=-1)
    with np.errstate(divide="ignore"):
        result: FloatArray = 10.0 * np.log10(weighted)
    return result


def predicted_leq(contribution_db: npt.ArrayLike, background_db: npt.ArrayLike) -> FloatArray:
    r"""Predicted level at a receiver: the project's contribution added to the background.

    HJ 2.4-2021 Appendix A [HJ2.4-2021]:

    .. math:: L_{eq} = 10 \lg\big(10^{0.1 L_{eqg}} + 10^{0.1 L_{eqb}}\big)

    Parameters
    ----------
    contribution_db : array_like
        Project contribution L_eqg (−∞ = none). [dB(A)]
    background_db : array_like
        Background level L_eqb (−∞ = none). [dB(A)]

    Returns
    -------
    numpy.ndarray
        L_eq. [dB(A)]

    Raises
    ------
    ValidationError
        A level of +∞.
    """
    contribution = checked("contribution L_eqg [dB]", contribution_db, allow_minus_inf=True)
    background = checked("background L_eqb [dB]", background_db, allow_minus_inf=True)
    with np.errstate(divide="ignore"):
        result: FloatArray = 10.0 * np.log10(
            10.0 ** (0.1 * contribution) + 10.0 ** (0.1 * background)
        )
    return result
