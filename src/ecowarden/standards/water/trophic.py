"""Comprehensive trophic state index TLI(Σ) of lakes and reservoirs [TLI2001]; reference §6.

《湖泊（水库）富营养化评价方法及分级技术规定》: TLI(Σ) = Σ W_j · TLI(j) with
W_j = r_ij² / Σ r_ij², r_ij the correlation of parameter j with chlorophyll a. Computed in
40-digit decimal arithmetic so that a grade boundary is not decided by binary rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from types import MappingProxyType

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import Number, to_decimal
from ecowarden.standards.water.readings import is_missing
from ecowarden.standards.water.rules import (
    DEFAULT_RULES,
    AssessmentRules,
    TliWeights,
    TrophicBoundaryRule,
)

_PRECISION = 40


class TliParameter(StrEnum):
    """The five TLI parameters [TLI2001]."""

    CHLA = "chla"  # chlorophyll a [mg/m³]
    TP = "TP"  # total phosphorus [mg/L]
    TN = "TN"  # total nitrogen [mg/L]
    SD = "SD"  # transparency (Secchi depth) [m]
    CODMN = "CODMn"  # permanganate index [mg/L]


@dataclass(frozen=True)
class TliRow:
    """TLI(j) = 10 (a + b ln x) and the correlation r_ij with chlorophyll a."""

    a: Decimal
    b: Decimal
    r: Decimal
    printed_weight: Decimal  # W_j as printed, 4 decimals


# [TLI2001] table of r_ij and the single-parameter TLI formulas (reference §6) [read].
TLI_TABLE: Mapping[TliParameter, TliRow] = MappingProxyType(
    {
        TliParameter.CHLA: TliRow(
            Decimal("2.5"), Decimal("1.086"), Decimal("1"), Decimal("0.2663")
        ),
        TliParameter.TP: TliRow(
            Decimal("9.436"), Decimal("1.624"), Decimal("0.84"), Decimal("0.1879")
        ),
        TliParameter.TN: TliRow(
            Decimal("5.453"), Decimal("1.694"), Decimal("0.82"), Decimal("0.1790")
        ),
        TliParameter.SD: TliRow(
            Decimal("5.118"), Decimal("-1.94"), Decimal("-0.83"), Decimal("0.1834")
        ),
        TliParameter.CODMN: TliRow(
            Decimal("0.109"), Decimal("2.661"), Decimal("0.83"), Decimal("0.1834")
        ),
    }
)


class TrophicGrade(StrEnum):
    """Trophic states of [TLI2001]."""

    OLIGOTROPHIC = "贫营养"
    MESOTROPHIC = "中营养"
    LIGHT_EUTROPHIC = "轻度富营养"
    MIDDLE_EUTROPHIC = "中度富营养"
    HYPEREUTROPHIC = "重度富营养"

    @property
    def is_eutrophic(self) -> bool:
        """True for the three eutrophic grades (TLI > 50)."""
        return self not in (TrophicGrade.OLIGOTROPHIC, TrophicGrade.MESOTROPHIC)


# Upper bounds of the grades, best first: < 30 贫; 30–50 中; 50–60 轻度; 60–70 中度; > 70 重度.
TLI_BOUNDS: tuple[tuple[Decimal, TrophicGrade], ...] = (
    (Decimal(30), TrophicGrade.OLIGOTROPHIC),
    (Decimal(50), TrophicGrade.MESOTROPHIC),
    (Decimal(60), TrophicGrade.LIGHT_EUTROPHIC),
    (Decimal(70), TrophicGrade.MIDDLE_EUTROPHIC),
)


def _on_bound_belongs_below(bound: Decimal, rule: TrophicBoundaryRule) -> bool:
    # Q15 "table": 30 is already 中营养 ("30–50"), while 50, 60, 70 stay in the lower grade
    # ("> 50" is eutrophic). "lower_closed": every bound belongs to the grade above it.
    return rule is TrophicBoundaryRule.TABLE and bound != TLI_BOUNDS[0][0]


def trophic_grade(tli_value: Number, *, rules: AssessmentRules = DEFAULT_RULES) -> TrophicGrade:
    """Trophic grade of a TLI(Σ) value [TLI2001]; boundary inclusivity per Q15."""
    value = to_decimal(tli_value)
    for bound, grade in TLI_BOUNDS:
        if value < bound or (
            value == bound and _on_bound_belongs_below(bound, rules.tli_boundaries)
        ):
            return grade
    return TrophicGrade.HYPEREUTROPHIC


@dataclass(frozen=True)
class TrophicState:
    """TLI(Σ) of one lake or reservoir sample or period mean.

    Attributes
    ----------
    value
        TLI(Σ) [1]; ``None`` if any parameter is missing.
    per_parameter
        TLI(j) of every parameter present [1].
    grade
        Trophic grade of ``value``.
    missing
        Parameters without a value.
    """

    value: Decimal | None
    per_parameter: Mapping[TliParameter, Decimal]
    grade: TrophicGrade | None
    missing: tuple[TliParameter, ...]


def _weights(rule: TliWeights) -> dict[TliParameter, Decimal]:
    if rule is TliWeights.PRINTED:
        return {p: row.printed_weight for p, row in TLI_TABLE.items()}
    squares = {p: row.r * row.r for p, row in TLI_TABLE.items()}
    total = sum(squares.values(), Decimal(0))
    return {p: square / total for p, square in squares.items()}


def tli(
    chla_mg_m3: Number | None,
    tp_mg_l: Number | None,
    tn_mg_l: Number | None,
    sd_m: Number | None,
    codmn_mg_l: Number | None,
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> TrophicState:
    """Comprehensive trophic state index TLI(Σ) [TLI2001].

    .. math:: TLI(\\Sigma) = \\sum_j W_j \\, TLI(j), \\qquad
              W_j = \\frac{r_{ij}^2}{\\sum_j r_{ij}^2}

    .. math:: TLI(chla) = 10(2.5 + 1.086 \\ln chla), \\; TLI(TP) = 10(9.436 + 1.624 \\ln TP),

    .. math:: TLI(TN) = 10(5.453 + 1.694 \\ln TN), \\; TLI(SD) = 10(5.118 - 1.94 \\ln SD),
              \\; TLI(COD_{Mn}) = 10(0.109 + 2.661 \\ln COD_{Mn})

    Parameters
    ----------
    chla_mg_m3
        Chlorophyll a. [mg/m³]
    tp_mg_l, tn_mg_l, codmn_mg_l
        Total phosphorus, total nitrogen, permanganate index. [mg/L]
    sd_m
        Transparency (Secchi depth). [m]
    rules
        Weights (formula or printed) and grade-boundary inclusivity (Q15).

    Values must be positive (ln); ``None``/NaN = missing → ``value`` and ``grade`` ``None``.
    """
    given = {
        TliParameter.CHLA: chla_mg_m3,
        TliParameter.TP: tp_mg_l,
        TliParameter.TN: tn_mg_l,
        TliParameter.SD: sd_m,
        TliParameter.CODMN: codmn_mg_l,
    }
    per_parameter: dict[TliParameter, Decimal] = {}
    missing: list[TliParameter] = []
    with localcontext() as context:
        context.prec = _PRECISION
        for parameter, raw in given.items():
            if raw is None or is_missing(raw):
                missing.append(parameter)
                continue
            value = to_decimal(raw)
            if value <= 0:
                raise ValidationError(f"TLI {parameter}: value must be positive (ln), got {raw!r}")
            row = TLI_TABLE[parameter]
            per_parameter[parameter] = 10 * (row.a + row.b * value.ln())
        if missing:
            return TrophicState(None, MappingProxyType(per_parameter), None, tuple(missing))
        weights = _weights(rules.tli_weights)
        total = sum((weights[p] * per_parameter[p] for p in TliParameter), Decimal(0))
    return TrophicState(
        total, MappingProxyType(per_parameter), trophic_grade(total, rules=rules), ()
    )
