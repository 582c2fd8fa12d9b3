"""Water and noise engine benchmark (issue: classify 1 M samples of 21 items ≤ 1 s; Ld/Ln for 29
stations × 10 years of 1-minute data ≤ 2 s; both on one core, against a per-value Python loop)."""

from __future__ import annotations

import noise_daynight
import water_classify

if __name__ == "__main__":
    water_classify.run()
    noise_daynight.run()
