"""Vectorised GB 3838-2002 classification of many samples at once [GB3838-2002] [WQA2011].

Same rules as :func:`~.classify.classify_item` and :func:`~.classify.classify_sample`, on
float64 arrays. A float value is compared with the double nearest to each decimal limit; since
rounding to the nearest double is monotone and the limits are short decimals, ``x <= fl(L)``
holds exactly when the decimal ``repr(x)`` is ≤ L, so the result equals the exact scalar one
for every float input (checked by a property test).

Classes are returned as int8 codes: 0 = missing, 1 … 5 = Class I … V, 6 = 劣V
(:attr:`~.items.WaterClass.code`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError
from ecowarden.standards.water.classify import parse_values
from ecowarden.standards.water.items import Item, WaterBody, WaterClass, parse_water_body
from ecowarden.standards.water.limits import (
    ASSESSED_ITEMS,
    PH_SCALE,
    TABLE1,
    Direction,
)
from ecowarden.standards.water.readings import ItemName

Codes = npt.NDArray[np.int8]

MISSING_CODE = 0
_WORSE_THAN_V = WaterClass.WORSE_THAN_V.code


@dataclass(frozen=True)
class SampleClasses:
    """Class codes of many samples.

    Attributes
    ----------
    water_class
        Section class code per sample: worst assessed item (pH only when outside 6–9);
        0 when no assessed item is present.
    per_item
        Class codes per item given: assessed items and the reference items that have class
        limits (fecal coliform; TN in lakes). Water temperature and TN in rivers have none.
    """

    water_class: Codes
    per_item: Mapping[Item, Codes]

    def classes(self) -> list[WaterClass | None]:
        """``water_class`` as :class:`~.items.WaterClass` values (``None`` = missing)."""
        return [
            None if code == MISSING_CODE else WaterClass.from_code(int(code))
            for code in self.water_class
        ]


def _validate(item: Item, x: npt.NDArray[np.float64]) -> None:
    finite_or_nan = np.isfinite(x) | np.isnan(x)
    if not finite_or_nan.all():
        raise ValidationError(f"{item}: infinite value {x[~finite_or_nan][0]!r}")
    if item is Item.PH:
        bad = (x < float(PH_SCALE[0])) | (x > float(PH_SCALE[1]))
        if bad.any():
            raise ValidationError(f"pH must lie in 0–14, got {x[bad][0]!r}")
    elif item is not Item.WATER_TEMPERATURE:
        bad = x < 0
        if bad.any():
            raise ValidationError(f"{item}: concentration must not be negative, got {x[bad][0]!r}")


def _item_codes(item: Item, x: npt.NDArray[np.float64], body: WaterBody) -> Codes | None:
    row = TABLE1[item]
    limits = row.limits(body)
    if limits is None or row.direction is Direction.CHANGE_RULE:
        return None
    bounds = [float(limit) for limit in limits]
    if row.direction is Direction.RANGE:
        inside = (x >= bounds[0]) & (x <= bounds[1])
        codes = np.where(inside, np.int8(1), np.int8(_WORSE_THAN_V))
    elif row.direction is Direction.NOT_LOWER:
        # 1 + number of limits the value falls below (DO: "not lower than").
        codes = np.ones(x.shape, dtype=np.int8)
        for bound in bounds:
            codes += x < bound
    else:
        # 1 + number of limits the value exceeds: shared limits give the best class.
        codes = np.ones(x.shape, dtype=np.int8)
        for bound in bounds:
            codes += x > bound
    codes[np.isnan(x)] = MISSING_CODE
    return codes


def classify_samples(
    arrays: Mapping[ItemName, npt.ArrayLike], *, water_body: WaterBody | str = "river"
) -> SampleClasses:
    """Classify many samples: one float array per item, NaN = missing [GB3838-2002].

    Parameters
    ----------
    arrays
        Item name → values of equal length [mg/L; 个/L; pH dimensionless].
    water_body
        ``"river"`` or ``"lake"`` for all samples.

    The DO saturation variant (Q1) is not offered here: its float product would not match the
    exact scalar comparison on the boundary. Use :func:`~.classify.classify_item` for it.
    """
    body = parse_water_body(water_body)
    columns = {
        item: np.asarray(values, dtype=np.float64) for item, values in parse_values(arrays).items()
    }
    lengths = {column.shape for column in columns.values()}
    if len(lengths) > 1 or any(len(shape) != 1 for shape in lengths):
        raise ValidationError(f"item arrays must be one-dimensional and of equal length: {lengths}")
    n = next(iter(lengths))[0] if lengths else 0
    per_item: dict[Item, Codes] = {}
    water_class = np.zeros(n, dtype=np.int8)
    for item, x in columns.items():
        _validate(item, x)
        codes = _item_codes(item, x, body)
        if codes is None:
            continue
        per_item[item] = codes
        if item not in ASSESSED_ITEMS:
            continue
        if item is Item.PH:
            # pH inside 6–9 never limits the class (Q2): only 劣V takes part.
            np.maximum(water_class, np.where(codes == _WORSE_THAN_V, codes, 0), out=water_class)
        else:
            np.maximum(water_class, codes, out=water_class)
    return SampleClasses(water_class, MappingProxyType(per_item))
