"""Exact rounding for reported figures.

GB/T 8170-2008 §3.3 [GBT8170] (rule read from secondary sources, reference OQ-17): round once,
from the exact value, to the retained digit; an exactly-5 discarded part rounds to the even
digit (四舍六入五成双). Binary floats are never rounded directly: a float is first turned into
its shortest decimal text (``repr``), which is the value the instrument or the user wrote.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from ecowarden.errors import ValidationError

Number = int | float | str | Decimal | Fraction


def to_decimal(value: Number) -> Decimal:
    """The exact decimal a value stands for.

    A float becomes the decimal of its shortest repr (``2.2`` → ``Decimal("2.2")``, not
    2.2000000000000001776…), so float input behaves as the written number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValidationError(f"expected a number, got {value!r}")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"expected a finite number, got {value!r}")
        # float.__repr__, not repr(): NumPy 2 shows np.float64 as "np.float64(2.2)"
        result = Decimal(float.__repr__(value))
    elif isinstance(value, Fraction):
        raise ValidationError(f"a Fraction has no finite decimal form in general: {value!r}")
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except ArithmeticError as exc:
            raise ValidationError(f"not a decimal number: {value!r}") from exc
    else:
        raise ValidationError(f"expected a number, got {type(value).__name__} {value!r}")
    if not result.is_finite():
        raise ValidationError(f"expected a finite number, got {value!r}")
    return result


def to_fraction(value: Number) -> Fraction:
    """The exact rational a value stands for (floats through their shortest repr)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value))


def round_half_even(value: Number | Fraction, decimals: int = 0) -> Decimal:
    """Round per GB/T 8170 (half to even) to ``decimals`` places, exactly.

    Parameters
    ----------
    value
        The exact value. A ``Fraction`` is rounded from its exact rational value, so
        2.305 computed as a rational is not first squeezed into a float.
    decimals
        Number of decimal places kept (negative keeps tens, hundreds …).

    Examples
    --------
    22.5 → 22; 23.5 → 24; 22.51 → 23; 1.35 → 1.4; 1.25 → 1.2 (GB/T 8170 §3.3 examples).
    """
    quantum = Decimal(1).scaleb(-decimals)
    if isinstance(value, Fraction):
        return _round_fraction(value, decimals, quantum)
    return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_EVEN)


def _round_fraction(value: Fraction, decimals: int, quantum: Decimal) -> Decimal:
    scaled = value * Fraction(10) ** decimals
    floor = scaled.numerator // scaled.denominator
    remainder = scaled - floor
    if remainder > Fraction(1, 2) or (remainder == Fraction(1, 2) and floor % 2 == 1):
        floor += 1
    return (Decimal(floor) * quantum).quantize(quantum)


def ceil_exact(value: Number | Fraction) -> int:
    """The ceiling of an exact value: 51.25 → 52, 100.5 → 101, 50 → 50."""
    if isinstance(value, Fraction):
        return -((-value.numerator) // value.denominator)
    return int(to_decimal(value).to_integral_value(rounding=ROUND_CEILING))
