"""River and basin status, section compliance and change over time [WQA2011] §5.3–§5.6.

Shares of sections are exact fractions: 9 of 10 sections is exactly 90 %, with no rounding
before the comparison (reference §13 Q4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ecowarden.errors import ValidationError
from ecowarden.standards.water.classify import (
    SampleClassification,
    classify_sample,
    meets_target,
)
from ecowarden.standards.water.items import (
    WaterBody,
    WaterClass,
    parse_water_body,
    parse_water_class,
)
from ecowarden.standards.water.limits import Colour, QualityStatus
from ecowarden.standards.water.readings import ItemName, Reading
from ecowarden.standards.water.rules import DEFAULT_RULES, AssessmentRules
from ecowarden.standards.water.statistics import mean_over_sections

_GOOD_CLASSES = frozenset({WaterClass.I, WaterClass.II, WaterClass.III})


class RiverMethod(StrEnum):
    """River (水系) evaluation methods of [WQA2011] §二(一)."""

    PROPORTION = "proportion"  # 断面水质类别比例法, ≥ 5 sections
    MEAN = "mean"  # 断面平均值法, < 5 sections

    @property
    def zh(self) -> str:
        """The method's Chinese name."""
        return "断面水质类别比例法" if self is RiverMethod.PROPORTION else "断面平均值法"


@dataclass(frozen=True)
class ProportionRow:
    """One row of the class-proportion table: bounds on the I–III and 劣V shares.

    ``*_min`` bounds are inclusive, ``*_below`` bounds exclusive; ``None`` = no bound.
    """

    status: QualityStatus
    good_min: Fraction | None
    good_below: Fraction | None
    inferior_min: Fraction | None
    inferior_below: Fraction | None

    def matches(self, good: Fraction, inferior: Fraction) -> bool:
        """Whether shares ``good`` (I–III) and ``inferior`` (劣V) fall in this row."""
        return (
            (self.good_min is None or good >= self.good_min)
            and (self.good_below is None or good < self.good_below)
            and (self.inferior_min is None or inferior >= self.inferior_min)
            and (self.inferior_below is None or inferior < self.inferior_below)
        )


def proportion_table(rules: AssessmentRules = DEFAULT_RULES) -> tuple[ProportionRow, ...]:
    """[WQA2011] 断面水质类别比例法 table (shares of assessed sections).

    Rows: I–III ≥ 90 % 优; 75 % ≤ I–III < 90 % 良好; I–III < 75 % and 劣V < 20 % 轻度污染;
    I–III < 75 % and 20 % ≤ 劣V < 40 % 中度污染; 劣V ≥ 40 % 重度污染 (Q4 default; with
    ``rules.severe_max_good_share`` also I–III below that share).
    """
    three_quarters = Fraction(3, 4)
    return (
        ProportionRow(QualityStatus.EXCELLENT, Fraction(9, 10), None, None, None),
        ProportionRow(QualityStatus.GOOD, three_quarters, Fraction(9, 10), None, None),
        ProportionRow(QualityStatus.SLIGHTLY_POLLUTED, None, three_quarters, None, Fraction(1, 5)),
        ProportionRow(
            QualityStatus.MODERATELY_POLLUTED,
            None,
            three_quarters,
            Fraction(1, 5),
            Fraction(2, 5),
        ),
        ProportionRow(
            QualityStatus.SEVERELY_POLLUTED,
            None,
            rules.severe_max_good_share,
            Fraction(2, 5),
            None,
        ),
    )


@dataclass(frozen=True)
class ClassShares:
    """Counts and exact shares of sections per class."""

    n_sections: int
    class_counts: Mapping[WaterClass, int]
    good_share: Fraction  # I–III
    inferior_v_share: Fraction  # 劣V


def class_shares(section_classes: Sequence[WaterClass | str]) -> ClassShares:
    """Share of sections in Classes I–III and in 劣V (exact fractions)."""
    classes = [parse_water_class(c) for c in section_classes]
    if not classes:
        raise ValidationError("no assessed sections: shares need at least one section")
    counts = {c: classes.count(c) for c in WaterClass}
    good = sum(counts[c] for c in _GOOD_CLASSES)
    return ClassShares(
        n_sections=len(classes),
        class_counts=MappingProxyType(counts),
        good_share=Fraction(good, len(classes)),
        inferior_v_share=Fraction(counts[WaterClass.WORSE_THAN_V], len(classes)),
    )


@dataclass(frozen=True)
class RiverStatus:
    """Water-quality status of a river, basin or other group of sections [WQA2011] §5.5.

    Attributes
    ----------
    method
        Proportion method (≥ ``rules.proportion_min_sections`` sections) or mean method.
    status, colour
        水质状况 and colour; ``None`` when no table row applies (only possible with the
        alternative Q4 reading) or the mean sample cannot be classified.
    shares
        Class counts and shares of the sections.
    water_class
        Mean method: class of the section-mean sample; ``None`` for the proportion method.
    mean_classification
        Mean method: full classification of the section-mean sample.
    """

    method: RiverMethod
    status: QualityStatus | None
    colour: Colour | None
    shares: ClassShares
    water_class: WaterClass | None
    mean_classification: SampleClassification | None


def river_status(
    section_classes: Sequence[WaterClass | str],
    *,
    section_values: Sequence[Mapping[ItemName, Reading]] | None = None,
    water_body: WaterBody | str = "river",
    rules: AssessmentRules = DEFAULT_RULES,
) -> RiverStatus:
    """Status of a river from its sections [WQA2011] §二(一).

    With ≥ 5 sections ("5个（含5个）以上", Q3) the class-proportion table applies
    (:func:`proportion_table`). With fewer, each item is averaged over the sections
    (:func:`~.statistics.mean_over_sections`) and the mean sample is classified by the
    single-factor rule; ``section_values`` is then required.

    Parameters
    ----------
    section_classes
        Class of every assessed section.
    section_values
        Item values of the same sections (mean method) [item units].
    water_body
        Water-body type for the mean method.
    rules
        ``proportion_min_sections`` (Q3) and ``severe_max_good_share`` (Q4).
    """
    shares = class_shares(section_classes)
    if shares.n_sections >= rules.proportion_min_sections:
        row = next(
            (
                r
                for r in proportion_table(rules)
                if r.matches(shares.good_share, shares.inferior_v_share)
            ),
            None,
        )
        status = None if row is None else row.status
        return RiverStatus(
            RiverMethod.PROPORTION,
            status,
            None if status is None else status.colour,
            shares,
            None,
            None,
        )
    if section_values is None or len(section_values) != shares.n_sections:
        raise ValidationError(
            f"{shares.n_sections} section(s): fewer than {rules.proportion_min_sections}, so "
            "the mean method needs section_values for every section"
        )
    means = mean_over_sections(section_values, rules=rules)
    mean_sample = classify_sample(
        means,
        water_body=parse_water_body(water_body),
        rules=rules,
    )
    return RiverStatus(
        RiverMethod.MEAN,
        mean_sample.label,
        mean_sample.colour,
        shares,
        mean_sample.water_class,
        mean_sample,
    )


@dataclass(frozen=True)
class SectionCompliance:
    """Section compliance rate: compliant sections / assessed sections [WQA2011] §5.3."""

    n_assessed: int
    n_compliant: int
    rate: Fraction | None  # None when no section could be assessed


def section_compliance(
    sections: Sequence[tuple[WaterClass | str | None, WaterClass | str]],
) -> SectionCompliance:
    """Compliance rate of ``(class, target class)`` pairs; a ``None`` class is not assessed."""
    assessed = [(c, target) for c, target in sections if c is not None]
    compliant = sum(meets_target(c, target) for c, target in assessed)
    rate = Fraction(compliant, len(assessed)) if assessed else None
    return SectionCompliance(len(assessed), compliant, rate)


class ChangeVerdict(StrEnum):
    """Verdicts of the 组合类别比例法 [WQA2011] §5.6."""

    NO_CHANGE = "无明显变化"
    SLIGHTLY_BETTER = "有所好转"
    MUCH_BETTER = "明显好转"
    SLIGHTLY_WORSE = "有所变差"
    MUCH_WORSE = "明显变差"


@dataclass(frozen=True)
class ClassShareChange:
    """Change of section-class shares between two periods, in percentage points.

    ``delta_good_pp`` = ΔG (I–III share), ``delta_inferior_pp`` = ΔD (劣V share),
    ``difference_pp`` = ΔG − ΔD.
    """

    delta_good_pp: Fraction
    delta_inferior_pp: Fraction
    difference_pp: Fraction
    verdict: ChangeVerdict


def class_share_change(
    base_classes: Sequence[WaterClass | str],
    current_classes: Sequence[WaterClass | str],
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> ClassShareChange:
    """组合类别比例法: compare two periods' section-class shares [WQA2011] §5.6.

    .. math:: \\Delta G - \\Delta D, \\quad |\\Delta G - \\Delta D| \\le 10
              \\Rightarrow 无明显变化; \\; (10, 20] \\Rightarrow 有所; \\; > 20
              \\Rightarrow 明显

    with the sign giving better (+) or worse (−); thresholds [percentage points] are
    ``rules.change_thresholds_pp`` (Q14).
    """
    base = class_shares(base_classes)
    current = class_shares(current_classes)
    delta_good = (current.good_share - base.good_share) * 100
    delta_inferior = (current.inferior_v_share - base.inferior_v_share) * 100
    difference = delta_good - delta_inferior
    slight, marked = rules.change_thresholds_pp
    if abs(difference) <= slight:
        verdict = ChangeVerdict.NO_CHANGE
    elif difference > 0:
        verdict = (
            ChangeVerdict.SLIGHTLY_BETTER if difference <= marked else ChangeVerdict.MUCH_BETTER
        )
    else:
        verdict = (
            ChangeVerdict.SLIGHTLY_WORSE if -difference <= marked else ChangeVerdict.MUCH_WORSE
        )
    return ClassShareChange(delta_good, delta_inferior, difference, verdict)
