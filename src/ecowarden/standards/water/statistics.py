"""Period means and assessment rounding [WQA2011] §一(二); reference §5.2 and §8.

The period class is the class of each item's period-mean concentration, not of the worst single
sample. The mean is rounded half-even (GB/T 8170 [GBT8170]) to the item's assessment precision
before it is classified, and a non-zero mean that would round to 0 keeps one significant digit
(reference §13 Q9). pH is averaged through the hydrogen-ion concentration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ecowarden.errors import UnknownNameError
from ecowarden.standards.rounding import Number, round_half_even, to_fraction
from ecowarden.standards.water.classify import parse_values
from ecowarden.standards.water.items import Item, parse_item
from ecowarden.standards.water.limits import ASSESSMENT_DECIMALS
from ecowarden.standards.water.readings import ItemName, NotDetected, Reading, reading_value
from ecowarden.standards.water.rules import DEFAULT_RULES, AssessmentRules

# Working precision for the pH logarithms: far beyond the 2 decimals reported.
_LOG_PRECISION = 40


class Period(StrEnum):
    """Statistical periods of [WQA2011] §一(二)."""

    WEEK = "week"
    TEN_DAY = "ten_day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


# Minimum samples for a valid period mean (reference §5.2): week / ten-day / month one sample;
# quarter ≥ 2; year ≥ 8 (provincial sections; national sections have 12). Q19: a mean from fewer
# samples is still computed and flagged as insufficient.
MIN_SAMPLES: Mapping[Period, int] = MappingProxyType(
    {Period.WEEK: 1, Period.TEN_DAY: 1, Period.MONTH: 1, Period.QUARTER: 2, Period.YEAR: 8}
)


def parse_period(name: Period | str) -> Period:
    """A statistical period by name; unknown names raise UnknownNameError listing them."""
    try:
        return Period(name)
    except ValueError:
        raise UnknownNameError("period", name, [p.value for p in Period]) from None


def round_for_assessment(
    value: Number | Fraction, decimals: int, *, keep_one_significant_digit: bool = True
) -> Decimal:
    """Round half-even to ``decimals`` places; a non-zero value that rounds to 0 keeps one
    significant digit (reference §8, §13 Q9) [GBT8170].

    Examples: 0.125 → 0.12 and 0.135 → 0.14 at 2 dp; 2.5 → 2 at 0 dp; 0.0004 at 3 dp → 0.0004.
    """
    rounded = round_half_even(value, decimals)
    exact = to_fraction(value)
    if rounded != 0 or exact == 0 or not keep_one_significant_digit:
        return rounded
    places = decimals + 1
    while abs(exact) * 10**places < 1:
        places += 1
    return round_half_even(exact, places)


def assessment_decimals(item: Item | str) -> int:
    """Decimal places of the item's assessment value (reference §8; pH 2 per Q7)."""
    return ASSESSMENT_DECIMALS[parse_item(item)]


@dataclass(frozen=True)
class PeriodMean:
    """The mean of one item over a period.

    Attributes
    ----------
    value
        Arithmetic mean (pH: −lg of the mean [H⁺]), rounded for assessment when
        ``rules.round_period_mean``; ``None`` when every value is missing. [item unit]
    n_samples
        Values that entered the mean (non-detects included).
    n_missing
        ``None``/NaN values skipped.
    n_non_detects
        Non-detects among ``n_samples``, each taken as a fraction of its detection limit (Q8).
    sufficient
        Whether ``n_samples`` reaches :data:`MIN_SAMPLES` for ``period``; ``None`` without a
        period (Q19: flagged, not refused).
    """

    item: Item
    value: Decimal | None
    n_samples: int
    n_missing: int
    n_non_detects: int
    period: Period | None
    sufficient: bool | None


def _ph_mean(values: Sequence[Decimal]) -> Decimal:
    # −lg( (1/n) Σ 10^(−pH_i) ): the mean of the hydrogen-ion concentrations, back to pH.
    with localcontext() as context:
        context.prec = _LOG_PRECISION
        hydrogen = sum((Decimal(10) ** -v for v in values), Decimal(0)) / len(values)
        return -hydrogen.log10()


def period_mean(
    item: Item | str,
    values: Iterable[Reading],
    *,
    period: Period | str | None = None,
    rules: AssessmentRules = DEFAULT_RULES,
) -> PeriodMean:
    """Mean of an item's values over a period, ready for classification [WQA2011].

    .. math:: \\bar C = \\frac{1}{n} \\sum_{i=1}^{n} C_i, \\qquad
              \\overline{pH} = -\\lg\\left(\\frac{1}{n}\\sum_{i=1}^{n} 10^{-pH_i}\\right)

    Parameters
    ----------
    item
        The item (any accepted name).
    values
        The period's values [item unit]; ``None``/NaN are skipped; non-detects count as
        ``rules.non_detect_factor`` × detection limit (Q8).
    period
        ``"week"``, ``"ten_day"``, ``"month"``, ``"quarter"`` or ``"year"``: sets the
        ``sufficient`` flag only.
    rules
        Switchable choices (rounding, non-detects).
    """
    parsed = parse_item(item)
    chosen_period = None if period is None else parse_period(period)
    numbers: list[Decimal] = []
    n_missing = 0
    n_non_detects = 0
    for value in values:
        number = reading_value(parsed, value, rules.non_detect_factor)
        if number is None:
            n_missing += 1
            continue
        numbers.append(number)
        if isinstance(value, NotDetected):
            n_non_detects += 1
    sufficient = None if chosen_period is None else len(numbers) >= MIN_SAMPLES[chosen_period]
    if not numbers:
        return PeriodMean(parsed, None, 0, n_missing, 0, chosen_period, sufficient)
    exact: Fraction | Decimal
    if parsed is Item.PH:
        exact = _ph_mean(numbers)
    else:
        exact = sum((Fraction(n) for n in numbers), Fraction(0)) / len(numbers)
    if rules.round_period_mean:
        mean = round_for_assessment(
            exact,
            ASSESSMENT_DECIMALS[parsed],
            keep_one_significant_digit=rules.keep_one_significant_digit,
        )
    elif isinstance(exact, Fraction):
        mean = Decimal(exact.numerator) / Decimal(exact.denominator)
    else:
        mean = exact
    return PeriodMean(
        parsed, mean, len(numbers), n_missing, n_non_detects, chosen_period, sufficient
    )


def mean_over_sections(
    sections: Sequence[Mapping[ItemName, Reading]],
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> dict[Item, Decimal | None]:
    """Each item averaged over the sections that report it (the mean method of [WQA2011]
    §二(一)2), rounded like a period mean; pH through [H⁺]."""
    parsed = [parse_values(section) for section in sections]
    items = [item for item in Item if any(item in section for section in parsed)]
    return {
        item: period_mean(item, [section.get(item) for section in parsed], rules=rules).value
        for item in items
    }
