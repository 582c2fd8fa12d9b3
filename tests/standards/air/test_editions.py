"""Edition selection by the date of the data (reference §1.2, §8)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecowarden.errors import StandardNotFound
from ecowarden.standards.air.editions import (
    AqiStandard,
    EvaluationStandard,
    LimitSet,
    parse_aqi_standard,
    standard_for,
)


@pytest.mark.parametrize(
    ("day", "aqi", "limits", "evaluation"),
    [
        (dt.date(2025, 6, 1), "HJ 633-2012", "GB 3095-2012", "HJ 663-2013"),
        (dt.date(2026, 2, 28), "HJ 633-2012", "GB 3095-2012", "HJ 663-2013"),
        (dt.date(2026, 3, 1), "HJ 633-2026", "GB 3095-2026 transitional", "HJ 663-2026"),
        (dt.date(2030, 12, 31), "HJ 633-2026", "GB 3095-2026 transitional", "HJ 663-2026"),
        # 2031: limits change, the HJ 633-2026 breakpoints do not (reference OQ-21)
        (dt.date(2031, 1, 1), "HJ 633-2026", "GB 3095-2026 final", "HJ 663-2026"),
    ],
)
def test_standard_for_switches_on_the_effective_dates(
    day: dt.date, aqi: str, limits: str, evaluation: str
) -> None:
    editions = standard_for(day)
    assert (editions.aqi, editions.limits, editions.evaluation) == (
        AqiStandard(aqi),
        LimitSet(limits),
        EvaluationStandard(evaluation),
    )


def test_last_hour_of_2026_02_28_is_2012() -> None:
    # The hour 23:00–24:00 of 2026-02-28 lies in that natural day: HJ 633-2012 (reference §1.2).
    assert standard_for(dt.datetime(2026, 2, 28, 23, 0)).aqi is AqiStandard.HJ633_2012


def test_unknown_standard_lists_valid_names() -> None:
    with pytest.raises(StandardNotFound, match="HJ 633-2012, HJ 633-2026"):
        parse_aqi_standard("HJ 633-2019")
