"""Evaluation harness: synthetic scenarios injected into clean simulated series.

Clean series imitate what the county's devices send when nothing is wrong: a gas outlet's minute
CEMS data (SO2, NOx, particulate matter, O2, flow) and a wastewater outlet's hourly data (COD,
NH3-N, pH, flow), 30 days, with daily load swings, analyser noise, weekly calibration hours and
the odd maintenance stretch; air, water and noise stations; meters on production and control
equipment; boat tracks that stay outside the protection zones; a construction-site noise monitor.

Each :class:`Scenario` injects one case (reliability-security.md §8.4 S1–S9 and one per rule of
issue 6) and says which rule must find it and within what latency: the rules are run on the data
up to onset + latency only, so a case counts as found only if the evidence available by then
fires it. The clean baseline (S9) is run through every rule; its findings, grouped into alerts
as the alert queue groups them, are false alerts. :func:`run_harness` returns recall on the
injected cases and false alerts per device-month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import shapely

from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.alerts import AlertPolicy, dedupe_key
from ecowarden.supervision.ambient import (
    aqi_exceedances,
    noise_zone_exceedances,
    water_below_target,
)
from ecowarden.supervision.availability import (
    clock_drift,
    device_offline,
    transmission_gaps,
    valid_rates,
)
from ecowarden.supervision.config import RuleSettings
from ecowarden.supervision.electricity import (
    LinePower,
    ShutdownOrder,
    control_violations,
    production_during_shutdown,
)
from ecowarden.supervision.emission import emission_exceedances, marked_exceedances
from ecowarden.supervision.falsification import (
    ConflictRecord,
    ParameterSnapshot,
    conflicting_resends,
    dilutions,
    flatlines,
    flow_zero_concentration,
    o2_near_ambient,
    parameter_changes,
    step_changes,
)
from ecowarden.supervision.findings import Finding, RuleCode
from ecowarden.supervision.geofence import (
    Positions,
    ProtectionTier,
    ProtectionZone,
    intrusions,
)
from ecowarden.supervision.noise_windows import (
    MonitorKind,
    NoiseMonitor,
    NoiseWindow,
    noise_window_exceedances,
)
from ecowarden.supervision.series import DAY_S, HOUR_S, MINUTE_S, Series, local_day_starts

#: 2026-06-01 00:00 Asia/Shanghai: the first instant of every simulated month.
ORIGIN_S: Final = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())
DAYS: Final = 30
GAS_LIMITS: Final = (
    EmissionLimit("GAS", "a21026", 200.0, "mg/m³", Averaging.HOUR, 9.0),
    EmissionLimit("GAS", "a21002", 200.0, "mg/m³", Averaging.HOUR, 9.0),
    EmissionLimit("GAS", "a34013", 30.0, "mg/m³", Averaging.HOUR, 9.0),
)
WATER_LIMITS: Final = (
    EmissionLimit("WATER", "w01018", 50.0, "mg/L", Averaging.DAY),
    EmissionLimit("WATER", "w21003", 5.0, "mg/L", Averaging.DAY),
    EmissionLimit("WATER", "w01001", 9.0, "—", Averaging.DAY, lower_limit=6.0),
)
# Protection zones around a reservoir intake (WGS-84): nested squares, ~1 km and ~3 km wide.
ZONE_CENTRE: Final = (118.322, 30.225)


@dataclass
class OutletData:
    """One outlet's series (parameter → Series), its limits and what the harness knows."""

    site: str
    series: dict[str, Series]
    limits: tuple[EmissionLimit, ...]
    flow: str
    o2: str | None
    received_s: dict[str, np.ndarray] = field(default_factory=dict)
    maintenance: tuple[tuple[int, int], ...] = ()
    conflicts: tuple[ConflictRecord, ...] = ()
    snapshots: tuple[ParameterSnapshot, ...] = ()


def _rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(values, decimals)


def clean_gas_outlet(seed: int, site: str = "GAS", days: int = DAYS) -> OutletData:
    """A coal boiler stack, minute data, running continuously with headroom under its limits."""
    rng = np.random.default_rng(seed)
    n = days * 1440
    starts = ORIGIN_S + MINUTE_S * np.arange(n, dtype=np.int64)
    load = np.repeat(np.exp(0.08 * rng.standard_normal(days * 24)), 60)
    slow = np.repeat(np.exp(0.05 * rng.standard_normal(days * 24 * 6)), 10)

    def minute(mean: float, sigma: float, decimals: int) -> np.ndarray:
        noise = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
        return _rounded(mean * load * slow * noise, decimals)

    flags = np.full(n, "N", dtype="<U2")
    hour = (np.arange(n) // 60) % 24
    weekday = ((np.arange(n) // 1440) + 0) % 7
    flags[(weekday == 2) & (hour == 10)] = "C"  # weekly calibration hour
    maintenance_start = int(rng.integers(n // 6, n - n // 6))
    flags[maintenance_start : maintenance_start + 180] = "M"
    o2 = _rounded(10.5 + 0.4 * rng.standard_normal(n), 2)
    series = {
        "a21026": Series(starts, minute(60.0, 0.06, 1), flags, step_s=MINUTE_S),
        "a21002": Series(starts, minute(100.0, 0.06, 1), flags, step_s=MINUTE_S),
        "a34013": Series(starts, minute(8.0, 0.08, 2), flags, step_s=MINUTE_S),
        "a19001": Series(starts, o2, flags, step_s=MINUTE_S),
        "a00000": Series(starts, minute(17.0, 0.03, 2), flags, step_s=MINUTE_S),
    }
    limits = tuple(replace(limit, outlet=site) for limit in GAS_LIMITS)
    received = {code: starts + MINUTE_S + rng.integers(2, 40, n) for code in series}
    return OutletData(site, series, limits, "a00000", "a19001", received)


def clean_water_outlet(seed: int, site: str = "WATER", days: int = DAYS) -> OutletData:
    """A wastewater outlet, hourly data, discharging continuously within its daily limits."""
    rng = np.random.default_rng(seed)
    n = days * 24
    starts = ORIGIN_S + HOUR_S * np.arange(n, dtype=np.int64)
    load = np.repeat(np.exp(0.12 * rng.standard_normal(days)), 24)

    def hourly(mean: float, sigma: float, decimals: int) -> np.ndarray:
        return _rounded(
            mean * load * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2), decimals
        )

    flags = np.full(n, "N", dtype="<U2")
    flags[(np.arange(n) // 24 % 7 == 3) & (np.arange(n) % 24 == 9)] = "C"
    series = {
        "w01018": Series(starts, hourly(24.0, 0.2, 1), flags),
        "w21003": Series(starts, hourly(1.2, 0.3, 2), flags),
        "w01001": Series(starts, _rounded(7.2 + 0.2 * rng.standard_normal(n), 2), flags),
        "w00000": Series(starts, hourly(28.0, 0.1, 2), flags),
    }
    limits = tuple(replace(limit, outlet=site) for limit in WATER_LIMITS)
    received = {code: starts + HOUR_S + rng.integers(10, 300, n) for code in series}
    return OutletData(site, series, limits, "w00000", None, received)


def outlet_findings(data: OutletData, settings: RuleSettings, *, until_s: int) -> list[Finding]:
    """Every outlet rule over the data with starts before ``until_s`` (data known by then)."""
    site = data.site
    cut = {code: s.window(ORIGIN_S - 400 * DAY_S, until_s) for code, s in data.series.items()}
    flow = cut[data.flow]
    o2 = cut[data.o2] if data.o2 else None
    found: list[Finding] = []

    def on(rule: RuleCode) -> bool:
        return settings.enabled(rule)

    for limit in data.limits:
        series = cut[limit.parameter]
        rule = RuleCode.EMISSION_DAY if limit.averaging is Averaging.DAY else RuleCode.EMISSION_HOUR
        if on(rule):
            found += emission_exceedances(
                limit, series, o2=o2, params=settings.parameters(rule, site)
            )
        if on(RuleCode.MARKED_EXCEEDANCE):
            found += marked_exceedances(
                limit,
                series,
                o2=o2,
                maintenance=data.maintenance,
                params=settings.parameters(RuleCode.MARKED_EXCEEDANCE, site),
            )
    pollutants = [limit.parameter for limit in data.limits]
    for code in pollutants:
        series = cut[code]
        if on(RuleCode.FLATLINE):
            found += flatlines(
                site, code, series, flow=flow, params=settings.parameters(RuleCode.FLATLINE, site)
            )
        if on(RuleCode.FLOW_ZERO_CONCENTRATION):
            found += flow_zero_concentration(
                site,
                code,
                series,
                flow,
                params=settings.parameters(RuleCode.FLOW_ZERO_CONCENTRATION, site),
            )
        if on(RuleCode.DILUTION):
            found += dilutions(
                site, code, series, flow, params=settings.parameters(RuleCode.DILUTION, site)
            )
        if on(RuleCode.STEP_CHANGE):
            found += step_changes(
                site, code, series, flow, params=settings.parameters(RuleCode.STEP_CHANGE, site)
            )
    if o2 is not None and on(RuleCode.O2_AMBIENT):
        found += o2_near_ambient(
            site, o2, flow=flow, params=settings.parameters(RuleCode.O2_AMBIENT, site)
        )
    days_done = np.unique(local_day_starts(flow.starts_s))
    days_done = days_done[days_done + DAY_S <= until_s]
    for code, series in cut.items():
        if on(RuleCode.TRANSMISSION_GAP):
            found += transmission_gaps(
                site, code, series, params=settings.parameters(RuleCode.TRANSMISSION_GAP, site)
            )
        if on(RuleCode.VALID_RATE):
            found += valid_rates(
                site,
                code,
                series,
                days=days_done,
                params=settings.parameters(RuleCode.VALID_RATE, site),
            )
    if on(RuleCode.CLOCK_DRIFT):
        reference = data.series[data.flow]
        received = data.received_s[data.flow]
        known = received <= until_s
        found += clock_drift(
            site,
            reference.starts_s[known],
            received[known],
            step_s=reference.step_s,
            params=settings.parameters(RuleCode.CLOCK_DRIFT, site),
        )
    if on(RuleCode.DEVICE_OFFLINE):
        last = max(
            (int(r[r <= until_s].max()) for r in data.received_s.values() if (r <= until_s).any()),
            default=None,
        )
        found += device_offline(
            site,
            last,
            until_s,
            params=settings.parameters(RuleCode.DEVICE_OFFLINE, site),
            site=site,
        )
    if on(RuleCode.CONFLICTING_RESEND):
        found += conflicting_resends(
            [c for c in data.conflicts if c.recorded_s < until_s],
            params=settings.parameters(RuleCode.CONFLICTING_RESEND, site),
        )
    if on(RuleCode.PARAMETER_CHANGE):
        found += parameter_changes(
            [s for s in data.snapshots if s.at_s < until_s],
            params=settings.parameters(RuleCode.PARAMETER_CHANGE, site),
        )
    return found


# -- the other subjects: stations, lines, tracks, monitors -------------------------------------


@dataclass
class AmbientData:
    """An air station (hourly six pollutants), a water section (monthly samples) and a zone-1
    noise station (hourly Leq)."""

    air_starts: np.ndarray
    air: dict[str, np.ndarray]
    water_starts: np.ndarray
    water: dict[str, np.ndarray]
    noise_starts: np.ndarray
    noise: np.ndarray


def clean_ambient(seed: int, days: int = DAYS) -> AmbientData:
    """A clean summer month: AQI well under 100, a Class II section, a quiet residential zone."""
    rng = np.random.default_rng(seed)
    n = days * 24
    starts = ORIGIN_S + HOUR_S * np.arange(n, dtype=np.int64)

    def level(mean: float, sigma: float) -> np.ndarray:
        return np.round(mean * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2), 0)

    air = {
        "a34004": level(18.0, 0.3),
        "a34002": level(35.0, 0.3),
        "a21026": level(6.0, 0.3),
        "a21004": level(15.0, 0.3),
        "a21005": np.round(level(6.0, 0.2) / 10, 1),
        "a05024": level(70.0, 0.25),
    }
    water_starts = np.array([ORIGIN_S + 9 * DAY_S], dtype=np.int64)
    water = {
        "w01018": np.array([12.0]),
        "w21003": np.array([0.3]),
        "w01009": np.array([7.5]),
        "w01019": np.array([3.1]),
        "w21011": np.array([0.05]),
    }
    hour = np.arange(n) % 24
    night = (hour >= 22) | (hour < 6)
    noise = np.round(np.where(night, 39.0, 49.0) + 1.5 * rng.standard_normal(n), 1)
    return AmbientData(starts, air, water_starts, water, starts, noise)


def ambient_findings(data: AmbientData, settings: RuleSettings, *, until_s: int) -> list[Finding]:
    """The ambient rules on data known by ``until_s``."""
    air_rows = data.air_starts < until_s
    noise_rows = data.noise_starts < until_s
    water_rows = data.water_starts < until_s
    found = aqi_exceedances(
        "AIR",
        data.air_starts[air_rows],
        {code: values[air_rows] for code, values in data.air.items()},
        params=settings.parameters(RuleCode.AMBIENT_AQI, "AIR"),
    )
    found += water_below_target(
        "SECTION",
        data.water_starts[water_rows],
        {code: values[water_rows] for code, values in data.water.items()},
        target_class="II",
        water_body="river",
        params=settings.parameters(RuleCode.WATER_BELOW_TARGET, "SECTION"),
    )
    # Whole day/night periods only: the period of the last hours may still be running.
    complete = data.noise_starts + HOUR_S <= until_s
    found += noise_zone_exceedances(
        "NOISE",
        data.noise_starts[noise_rows & complete],
        data.noise[noise_rows & complete],
        zone="1",
        params=settings.parameters(RuleCode.NOISE_ZONE, "NOISE"),
    )
    return found


@dataclass
class LineData:
    """A production line with a bag filter, minute power for 30 days, and shutdown orders."""

    power: LinePower
    orders: tuple[ShutdownOrder, ...] = ()


def clean_line(seed: int, days: int = DAYS) -> LineData:
    """Two shifts a day (06:00–22:00); the bag filter starts 5 min before and stops 5 min
    after production."""
    rng = np.random.default_rng(seed)
    n = days * 1440
    starts = ORIGIN_S + MINUTE_S * np.arange(n, dtype=np.int64)
    minute_of_day = np.arange(n) % 1440
    producing = (minute_of_day >= 6 * 60) & (minute_of_day < 22 * 60)
    control = (minute_of_day >= 6 * 60 - 5) & (minute_of_day < 22 * 60 + 5)
    production = np.where(producing, 180.0 + 15 * rng.standard_normal(n), 0.8 * rng.random(n))
    control_kw = np.where(control, 45.0 + 3 * rng.standard_normal(n), 0.3 * rng.random(n))
    return LineData(
        LinePower(
            "LINE",
            starts,
            np.asarray(np.round(production, 1), dtype=np.float64),
            np.asarray(np.round(control_kw, 1), dtype=np.float64),
        )
    )


def line_findings(data: LineData, settings: RuleSettings, *, until_s: int) -> list[Finding]:
    """The coupling and shutdown rules on minutes before ``until_s``."""
    rows = data.power.starts_s < until_s
    power = LinePower(
        data.power.line,
        data.power.starts_s[rows],
        data.power.production_kw[rows],
        data.power.control_kw[rows],
    )
    coupling = replace(settings.parameters(RuleCode.CONTROL_OFF, "LINE"), control_rated_kw=50.0)
    found = [
        finding
        for finding in control_violations(power, params=coupling)
        if settings.enabled(finding.rule)
    ]
    found += production_during_shutdown(
        power, data.orders, params=settings.parameters(RuleCode.SHUTDOWN_ORDER, "LINE")
    )
    return found


def protection_zones() -> tuple[ProtectionZone, ...]:
    """Nested squares around the intake: first tier ±0.005°, second ±0.015°, quasi ±0.03°."""
    lon, lat = ZONE_CENTRE

    def square(half: float) -> shapely.Polygon:
        return shapely.box(lon - half, lat - half, lon + half, lat + half)

    return (
        ProtectionZone("Z1", "白云水库一级保护区", ProtectionTier.FIRST, square(0.005)),
        ProtectionZone(
            "Z2",
            "白云水库二级保护区",
            ProtectionTier.SECOND,
            square(0.015).difference(square(0.005)),
        ),
        ProtectionZone(
            "Z3", "白云水库准保护区", ProtectionTier.QUASI, square(0.03).difference(square(0.015))
        ),
    )


def clean_tracks(seed: int, days: int = DAYS) -> Positions:
    """Three boats on a river 0.05° south of the zones, a fix every 2 minutes in daytime."""
    rng = np.random.default_rng(seed)
    objects, lons, lats, times = [], [], [], []
    for boat in range(3):
        for day in range(days):
            t = ORIGIN_S + day * DAY_S + 7 * HOUR_S + MINUTE_S * 2 * np.arange(300)
            lon = (
                ZONE_CENTRE[0] - 0.04 + 0.0004 * np.arange(300) + 0.0002 * rng.standard_normal(300)
            )
            lat = np.full(300, ZONE_CENTRE[1] - 0.05 - 0.002 * boat)
            objects += [f"boat-{boat}"] * 300
            lons.append(lon)
            lats.append(lat)
            times.append(t)
    n = len(objects)
    return Positions(
        np.array(objects),
        np.full(n, "vessel"),
        np.concatenate(lons),
        np.concatenate(lats),
        np.concatenate(times).astype(np.int64),
        np.full(n, "gnss"),
    )


def fence_findings(tracks: Positions, settings: RuleSettings, *, until_s: int) -> list[Finding]:
    """The fence rule on fixes before ``until_s``."""
    rows = tracks.at_s < until_s
    known = Positions(
        tracks.objects[rows],
        tracks.kinds[rows],
        tracks.lon[rows],
        tracks.lat[rows],
        tracks.at_s[rows],
        tracks.sources[rows],
    )
    return intrusions(
        known, protection_zones(), params=settings.parameters(RuleCode.FENCE_INTRUSION)
    )


@dataclass
class NoiseWindowData:
    """An exam venue with a two-day window and a construction monitor 300 m away (1-min Leq)."""

    window: NoiseWindow
    monitor: NoiseMonitor
    at_s: np.ndarray
    leq: np.ndarray


def clean_noise_window(seed: int, days: int = DAYS) -> NoiseWindowData:
    """Exam days 7–8 (08:00–18:00 local); the site keeps quiet (≤ 52 dB) while they run."""
    rng = np.random.default_rng(seed)
    lon, lat = 118.41, 30.19
    venue = shapely.box(lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001)
    periods = tuple(
        (ORIGIN_S + d * DAY_S + 8 * HOUR_S, ORIGIN_S + d * DAY_S + 18 * HOUR_S) for d in (6, 7)
    )
    window = NoiseWindow("EXAM", "城关中学考点", venue, periods, limit_dba=55.0, buffer_m=500.0)
    monitor = NoiseMonitor(
        "CS01", "城东安置房工地", lon + 0.001 + 0.003, lat, MonitorKind.CONSTRUCTION
    )
    n = days * 1440
    at = ORIGIN_S + MINUTE_S * np.arange(n, dtype=np.int64)
    minute_of_day = np.arange(n) % 1440
    working = (minute_of_day >= 7 * 60) & (minute_of_day < 19 * 60)
    leq = np.where(working, 62.0, 45.0) + 2.0 * rng.standard_normal(n)
    quiet = window.active(at)
    leq = np.where(quiet, 48.0 + 1.5 * rng.standard_normal(n), leq)
    return NoiseWindowData(window, monitor, at, np.round(leq, 1))


def noise_window_findings(
    data: NoiseWindowData, settings: RuleSettings, *, until_s: int
) -> list[Finding]:
    """The protection-window rule on minutes before ``until_s``."""
    rows = data.at_s < until_s
    return noise_window_exceedances(
        data.window,
        data.monitor,
        data.at_s[rows],
        data.leq[rows],
        interval_s=MINUTE_S,
        params=settings.parameters(RuleCode.NOISE_WINDOW),
    )


# -- scenarios --------------------------------------------------------------------------------


@dataclass
class World:
    """Everything one scenario evaluates."""

    gas: OutletData
    water: OutletData
    ambient: AmbientData
    line: LineData
    tracks: Positions
    noise_window: NoiseWindowData


def clean_world(seed: int) -> World:
    """A clean month of every subject."""
    return World(
        clean_gas_outlet(seed),
        clean_water_outlet(seed + 1),
        clean_ambient(seed + 2),
        clean_line(seed + 3),
        clean_tracks(seed + 4),
        clean_noise_window(seed + 5),
    )


def world_findings(world: World, settings: RuleSettings, *, until_s: int) -> list[Finding]:
    """Every rule on every subject with what is known by ``until_s``."""
    return (
        outlet_findings(world.gas, settings, until_s=until_s)
        + outlet_findings(world.water, settings, until_s=until_s)
        + ambient_findings(world.ambient, settings, until_s=until_s)
        + line_findings(world.line, settings, until_s=until_s)
        + fence_findings(world.tracks, settings, until_s=until_s)
        + noise_window_findings(world.noise_window, settings, until_s=until_s)
    )


#: Devices of a world counted for the false-alert rate: two outlets, three stations, one line's
#: meters, three trackers and one noise monitor.
DEVICES_PER_WORLD: Final = 10


@dataclass(frozen=True)
class Scenario:
    """One injected case.

    Parameters
    ----------
    name
        What is injected.
    test_id
        The test-plan row (``S2`` …) or ``rule``.
    rule
        The rule that must find it.
    onset_s
        When the injected behaviour starts. [s since the epoch]
    latency_s
        The rule's latency: the case must be found with the data known by onset + latency. [s]
    inject
        Changes a clean world in place.
    """

    name: str
    test_id: str
    rule: RuleCode
    onset_s: int
    latency_s: int
    inject: Callable[[World], None]


def _at(day: int, hour: int = 0, minute: int = 0) -> int:
    return ORIGIN_S + day * DAY_S + hour * HOUR_S + minute * MINUTE_S


def _edit(
    series: Series,
    start_s: int,
    end_s: int,
    values: float | np.ndarray | None = None,
    flag: str | None = None,
    scale: float | None = None,
) -> Series:
    rows = (series.starts_s >= start_s) & (series.starts_s < end_s)
    new_values = series.values.copy()
    new_flags = series.flags.copy()
    if scale is not None:
        new_values[rows] = np.round(new_values[rows] * scale, 2)
    if values is not None:
        new_values[rows] = values if np.isscalar(values) else np.asarray(values)[: rows.sum()]
    if flag is not None:
        new_flags[rows] = flag
    return Series(series.starts_s, new_values, new_flags, step_s=series.step_s)


def _inject_series(data: OutletData, code: str, start_s: int, end_s: int, **edits: object) -> None:
    data.series[code] = _edit(data.series[code], start_s, end_s, **edits)  # type: ignore[arg-type]


def _drop(data: OutletData, start_s: int, end_s: int) -> None:
    for code, series in list(data.series.items()):
        keep = (series.starts_s < start_s) | (series.starts_s >= end_s)
        data.series[code] = Series(
            series.starts_s[keep], series.values[keep], series.flags[keep], step_s=series.step_s
        )
        data.received_s[code] = data.received_s[code][keep]


def scenarios() -> tuple[Scenario, ...]:
    """The injected cases: S1–S8 of the test plan and one per rule."""

    def s1_valid_hour(w: World) -> None:
        # An exceeding hour with exactly 45 valid minutes (HJ 76: valid), 15 flagged D.
        t = _at(11, 14)
        _inject_series(w.gas, "a21002", t, t + HOUR_S, scale=2.6)
        _inject_series(w.gas, "a21002", t + 45 * MINUTE_S, t + HOUR_S, flag="D")

    def s2_flatline(w: World) -> None:
        _inject_series(w.gas, "a21002", _at(9, 20), _at(10, 6), values=96.3)

    def s3_flow_zero(w: World) -> None:
        _inject_series(w.gas, "a00000", _at(13, 9), _at(13, 15), values=0.0)

    def s4_dilution(w: World) -> None:
        for code in ("a21026", "a21002", "a34013"):
            _inject_series(w.gas, code, _at(16, 0), _at(16, 12), scale=1 / 3)
        _inject_series(w.gas, "a00000", _at(16, 0), _at(16, 12), scale=3.0)

    def s5_false_marks(w: World) -> None:
        # COD three times its level on five afternoons, four of the five hours marked D.
        for day in (18, 19, 20, 21, 22):
            _inject_series(w.water, "w01018", _at(day, 14), _at(day, 15), values=150.0)
            if day != 22:
                _inject_series(w.water, "w01018", _at(day, 14), _at(day, 15), flag="D")

    def s6_conflicts(w: World) -> None:
        w.gas.conflicts = tuple(
            ConflictRecord("GAS", "a21002", _at(20, 3, m), 101.0, "N", 61.0, "N", _at(21, 2, m))
            for m in range(5)
        )

    def s7_o2(w: World) -> None:
        _inject_series(w.gas, "a19001", _at(23, 1), _at(23, 5), values=20.7)

    def s8_parameters(w: World) -> None:
        w.gas.snapshots = (
            ParameterSnapshot("GAS", _at(24, 0), (("i13001", 1.0), ("i13002", 0.0))),
            ParameterSnapshot("GAS", _at(25, 0), (("i13001", 0.6), ("i13002", 0.0))),
        )

    def hour_exceedance(w: World) -> None:
        _inject_series(w.gas, "a21026", _at(5, 10), _at(5, 12), scale=3.5)

    def day_exceedance(w: World) -> None:
        _inject_series(w.water, "w21003", _at(8), _at(9), values=6.5)

    def aqi(w: World) -> None:
        rows = (w.ambient.air_starts >= _at(12, 8)) & (w.ambient.air_starts < _at(12, 12))
        w.ambient.air["a34004"][rows] = 160.0

    def water(w: World) -> None:
        w.ambient.water["w01018"][0] = 26.0

    def noise(w: World) -> None:
        rows = (w.ambient.noise_starts >= _at(14, 22)) & (w.ambient.noise_starts < _at(15, 6))
        w.ambient.noise[rows] = 58.0

    def offline(w: World) -> None:
        _drop(w.gas, _at(27, 0), _at(DAYS))

    def gap(w: World) -> None:
        _drop(w.water, _at(6, 2), _at(6, 7))

    def valid_rate(w: World) -> None:
        _inject_series(w.water, "w21003", _at(3), _at(4), flag="D")

    def drift(w: World) -> None:
        rows = w.gas.series["a00000"].starts_s >= _at(26)
        w.gas.received_s["a00000"][rows] -= 40 * MINUTE_S

    def step(w: World) -> None:
        _inject_series(w.gas, "a34013", _at(19), _at(DAYS), scale=2.5)

    def control_off(w: World) -> None:
        rows = (w.line.power.starts_s >= _at(4, 10)) & (w.line.power.starts_s < _at(4, 11))
        w.line.power.control_kw[rows] = 0.2

    def control_idle(w: World) -> None:
        rows = (w.line.power.starts_s >= _at(9, 13)) & (w.line.power.starts_s < _at(9, 14))
        w.line.power.control_kw[rows] = 8.0

    def control_late(w: World) -> None:
        rows = (w.line.power.starts_s >= _at(11, 5, 50)) & (w.line.power.starts_s < _at(11, 6, 30))
        w.line.power.control_kw[rows] = 0.1

    def control_early(w: World) -> None:
        rows = (w.line.power.starts_s >= _at(15, 21, 20)) & (
            w.line.power.starts_s < _at(15, 22, 10)
        )
        w.line.power.control_kw[rows] = 0.1

    def shutdown(w: World) -> None:
        w.line.orders = (ShutdownOrder("LINE", _at(20, 0), _at(22, 0), "重污染天气应急 II 级"),)

    def fence(w: World) -> None:
        lon, lat = ZONE_CENTRE
        t = _at(17, 10) + MINUTE_S * np.arange(20, dtype=np.int64)
        tracks = w.tracks
        w.tracks = Positions(
            np.concatenate([tracks.objects, np.full(20, "boat-x")]),
            np.concatenate([tracks.kinds, np.full(20, "vessel")]),
            np.concatenate([tracks.lon, lon - 0.002 + 0.0002 * np.arange(20)]),
            np.concatenate([tracks.lat, np.full(20, lat)]),
            np.concatenate([tracks.at_s, t]),
            np.concatenate([tracks.sources, np.full(20, "gnss")]),
        )

    def exam(w: World) -> None:
        rows = (w.noise_window.at_s >= _at(7, 9)) & (w.noise_window.at_s < _at(7, 10))
        w.noise_window.leq[rows] = 66.0

    return (
        Scenario(
            "exceeding hour with 45 valid minutes",
            "S1",
            RuleCode.EMISSION_HOUR,
            _at(11, 14),
            HOUR_S + MINUTE_S,
            s1_valid_hour,
        ),
        Scenario(
            "NOx frozen for 10 h while discharging",
            "S2",
            RuleCode.FLATLINE,
            _at(9, 20),
            2 * HOUR_S,
            s2_flatline,
        ),
        Scenario(
            "flow 0 for 6 h, concentrations moving",
            "S3",
            RuleCode.FLOW_ZERO_CONCENTRATION,
            _at(13, 9),
            10 * MINUTE_S,
            s3_flow_zero,
        ),
        Scenario(
            "flow ×3, concentrations ÷3 for 12 h",
            "S4",
            RuleCode.DILUTION,
            _at(16, 0),
            12 * HOUR_S,
            s4_dilution,
        ),
        Scenario(
            "COD exceedances marked D, no O&M record",
            "S5",
            RuleCode.MARKED_EXCEEDANCE,
            _at(18, 14),
            4 * DAY_S,
            s5_false_marks,
        ),
        Scenario(
            "five conflicting resends",
            "S6",
            RuleCode.CONFLICTING_RESEND,
            _at(21, 2),
            HOUR_S,
            s6_conflicts,
        ),
        Scenario(
            "stack O2 20.7 % for 4 h during operation",
            "S7",
            RuleCode.O2_AMBIENT,
            _at(23, 1),
            2 * HOUR_S,
            s7_o2,
        ),
        Scenario(
            "slope changed in a 3020 upload",
            "S8",
            RuleCode.PARAMETER_CHANGE,
            _at(25),
            HOUR_S,
            s8_parameters,
        ),
        Scenario(
            "SO2 ×3.5 for 2 h",
            "rule",
            RuleCode.EMISSION_HOUR,
            _at(5, 10),
            HOUR_S + MINUTE_S,
            hour_exceedance,
        ),
        Scenario(
            "NH3-N 6.5 mg/L all day",
            "rule",
            RuleCode.EMISSION_DAY,
            _at(8),
            DAY_S + HOUR_S,
            day_exceedance,
        ),
        Scenario(
            "PM2.5 160 µg/m³ for 4 h", "rule", RuleCode.AMBIENT_AQI, _at(12, 8), 2 * HOUR_S, aqi
        ),
        Scenario(
            "COD 26 mg/L in the monthly sample",
            "rule",
            RuleCode.WATER_BELOW_TARGET,
            _at(9),
            DAY_S,
            water,
        ),
        Scenario(
            "night Leq 58 dB(A) in zone 1",
            "rule",
            RuleCode.NOISE_ZONE,
            _at(14, 22),
            9 * HOUR_S,
            noise,
        ),
        Scenario(
            "gas outlet silent from day 27",
            "rule",
            RuleCode.DEVICE_OFFLINE,
            _at(27),
            4 * HOUR_S,
            offline,
        ),
        Scenario(
            "five hours missing", "rule", RuleCode.TRANSMISSION_GAP, _at(6, 2), 6 * HOUR_S, gap
        ),
        Scenario(
            "a day of NH3-N flagged D",
            "rule",
            RuleCode.VALID_RATE,
            _at(3),
            DAY_S + HOUR_S,
            valid_rate,
        ),
        Scenario(
            "device clock 40 min ahead",
            "rule",
            RuleCode.CLOCK_DRIFT,
            _at(26),
            DAY_S + HOUR_S,
            drift,
        ),
        Scenario(
            "PM ×2.5 from day 19, flow steady",
            "rule",
            RuleCode.STEP_CHANGE,
            _at(19),
            DAY_S + HOUR_S,
            step,
        ),
        Scenario(
            "bag filter off for an hour",
            "rule",
            RuleCode.CONTROL_OFF,
            _at(4, 10),
            HOUR_S + MINUTE_S,
            control_off,
        ),
        Scenario(
            "bag filter idling for an hour",
            "rule",
            RuleCode.CONTROL_IDLE,
            _at(9, 13),
            HOUR_S + MINUTE_S,
            control_idle,
        ),
        Scenario(
            "bag filter started 30 min late",
            "rule",
            RuleCode.CONTROL_LATE,
            _at(11, 6),
            HOUR_S,
            control_late,
        ),
        Scenario(
            "bag filter stopped 40 min early",
            "rule",
            RuleCode.CONTROL_EARLY,
            _at(15, 21, 20),
            HOUR_S,
            control_early,
        ),
        Scenario(
            "producing during a 2-day shutdown order",
            "rule",
            RuleCode.SHUTDOWN_ORDER,
            _at(20, 6),
            HOUR_S,
            shutdown,
        ),
        Scenario(
            "boat 20 min inside the first-tier zone",
            "rule",
            RuleCode.FENCE_INTRUSION,
            _at(17, 10),
            30 * MINUTE_S,
            fence,
        ),
        Scenario(
            "construction 66 dB(A) during the exam",
            "rule",
            RuleCode.NOISE_WINDOW,
            _at(7, 9),
            HOUR_S,
            exam,
        ),
    )


@dataclass(frozen=True)
class CaseResult:
    """Whether one scenario's case was found in time."""

    scenario: Scenario
    found: bool


@dataclass(frozen=True)
class HarnessReport:
    """Recall on injected cases and false alerts on the clean baseline."""

    cases: tuple[CaseResult, ...]
    false_alerts: int
    device_months: float
    false_alert_rules: tuple[str, ...]

    @property
    def recall(self) -> float:
        """Share of injected cases found within their rule's latency."""
        return sum(case.found for case in self.cases) / len(self.cases)

    @property
    def false_alerts_per_device_month(self) -> float:
        """Alerts raised on clean data per device and month."""
        return self.false_alerts / self.device_months


def alert_keys(findings: list[Finding], policy: AlertPolicy) -> set[str]:
    """The alerts findings open: one per rule, subject and dedupe window."""
    return {dedupe_key(finding, policy) for finding in findings}


def run_harness(
    settings: RuleSettings | None = None, *, seed: int = 2026, clean_worlds: int = 4
) -> HarnessReport:
    """Run every scenario and the clean baseline (``clean_worlds`` months, seeds apart)."""
    settings = settings or RuleSettings()
    end_s = _at(DAYS)
    results = []
    for scenario in scenarios():
        world = clean_world(seed)
        scenario.inject(world)
        until = scenario.onset_s + scenario.latency_s
        found = any(
            finding.rule is scenario.rule and finding.end_s > scenario.onset_s
            for finding in world_findings(world, settings, until_s=until)
        )
        results.append(CaseResult(scenario, found))
    false_keys: set[str] = set()
    for k in range(clean_worlds):
        world = clean_world(seed + 100 * (k + 1))
        findings = world_findings(world, settings, until_s=end_s)
        false_keys |= {f"{k}:{key}" for key in alert_keys(findings, settings.alerts)}
    return HarnessReport(
        cases=tuple(results),
        false_alerts=len(false_keys),
        device_months=float(clean_worlds * DEVICES_PER_WORLD),
        false_alert_rules=tuple(sorted(key.split(":", 1)[1] for key in false_keys)),
    )
