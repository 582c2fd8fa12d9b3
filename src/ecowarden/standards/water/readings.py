"""Input values: numbers, missing values and non-detects, validated per item.

``None`` and NaN mean "missing": they give ``None`` results, never an error and never zero.
Negative concentrations and pH outside 0–14 raise :class:`~ecowarden.errors.ValidationError`
naming the item and the value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import Number, to_decimal
from ecowarden.standards.water.items import Item, SupplementaryItem
from ecowarden.standards.water.limits import PH_SCALE


@dataclass(frozen=True)
class NotDetected:
    """A result below the detection limit (未检出), e.g. ``NotDetected("0.01")``.

    Attributes
    ----------
    detection_limit
        The method's detection limit. [same unit as the item]
    """

    detection_limit: Number

    def __post_init__(self) -> None:
        limit = to_decimal(self.detection_limit)
        if limit <= 0:
            raise ValidationError(f"detection limit must be positive, got {self.detection_limit!r}")


Reading = Number | NotDetected | None

# Keys of value mappings: canonical names, aliases or Item members (Mapping keys are invariant).
ItemName = TypeVar("ItemName", bound=str)


def is_missing(value: object) -> bool:
    """True for ``None`` and NaN (float or Decimal): the "missing" values of the reference."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def reading_value(
    item: Item | SupplementaryItem | str, value: Reading, non_detect_factor: Fraction
) -> Decimal | None:
    """The exact value of one reading, ``None`` if missing.

    A non-detect stands for ``non_detect_factor`` × detection limit (reference §13 Q8).
    """
    if value is None or is_missing(value):
        return None
    if isinstance(value, NotDetected):
        counted = Fraction(to_decimal(value.detection_limit)) * non_detect_factor
        return Decimal(counted.numerator) / Decimal(counted.denominator)
    try:
        number = to_decimal(value)
    except ValidationError as exc:
        raise ValidationError(f"{item}: {exc}") from None
    if item is Item.PH:
        if not PH_SCALE[0] <= number <= PH_SCALE[1]:
            raise ValidationError(f"pH must lie in 0–14, got {value!r}")
    elif item is not Item.WATER_TEMPERATURE and number < 0:
        raise ValidationError(f"{item}: concentration must not be negative, got {value!r}")
    return number
