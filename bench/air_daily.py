"""Daily means with validity (GB 3095 Table 4) over 8.76 million hourly rows.

Target (DESIGN §5): ≤ 0.25 s on one core for 1,000 stations × one year. The peer is a
straightforward per-value Python loop, timed on a sample in the same run and extrapolated.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from ecowarden.standards.air.validity import daily_means

TARGET_S = 0.25
HOURS_PER_STATION = 8760
PEER_SAMPLE_ROWS = 87_600
REPEATS = 5


def _hourly(n_rows: int) -> np.ndarray:
    """Integer-valued PM2.5 hours with 5 % missing, shaped (stations, hours)."""
    rng = np.random.default_rng(20260301)
    stations = max(1, n_rows // HOURS_PER_STATION)
    hours = n_rows // stations // 24 * 24
    values = rng.gamma(2.0, 20.0, size=(stations, hours)).round(0)
    values[rng.random(values.shape) < 0.05] = np.nan
    return values


def _per_value_loop(rows: list[float]) -> list[float | None]:
    """The peer: one Python step per hourly value, 20 valid hours per day required."""
    means: list[float | None] = []
    for start in range(0, len(rows), 24):
        total = 0.0
        count = 0
        for value in rows[start : start + 24]:
            if not math.isnan(value):
                total += value
                count += 1
        means.append(total / count if count >= 20 else None)
    return means


def _best_of(repeats: int, work: Callable[[], object]) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def run(n_rows: int = 8_760_000) -> dict[str, float]:
    """Time vectorised daily means with validity on ``n_rows`` hourly rows and the per-value
    Python peer on a sample; print the figures and return them.

    Returns
    -------
    dict
        ``rows``, ``numpy_s`` (best of 5), ``ns_per_row``, ``peer_s`` (extrapolated),
        ``ratio`` (peer / numpy), ``target_s``.
    """
    hourly = _hourly(n_rows)
    rows = hourly.size
    numpy_s = _best_of(REPEATS, lambda: daily_means(hourly, pollutant="PM2.5"))
    sample = hourly.reshape(-1)[: min(PEER_SAMPLE_ROWS, rows) // 24 * 24].tolist()
    peer_sample_s = _best_of(3, lambda: _per_value_loop(sample))
    peer_s = peer_sample_s * rows / len(sample)
    # the two must agree before their times mean anything
    check = daily_means(np.asarray(sample), pollutant="PM2.5").value
    expected = np.array([np.nan if v is None else v for v in _per_value_loop(sample)])
    np.testing.assert_allclose(check, expected, rtol=1e-12, equal_nan=True)
    figures = {
        "rows": float(rows),
        "numpy_s": numpy_s,
        "ns_per_row": numpy_s / rows * 1e9,
        "peer_s": peer_s,
        "ratio": peer_s / numpy_s,
        "target_s": TARGET_S,
    }
    verdict = "meets" if numpy_s <= TARGET_S else "MISSES"
    print(
        f"daily means with validity, {rows:,} hourly rows: {numpy_s:.3f} s "
        f"({figures['ns_per_row']:.1f} ns/row), {verdict} the {TARGET_S} s target"
    )
    print(
        f"per-value Python loop (peer), extrapolated from {len(sample):,} rows: {peer_s:.2f} s; "
        f"ratio peer/numpy {figures['ratio']:.0f}×"
    )
    return figures


if __name__ == "__main__":
    run()
