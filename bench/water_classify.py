"""Benchmark: GB 3838-2002 classification of 1 million samples × 21 assessed items.

Target: ≤ 1 s on one core for the vectorised ``classify_samples``. Peers, run in the same
process on a slice of the same data and extrapolated to ``n_samples``:

* a straightforward per-value Python loop over the same limits (floats, one item at a time);
* the exact scalar ``classify_sample`` (decimal arithmetic, full result object).

Run directly (``python bench/water_classify.py``) or through ``bench/bench_water_noise.py``,
which calls :func:`run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ecowarden.standards.water import (
    ASSESSED_ITEMS,
    TABLE1,
    Direction,
    Item,
    WaterBody,
    class_limits,
    classify_sample,
    classify_samples,
)

_LOOP_SAMPLES = 20_000
_SCALAR_SAMPLES = 2_000


def _sample_arrays(n_samples: int, seed: int = 20020601) -> dict[Item, npt.NDArray[np.float64]]:
    """Values spread over Class I … 劣V of each item, 1 % missing."""
    rng = np.random.default_rng(seed)
    arrays: dict[Item, npt.NDArray[np.float64]] = {}
    for item in ASSESSED_ITEMS:
        top = float(class_limits(item, WaterBody.RIVER)[-1])
        if item is Item.PH:
            values = rng.uniform(5.0, 10.0, n_samples)
        elif item is Item.DO:
            values = rng.uniform(0.0, 10.0, n_samples)
        else:
            values = rng.uniform(0.0, top * 1.25, n_samples)
        values[rng.random(n_samples) < 0.01] = np.nan
        arrays[item] = values
    return arrays


def _loop_classify(arrays: dict[Item, npt.NDArray[np.float64]], n: int) -> list[int]:
    """The peer: a plain per-value loop, as one would write it without NumPy."""
    rows = []
    for item in ASSESSED_ITEMS:
        bounds = [float(x) for x in class_limits(item, WaterBody.RIVER)]
        rows.append((TABLE1[item].direction, bounds, arrays[item][:n].tolist()))
    result = []
    for i in range(n):
        worst = 0
        for direction, limits, values in rows:
            x = values[i]
            if x != x:  # NaN: missing
                continue
            if direction is Direction.RANGE:
                code = 1 if limits[0] <= x <= limits[1] else 6
                if code == 1:
                    continue
            elif direction is Direction.NOT_LOWER:
                code = 6
                for k, limit in enumerate(limits):
                    if x >= limit:
                        code = k + 1
                        break
            else:
                code = 6
                for k, limit in enumerate(limits):
                    if x <= limit:
                        code = k + 1
                        break
            worst = max(worst, code)
        result.append(worst)
    return result


def _best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def run(n_samples: int = 1_000_000) -> dict[str, float]:
    """Time the vectorised classification and its peers; print and return the figures."""
    arrays = _sample_arrays(n_samples)
    vectorised_s = _best_of(3, lambda: classify_samples(arrays, water_body="river"))

    n_loop = min(_LOOP_SAMPLES, n_samples)
    loop_s = _best_of(1, lambda: _loop_classify(arrays, n_loop)) * n_samples / n_loop

    n_scalar = min(_SCALAR_SAMPLES, n_samples)
    samples = [{item: float(arrays[item][i]) for item in ASSESSED_ITEMS} for i in range(n_scalar)]
    scalar_s = (
        _best_of(1, lambda: [classify_sample(s, water_body="river") for s in samples])
        * n_samples
        / n_scalar
    )

    # The loop and the vectorised function must agree on the slice they share.
    codes = classify_samples({k: v[:n_loop] for k, v in arrays.items()}).water_class
    if codes.tolist() != _loop_classify(arrays, n_loop):
        raise AssertionError("vectorised and loop classifications differ")

    figures = {
        "n_samples": float(n_samples),
        "n_items": float(len(ASSESSED_ITEMS)),
        "vectorised_s": vectorised_s,
        "vectorised_ns_per_sample": vectorised_s / n_samples * 1e9,
        "python_loop_s_extrapolated": loop_s,
        "exact_scalar_s_extrapolated": scalar_s,
        "ratio_loop_over_vectorised": loop_s / vectorised_s,
        "ratio_scalar_over_vectorised": scalar_s / vectorised_s,
    }
    print(
        f"water classify: {n_samples:,} samples × {len(ASSESSED_ITEMS)} items\n"
        f"  classify_samples (NumPy)        {vectorised_s:8.3f} s "
        f"({figures['vectorised_ns_per_sample']:.0f} ns/sample; target ≤ 1 s)\n"
        f"  per-value Python loop (peer)    {loop_s:8.3f} s "
        f"(from {n_loop:,} samples; ×{figures['ratio_loop_over_vectorised']:.0f})\n"
        f"  exact classify_sample           {scalar_s:8.3f} s "
        f"(from {n_scalar:,} samples; ×{figures['ratio_scalar_over_vectorised']:.0f})"
    )
    return figures


if __name__ == "__main__":
    run()
