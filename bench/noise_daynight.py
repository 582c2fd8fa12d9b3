"""Benchmark: daily Ld / Ln of 29 stations × 10 years of 1-minute Leq (≈ 152 M values).

Target (task brief, DESIGN §5 style): ≤ 2 s on one core for the computation, i.e. hourly Leq
with coverage, hourly validity, Ld / Ln and their validity for every station-day. The peer,
run in the same process, is a straightforward per-value Python loop on a one-station sample,
extrapolated to the full data set. Data generation is not timed.
"""

from __future__ import annotations

import math
import time

import numpy as np
import numpy.typing as npt

from ecowarden.standards.noise import PROJECT_DEFAULT_VALIDITY, day_night_from_samples

STATIONS = 29
DAYS = 3652  # 10 years with 2 leap days
MINUTES_PER_DAY = 1440
TARGET_S = 2.0
LOOP_SAMPLE_DAYS = 20
SEED = 20240601

# Typical Ld of the project's stations by zone class (GB 3096 classes 1, 2, 3, 4a). [dB(A)]
_ZONE_DAY_LEVELS = (52.0, 56.0, 60.0, 66.0)


def generate(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """Realistic 1-minute Leq, float32, shape (stations, days × 1440), with gaps.

    Diurnal profile (quiet 02:00–05:00, plateau by day, evening decline), day-to-day drift,
    minute scatter (SD 3 dB), scattered missing minutes (0.5 %) and station outages of
    1–48 h. [dB(A)]
    """
    minute = np.arange(MINUTES_PER_DAY, dtype=np.float32) / 60.0
    # 0 at 03:30, 1 by day: a smooth cosine bell widened by a clip.
    shape = np.clip(0.5 - 0.9 * np.cos(2.0 * np.pi * (minute - 3.5) / 24.0), 0.0, 1.0)
    data = np.empty((STATIONS, DAYS * MINUTES_PER_DAY), dtype=np.float32)
    for station in range(STATIONS):
        day_level = _ZONE_DAY_LEVELS[station % len(_ZONE_DAY_LEVELS)]
        profile = (day_level - 10.0 + 10.0 * shape).astype(np.float32)
        drift = rng.normal(0.0, 1.5, size=(DAYS, 1)).astype(np.float32)
        rows = data[station].reshape(DAYS, MINUTES_PER_DAY)
        rng.standard_normal(size=(DAYS, MINUTES_PER_DAY), dtype=np.float32, out=rows)
        rows *= np.float32(3.0)
        rows += profile
        rows += drift
        np.clip(rows, 25.0, 110.0, out=rows)
        gaps = rng.integers(0, rows.size, size=rows.size // 200)
        data[station, gaps] = np.nan
        for start in rng.integers(0, rows.size - 48 * 60, size=15):
            data[station, start : start + int(rng.integers(60, 48 * 60))] = np.nan
    return data


def python_loop(minutes: list[float]) -> list[tuple[float, float]]:
    """Per-value peer: hourly Leq (≥ 45 valid minutes), then Ld / Ln per day.

    Same rule as the project default (12 of 16 day hours, 6 of 8 night hours; night of the
    calendar day); a period below the rule gives NaN.
    """
    result: list[tuple[float, float]] = []
    for day_start in range(0, len(minutes), MINUTES_PER_DAY):
        hourly: list[float | None] = []
        for hour in range(24):
            total, count = 0.0, 0
            for value in minutes[day_start + 60 * hour : day_start + 60 * hour + 60]:
                if value == value:  # not NaN
                    total += 10.0 ** (0.1 * value)
                    count += 1
            hourly.append(total / count if count >= 45 else None)
        day = [e for e in hourly[6:22] if e is not None]
        night = [e for e in hourly[22:] + hourly[:6] if e is not None]
        ld = 10.0 * math.log10(sum(day) / len(day)) if len(day) >= 12 else math.nan
        ln = 10.0 * math.log10(sum(night) / len(night)) if len(night) >= 6 else math.nan
        result.append((ld, ln))
    return result


def run() -> dict[str, float]:
    """Time the vectorised computation and the per-value loop; print and return the figures."""
    rng = np.random.default_rng(SEED)
    data = generate(rng)
    values = data.size

    timings = []
    for _ in range(2):
        start = time.perf_counter()
        daily = day_night_from_samples(data, 60, rule=PROJECT_DEFAULT_VALIDITY)
        timings.append(time.perf_counter() - start)
    seconds = min(timings)

    sample = data[0, : LOOP_SAMPLE_DAYS * MINUTES_PER_DAY].tolist()
    start = time.perf_counter()
    looped = python_loop(sample)
    loop_seconds = time.perf_counter() - start
    loop_ns = loop_seconds / len(sample) * 1e9

    ours = np.stack(
        [
            np.where(daily.ld_valid[0, :LOOP_SAMPLE_DAYS], daily.ld[0, :LOOP_SAMPLE_DAYS], np.nan),
            np.where(daily.ln_valid[0, :LOOP_SAMPLE_DAYS], daily.ln[0, :LOOP_SAMPLE_DAYS], np.nan),
        ],
        axis=1,
    )
    if not np.allclose(ours, np.array(looped), atol=1e-9, equal_nan=True):
        raise AssertionError("vectorised Ld / Ln differ from the per-value loop")

    figures = {
        "values": float(values),
        "station_days": float(STATIONS * DAYS),
        "seconds": seconds,
        "ns_per_value": seconds / values * 1e9,
        "target_seconds": TARGET_S,
        "python_loop_ns_per_value": loop_ns,
        "python_loop_seconds_extrapolated": loop_ns * values / 1e9,
        "speedup_vs_python_loop": loop_ns * values / 1e9 / seconds,
        "ld_valid_share": float(daily.ld_valid.mean()),
        "ln_valid_share": float(daily.ln_valid.mean()),
    }
    print(
        f"noise Ld/Ln: {STATIONS} stations × {DAYS} days of 1-min Leq = {values / 1e6:.1f} M values"
    )
    print(
        f"  vectorised (float32 in, float64 energies): {seconds:.3f} s "
        f"({figures['ns_per_value']:.2f} ns/value; target ≤ {TARGET_S:.1f} s)"
    )
    print(
        f"  per-value Python loop: {loop_ns:.0f} ns/value on {len(sample):,} values → "
        f"{figures['python_loop_seconds_extrapolated']:.0f} s extrapolated"
    )
    print(f"  ratio: {figures['speedup_vs_python_loop']:.0f}× faster than the loop")
    print(
        f"  valid station-days: Ld {figures['ld_valid_share']:.1%}, "
        f"Ln {figures['ln_valid_share']:.1%}"
    )
    return figures


if __name__ == "__main__":
    run()
