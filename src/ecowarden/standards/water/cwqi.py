"""City water-quality index CWQI, 环办监测〔2017〕51号 [CWQI2017]; reference §9.

Smaller is better. Item indices are exact fractions and are not rounded ("返回值不修约"); the
section index is their sum over the 21 assessed items; 4 decimals only for display (Q10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import Number, round_half_even, to_fraction
from ecowarden.standards.water.classify import class_limits, parse_values
from ecowarden.standards.water.items import (
    Item,
    WaterBody,
    WaterClass,
    parse_item,
    parse_water_body,
    parse_water_class,
)
from ecowarden.standards.water.limits import ASSESSED_ITEMS, REFERENCE_ITEMS
from ecowarden.standards.water.readings import ItemName, Reading, reading_value
from ecowarden.standards.water.rules import DEFAULT_RULES, AssessmentRules

# [CWQI2017]: pH index around the neutral 7.0 against pH_sd = 6 and pH_su = 9 (Table 1 range).
PH_NEUTRAL = Fraction(7)
PH_LOWER = Fraction(6)
PH_UPPER = Fraction(9)
# Published precision of CWQI in MEE rankings (reference §9 [unconfirmed], Q10).
DISPLAY_DECIMALS = 4


def cwqi_item(
    item: Item | str,
    value: Reading,
    *,
    water_body: WaterBody | str = "river",
    rules: AssessmentRules = DEFAULT_RULES,
) -> Fraction | None:
    """CWQI index of one item [CWQI2017].

    .. math:: CWQI(i) = \\frac{C(i)}{C_s(i)}, \\quad CWQI(DO) = \\frac{C_s(DO)}{C(DO)},

    .. math:: CWQI(pH) = \\frac{7.0 - pH}{7.0 - pH_{sd}} \\;(pH \\le 7), \\quad
              \\frac{pH - 7.0}{pH_{su} - 7.0} \\;(pH > 7)

    with :math:`C_s` the GB 3838-2002 Class III limit (TP 0.2 mg/L in rivers, 0.05 mg/L in
    lakes and reservoirs), :math:`pH_{sd} = 6`, :math:`pH_{su} = 9`.

    Returns
    -------
    Fraction or None
        The dimensionless index, exact; ``None`` when the value is missing. TN, fecal
        coliform and water temperature are not CWQI items (ValidationError).
    """
    parsed = parse_item(item)
    if parsed in REFERENCE_ITEMS:
        raise ValidationError(f"{parsed} is not a CWQI item (CWQI uses the 21 assessed items)")
    body = parse_water_body(water_body)
    number = reading_value(parsed, value, rules.non_detect_factor)
    if number is None:
        return None
    concentration = Fraction(number)
    if parsed is Item.PH:
        if concentration <= PH_NEUTRAL:
            return (PH_NEUTRAL - concentration) / (PH_NEUTRAL - PH_LOWER)
        return (concentration - PH_NEUTRAL) / (PH_UPPER - PH_NEUTRAL)
    standard = Fraction(class_limits(parsed, body)[2])
    if parsed is Item.DO:
        if concentration == 0:
            raise ValidationError("DO 0 mg/L: CWQI(DO) = Cs/C is undefined")
        return standard / concentration
    return concentration / standard


@dataclass(frozen=True)
class CwqiResult:
    """Section (or river / lake) CWQI [CWQI2017].

    Attributes
    ----------
    value
        Sum of the 21 item indices, exact; ``None`` if any of them is missing.
    per_item
        Index of every item present.
    missing
        Assessed items without a value.
    excluded
        Reference items given but not used (water temperature, TN, fecal coliform).
    """

    water_body: WaterBody
    value: Fraction | None
    per_item: Mapping[Item, Fraction]
    missing: tuple[Item, ...]
    excluded: tuple[Item, ...]

    @property
    def display(self) -> Decimal | None:
        """The index rounded half-even to 4 decimals, as MEE publishes it (Q10)."""
        return None if self.value is None else round_half_even(self.value, DISPLAY_DECIMALS)


def cwqi(
    values: Mapping[ItemName, Reading],
    *,
    water_body: WaterBody | str = "river",
    rules: AssessmentRules = DEFAULT_RULES,
) -> CwqiResult:
    """CWQI of a section from its (period-mean) values [CWQI2017].

    .. math:: CWQI = \\sum_{i=1}^{21} CWQI(i)

    over the GB 3838-2002 Table 1 items without water temperature, TN and fecal coliform.
    River and lake indices use the period means over their sections (Q10, see
    :func:`~.statistics.mean_over_sections`).
    """
    body = parse_water_body(water_body)
    given = parse_values(values)
    per_item: dict[Item, Fraction] = {}
    missing: list[Item] = []
    for item in ASSESSED_ITEMS:
        index = cwqi_item(item, given.get(item), water_body=body, rules=rules)
        if index is None:
            missing.append(item)
        else:
            per_item[item] = index
    total = None if missing else sum(per_item.values(), Fraction(0))
    return CwqiResult(
        water_body=body,
        value=total,
        per_item=MappingProxyType(per_item),
        missing=tuple(missing),
        excluded=tuple(i for i in Item if i in REFERENCE_ITEMS and i in given),
    )


def city_cwqi(parts: Sequence[tuple[Fraction | Number, int]]) -> Fraction:
    """City CWQI from river and lake parts weighted by their numbers of sections (Q10).

    .. math:: CWQI_{city} = \\frac{\\sum_k n_k \\, CWQI_k}{\\sum_k n_k}

    Parameters
    ----------
    parts
        ``(cwqi, n_sections)`` pairs, e.g. the rivers' and the lakes' indices.
    """
    total_sections = 0
    weighted = Fraction(0)
    for index, n_sections in parts:
        if n_sections < 0:
            raise ValidationError(f"number of sections must not be negative, got {n_sections}")
        weighted += to_fraction(index) * n_sections
        total_sections += n_sections
    if total_sections == 0:
        raise ValidationError("city CWQI needs at least one section")
    return weighted / total_sections


class ChangeDirection(StrEnum):
    """Direction of a CWQI change (smaller CWQI = better water)."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSENED = "worsened"

    @property
    def zh(self) -> str:
        """Chinese wording (``"改善"``)."""
        return _DIRECTION_ZH[self]


_DIRECTION_ZH: Mapping[ChangeDirection, str] = MappingProxyType(
    {
        ChangeDirection.IMPROVED: "改善",
        ChangeDirection.UNCHANGED: "持平",
        ChangeDirection.WORSENED: "变差",
    }
)


@dataclass(frozen=True)
class CwqiChange:
    """ΔCWQI between a base and a current period [CWQI2017].

    ``percent`` = (CWQI_current − CWQI_base) / CWQI_base × 100 [%], negative = improvement.
    """

    percent: Fraction
    direction: ChangeDirection

    @property
    def improvement_percent(self) -> Fraction:
        """水质综合指数改善幅度 = −ΔCWQI [%] (reference §9 [unconfirmed])."""
        return -self.percent


def cwqi_change(current: Fraction | Number, base: Fraction | Number) -> CwqiChange:
    """Relative change of CWQI [CWQI2017].

    .. math:: \\Delta CWQI = \\frac{CWQI_{current} - CWQI_{base}}{CWQI_{base}} \\times 100\\%
    """
    now = to_fraction(current)
    before = to_fraction(base)
    if now < 0 or before <= 0:
        raise ValidationError(
            f"CWQI must be positive (base) and non-negative (current), got {current!r}, {base!r}"
        )
    change = (now - before) / before * 100
    direction = (
        ChangeDirection.IMPROVED
        if change < 0
        else ChangeDirection.WORSENED
        if change > 0
        else ChangeDirection.UNCHANGED
    )
    return CwqiChange(change, direction)


def excluded_from_change_ranking(
    base_classes: Sequence[WaterClass | str],
    current_classes: Sequence[WaterClass | str],
    *,
    targets_met: bool,
) -> bool:
    """Whether a city is left out of the ΔCWQI ranking [CWQI2017] (reference §9 [secondary]).

    Cities whose ranking sections are all Class II or better in both periods and meet their
    targets are not ranked by change.
    """
    classes = [parse_water_class(c) for c in (*base_classes, *current_classes)]
    if not base_classes or not current_classes:
        raise ValidationError("both periods need at least one section class")
    return targets_met and all(not c.is_worse_than(WaterClass.II) for c in classes)
