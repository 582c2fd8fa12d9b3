"""Centralised drinking-water source compliance (集中式饮用水水源地水质达标率); reference §10.

A surface source is compliant only if every evaluated item meets its limit in the period: the
GB 3838-2002 Table 1 items at the Class III limits (assessed per 环办〔2011〕22号: water
temperature, TN and fecal coliform are reference items only), the Table 2 single limits and the
Table 3 items configured for the source [GB3838-2002] [WQA2011]. COD is left out by default, as
national-programme reports do ("23项（化学需氧量除外）", Q11). Table 3 limits are not encoded
(Q12): each source passes the ones its authority selected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.rounding import Number, to_decimal, to_fraction
from ecowarden.standards.water.classify import classify_item
from ecowarden.standards.water.items import (
    Item,
    SupplementaryItem,
    WaterBody,
    WaterClass,
    parse_any_item,
    parse_water_body,
    parse_water_class,
)
from ecowarden.standards.water.limits import ASSESSED_ITEMS, TABLE2
from ecowarden.standards.water.readings import Reading, reading_value
from ecowarden.standards.water.rules import DEFAULT_RULES, AssessmentRules


@dataclass(frozen=True)
class DrinkingWaterSource:
    """One source and its period values.

    Attributes
    ----------
    name
        The source's name (芙蓉水库).
    values
        Item → period value [mg/L; pH dimensionless]: Table 1 and Table 2 items by any
        accepted name, Table 3 items by the names used in ``table3_limits``.
    withdrawal
        Water withdrawn in the period [any volume unit, the same for all sources, e.g. 万 t];
        ``None`` if unknown.
    water_body
        ``"lake"`` (reservoir, the default) or ``"river"``: selects the TP limit.
    table3_limits
        Selected GB 3838-2002 Table 3 items → single limit [mg/L] (Q11, Q12).
    target_class
        Class whose Table 1 limits apply (GB 3838-2002 Class III for surface sources).
    """

    name: str
    values: Mapping[str, Reading]
    withdrawal: Number | None = None
    water_body: WaterBody | str = WaterBody.LAKE
    table3_limits: Mapping[str, Number] = field(default_factory=lambda: MappingProxyType({}))
    target_class: WaterClass | str = WaterClass.III


@dataclass(frozen=True)
class ItemExceedance:
    """An evaluated item above (or for DO below, for pH outside) its limit."""

    item: str
    value: Decimal
    water_class: WaterClass | None  # Table 1 items; None for Table 2 and Table 3 items


@dataclass(frozen=True)
class SourceCompliance:
    """Compliance of one source.

    ``compliant`` is ``True`` when every evaluated item is present and meets its limit,
    ``False`` when any item fails (even if others are missing), ``None`` when nothing fails but
    items are missing (the source is then left out of the rates: never counted as compliant).
    """

    name: str
    compliant: bool | None
    failures: tuple[ItemExceedance, ...]
    missing: tuple[str, ...]
    not_evaluated: tuple[str, ...]  # given but outside the evaluated set (COD, TN, …)


def evaluated_items(rules: AssessmentRules = DEFAULT_RULES) -> tuple[Item, ...]:
    """Table 1 items evaluated for surface sources: the 21 assessed items, without COD by
    default (Q11) — 20 items."""
    return tuple(i for i in ASSESSED_ITEMS if not (rules.drinking_exclude_cod and i is Item.COD))


def source_compliance(
    source: DrinkingWaterSource, *, rules: AssessmentRules = DEFAULT_RULES
) -> SourceCompliance:
    """Single-factor compliance of one source for one period [GB3838-2002] [WQA2011]."""
    body = parse_water_body(source.water_body)
    target = parse_water_class(source.target_class)
    table3 = {name: to_decimal(limit) for name, limit in source.table3_limits.items()}
    table1_items = evaluated_items(rules)
    table1: dict[Item, Reading] = {}
    table2: dict[SupplementaryItem, Reading] = {}
    table3_values: dict[str, Reading] = {}
    not_evaluated: list[str] = []
    for name, value in source.values.items():
        if name in table3:
            table3_values[name] = value
            continue
        try:
            item = parse_any_item(name)
        except UnknownNameError:
            raise UnknownNameError(
                "drinking-water item",
                name,
                [*(i.value for i in Item), *(s.value for s in SupplementaryItem), *table3],
            ) from None
        if isinstance(item, SupplementaryItem):
            table2[item] = value
        elif item in table1_items:
            table1[item] = value
        else:
            not_evaluated.append(item.value)
    failures: list[ItemExceedance] = []
    missing: list[str] = []
    for item in table1_items:
        number = reading_value(item, table1.get(item), rules.non_detect_factor)
        if number is None:
            missing.append(item.value)
            continue
        water_class = classify_item(item, number, water_body=body, rules=rules)
        if water_class is not None and water_class.is_worse_than(target):
            failures.append(ItemExceedance(item.value, number, water_class))
    single_limits: list[tuple[str, Reading, Decimal]] = [
        *((s.value, table2.get(s), TABLE2[s]) for s in SupplementaryItem),
        *((name, table3_values.get(name), limit) for name, limit in table3.items()),
    ]
    for name, value, limit in single_limits:
        number = reading_value(name, value, rules.non_detect_factor)
        if number is None:
            missing.append(name)
        elif number > limit:
            failures.append(ItemExceedance(name, number, None))
    compliant = False if failures else (None if missing else True)
    return SourceCompliance(
        source.name, compliant, tuple(failures), tuple(missing), tuple(not_evaluated)
    )


@dataclass(frozen=True)
class DrinkingWaterCompliance:
    """达标率 of a set of sources, by count and by withdrawal volume (reference §10).

    Attributes
    ----------
    by_count
        Compliant sources / sources with a definite result; ``None`` if there are none.
    by_volume
        Withdrawal of compliant sources / withdrawal of sources with a definite result;
        ``None`` if a withdrawal is unknown or the total is 0.
    n_undetermined
        Sources left out because items are missing.
    """

    sources: tuple[SourceCompliance, ...]
    n_sources: int
    n_determined: int
    n_compliant: int
    n_undetermined: int
    by_count: Fraction | None
    compliant_volume: Fraction | None
    total_volume: Fraction | None
    by_volume: Fraction | None


def drinking_water_compliance(
    sources: Sequence[DrinkingWaterSource], *, rules: AssessmentRules = DEFAULT_RULES
) -> DrinkingWaterCompliance:
    """Compliance rates of drinking-water sources (reference §10).

    .. math:: R_{count} = \\frac{N_{compliant}}{N}, \\qquad
              R_{volume} = \\frac{\\sum_{compliant} Q}{\\sum Q}

    over the sources with a definite result; Q = withdrawal [any volume unit].
    """
    results = tuple(source_compliance(s, rules=rules) for s in sources)
    determined = [(s, r) for s, r in zip(sources, results, strict=True) if r.compliant is not None]
    n_compliant = sum(1 for _, r in determined if r.compliant)
    by_count = Fraction(n_compliant, len(determined)) if determined else None
    compliant_volume: Fraction | None = None
    total_volume: Fraction | None = None
    by_volume: Fraction | None = None
    volumes = [(_withdrawal(s), bool(r.compliant)) for s, r in determined]
    known = [(v, ok) for v, ok in volumes if v is not None]
    if determined and len(known) == len(volumes):
        total_volume = sum((v for v, _ in known), Fraction(0))
        compliant_volume = sum((v for v, ok in known if ok), Fraction(0))
        by_volume = compliant_volume / total_volume if total_volume > 0 else None
    return DrinkingWaterCompliance(
        sources=results,
        n_sources=len(results),
        n_determined=len(determined),
        n_compliant=n_compliant,
        n_undetermined=len(results) - len(determined),
        by_count=by_count,
        compliant_volume=compliant_volume,
        total_volume=total_volume,
        by_volume=by_volume,
    )


def _withdrawal(source: DrinkingWaterSource) -> Fraction | None:
    if source.withdrawal is None:
        return None
    volume = to_fraction(source.withdrawal)
    if volume < 0:
        raise ValidationError(
            f"{source.name}: withdrawal must not be negative, got {source.withdrawal!r}"
        )
    return volume
