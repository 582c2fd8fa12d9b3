"""Noise station series → day/night levels and functional-zone compliance for a period.

Automatic functional-zone stations deliver an hourly Leq every hour; each station-day is one
point-time (点次) judged by its Ld and Ln against the GB 3096-2008 Table 1 limits of the
station's zone class [GB3096-2008], and the period's compliance rates pool those point-times
per zone class and overall [HJ640-2012]. Days whose coverage misses the validity rule are
excluded from the rates and counted (decision 0004-noise.md, N-Q1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ecowarden.errors import ValidationError
from ecowarden.standards.noise import (
    ComplianceRates,
    DayNightLevels,
    Verdict,
    Zone,
    ZoneVerdict,
    compliance_rates,
    day_night,
    leq,
    parse_zone,
    zone_compliance,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StationNoiseYear:
    """One station's period: energy-mean Ld / Ln over its valid days and its day verdicts."""

    station: str
    zone: Zone
    ld_dba: float | None  # energy mean of the valid days' Ld [dB(A)]
    ln_dba: float | None
    valid_days: int  # days whose Ld (or Ln) met the coverage rule
    days: int
    day_compliant: int  # compliant point-times, day
    night_compliant: int
    day_judged: int  # point-times judged (not excluded), day
    night_judged: int


@dataclass(frozen=True)
class NoiseAssessment:
    """Stations' period figures and the pooled compliance rates by zone class."""

    first_day: dt.date
    days: int
    stations: tuple[StationNoiseYear, ...]
    rates: ComplianceRates


def assess_noise_stations(
    hourly_leq_dba: npt.ArrayLike,
    stations: Sequence[str],
    zones: Sequence[str | Zone],
    first_day: dt.date,
) -> NoiseAssessment:
    """Assess noise stations over whole local days.

    Parameters
    ----------
    hourly_leq_dba
        Hourly Leq, shape (stations, days × 24); index 0 is the hour starting 00:00 local on
        ``first_day``. [dB(A)] NaN = missing hour.
    stations, zones
        Station codes and their GB 3096 zone classes, one per row.
    first_day
        Local date of the first column.
    """
    levels = np.asarray(hourly_leq_dba, dtype=np.float64)
    if levels.ndim != 2 or levels.shape[0] != len(stations) or len(zones) != len(stations):
        raise ValidationError(
            f"expected {len(stations)} stations × hours of levels and one zone per station, "
            f"got levels of shape {levels.shape} and {len(zones)} zones"
        )
    if levels.shape[1] % 24:
        raise ValidationError(f"hours must cover whole days, got {levels.shape[1]} hours")
    n_days = levels.shape[1] // 24
    daily = levels.reshape(len(stations), n_days, 24)
    dn: DayNightLevels = day_night(daily)
    verdicts: list[ZoneVerdict] = []
    results = []
    for idx, (code, zone_name) in enumerate(zip(stations, zones, strict=True)):
        zone = parse_zone(zone_name)
        station_verdicts = [
            zone_compliance(
                zone,
                ld=float(dn.ld[idx, day]) if dn.ld_valid[idx, day] else None,
                ln=float(dn.ln[idx, day]) if dn.ln_valid[idx, day] else None,
            )
            for day in range(n_days)
        ]
        verdicts.extend(station_verdicts)
        day_ok = dn.ld_valid[idx]
        night_ok = dn.ln_valid[idx]
        results.append(
            StationNoiseYear(
                station=code,
                zone=zone,
                ld_dba=_energy_mean(dn.ld[idx][day_ok]),
                ln_dba=_energy_mean(dn.ln[idx][night_ok]),
                valid_days=int(np.count_nonzero(day_ok | night_ok)),
                days=n_days,
                day_compliant=_count(station_verdicts, "day", Verdict.COMPLIANT),
                night_compliant=_count(station_verdicts, "night", Verdict.COMPLIANT),
                day_judged=_judged(station_verdicts, "day"),
                night_judged=_judged(station_verdicts, "night"),
            )
        )
    return NoiseAssessment(first_day, n_days, tuple(results), compliance_rates(verdicts))


def _energy_mean(values: FloatArray) -> float | None:
    return float(leq(values)) if values.size else None


def _count(verdicts: Sequence[ZoneVerdict], period: str, verdict: Verdict) -> int:
    return sum(getattr(v, period).verdict is verdict for v in verdicts)


def _judged(verdicts: Sequence[ZoneVerdict], period: str) -> int:
    excluded = (Verdict.MISSING, Verdict.INSUFFICIENT)
    return sum(getattr(v, period).verdict not in excluded for v in verdicts)
