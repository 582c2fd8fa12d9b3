"""Which edition of each air standard applies on a date.

The editions are resolved from the date of the data, never from the date of computation
(reference §1.2). The HJ 633 breakpoints and the GB 3095 limits are versioned separately:
from 2031-01-01 the GB 3095-2026 final limits apply while HJ 633-2026 stays in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from ecowarden.errors import StandardNotFound


class AqiStandard(StrEnum):
    """HJ 633 editions [HJ633-2012] [HJ633-2026]."""

    HJ633_2012 = "HJ 633-2012"
    HJ633_2026 = "HJ 633-2026"


class LimitSet(StrEnum):
    """GB 3095 limit sets: the 2012 edition, and the two phases of GB 3095-2026 §4.4."""

    GB3095_2012 = "GB 3095-2012"
    GB3095_2026_TRANSITIONAL = "GB 3095-2026 transitional"
    GB3095_2026_FINAL = "GB 3095-2026 final"


class EvaluationStandard(StrEnum):
    """HJ 663 editions [HJ663-2013] [HJ663-2026]."""

    HJ663_2013 = "HJ 663-2013"
    HJ663_2026 = "HJ 663-2026"


# GB 3095-2026, HJ 633-2026 and HJ 663-2026 covers: in force 2026-03-01.
SWITCH_2026 = dt.date(2026, 3, 1)
# GB 3095-2026 foreword and §4.4: final limits nationwide from 2031-01-01.
FINAL_LIMITS_FROM = dt.date(2031, 1, 1)


@dataclass(frozen=True)
class Editions:
    """The editions in force on one date."""

    aqi: AqiStandard
    limits: LimitSet
    evaluation: EvaluationStandard


def standard_for(on: dt.date | dt.datetime) -> Editions:
    """The HJ 633, GB 3095 and HJ 663 editions in force on the date ``on``.

    A datetime is reduced to its date as given (pass the local Asia/Shanghai date: an hour
    belongs to the natural day its interval lies in, reference §1.2).
    """
    day = on.date() if isinstance(on, dt.datetime) else on
    if day < SWITCH_2026:
        return Editions(AqiStandard.HJ633_2012, LimitSet.GB3095_2012, EvaluationStandard.HJ663_2013)
    limits = (
        LimitSet.GB3095_2026_FINAL
        if day >= FINAL_LIMITS_FROM
        else LimitSet.GB3095_2026_TRANSITIONAL
    )
    return Editions(AqiStandard.HJ633_2026, limits, EvaluationStandard.HJ663_2026)


def parse_aqi_standard(name: str | AqiStandard) -> AqiStandard:
    """An HJ 633 identifier, or :class:`StandardNotFound` listing the valid ones."""
    try:
        return AqiStandard(name)
    except ValueError:
        raise StandardNotFound(name, [s.value for s in AqiStandard]) from None


def parse_limit_set(name: str | LimitSet) -> LimitSet:
    """A GB 3095 limit-set identifier, or :class:`StandardNotFound` listing the valid ones."""
    try:
        return LimitSet(name)
    except ValueError:
        raise StandardNotFound(name, [s.value for s in LimitSet]) from None
