"""Streaming evaluation agrees with the batch rules on the same minute data."""

from __future__ import annotations

import numpy as np

from ecowarden.supervision.emission import emission_exceedances
from ecowarden.supervision.falsification import flatlines, o2_near_ambient
from ecowarden.supervision.findings import RuleCode
from ecowarden.supervision.scenarios import ORIGIN_S, clean_gas_outlet
from ecowarden.supervision.series import DEFAULT_FLAGS, Series
from ecowarden.supervision.streaming import (
    Role,
    StreamingEvaluator,
    WatchedSeries,
    occurrence_rounds,
)


def test_occurrence_rounds() -> None:
    assert occurrence_rounds(np.array([3, 1, 3, 3, 1])).tolist() == [0, 0, 1, 2, 1]


def _injected() -> dict[str, Series]:
    data = clean_gas_outlet(7, days=3)
    series = dict(data.series)
    nox = series["a21002"]
    values = nox.values.copy()
    values[600:720] *= 2.6  # two exceeding hours
    values[1500:1700] = 96.3  # a frozen analyser for 200 min
    series["a21002"] = Series(nox.starts_s, values, nox.flags, step_s=60)
    o2 = series["a19001"]
    o2_values = o2.values.copy()
    o2_values[3000:3200] = 20.7
    series["a19001"] = Series(o2.starts_s, o2_values, o2.flags, step_s=60)
    return series


def test_streaming_matches_batch() -> None:
    data = clean_gas_outlet(7, days=3)
    series = _injected()
    limit = next(limit for limit in data.limits if limit.parameter == "a21002")
    watched = [
        WatchedSeries("GAS", "a21002", Role.POLLUTANT, limit),
        WatchedSeries("GAS", "a19001", Role.O2),
        WatchedSeries("GAS", "a00000", Role.FLOW),
    ]
    evaluator = StreamingEvaluator(watched)
    codes = ("a19001", "a00000", "a21002")
    index = np.array([evaluator.series_index("GAS", c) for c in codes])
    streamed = []
    n = len(series["a21002"])
    # Batches of 7 minutes, all series interleaved, fed in arrival order.
    for lo in range(0, n, 7):
        hi = min(lo + 7, n)
        rows = np.repeat(index, hi - lo)
        starts = np.concatenate([series[c].starts_s[lo:hi] for c in codes])
        values = np.concatenate([series[c].values[lo:hi] for c in codes])
        usable = np.concatenate([DEFAULT_FLAGS.valid(series[c].flags[lo:hi]) for c in codes])
        streamed += evaluator.feed(rows, starts, values, usable)

    def starts_of(findings: list, rule: RuleCode) -> list[int]:  # type: ignore[type-arg]
        return sorted((f.start_s - ORIGIN_S) // 60 for f in findings if f.rule is rule)

    batch = emission_exceedances(limit, series["a21002"], o2=series["a19001"])
    hours = sorted((h - ORIGIN_S) // 60 for f in batch for h in range(f.start_s, f.end_s, 3600))
    assert starts_of(streamed, RuleCode.EMISSION_HOUR) == hours == [600, 660]
    flat = flatlines("GAS", "a21002", series["a21002"], flow=series["a00000"])
    assert starts_of(streamed, RuleCode.FLATLINE) == starts_of(flat, RuleCode.FLATLINE) == [1500]
    high = o2_near_ambient("GAS", series["a19001"], flow=series["a00000"])
    assert (
        starts_of(streamed, RuleCode.O2_AMBIENT) == starts_of(high, RuleCode.O2_AMBIENT) == [3000]
    )
