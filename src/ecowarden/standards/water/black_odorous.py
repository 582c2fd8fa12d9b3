"""Urban black-and-odorous water grading (城市黑臭水体污染程度分级) [BOW2015].

The thresholds are those of the table 城市黑臭水体污染程度分级标准 in 《城市黑臭水体整治工作
指南》 (2015) as reproduced by secondary copies; the guideline's own text was not available to the
project (reference water §7, Q16), so the table is a documented choice kept switchable through
:class:`BlackOdorousThresholds` (decision record 0003-water.md, Q16):

==================  ===============  ==========
item                轻度黑臭         重度黑臭
==================  ===============  ==========
透明度 [cm]          25～10 ᵃ          < 10 ᵃ
溶解氧 [mg/L]        0.2～2.0          < 0.2
氧化还原电位 [mV]    −200～50          < −200
氨氮 [mg/L]          8.0～15           > 15
==================  ===============  ==========

ᵃ Where the water is shallower than 25 cm the transparency limits are 40 % of the depth.

A sample is black-and-odorous when any one item reaches 轻度; its grade is 重度 when any item
reaches 重度. One copy prints the 重度 ammonia limit as "> 8.0"; the copies that agree with each
other give "> 15", which is the default here. The per-point rule over many samples (one item in
≥ 60 % of the samples, or two items in ≥ 30 %, at 重度 → 重度) is :func:`black_odorous_point_grade`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from ecowarden.errors import ValidationError
from ecowarden.standards.rounding import Number, to_decimal


class BlackOdorousGrade(StrEnum):
    """Grades of the table [BOW2015]; NONE = below every 轻度 threshold."""

    NONE = "非黑臭"
    LIGHT = "轻度黑臭"
    SEVERE = "重度黑臭"


@dataclass(frozen=True)
class BlackOdorousThresholds:
    """The 轻度 / 重度 boundaries [BOW2015]; each limit belongs to the milder side as printed."""

    transparency_light_cm: Decimal = Decimal(25)  # 轻度 when < 25 (and ≥ 10)
    transparency_severe_cm: Decimal = Decimal(10)  # 重度 when < 10
    shallow_depth_cm: Decimal = Decimal(25)  # below this depth, limits are 40 % of the depth
    shallow_fraction: Fraction = Fraction(2, 5)
    do_light_mg_l: Decimal = Decimal(2)  # 轻度 when ≤ 2.0 (and ≥ 0.2)
    do_severe_mg_l: Decimal = Decimal("0.2")  # 重度 when < 0.2
    orp_light_mv: Decimal = Decimal(50)  # 轻度 when ≤ 50 (and ≥ −200)
    orp_severe_mv: Decimal = Decimal(-200)  # 重度 when < −200
    nh3n_light_mg_l: Decimal = Decimal(8)  # 轻度 when ≥ 8.0 (and ≤ 15)
    nh3n_severe_mg_l: Decimal = Decimal(15)  # 重度 when > 15
    point_one_item_share: Fraction = Fraction(3, 5)  # one item ≥ 60 % of samples at 重度
    point_two_items_share: Fraction = Fraction(3, 10)  # or ≥ 2 items ≥ 30 % at 重度


DEFAULT_BLACK_ODOROUS = BlackOdorousThresholds()


@dataclass(frozen=True)
class BlackOdorousResult:
    """Grade of one sample and the grade each item reached."""

    grade: BlackOdorousGrade
    per_item: dict[str, BlackOdorousGrade]


def _non_negative(name: str, value: Number) -> Decimal:
    number = to_decimal(value)
    if number < 0:
        raise ValidationError(f"{name} must be ≥ 0, got {value!r}")
    return number


def black_odorous_grade(
    transparency_cm: Number,
    do: Number,
    orp_mv: Number,
    nh3n: Number,
    *,
    depth_cm: Number | None = None,
    thresholds: BlackOdorousThresholds = DEFAULT_BLACK_ODOROUS,
) -> BlackOdorousResult:
    """Grade one sample: 非黑臭, 轻度黑臭 or 重度黑臭 [BOW2015].

    Parameters
    ----------
    transparency_cm
        Transparency (Secchi disc). [cm]
    do
        Dissolved oxygen. [mg/L]
    orp_mv
        Oxidation-reduction potential. [mV]
    nh3n
        Ammonia nitrogen. [mg/L]
    depth_cm
        Water depth; below 25 cm the transparency limits become 40 % of it. [cm]
    """
    sd = _non_negative("transparency [cm]", transparency_cm)
    oxygen = _non_negative("DO [mg/L]", do)
    orp = to_decimal(orp_mv)
    ammonia = _non_negative("NH3-N [mg/L]", nh3n)
    light_sd, severe_sd = thresholds.transparency_light_cm, thresholds.transparency_severe_cm
    if depth_cm is not None:
        depth = _non_negative("depth [cm]", depth_cm)
        if depth < thresholds.shallow_depth_cm:
            scale = Decimal(thresholds.shallow_fraction.numerator) / Decimal(
                thresholds.shallow_fraction.denominator
            )
            light_sd = severe_sd = depth * scale
    t = thresholds
    per_item = {
        "透明度": _grade(sd < severe_sd, sd < light_sd),
        "溶解氧": _grade(oxygen < t.do_severe_mg_l, oxygen <= t.do_light_mg_l),
        "氧化还原电位": _grade(orp < t.orp_severe_mv, orp <= t.orp_light_mv),
        "氨氮": _grade(ammonia > t.nh3n_severe_mg_l, ammonia >= t.nh3n_light_mg_l),
    }
    return BlackOdorousResult(max(per_item.values(), key=_RANK.__getitem__), per_item)


_RANK = {BlackOdorousGrade.NONE: 0, BlackOdorousGrade.LIGHT: 1, BlackOdorousGrade.SEVERE: 2}


def _grade(severe: bool, light: bool) -> BlackOdorousGrade:
    if severe:
        return BlackOdorousGrade.SEVERE
    return BlackOdorousGrade.LIGHT if light else BlackOdorousGrade.NONE


def black_odorous_point_grade(
    samples: Sequence[BlackOdorousResult],
    *,
    thresholds: BlackOdorousThresholds = DEFAULT_BLACK_ODOROUS,
) -> BlackOdorousGrade:
    """Grade a monitoring point from its samples [BOW2015].

    重度 when one item is at 重度 in ≥ 60 % of the samples, or at least two items each in ≥ 30 %;
    otherwise 轻度 when any sample is black-and-odorous; otherwise 非黑臭.
    """
    if not samples:
        raise ValidationError("a point needs at least one sample to be graded")
    n = len(samples)
    shares = [
        Fraction(sum(s.per_item[item] is BlackOdorousGrade.SEVERE for s in samples), n)
        for item in samples[0].per_item
    ]
    if any(share >= thresholds.point_one_item_share for share in shares) or (
        sum(share >= thresholds.point_two_items_share for share in shares) >= 2
    ):
        return BlackOdorousGrade.SEVERE
    if any(s.grade is not BlackOdorousGrade.NONE for s in samples):
        return BlackOdorousGrade.LIGHT
    return BlackOdorousGrade.NONE
