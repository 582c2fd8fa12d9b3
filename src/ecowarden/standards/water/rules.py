"""The switchable choices for the open questions of the water reference (§13).

Every default is the reference's documented choice; ``docs/decisions/0003-water.md`` records
them. Pass a modified copy (``dataclasses.replace(DEFAULT_RULES, …)``) to switch one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ecowarden.standards.water.items import Item


class TrophicBoundaryRule(StrEnum):
    """Where a TLI value exactly on 30, 50, 60 or 70 belongs (reference §13 Q15)."""

    # Q15 default, the table as printed: < 30 贫; 30 ≤ TLI ≤ 50 中; 50 < … ≤ 60 轻度; 60 < … ≤ 70
    # 中度; > 70 重度.
    TABLE = "table"
    # Alternative: a boundary value belongs to the worse grade (30 中, 50 轻度, 60 中度, 70 重度).
    LOWER_CLOSED = "lower_closed"


class TliWeights(StrEnum):
    """Which TLI weights to use [TLI2001]."""

    # W_j = r_ij² / Σ r_ij², the formula of the technical rule, computed exactly.
    FORMULA = "formula"
    # The four-decimal weights printed in the reference's table (0.2663, 0.1879, …).
    PRINTED = "printed"


@dataclass(frozen=True)
class AssessmentRules:
    """Documented choices for the water reference's open questions, all switchable.

    Attributes
    ----------
    non_detect_factor
        Q8: a non-detect (未检出) counts as this fraction of its detection limit. [1]
    exceedance_decimals
        Q6: decimals of the exceedance multiple 超标倍数 (half-even). [1]
    main_pollutant_count
        Q5: at most this many main pollutants ranked by class, then exceedance multiple.
    always_listed
        Q5: items appended to the main pollutants whenever they are worse than Class III
        (cyanide and the heavy metals Pb, Cr(VI), Cd, Hg, As).
    proportion_min_sections
        Q3: rivers with at least this many sections use the class-proportion method.
    severe_max_good_share
        Q4: ``None`` (default) = 劣V share ≥ 40 % alone gives 重度污染; a fraction (e.g. 3/5 for
        the "I–III < 60 %" reading) adds the condition I–III share < that fraction.
    round_period_mean
        Q9: round period means to the assessment precision (half-even) before classifying.
    keep_one_significant_digit
        Q9: a non-zero mean that rounds to 0 keeps one significant digit instead.
    drinking_exclude_cod
        Q11: drinking-water sources are assessed without COD (CODMn is used instead).
    change_thresholds_pp
        Q14: 组合类别比例法 thresholds in percentage points: ``(10, 20)`` means
        ≤ 10 无明显变化, (10, 20] 有所好转/变差, > 20 明显好转/变差.
    tli_boundaries
        Q15: inclusivity of the TLI grade boundaries.
    tli_weights
        Weights of the TLI (formula by default; the table's printed weights as alternative).
    """

    non_detect_factor: Fraction = Fraction(1, 2)
    exceedance_decimals: int = 1
    main_pollutant_count: int = 3
    always_listed: frozenset[Item] = frozenset(
        {Item.CN, Item.PB, Item.CR6, Item.CD, Item.HG, Item.AS}
    )
    proportion_min_sections: int = 5
    severe_max_good_share: Fraction | None = None
    round_period_mean: bool = True
    keep_one_significant_digit: bool = True
    drinking_exclude_cod: bool = True
    change_thresholds_pp: tuple[Fraction, Fraction] = (Fraction(10), Fraction(20))
    tli_boundaries: TrophicBoundaryRule = TrophicBoundaryRule.TABLE
    tli_weights: TliWeights = TliWeights.FORMULA

    @property
    def main_pollutant_rule(self) -> str:
        """The main-pollutant rule as recorded in results (Q5: record the rule version)."""
        listed = ",".join(sorted(i.value for i in self.always_listed))
        return (
            f"WQA2011 §5.4 / ecowarden Q5 v1: worse than III, worst class first, then 超标倍数; "
            f"at most {self.main_pollutant_count}; always listed when worse than III: {listed}"
        )


DEFAULT_RULES = AssessmentRules()
