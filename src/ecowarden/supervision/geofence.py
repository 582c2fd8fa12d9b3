"""Electronic fences: drinking-water protection zones, intrusions and dwell time; positions in
WGS-84 or GCJ-02.

Zones are polygons in WGS-84 (lon/lat) with a tier: 一级保护区, 二级保护区, 准保护区 (the tiers of
the drinking-water source protection system, 《水污染防治法》第六十三条; zoning per HJ 338-2018,
secondary). Each tier has its own severity and minimum dwell: entering a first-tier zone fires at
once, outer tiers after a dwell (documented defaults, decisions/0010).

Positions (trackers) and camera detections are points with an object id, a kind and a time. A
*visit* is a run of an object's consecutive points inside one zone with no two points more than
``max_gap_s`` apart; its dwell is last time − first time.

GCJ-02 ("Mars coordinates") is the obfuscated datum of Chinese web maps. Positions declared
GCJ-02 are converted to WGS-84 with the published forward transform (Krasovsky ellipsoid
a = 6378245 m, e² = 0.00669342162296594323) inverted by fixed-point iteration; points outside
China's bounding box are left as they are, as the forward transform does [unconfirmed: the
transform is not an official publication; it is the one reproduced by open-source libraries].
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.supervision import parameters as check
from ecowarden.supervision.findings import (
    EvidenceReading,
    Finding,
    RuleCode,
    Severity,
    evidence,
)
from ecowarden.supervision.series import Floats, Int64s, true_runs

# GCJ-02 forward transform constants (Krasovsky 1940 ellipsoid).
_KRASOVSKY_A_M: Final = 6378245.0
_KRASOVSKY_E2: Final = 0.00669342162296594323
# The forward transform leaves points outside this box unchanged.
_CHINA_LON: Final = (72.004, 137.8347)
_CHINA_LAT: Final = (0.8293, 55.8271)
_GCJ_ITERATIONS: Final = 12


class Datum(StrEnum):
    """Coordinate datum of incoming positions."""

    WGS84 = "WGS84"
    GCJ02 = "GCJ02"


def parse_datum(name: str | Datum) -> Datum:
    """A datum by name (``WGS84`` or ``GCJ02``, case-insensitive, ``-`` ignored)."""
    if isinstance(name, Datum):
        return name
    key = str(name).upper().replace("-", "").replace("_", "")
    for datum in Datum:
        if datum.value == key:
            return datum
    raise UnknownNameError("coordinate datum", name, [d.value for d in Datum])


def _offsets(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """GCJ-02 − WGS-84 offsets at WGS-84 points. [°]"""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += common
    d_lat += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += common
    d_lon += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _KRASOVSKY_E2 * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A_M * (1 - _KRASOVSKY_E2)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A_M / sqrt_magic * np.cos(rad_lat) * math.pi)
    inside = (
        (lon >= _CHINA_LON[0])
        & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0])
        & (lat <= _CHINA_LAT[1])
    )
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def wgs84_to_gcj02(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """GCJ-02 coordinates of WGS-84 points. [°]"""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    d_lon, d_lat = _offsets(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
    """WGS-84 coordinates of GCJ-02 points, by fixed-point iteration of the forward transform
    (converges to well below a millimetre in a dozen steps). [°]"""
    gcj_lon = np.asarray(lon, dtype=np.float64)
    gcj_lat = np.asarray(lat, dtype=np.float64)
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()
    for _ in range(_GCJ_ITERATIONS):
        d_lon, d_lat = _offsets(wgs_lon, wgs_lat)
        wgs_lon = gcj_lon - d_lon
        wgs_lat = gcj_lat - d_lat
    return wgs_lon, wgs_lat


def to_wgs84(lon: Floats, lat: Floats, datum: Datum | str) -> tuple[Floats, Floats]:
    """Positions in WGS-84 from ``datum``; longitudes and latitudes checked for range."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    bad = ~np.isfinite(lon) | ~np.isfinite(lat) | (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise ValidationError(
            f"position {index}: lon {float(lon[index])!r} / lat {float(lat[index])!r} is outside "
            "−180 … 180 / −90 … 90 degrees"
        )
    if parse_datum(datum) is Datum.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    return lon, lat


class PositionSource(StrEnum):
    """Where a position comes from."""

    GNSS = "gnss"  # a tracker's satellite fix
    CAMERA = "camera"  # a camera's detection event (the camera's field of view)


class ProtectionTier(StrEnum):
    """Tiers of a drinking-water source protection area."""

    FIRST = "first"  # 一级保护区
    SECOND = "second"  # 二级保护区
    QUASI = "quasi"  # 准保护区

    @property
    def label(self) -> str:
        """Chinese name of the tier."""
        return _TIER_LABELS[self]


_TIER_LABELS: Final = {
    ProtectionTier.FIRST: "一级保护区",
    ProtectionTier.SECOND: "二级保护区",
    ProtectionTier.QUASI: "准保护区",
}


def parse_tier(name: str | ProtectionTier) -> ProtectionTier:
    """A tier by name (``first``, ``second``, ``quasi``, or 一级 / 二级 / 准)."""
    if isinstance(name, ProtectionTier):
        return name
    aliases = {"一级": "first", "二级": "second", "准": "quasi"}
    key = aliases.get(str(name).replace("保护区", ""), str(name))
    try:
        return ProtectionTier(key)
    except ValueError:
        raise UnknownNameError("protection tier", name, [t.value for t in ProtectionTier]) from None


@dataclass(frozen=True, eq=False)
class ProtectionZone:
    """A protection-zone polygon (WGS-84 lon/lat) of one tier."""

    code: str
    name: str
    tier: ProtectionTier
    geometry: BaseGeometry

    def __post_init__(self) -> None:
        object.__setattr__(self, "tier", parse_tier(self.tier))
        if self.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValidationError(
                f"zone {self.code}: geometry is a {self.geometry.geom_type}, not a polygon"
            )
        if not self.geometry.is_valid:
            raise ValidationError(
                f"zone {self.code}: polygon is not valid ({shapely.is_valid_reason(self.geometry)})"
            )
        shapely.prepare(self.geometry)


@dataclass(frozen=True)
class TierRule:
    """Minimum dwell [s] and severity of intrusions into one tier."""

    min_dwell_s: int
    severity: Severity

    def __post_init__(self) -> None:
        rule = RuleCode.FENCE_INTRUSION.value
        check.count(rule, "min_dwell_s", self.min_dwell_s, minimum=0)
        object.__setattr__(self, "severity", check.severity(rule, "severity", self.severity))


DEFAULT_TIERS: Final[Mapping[ProtectionTier, TierRule]] = {
    ProtectionTier.FIRST: TierRule(0, Severity.HIGH),
    ProtectionTier.SECOND: TierRule(300, Severity.MEDIUM),
    ProtectionTier.QUASI: TierRule(1800, Severity.LOW),
}


@dataclass(frozen=True)
class FenceParameters:
    """Parameters of the fence rule.

    Parameters
    ----------
    tiers
        Per tier: minimum dwell [s] and severity; tiers not given keep the defaults: first
        tier at once (high), second after 5 min (medium), quasi after 30 min (low).
    max_gap_s
        Points of an object further apart than this start a new visit. [s]
    exempt_kinds
        Object kinds never reported (patrol boats, the water works' own vehicles …).
    """

    tiers: Mapping[ProtectionTier, TierRule] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    max_gap_s: int = 600
    exempt_kinds: frozenset[str] = frozenset({"patrol"})

    def __post_init__(self) -> None:
        rule = RuleCode.FENCE_INTRUSION.value
        tiers = dict(DEFAULT_TIERS)
        for name, value in dict(self.tiers).items():
            if not isinstance(value, TierRule):
                raise ValidationError(f"rule {rule}: tiers.{name} = {value!r} is not a TierRule")
            tiers[parse_tier(name)] = value
        object.__setattr__(self, "tiers", tiers)
        check.count(rule, "max_gap_s", self.max_gap_s)
        object.__setattr__(
            self, "exempt_kinds", check.text_set(rule, "exempt_kinds", self.exempt_kinds)
        )


@dataclass(frozen=True, eq=False)
class Positions:
    """Positions or detections of objects, in WGS-84, sorted by object then time.

    Parameters
    ----------
    objects
        Object id per point.
    kinds
        Object kind per point (``vessel``, ``vehicle``, ``person`` …).
    lon, lat
        WGS-84 position. [°]
    at_s
        Time of the fix or detection. [s since the epoch]
    sources
        ``gnss`` (a tracker) or ``camera`` (a detection event) per point.
    """

    objects: np.ndarray
    kinds: np.ndarray
    lon: Floats
    lat: Floats
    at_s: Int64s
    sources: np.ndarray

    def __post_init__(self) -> None:
        n = self.at_s.size
        if any(
            np.asarray(a).shape != (n,)
            for a in (self.objects, self.kinds, self.lon, self.lat, self.sources)
        ):
            raise ValidationError("position arrays differ in length")
        order = np.lexsort((self.at_s, self.objects))
        for name in ("objects", "kinds", "lon", "lat", "at_s", "sources"):
            object.__setattr__(self, name, np.asarray(getattr(self, name))[order])


def intrusions(
    positions: Positions,
    zones: Sequence[ProtectionZone],
    *,
    params: FenceParameters | None = None,
) -> list[Finding]:
    """Visits of objects inside protection zones that last at least the tier's dwell.

    One finding per (object, zone, visit); subject ``object@zone``.
    """
    params = params or FenceParameters()
    findings: list[Finding] = []
    if positions.at_s.size == 0:
        return findings
    eligible = ~np.isin(positions.kinds, list(params.exempt_kinds))
    same_object = np.concatenate(([False], positions.objects[1:] == positions.objects[:-1]))
    close = np.concatenate(([False], np.diff(positions.at_s) <= params.max_gap_s))
    for zone in zones:
        rule = params.tiers[zone.tier]
        inside = eligible & shapely.contains_xy(zone.geometry, positions.lon, positions.lat)
        if not inside.any():
            continue
        # A visit continues while the next point is the same object, inside and close in time.
        first, end = true_runs(inside)
        for run_lo, run_hi in zip(first.tolist(), end.tolist(), strict=True):
            cut = (
                run_lo
                + 1
                + np.flatnonzero(~(same_object[run_lo + 1 : run_hi] & close[run_lo + 1 : run_hi]))
            )
            bounds = [run_lo, *cut.tolist(), run_hi]
            for lo, hi in itertools.pairwise(bounds):
                dwell = int(positions.at_s[hi - 1] - positions.at_s[lo])
                if dwell < rule.min_dwell_s:
                    continue
                obj = str(positions.objects[lo])
                kind = str(positions.kinds[lo])
                readings = [
                    EvidenceReading(f"{obj} lon,lat", int(at), float(x), f"{y:.6f}")
                    for at, x, y in zip(
                        positions.at_s[lo:hi].tolist(),
                        positions.lon[lo:hi].tolist(),
                        positions.lat[lo:hi].tolist(),
                        strict=True,
                    )
                ]
                start_s = int(positions.at_s[lo])
                findings.append(
                    Finding(
                        rule=RuleCode.FENCE_INTRUSION,
                        subject=f"{obj}@{zone.code}",
                        start_s=start_s,
                        end_s=int(positions.at_s[hi - 1]) + 1,
                        severity=rule.severity,
                        message=(
                            f"{kind} {obj} 进入{zone.name}（{zone.tier.label}），"
                            f"停留 {dwell / 60:.0f} 分钟"
                        ),
                        evidence=evidence(
                            readings,
                            {
                                "zone": zone.code,
                                "zone_name": zone.name,
                                "tier": zone.tier.value,
                                "object": obj,
                                "kind": kind,
                                "source": str(positions.sources[lo]),
                                "dwell_s": dwell,
                                "min_dwell_s": rule.min_dwell_s,
                                "entered": dt.datetime.fromtimestamp(start_s, dt.UTC).isoformat(),
                            },
                        ),
                        value=float(dwell),
                        threshold=float(rule.min_dwell_s),
                    )
                )
    return findings
