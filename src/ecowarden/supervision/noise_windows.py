"""Noise protection windows: time-boxed areas (exam venues on exam days, 中高考期间) with their own
limit, and the construction sites near them.

A window is a polygon (WGS-84), one or more active periods and a limit LAeq over
``averaging_s``. Monitors inside the polygon are judged whatever their kind; monitors of a
construction site (kind ``construction``) within ``buffer_m`` of it are judged too. Local
governments set the actual limits and hours in their notices (no national figure; GB 12523-2011
sets construction-site boundary limits of 70 dB(A) by day and 55 by night, secondary) —
window and limit are data, imported with the zones (docs/supervision.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import numpy as np
import pyproj
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ecowarden.errors import ValidationError
from ecowarden.registry.sites import Location, check_code, check_name, parse_choice
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import (
    EvidenceReading,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.series import Floats, Int64s, contiguous_runs


class MonitorKind(StrEnum):
    """What a noise monitor watches."""

    CONSTRUCTION = "construction"  # a construction site's boundary monitor (施工场界)
    AMBIENT = "ambient"  # an ambient noise monitor
    VENUE = "venue"  # a monitor at a protected venue (考点)


CONSTRUCTION: Final = MonitorKind.CONSTRUCTION.value


@dataclass(frozen=True, eq=False)
class NoiseWindow:
    """A protection window: polygon, active periods ``[from_s, to_s)``, limit and buffer.

    Parameters
    ----------
    code, name
        Identifier and name (``EXAM-2026-CZ1``, 城关中学考点).
    geometry
        Polygon in WGS-84 lon/lat.
    periods
        Active periods. [s since the epoch]
    limit_dba
        LAeq over the averaging time not to be exceeded. [dB(A)]
    buffer_m
        Distance within which construction-site monitors are judged too. [m]
    """

    code: str
    name: str
    geometry: BaseGeometry
    periods: tuple[tuple[int, int], ...]
    limit_dba: float
    buffer_m: float = 500.0

    def __post_init__(self) -> None:
        where = f"noise window {self.code}"
        if self.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValidationError(f"{where}: geometry is a {self.geometry.geom_type}")
        if not self.periods:
            raise ValidationError(f"{where}: no active period")
        for start_s, end_s in self.periods:
            if end_s <= start_s:
                raise ValidationError(f"{where}: period end {end_s} is not after {start_s}")
        check.number(where, "limit_dba", self.limit_dba, minimum=0.0, maximum=140.0)
        check.number(where, "buffer_m", self.buffer_m, minimum=0.0, maximum=50_000.0)
        shapely.prepare(self.geometry)

    def active(self, at_s: Int64s) -> np.ndarray:
        """Whether each instant lies in an active period."""
        inside = np.zeros(at_s.shape, dtype=bool)
        for start_s, end_s in self.periods:
            inside |= (at_s >= start_s) & (at_s < end_s)
        return inside

    def distance_m(self, lon: float, lat: float) -> float:
        """Distance from a point to the polygon (0 inside), in an azimuthal equidistant
        projection centred on the polygon. [m]"""
        centre = self.geometry.centroid
        transformer = pyproj.Transformer.from_crs(
            "EPSG:4326",
            pyproj.CRS.from_proj4(
                f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m"
            ),
            always_xy=True,
        )

        def projected(geometry: BaseGeometry) -> BaseGeometry:
            return shapely.transform(
                geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
            )

        return float(projected(self.geometry).distance(projected(Point(lon, lat))))


@dataclass(frozen=True)
class NoiseMonitor:
    """A noise monitor: code (the MQTT ``{station}``), name, position (WGS-84 [°]) and kind."""

    code: str
    name: str
    lon: float
    lat: float
    kind: MonitorKind

    def __post_init__(self) -> None:
        check_code("noise monitor code", self.code)
        check_name(f"noise monitor {self.code} name", self.name)
        Location(self.lon, self.lat)
        object.__setattr__(self, "kind", parse_choice("monitor kind", MonitorKind, self.kind))


@dataclass(frozen=True)
class NoiseWindowParameters:
    """Leq over ``averaging_s`` (energy mean of the monitor's 1-s or 1-min Leq, with at least
    ``min_coverage`` of the averaging time covered) compared with the window's limit."""

    averaging_s: int = 300
    min_coverage: float = 0.5
    severity_inside: Severity = Severity.HIGH
    severity_nearby: Severity = Severity.MEDIUM
    construction_kinds: frozenset[str] = field(default_factory=lambda: frozenset({CONSTRUCTION}))

    def __post_init__(self) -> None:
        rule = RuleCode.NOISE_WINDOW.value
        check.count(rule, "averaging_s", self.averaging_s)
        check.number(
            rule, "min_coverage", self.min_coverage, minimum=0.0, maximum=1.0, open_minimum=True
        )
        object.__setattr__(
            self, "severity_inside", check.severity(rule, "severity_inside", self.severity_inside)
        )
        object.__setattr__(
            self, "severity_nearby", check.severity(rule, "severity_nearby", self.severity_nearby)
        )
        object.__setattr__(
            self,
            "construction_kinds",
            check.text_set(rule, "construction_kinds", self.construction_kinds),
        )


def energy_means(
    at_s: Int64s, leq_dba: Floats, *, interval_s: int, averaging_s: int, min_coverage: float
) -> tuple[Int64s, Floats]:
    r"""Leq over ``averaging_s`` bins from shorter Leq values: :math:`10\lg\overline{10^{L/10}}`.

    Returns the bin starts and levels (NaN where less than ``min_coverage`` is covered). [dB(A)]
    """
    ok = np.isfinite(leq_dba)
    if not ok.any():
        return np.empty(0, np.int64), np.empty(0)
    bins = at_s[ok] // averaging_s * averaging_s
    keys, inverse = np.unique(bins, return_inverse=True)
    energy = np.bincount(inverse, weights=np.power(10.0, leq_dba[ok] / 10.0))
    counts = np.bincount(inverse)
    levels = 10.0 * np.log10(energy / counts)
    enough = counts * interval_s >= min_coverage * averaging_s
    return keys.astype(np.int64), np.where(enough, levels, np.nan)


def noise_window_exceedances(
    window: NoiseWindow,
    monitor: NoiseMonitor,
    at_s: Int64s,
    leq_dba: Floats,
    *,
    interval_s: int,
    params: NoiseWindowParameters | None = None,
) -> list[Finding]:
    """Averaging bins in the window's active periods where a relevant monitor's Leq exceeds
    the window's limit; one finding per run of consecutive bins.

    Parameters
    ----------
    at_s, leq_dba
        The monitor's Leq values and their starts. [s since the epoch; dB(A)]
    interval_s
        Their integration time: 1 or 60. [s]
    """
    params = params or NoiseWindowParameters()
    distance = window.distance_m(monitor.lon, monitor.lat)
    inside = distance == 0.0
    if not inside and (monitor.kind not in params.construction_kinds or distance > window.buffer_m):
        return []
    starts, levels = energy_means(
        at_s,
        leq_dba,
        interval_s=interval_s,
        averaging_s=params.averaging_s,
        min_coverage=params.min_coverage,
    )
    above = window.active(starts) & np.isfinite(levels) & (levels > window.limit_dba)
    findings = []
    for lo, hi in contiguous_runs(above, starts, params.averaging_s):
        start_s = int(starts[lo])
        end_s = int(starts[hi - 1]) + params.averaging_s
        worst = float(levels[lo:hi].max())
        where = "区域内" if inside else f"{distance:.0f} m 外的施工工地"
        findings.append(
            Finding(
                rule=RuleCode.NOISE_WINDOW,
                subject=f"{monitor.code}@{window.code}",
                start_s=start_s,
                end_s=end_s,
                severity=params.severity_inside if inside else params.severity_nearby,
                message=(
                    f"{window.name}噪声敏感时段，{where}监测点 {monitor.code} 等效声级"
                    f" {worst:.1f} dB(A) 超过 {window.limit_dba:g} dB(A)"
                ),
                evidence=evidence(
                    [
                        EvidenceReading(f"Leq {params.averaging_s}s", int(at), float(level))
                        for at, level in zip(
                            starts[lo:hi].tolist(), levels[lo:hi].tolist(), strict=True
                        )
                    ],
                    {
                        "window": window.code,
                        "window_name": window.name,
                        "limit_dba": window.limit_dba,
                        "monitor": monitor.code,
                        "monitor_kind": monitor.kind,
                        "distance_m": round(distance, 1),
                        "buffer_m": window.buffer_m,
                        "periods": "; ".join(
                            f"{dt.datetime.fromtimestamp(a, dt.UTC).isoformat()}/"
                            f"{dt.datetime.fromtimestamp(b, dt.UTC).isoformat()}"
                            for a, b in window.periods
                        ),
                    },
                ),
                value=worst,
                threshold=window.limit_dba,
            )
        )
    return findings


def relevant_monitors(
    window: NoiseWindow,
    monitors: Sequence[NoiseMonitor],
    params: NoiseWindowParameters | None = None,
) -> list[NoiseMonitor]:
    """The monitors a window judges: inside it, or construction monitors within its buffer."""
    params = params or NoiseWindowParameters()
    chosen = []
    for monitor in monitors:
        distance = window.distance_m(monitor.lon, monitor.lat)
        if distance == 0.0 or (
            monitor.kind in params.construction_kinds and distance <= window.buffer_m
        ):
            chosen.append(monitor)
    return chosen
