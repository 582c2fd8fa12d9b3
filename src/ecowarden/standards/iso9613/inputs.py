"""Checked numeric inputs of the propagation formulas (ISO 9613-2, HJ 2.4-2021).

Every formula accepts scalars or NumPy arrays and returns ``float64`` arrays (a NumPy
``float64`` scalar when every input is a scalar, as NumPy's ufuncs do). NaN stands for a
missing value: it passes the checks and comes out as NaN, never as an error and never as zero.
A value the formula cannot take (a distance ≤ 0, a humidity of 120 %, an infinite height) raises
:class:`~ecowarden.errors.ValidationError` naming the item and the first offending value.

The checks take one ``min`` and one ``max`` pass over the array and build a mask only when those
show a NaN or a violation, so that checking a noise-map array costs little beside the formula.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def as_float_array(name: str, value: npt.ArrayLike) -> FloatArray:
    """``value`` as a ``float64`` array (no copy when it already is one)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be numeric, got {value!r}") from exc


def checked(
    name: str,
    value: npt.ArrayLike,
    *,
    above: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
    allow_minus_inf: bool = False,
) -> FloatArray:
    """``value`` as a ``float64`` array after checking its bounds.

    Parameters
    ----------
    name : str
        The item with its unit, as the error message should name it (``"distance d [m]"``).
    value : array_like
        Scalar or array; NaN entries are missing values and always pass.
    above, at_least, at_most : float, optional
        Strict lower bound, inclusive lower bound and inclusive upper bound.
    allow_minus_inf : bool
        Accept −∞ (a band level carrying no energy); +∞ is never accepted.

    Raises
    ------
    ValidationError
        Naming ``name`` and the first value that is infinite or out of bounds.
    """
    array = as_float_array(name, value)
    if array.size == 0:
        return array
    low = float(array.min())
    high = float(array.max())
    low_ok = (
        (np.isfinite(low) or (allow_minus_inf and low == -np.inf))
        and (above is None or low > above)
        and (at_least is None or low >= at_least)
    )
    high_ok = np.isfinite(high) and (at_most is None or high <= at_most)
    if low_ok and high_ok:
        return array
    bad = _violations(array, above, at_least, at_most, allow_minus_inf)
    if bad.any():
        first = float(array[bad].flat[0])
        raise ValidationError(
            f"{name} must be {_bounds_text(above, at_least, at_most)}, got {first}"
        )
    return array


def _violations(
    array: FloatArray,
    above: float | None,
    at_least: float | None,
    at_most: float | None,
    allow_minus_inf: bool,
) -> BoolArray:
    # NaN compares False everywhere, so a missing value is never flagged.
    bad: BoolArray = np.isposinf(array) if allow_minus_inf else np.isinf(array)
    if above is not None:
        bad |= array <= above
    if at_least is not None:
        bad |= array < at_least
    if at_most is not None:
        bad |= array > at_most
    return bad


def _bounds_text(above: float | None, at_least: float | None, at_most: float | None) -> str:
    parts = []
    if above is not None:
        parts.append(f"> {above:g}")
    if at_least is not None:
        parts.append(f">= {at_least:g}")
    if at_most is not None:
        parts.append(f"<= {at_most:g}")
    parts.append("finite")
    return " and ".join(parts)
