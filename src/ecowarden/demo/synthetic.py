"""Synthetic monitoring series for the demo county.

The series imitate what a county network records: seasonal cycles (particulates high in winter,
ozone high in summer), diurnal cycles (NO2 and CO at the rush hours, ozone in the afternoon),
multi-day weather episodes, instrument gaps and hours flagged invalid. They are generated with a
seeded NumPy generator, so a demo run is reproducible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Hourly flags that make an hour invalid for statistics (HJ 212-2017 data flags: M maintenance,
# D fault, C calibration). Valid hours carry N.
INVALID_FLAGS = ("M", "D", "C")


@dataclass(frozen=True)
class AirPollutantProfile:
    """Shape of one pollutant's hourly series at a typical county station."""

    mean: float  # annual mean [µg/m³; CO mg/m³]
    winter_factor: float  # ratio of January to July level
    diurnal: tuple[float, ...]  # 24 multiplicative factors, hour of interval start 0…23
    episode_sigma: float  # spread of the daily weather factor (log scale)
    hourly_sigma: float  # spread of the hour-to-hour noise (log scale)
    decimals: int  # precision the analyser reports


_FLAT = (1.0,) * 24
_RUSH = tuple(
    1.0 + 0.35 * np.exp(-((h - 8) ** 2) / 4) + 0.45 * np.exp(-((h - 19) ** 2) / 6) - 0.15
    for h in range(24)
)
_AFTERNOON = tuple(0.45 + 1.0 * np.exp(-((h - 15) ** 2) / 12) for h in range(24))

AIR_PROFILES: dict[str, AirPollutantProfile] = {
    "PM2.5": AirPollutantProfile(22.0, 2.2, _RUSH, 0.45, 0.22, 0),
    "PM10": AirPollutantProfile(40.0, 1.9, _RUSH, 0.42, 0.25, 0),
    "SO2": AirPollutantProfile(8.0, 1.8, _FLAT, 0.35, 0.3, 0),
    "NO2": AirPollutantProfile(18.0, 1.6, _RUSH, 0.35, 0.3, 0),
    "CO": AirPollutantProfile(0.6, 1.7, _RUSH, 0.3, 0.2, 1),
    "O3": AirPollutantProfile(54.0, 0.55, _AFTERNOON, 0.22, 0.15, 0),
}


@dataclass(frozen=True)
class AirSeries:
    """Hourly series of several stations: values[pollutant] is (stations, hours)."""

    stations: tuple[str, ...]
    first_day: dt.date  # local (Asia/Shanghai) date of hour index 0 (interval start 00:00)
    values: dict[str, FloatArray]  # NaN where the analyser delivered nothing
    flags: npt.NDArray[np.str_]  # (stations, hours) flag of the station's analysers

    @property
    def n_hours(self) -> int:
        return int(self.flags.shape[1])

    def valid_values(self, pollutant: str) -> FloatArray:
        """The values with invalid-flagged hours set to NaN (what statistics may use)."""
        values = self.values[pollutant].copy()
        values[np.isin(self.flags, INVALID_FLAGS)] = np.nan
        return values


def _daily_ar1(rng: np.random.Generator, n_days: int, n_series: int, rho: float) -> FloatArray:
    """A standard-normal AR(1) per series over days: weather episodes last several days."""
    shocks = rng.standard_normal((n_series, n_days))
    out = np.empty_like(shocks)
    out[:, 0] = shocks[:, 0]
    scale = np.sqrt(1.0 - rho**2)
    for day in range(1, n_days):
        out[:, day] = rho * out[:, day - 1] + scale * shocks[:, day]
    return out


def air_hourly(
    stations: tuple[str, ...],
    first_day: dt.date,
    last_day: dt.date,
    *,
    seed: int = 2026,
    yearly_trend: float = -0.03,
    gap_rate: float = 0.01,
    invalid_rate: float = 0.006,
) -> AirSeries:
    """Hourly air-quality series for ``stations`` from ``first_day`` 00:00 to ``last_day`` 24:00.

    ``yearly_trend`` is the relative change of every level per year (−3 % a year by default, the
    improvement a county reports). Gaps are outages of 1–30 hours; invalid hours are flagged M, D or
    C and keep their (suspect) value, as an analyser sends them.
    """
    rng = np.random.default_rng(seed)
    n_days = (last_day - first_day).days + 1
    n_hours = n_days * 24
    n_st = len(stations)
    day_of_year = np.array(
        [(first_day + dt.timedelta(days=d)).timetuple().tm_yday for d in range(n_days)]
    )
    years = np.arange(n_days) / 365.25
    # the weather is shared by the county's stations: one daily factor, plus a station offset
    weather = _daily_ar1(rng, n_days, 1, rho=0.75)
    station_offset = rng.normal(0.0, 0.08, size=(n_st, 1))
    values: dict[str, FloatArray] = {}
    for pollutant, prof in AIR_PROFILES.items():
        # cosine season peaking mid-January (winter factor > 1) or mid-July (< 1)
        season_log = 0.5 * np.log(prof.winter_factor) * np.cos(2 * np.pi * (day_of_year - 15) / 365)
        own_weather = _daily_ar1(rng, n_days, 1, rho=0.6)
        sign = -1.0 if pollutant == "O3" else 1.0  # stagnant winter days: more PM, less O3
        daily_log = (
            season_log
            + prof.episode_sigma * (0.7 * sign * weather + 0.3 * own_weather)
            + np.log1p(yearly_trend) * years
            + station_offset
        )
        hourly_log = np.repeat(daily_log, 24, axis=1) + np.log(
            np.tile(np.asarray(prof.diurnal), n_days)
        )
        hourly_log += prof.hourly_sigma * rng.standard_normal((n_st, n_hours))
        level = np.exp(hourly_log)
        level *= prof.mean / float(np.mean(level))
        values[pollutant] = np.round(level, prof.decimals)
    flags = np.full((n_st, n_hours), "N", dtype="<U1")
    outage_starts = rng.random((n_st, n_hours)) < gap_rate / 10
    for st_idx, hour in zip(*np.nonzero(outage_starts), strict=True):
        end = min(n_hours, hour + int(rng.integers(1, 31)))
        for series in values.values():
            series[st_idx, hour:end] = np.nan
    invalid = rng.random((n_st, n_hours)) < invalid_rate
    flags[invalid] = rng.choice(np.array(INVALID_FLAGS), size=int(invalid.sum()))
    return AirSeries(stations, first_day, values, flags)


# Typical levels of county functional-zone stations [dB(A)]: day and night Leq by zone class,
# near the GB 3096-2008 Table 1 limits so that some stations exceed at night.
NOISE_ZONE_LEVELS: dict[str, tuple[float, float]] = {
    "0": (46.0, 37.0),
    "1": (50.5, 41.0),
    "2": (55.0, 45.5),
    "3": (60.0, 52.0),
    "4a": (65.0, 52.0),
    "4b": (64.0, 58.0),
}


@dataclass(frozen=True)
class NoiseSeries:
    """Hourly Leq of noise stations: leq_dba is (stations, hours), NaN where missing."""

    stations: tuple[str, ...]
    zones: tuple[str, ...]
    first_day: dt.date
    leq_dba: FloatArray


def noise_hourly(
    zones: tuple[str, ...],
    first_day: dt.date,
    last_day: dt.date,
    *,
    seed: int = 3096,
    gap_rate: float = 0.01,
) -> NoiseSeries:
    """Hourly Leq for one station per entry of ``zones`` (codes "0" … "4b")."""
    rng = np.random.default_rng(seed)
    n_days = (last_day - first_day).days + 1
    hours = np.tile(np.arange(24), n_days)
    is_day = (hours >= 6) & (hours < 22)
    stations = tuple(f"N{idx + 1:02d}" for idx in range(len(zones)))
    rows: list[FloatArray] = []
    for zone in zones:
        day_level, night_level = NOISE_ZONE_LEVELS[zone]
        offset = rng.normal(0.0, 1.8)
        base: FloatArray = np.where(is_day, day_level, night_level) + offset
        # evening shoulder and the quietest hours 02–04
        base = base + np.where((hours >= 22) | (hours < 1), 2.0, 0.0)
        base = base - np.where((hours >= 2) & (hours < 5), 2.5, 0.0)
        rows.append(base + rng.normal(0.0, 1.5, size=base.shape))
    leq: FloatArray = np.vstack(rows).round(1)
    leq[rng.random(leq.shape) < gap_rate] = np.nan
    return NoiseSeries(stations, zones, first_day, leq)


# Typical monthly values of a clean county river held at Class II [mg/L; fecal coliform
# MPN/L; pH dimensionless], GB 3838-2002 Table 1 items, plus TN (reference item for rivers).
WATER_BASELINE: dict[str, float] = {
    "water_temperature": 17.0,
    "pH": 7.6,
    "DO": 8.2,
    "CODMn": 2.3,
    "COD": 9.0,
    "BOD5": 1.6,
    "NH3-N": 0.2,
    "TP": 0.045,
    "TN": 1.1,
    "Cu": 0.004,
    "Zn": 0.015,
    "F": 0.32,
    "Se": 0.0004,
    "As": 0.0012,
    "Hg": 0.00002,
    "Cd": 0.0004,
    "Cr6": 0.004,
    "Pb": 0.002,
    "CN": 0.002,
    "volatile_phenol": 0.0006,
    "petroleum": 0.012,
    "LAS": 0.03,
    "S2-": 0.006,
    "fecal_coliform": 600.0,
}

# GB 3838-2002 Table 2 supplementary items measured at drinking-water sources [mg/L].
DRINKING_SUPPLEMENT: dict[str, float] = {
    "SO4": 28.0,
    "Cl": 14.0,
    "NO3-N": 0.9,
    "Fe": 0.07,
    "Mn": 0.025,
}


@dataclass(frozen=True)
class WaterSite:
    """A water monitoring site of the demo county."""

    code: str
    name: str
    water_body: str  # "river" or "lake"
    target_class: str
    load: float  # 1.0 = upstream background; > 1 = more urban and agricultural load
    drinking_source: bool = False


def water_monthly(
    sites: tuple[WaterSite, ...], months: tuple[tuple[int, int], ...], *, seed: int = 3838
) -> dict[str, list[dict[str, float]]]:
    """Monthly sample values per site: ``result[site.code][i]`` is the sample of ``months[i]``.

    Pollution items scale with the site's load and rise in the wet summer months (run-off);
    DO falls with warm water. Lakes hold more phosphorus and less oxygen-demanding load.
    """
    rng = np.random.default_rng(seed)
    samples: dict[str, list[dict[str, float]]] = {}
    for site in sites:
        rows = []
        for _year, month in months:
            summer = float(np.exp(-((month - 7) ** 2) / 6.0))
            temperature = 8.0 + 20.0 * summer + rng.normal(0.0, 1.0)
            row: dict[str, float] = {}
            baseline = WATER_BASELINE | (DRINKING_SUPPLEMENT if site.drinking_source else {})
            for item, base in baseline.items():
                noise = float(rng.lognormal(0.0, 0.12))
                if item == "water_temperature":
                    value = temperature
                elif item == "pH":
                    value = base + rng.normal(0.0, 0.15)
                elif item == "DO":
                    t = temperature  # saturation polynomial of fresh water [mg/L], t in °C
                    saturation = 14.62 - 0.3898 * t + 0.006969 * t**2 - 0.00005897 * t**3
                    value = saturation * (1.02 - 0.08 * site.load) * noise
                else:
                    run_off = 1.0 + 0.6 * summer * (site.load - 0.8)
                    value = base * site.load * run_off * noise
                    if item in ("TP", "TN") and site.water_body == "lake":
                        value *= 0.5 if item == "TP" else 0.9
                row[item] = round(value, 5 if value < 0.01 else 3)
            rows.append(row)
        samples[site.code] = rows
    return samples


@dataclass(frozen=True)
class OutletProfile:
    """Typical level and spread of one outlet parameter while the plant runs."""

    mean: float
    sigma: float  # log-normal spread (relative), or absolute spread when ``additive``
    decimals: int
    additive: bool = False


# Flue gas [mg/m³; O2 %; flow m³/h] and wastewater [mg/L; pH; flow L/s] while producing.
OUTLET_PROFILES: dict[str, OutletProfile] = {
    "a21026": OutletProfile(55.0, 0.35, 1),
    "a21002": OutletProfile(72.0, 0.2, 1),
    "a34013": OutletProfile(9.0, 0.35, 2),
    "a19001": OutletProfile(10.5, 0.6, 2, additive=True),
    "a00000": OutletProfile(62000.0, 0.12, 0),
    "w01018": OutletProfile(26.0, 0.3, 1),
    "w21003": OutletProfile(1.4, 0.45, 2),
    "w01001": OutletProfile(7.2, 0.25, 2, additive=True),
    "w00000": OutletProfile(28.0, 0.2, 2),
}
# Parameters whose level collapses when the plant stops (flow); concentrations keep a
# residual value flagged F, as analysers keep sampling.
FLOW_PARAMETERS = ("a00000", "w00000")


@dataclass(frozen=True)
class OutletSeries:
    """Hourly values and flags of one outlet: values[parameter] is (hours,)."""

    first_day: dt.date
    values: dict[str, FloatArray]
    flags: npt.NDArray[np.str_]  # (hours,) one flag per hour for the whole analyser set
    exceedance_hours: tuple[int, ...]  # hour indices where a pollutant was injected high


def outlet_hourly(
    parameters: tuple[str, ...],
    first_day: dt.date,
    last_day: dt.date,
    *,
    seed: int,
    day_shift: bool,
    exceedance_parameter: str | None,
) -> OutletSeries:
    """Hourly series of an outlet from ``first_day`` 00:00 to ``last_day`` 24:00.

    A continuous plant runs round the clock with a two-week overhaul each spring; a day-shift
    plant runs 08:00–20:00 on weekdays. Stopped hours carry flag F, maintenance hours M and the
    weekly calibration hour C. When ``exceedance_parameter`` is given, a few episodes of 2–6 hours
    raise it to 2–3 times its usual level (the cases supervision must find).
    """
    rng = np.random.default_rng(seed)
    n_days = (last_day - first_day).days + 1
    n_hours = n_days * 24
    hour = np.tile(np.arange(24), n_days)
    weekday = np.repeat([(first_day + dt.timedelta(days=d)).weekday() for d in range(n_days)], 24)
    day_of_year = np.repeat(
        [(first_day + dt.timedelta(days=d)).timetuple().tm_yday for d in range(n_days)], 24
    )
    if day_shift:
        running = (hour >= 8) & (hour < 20) & (weekday < 5)
    else:
        overhaul_start = int(rng.integers(70, 120))
        running = ~((day_of_year >= overhaul_start) & (day_of_year < overhaul_start + 14))
    flags = np.where(running, "N", "F").astype("<U2")
    maintenance = rng.random(n_hours) < 0.0008
    for start in np.nonzero(maintenance)[0]:
        flags[start : start + int(rng.integers(2, 5))] = "M"
    flags[(weekday == 2) & (hour == 10) & running] = "C"
    load = np.exp(0.15 * rng.standard_normal(n_days)).repeat(24)
    values: dict[str, FloatArray] = {}
    for parameter in parameters:
        prof = OUTLET_PROFILES[parameter]
        if prof.additive:
            series = prof.mean + prof.sigma * rng.standard_normal(n_hours)
        else:
            series = (
                prof.mean
                * load
                * np.exp(prof.sigma * rng.standard_normal(n_hours) - prof.sigma**2 / 2)
            )
        if parameter in FLOW_PARAMETERS:
            series = np.where(running, series, series * 0.02)
        elif not prof.additive:
            series = np.where(running, series, series * 0.15)
        values[parameter] = np.round(series, prof.decimals)
    exceedances: list[int] = []
    if exceedance_parameter is not None:
        candidates = np.nonzero(running & (flags == "N"))[0]
        for start in rng.choice(candidates, size=4, replace=False):
            length = int(rng.integers(2, 7))
            stop = min(n_hours, int(start) + length)
            factor = float(rng.uniform(2.0, 3.0))
            values[exceedance_parameter][start:stop] = np.round(
                values[exceedance_parameter][start:stop] * factor,
                OUTLET_PROFILES[exceedance_parameter].decimals,
            )
            exceedances.extend(range(int(start), stop))
    return OutletSeries(first_day, values, flags, tuple(sorted(exceedances)))
