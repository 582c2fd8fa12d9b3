"""Single-item and section classification by GB 3838-2002 Table 1 and 环办〔2011〕22号.

Values are compared with the limits in exact decimal arithmetic: a value on a limit belongs to
that class (≤ and ≥ are inclusive), and where several classes share one limit the best class
satisfied is reported [GB3838-2002]. The section class is the worst class among the 21 assessed
items (single-factor method) [WQA2011]. Values are classified as given; period means are
rounded to the assessment precision first by :func:`~.statistics.period_mean`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TypeVar

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import Number, round_half_even, to_decimal
from ecowarden.standards.water.items import (
    Item,
    WaterBody,
    WaterClass,
    parse_item,
    parse_water_body,
    parse_water_class,
)
from ecowarden.standards.water.limits import (
    ASSESSED_ITEMS,
    CLASSES_I_TO_V,
    NO_EXCEEDANCE_MULTIPLE,
    REFERENCE_ITEMS,
    STATUS_BY_CLASS,
    TABLE1,
    Colour,
    Direction,
    QualityStatus,
)
from ecowarden.standards.water.readings import ItemName, NotDetected, Reading, reading_value
from ecowarden.standards.water.rules import DEFAULT_RULES, AssessmentRules

# GB 3838-2002 Table 1, DO Class I: "饱和率 90 %" when the saturation variant is chosen (Q1).
DO_SATURATION_SHARE_CLASS_I = Decimal("0.9")

ValueT = TypeVar("ValueT")

_TABLE_ORDER: Mapping[Item, int] = MappingProxyType({item: i for i, item in enumerate(Item)})


def class_limits(item: Item | str, water_body: WaterBody | str = "river") -> tuple[Decimal, ...]:
    """The Class I … V limits of a GB 3838-2002 Table 1 item for a water body [GB3838-2002].

    pH returns its range ``(6, 9)``. Water temperature (a change rule) and TN in rivers (the TN
    row applies to "湖、库" only) have no class limits and raise
    :class:`~ecowarden.errors.ValidationError`.

    Returns
    -------
    tuple of Decimal
        The limits in the item's unit (mg/L; 个/L for fecal coliform; dimensionless for pH).
    """
    parsed = parse_item(item)
    body = parse_water_body(water_body)
    row = TABLE1[parsed]
    if row.direction is Direction.CHANGE_RULE:
        raise ValidationError(
            "water_temperature has no class limits: GB 3838-2002 Table 1 gives a change rule "
            "(weekly mean max rise ≤ 1 ℃, max fall ≤ 2 ℃)"
        )
    limits = row.limits(body)
    if limits is None:
        raise ValidationError(
            f"{parsed}: GB 3838-2002 Table 1 gives limits for lakes and reservoirs (湖、库) "
            f"only, not for water body {body.value!r}"
        )
    return limits


def _do_class_i_limit(do_saturation_mg_per_l: Number | None) -> Decimal | None:
    if do_saturation_mg_per_l is None:
        return None
    saturation = to_decimal(do_saturation_mg_per_l)
    if saturation <= 0:
        raise ValidationError(
            f"DO saturation concentration must be positive, got {do_saturation_mg_per_l!r}"
        )
    return DO_SATURATION_SHARE_CLASS_I * saturation


def _class_of(
    item: Item, limits: tuple[Decimal, ...], value: Decimal, do_class_i: Decimal | None
) -> WaterClass:
    direction = TABLE1[item].direction
    if direction is Direction.RANGE:
        # One range for every class: inside it pH never limits (shown "I"); outside → 劣V (Q2).
        low, high = limits
        return WaterClass.I if low <= value <= high else WaterClass.WORSE_THAN_V
    if direction is Direction.NOT_LOWER:
        if do_class_i is not None:
            limits = (do_class_i, *limits[1:])
        for water_class, limit in zip(CLASSES_I_TO_V, limits, strict=True):
            if value >= limit:
                return water_class
        return WaterClass.WORSE_THAN_V
    # "不高于": the first (best) class whose limit the value does not exceed.
    for water_class, limit in zip(CLASSES_I_TO_V, limits, strict=True):
        if value <= limit:
            return water_class
    return WaterClass.WORSE_THAN_V


def classify_item(
    item: Item | str,
    value: Reading,
    *,
    water_body: WaterBody | str = "river",
    do_saturation_mg_per_l: Number | None = None,
    rules: AssessmentRules = DEFAULT_RULES,
) -> WaterClass | None:
    """The GB 3838-2002 class of one item's value [GB3838-2002].

    .. math:: \\text{class}(C) = \\min\\{k : C \\le L_k\\}, \\quad
              \\text{class}_{DO}(C) = \\min\\{k : C \\ge L_k\\}

    and 劣V when no class is satisfied. pH inside 6–9 is "I" (it never limits the section
    class), outside it 劣V (reference §13 Q2).

    Parameters
    ----------
    item
        Item name, HJ 212 code or Chinese name (see :func:`~.items.parse_item`).
    value
        Concentration [mg/L; 个/L for fecal coliform; pH dimensionless]; ``None``/NaN = missing;
        :class:`~.readings.NotDetected` counts as ½ detection limit (Q8).
    water_body
        ``"river"`` or ``"lake"`` (lakes and reservoirs): selects the TP row; TN has limits for
        lakes only.
    do_saturation_mg_per_l
        Q1 switch: ``None`` (default) uses the 7.5 mg/L DO Class I limit; a DO saturation
        concentration [mg/L] uses "saturation ≥ 90 %" instead.
    rules
        Switchable choices (non-detect factor).

    Returns
    -------
    WaterClass or None
        ``None`` when the value is missing.
    """
    parsed = parse_item(item)
    limits = class_limits(parsed, water_body)
    number = reading_value(parsed, value, rules.non_detect_factor)
    if number is None:
        return None
    return _class_of(parsed, limits, number, _do_class_i_limit(do_saturation_mg_per_l))


def _exact_multiple(number: Decimal, limit: Decimal) -> Fraction:
    return (Fraction(number) - Fraction(limit)) / Fraction(limit)


def exceedance_multiple(
    item: Item | str,
    value: Reading,
    *,
    target_class: WaterClass | str = "III",
    water_body: WaterBody | str = "river",
    rules: AssessmentRules = DEFAULT_RULES,
) -> Decimal | None:
    """超标倍数 of a value against a class limit [WQA2011] §5.4.

    .. math:: n = \\frac{C - C_s}{C_s}

    with :math:`C_s` the ``target_class`` limit (Class III by default; TP per water body, Q18),
    rounded half-even to ``rules.exceedance_decimals`` (1, Q6).

    Returns
    -------
    Decimal or None
        The multiple [1]; ``None`` when the value is missing or does not exceed the limit.
        Water temperature, pH and DO have no exceedance multiple (ValidationError).
    """
    parsed = parse_item(item)
    if parsed in NO_EXCEEDANCE_MULTIPLE:
        raise ValidationError(f"{parsed}: no exceedance multiple (超标倍数) is computed for it")
    target = parse_water_class(target_class)
    if target is WaterClass.WORSE_THAN_V:
        raise ValidationError("劣V has no limit to compute an exceedance multiple against")
    limit = class_limits(parsed, water_body)[target.code - 1]
    number = reading_value(parsed, value, rules.non_detect_factor)
    if number is None or number <= limit:
        return None
    return round_half_even(_exact_multiple(number, limit), rules.exceedance_decimals)


def quality_label(water_class: WaterClass | str) -> QualityStatus:
    """水质状况 of a class: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染 [WQA2011]."""
    return STATUS_BY_CLASS[parse_water_class(water_class)]


def meets_target(water_class: WaterClass | str, target_class: WaterClass | str) -> bool:
    """Section compliance (达标): the class is no worse than the target class [WQA2011]."""
    return parse_water_class(water_class).code <= parse_water_class(target_class).code


@dataclass(frozen=True)
class MainPollutant:
    """One main pollutant (主要污染指标) of a section worse than Class III [WQA2011] §5.4."""

    item: Item
    water_class: WaterClass
    exceedance_multiple: Decimal | None  # None for pH and DO (no 超标倍数)

    @property
    def bulletin(self) -> str:
        """Bulletin form: ``"氨氮(1.5)"``; pH and DO without a multiple (``"溶解氧"``)."""
        if self.exceedance_multiple is None:
            return self.item.zh
        return f"{self.item.zh}({self.exceedance_multiple})"


@dataclass(frozen=True)
class ReferenceItemResult:
    """A reference item (water temperature, TN, fecal coliform), evaluated separately."""

    item: Item
    value: Decimal
    water_class: WaterClass | None  # None: water temperature; TN in rivers


@dataclass(frozen=True)
class SampleClassification:
    """The single-factor classification of one sample or period mean [WQA2011] §5.3.

    Attributes
    ----------
    water_class
        Worst class among the assessed items present; ``None`` if none can be classified.
    label, colour
        水质状况 and colour of ``water_class`` (``None`` with it).
    per_item
        Class of every assessed item present (pH inside 6–9 shows "I").
    values
        The values used [item units]; non-detects already replaced (Q8).
    limiting_items
        Items at the section class (pH only when outside 6–9), in Table 1 order.
    main_pollutants
        Items worse than Class III, ranked per ``main_pollutant_rule``; empty when the section
        is Class III or better.
    reference_only
        Water temperature, TN and fecal coliform: reported, never part of the class.
    missing
        Assessed items without a value: never treated as any class.
    non_detects
        Items whose value was a non-detect (flagged, Q8).
    """

    water_body: WaterBody
    water_class: WaterClass | None
    label: QualityStatus | None
    colour: Colour | None
    per_item: Mapping[Item, WaterClass]
    values: Mapping[Item, Decimal]
    limiting_items: tuple[Item, ...]
    main_pollutants: tuple[MainPollutant, ...]
    main_pollutant_rule: str
    reference_only: tuple[ReferenceItemResult, ...]
    missing: tuple[Item, ...]
    non_detects: tuple[Item, ...]

    @property
    def main_pollutants_bulletin(self) -> str:
        """Main pollutants joined as a bulletin prints them: ``"氨氮(1.5)、总磷(1.3)"``."""
        return "、".join(p.bulletin for p in self.main_pollutants)


def parse_values(values: Mapping[ItemName, ValueT]) -> dict[Item, ValueT]:
    """Values keyed by :class:`~.items.Item`; two names for one item raise ValidationError."""
    parsed: dict[Item, ValueT] = {}
    for name, value in values.items():
        item = parse_item(name)
        if item in parsed:
            raise ValidationError(f"{item} is given twice (as {name!r} and another name)")
        parsed[item] = value
    return parsed


def _main_pollutants(
    per_item: Mapping[Item, WaterClass],
    values: Mapping[Item, Decimal],
    body: WaterBody,
    rules: AssessmentRules,
) -> tuple[MainPollutant, ...]:
    candidates: list[tuple[Item, WaterClass, Fraction | None]] = []
    for item, water_class in per_item.items():
        if not water_class.is_worse_than(WaterClass.III):
            continue
        multiple = (
            None
            if item in NO_EXCEEDANCE_MULTIPLE
            else _exact_multiple(values[item], class_limits(item, body)[2])
        )
        candidates.append((item, water_class, multiple))
    # Q5: worst class first, then the larger exceedance multiple; items without a multiple
    # (pH, DO) after those with one in the same class; then Table 1 order.
    candidates.sort(
        key=lambda c: (
            -c[1].code,
            c[2] is None,
            -(c[2] if c[2] is not None else Fraction(0)),
            _TABLE_ORDER[c[0]],
        )
    )
    chosen = candidates[: rules.main_pollutant_count]
    chosen += [c for c in candidates[rules.main_pollutant_count :] if c[0] in rules.always_listed]
    return tuple(
        MainPollutant(
            item,
            water_class,
            None if multiple is None else round_half_even(multiple, rules.exceedance_decimals),
        )
        for item, water_class, multiple in chosen
    )


def classify_sample(
    values: Mapping[ItemName, Reading],
    *,
    water_body: WaterBody | str = "river",
    do_saturation_mg_per_l: Number | None = None,
    rules: AssessmentRules = DEFAULT_RULES,
) -> SampleClassification:
    """Classify a sample (or period mean) of several items [GB3838-2002] [WQA2011].

    .. math:: \\text{class}_{section} = \\max_{i \\in A} \\text{class}(C_i)

    over the 21 assessed items *A* present (Table 1 minus water temperature, TN and fecal
    coliform); pH inside 6–9 does not take part (Q2).

    Parameters
    ----------
    values
        Item name → value [mg/L; 个/L; pH dimensionless]; ``None``/NaN = missing; reference
        items may be included and are reported in ``reference_only``.
    water_body
        ``"river"`` or ``"lake"``.
    do_saturation_mg_per_l
        Q1 switch, see :func:`classify_item`.
    rules
        Switchable choices (main-pollutant rule, exceedance precision, non-detects).
    """
    body = parse_water_body(water_body)
    do_class_i = _do_class_i_limit(do_saturation_mg_per_l)
    given = parse_values(values)
    per_item: dict[Item, WaterClass] = {}
    used: dict[Item, Decimal] = {}
    missing: list[Item] = []
    for item in ASSESSED_ITEMS:
        number = reading_value(item, given.get(item), rules.non_detect_factor)
        if number is None:
            missing.append(item)
            continue
        used[item] = number
        per_item[item] = _class_of(item, class_limits(item, body), number, do_class_i)
    reference: list[ReferenceItemResult] = []
    for item in Item:
        if item not in REFERENCE_ITEMS:
            continue
        number = reading_value(item, given.get(item), rules.non_detect_factor)
        if number is None:
            continue
        used[item] = number
        limits = TABLE1[item].limits(body)
        water_class = None if limits is None else _class_of(item, limits, number, None)
        reference.append(ReferenceItemResult(item, number, water_class))
    limiting_candidates = {
        item: water_class
        for item, water_class in per_item.items()
        if item is not Item.PH or water_class is WaterClass.WORSE_THAN_V
    }
    worst = max(limiting_candidates.values(), key=lambda c: c.code, default=None)
    label = None if worst is None else STATUS_BY_CLASS[worst]
    return SampleClassification(
        water_body=body,
        water_class=worst,
        label=label,
        colour=None if label is None else label.colour,
        per_item=MappingProxyType(per_item),
        values=MappingProxyType(used),
        limiting_items=tuple(i for i, c in limiting_candidates.items() if c is worst),
        main_pollutants=(
            _main_pollutants(per_item, used, body, rules)
            if worst is not None and worst.is_worse_than(WaterClass.III)
            else ()
        ),
        main_pollutant_rule=rules.main_pollutant_rule,
        reference_only=tuple(reference),
        missing=tuple(missing),
        non_detects=tuple(i for i in Item if isinstance(given.get(i), NotDetected)),
    )
