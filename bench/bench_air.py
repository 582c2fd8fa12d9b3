"""Air-quality engine benchmark (issue: hourly AQI ≤ 100 ns per station-hour; daily means with
validity for 8.76 M hourly rows ≤ 0.25 s; both on one core, against python-aqi / a plain loop)."""

from __future__ import annotations

import air_daily
import air_hourly

if __name__ == "__main__":
    air_hourly.run()
    air_daily.run()
