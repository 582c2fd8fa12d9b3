"""The equivalent-level family: energy mean, decibel sum and difference, statistical levels.

All functions are vectorised over NumPy arrays and average energies in float64. NaN (or None
in a list) means "missing": it is left out of an average, never read as a quiet 0 dB value.
Input levels must lie in :data:`LEVEL_RANGE_DB`; anything else (including ±inf) is a
:class:`~ecowarden.errors.ValidationError` naming the value.

Reference: noise-standards.md §2 [GB3096-2008] [HJ640-2012].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.rounding import round_half_even, to_decimal

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
#: Levels as arrays, numbers or (nested) sequences in which None marks a missing value.
LevelsLike = npt.ArrayLike | Sequence[float | None] | Sequence[Sequence[float | None]]

# Plausibility range of an input A-weighted level [dB]. Environmental monitors (GB 3785,
# GB/T 17181 class 2) cover roughly 20–140 dB; 0 and 200 dB leave a wide margin so that only
# corrupt values (negative levels, sentinel values like 999.9 or 1e30, ±inf) are refused.
LEVEL_RANGE_DB: Final = (0.0, 200.0)

# 10^(0.1·L) = exp(L·ln10/10): the exp ufunc is the faster of the two in NumPy.
NEPER_PER_DECIBEL: Final = math.log(10.0) / 10.0


def as_levels(levels: LevelsLike, what: str = "level") -> FloatArray:
    """Levels as a float64 array, NaN (or None) kept as missing.

    Raises :class:`ValidationError` naming the first value outside :data:`LEVEL_RANGE_DB`.
    """
    try:
        array = np.asarray(levels, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what} must be numbers in dB, got {levels!r}") from exc
    check_level_range(array, what)
    return array


def optional_level(level: float | None, what: str = "level") -> float | None:
    """One level as a float, None for a missing level (None or NaN); else as :func:`as_levels`."""
    if level is None:
        return None
    array = as_levels(level, what)
    if array.ndim != 0:
        raise ValidationError(f"{what} must be one level, got shape {array.shape}")
    value = float(array)
    return None if math.isnan(value) else value


def check_level_range(array: npt.NDArray[np.floating], what: str = "level") -> None:
    """Raise :class:`ValidationError` if a non-missing level lies outside :data:`LEVEL_RANGE_DB`."""
    low, high = LEVEL_RANGE_DB
    if array.size == 0:
        return
    smallest = np.fmin.reduce(array, axis=None)
    largest = np.fmax.reduce(array, axis=None)
    if smallest >= low and largest <= high:
        return
    if np.isnan(smallest):  # every value missing
        return
    outside = array[(array < low) | (array > high)]
    raise ValidationError(
        f"{what} {float(outside.flat[0])!r} dB is outside the plausible range "
        f"{low:g}–{high:g} dB ({outside.size} such value(s))"
    )


def energy(levels: FloatArray) -> FloatArray:
    """Relative energy 10^(0.1·L) of levels [dB]; NaN stays NaN."""
    return np.exp(levels * NEPER_PER_DECIBEL)


def level_of_energy(relative_energy: FloatArray) -> FloatArray:
    """Level 10·lg(E) [dB] of a relative energy; NaN stays NaN, 0 is refused upstream."""
    return np.asarray(10.0 * np.log10(relative_energy), dtype=np.float64)


def energy_mean_level(energy_sum: FloatArray, weight_sum: FloatArray | IntArray) -> FloatArray:
    """10·lg(ΣE / Σw) [dB], NaN where nothing was summed (Σw = 0)."""
    mean = np.full(np.shape(energy_sum), np.nan)
    np.divide(energy_sum, weight_sum, out=mean, where=weight_sum > 0)
    return level_of_energy(mean)


def leq(
    levels: LevelsLike,
    durations: npt.ArrayLike | None = None,
    *,
    axis: int = -1,
) -> FloatArray:
    r"""Equivalent continuous level: the energy mean of levels.

    .. math::

        L_{eq} = 10 \lg \frac{\sum_i t_i \, 10^{0.1 L_i}}{\sum_i t_i}

    with :math:`t_i = 1` for equal intervals [GB3096-2008] §3.

    Parameters
    ----------
    levels
        Levels L_i. [dB(A)] NaN marks a missing interval: it is left out of both sums.
    durations
        Durations t_i of the intervals, broadcast against ``levels``; ``None`` for equal
        intervals. Any positive unit. [s]
    axis
        Axis along which intervals run.

    Returns
    -------
    Leq of the non-missing intervals [dB(A)], NaN where every interval is missing; a 0-d
    array for 1-d input. How much is missing is judged by the validity rules
    (:mod:`ecowarden.standards.noise.validity`), not here.

    Examples
    --------
    50, 60, 70 dB → 65.68 dB; 45 min at 60 dB + 15 min at 70 dB → 65.12 dB.
    """
    values = np.atleast_1d(as_levels(levels))
    present = ~np.isnan(values)
    if durations is None:
        weights = present.astype(np.float64)
    else:
        weights = np.atleast_1d(as_durations(durations))
        values, weights = np.broadcast_arrays(values, weights)
        present = ~np.isnan(values)
        weights = np.where(present, weights, 0.0)
    contributions = np.where(present, energy(values) * weights, 0.0)
    return energy_mean_level(contributions.sum(axis=axis), weights.sum(axis=axis))


def as_durations(durations: npt.ArrayLike) -> FloatArray:
    """Durations as float64, each finite and > 0, else :class:`ValidationError`."""
    try:
        array = np.asarray(durations, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"durations must be numbers, got {durations!r}") from exc
    bad = array[~(np.isfinite(array) & (array > 0))]
    if bad.size:
        raise ValidationError(f"duration {float(bad.flat[0])!r} must be finite and > 0")
    return array


def db_sum(levels: LevelsLike, *, axis: int = -1) -> FloatArray:
    r"""Decibel addition of levels (incoherent sources).

    .. math:: L = 10 \lg \sum_i 10^{0.1 L_i}

    Parameters
    ----------
    levels
        Component levels. [dB] A missing (NaN) component makes the sum missing: the total
        of partly unknown sources is unknown.
    axis
        Axis along which the components run.

    Returns
    -------
    Combined level [dB]; 50 + 50 dB → 53.01 dB.
    """
    values = np.atleast_1d(as_levels(levels))
    if values.shape[axis] == 0:
        raise ValidationError("db_sum needs at least one level, got none")
    return level_of_energy(energy(values).sum(axis=axis))


def db_subtract(total: LevelsLike, background: LevelsLike) -> FloatArray:
    r"""Level of a source with the background removed.

    .. math:: L_s = 10 \lg \left(10^{0.1 L_t} - 10^{0.1 L_b}\right)

    Parameters
    ----------
    total
        Measured level with the source. [dB]
    background
        Background level without the source. [dB]

    Returns
    -------
    Source level [dB]; NaN where either input is missing. 65 − 60 dB → 63.35 dB.

    Raises
    ------
    ValidationError
        Where the total is not above the background: the source level is then undefined.
    """
    lt, lb = np.broadcast_arrays(as_levels(total, "total level"), as_levels(background))
    bad = ~np.isnan(lt) & ~np.isnan(lb) & (lt <= lb)
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise ValidationError(
            f"total level {float(lt.flat[i])!r} dB must exceed background "
            f"{float(lb.flat[i])!r} dB to remove it"
        )
    difference = energy(lt) - energy(lb)
    return level_of_energy(difference)


def leq_from_statistical_levels(l10: LevelsLike, l50: LevelsLike, l90: LevelsLike) -> FloatArray:
    r"""Approximate Leq of normally distributed (traffic) noise from statistical levels.

    .. math:: L_{eq} \approx L_{50} + \frac{(L_{10} - L_{90})^2}{60}

    Parameters
    ----------
    l10, l50, l90
        Levels exceeded 10, 50 and 90 % of the time. [dB(A)]

    Returns
    -------
    Approximate Leq [dB(A)] (textbook approximation, noise-standards.md §2); 70/63/58 → 65.4.
    """
    a10, a50, a90 = (as_levels(v, name) for v, name in ((l10, "L10"), (l50, "L50"), (l90, "L90")))
    return np.asarray(a50 + (a10 - a90) ** 2 / 60.0, dtype=np.float64)


def reported_level(level: float, decimals: int | None = 1) -> Decimal:
    """The reported value of a level: 0.1 dB, round half to even (reference N-Q2) [GBT8170].

    Limits and grade breakpoints are compared with this value; ``decimals=None`` keeps the
    unrounded value (the switch of N-Q2).
    """
    if decimals is None:
        return to_decimal(level)
    return round_half_even(level, decimals)


class PercentileMethod(StrEnum):
    """How L_N is taken from a finite sample (reference N-Q6)."""

    #: Sort descending, L_N = value at rank ⌈N·n/100⌉ (100 samples → 10th, 50th, 90th).
    RANK = "rank"
    #: Linear interpolation between order statistics (NumPy ``percentile(…, 100 − N)``).
    INTERPOLATED = "interpolated"


@dataclass(frozen=True)
class StatisticalLevels:
    """Statistics of a series of sampled levels; every field has the shape of the series
    without its last axis. [dB(A)], except ``count``.
    """

    count: IntArray
    leq: FloatArray
    lmax: FloatArray
    lmin: FloatArray
    l5: FloatArray
    l10: FloatArray
    l50: FloatArray
    l90: FloatArray
    l95: FloatArray
    sd: FloatArray


def statistical_levels(
    samples: LevelsLike,
    *,
    method: PercentileMethod | str = PercentileMethod.RANK,
    sd_ddof: int = 1,
) -> StatisticalLevels:
    r"""Leq, Lmax, Lmin, L5, L10, L50, L90, L95 and SD of sampled levels.

    Rank method (reference §2, N-Q6): sort the n valid samples descending; L_N is the value at
    rank :math:`r = \lceil N n / 100 \rceil` (1-based). For 100 samples L10, L50, L90 are the
    10th, 50th and 90th values; for 200 samples the 20th, 100th and 180th. Interpolating
    percentile functions differ from it by up to ~1 dB on short series.

    .. math:: SD = \sqrt{\frac{1}{n - \delta} \sum_i (L_i - \bar L)^2}, \quad
              \bar L = \frac{1}{n}\sum_i L_i

    Parameters
    ----------
    samples
        Sampled levels along the last axis (e.g. 1-s or 0.1-s instantaneous levels). [dB(A)]
        NaN samples are missing and left out.
    method
        :class:`PercentileMethod`: ``"rank"`` (default) or ``"interpolated"``.
    sd_ddof
        δ of the standard deviation: 1 (sample SD, default) or 0 (population SD).

    Returns
    -------
    :class:`StatisticalLevels`; NaN fields where no sample is valid (SD where n ≤ δ).
    """
    chosen = _parse_method(method)
    if sd_ddof not in (0, 1):
        raise ValidationError(f"sd_ddof must be 0 or 1, got {sd_ddof!r}")
    values = np.atleast_1d(as_levels(samples, "sample level"))
    ascending = np.sort(values, axis=-1)  # NaN sorts last
    count = np.count_nonzero(~np.isnan(values), axis=-1)
    empty = count == 0

    def at(index: IntArray) -> FloatArray:
        taken = np.take_along_axis(ascending, index[..., np.newaxis], axis=-1)[..., 0]
        return np.where(empty, np.nan, taken)

    def exceeded(percent: int) -> FloatArray:
        if chosen is PercentileMethod.RANK:
            rank = -((-percent * count) // 100)  # ⌈N·n/100⌉, exact in integers
            return at(np.clip(count - np.maximum(rank, 1), 0, None))
        position = (100 - percent) / 100 * np.maximum(count - 1, 0)
        lower = np.floor(position).astype(np.intp)
        upper = np.minimum(lower + 1, np.maximum(count - 1, 0))
        low_value, high_value = at(lower), at(upper)
        return np.asarray(low_value + (position - lower) * (high_value - low_value))

    last = np.maximum(count - 1, 0)
    total = np.where(empty, 1, count)
    mean = np.where(np.isnan(values), 0.0, values).sum(axis=-1) / total
    squares = np.where(np.isnan(values), 0.0, (values - mean[..., np.newaxis]) ** 2).sum(axis=-1)
    sd = np.full(count.shape, np.nan)
    np.sqrt(squares / np.maximum(count - sd_ddof, 1), out=sd, where=count > sd_ddof)
    return StatisticalLevels(
        count=np.asarray(count, dtype=np.intp),
        leq=leq(values),
        lmax=at(last),
        lmin=at(np.zeros_like(last)),
        l5=exceeded(5),
        l10=exceeded(10),
        l50=exceeded(50),
        l90=exceeded(90),
        l95=exceeded(95),
        sd=sd,
    )


def _parse_method(method: PercentileMethod | str) -> PercentileMethod:
    try:
        return PercentileMethod(method)
    except ValueError:
        raise UnknownNameError(
            "percentile method", method, [m.value for m in PercentileMethod]
        ) from None
