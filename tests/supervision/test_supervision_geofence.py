"""Electronic fences: GCJ-02 conversion, tiers, dwell."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import LOCAL_ZONE
from ecowarden.supervision.findings import Severity
from ecowarden.supervision.geofence import (
    FenceParameters,
    Positions,
    ProtectionTier,
    ProtectionZone,
    TierRule,
    gcj02_to_wgs84,
    intrusions,
    parse_tier,
    to_wgs84,
    wgs84_to_gcj02,
)

T0 = int(dt.datetime(2026, 6, 1, tzinfo=LOCAL_ZONE).timestamp())
# (wgs lat, wgs lon, gcj lat, gcj lon): the vectors of the open-source eviltransform test suite
# (googollee/eviltransform), secondary evidence of the same published forward transform.
VECTORS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), VECTORS)
def test_gcj02_both_ways(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lon, lat = wgs84_to_gcj02(np.array([wlon]), np.array([wlat]))
    assert (lon[0], lat[0]) == pytest.approx((glon, glat), abs=1e-9)
    lon, lat = gcj02_to_wgs84(np.array([glon]), np.array([glat]))
    assert (lon[0], lat[0]) == pytest.approx((wlon, wlat), abs=1e-9)


def test_outside_china_unchanged_and_range_checked() -> None:
    lon, lat = to_wgs84(np.array([2.35]), np.array([48.85]), "GCJ-02")
    assert (lon[0], lat[0]) == (2.35, 48.85)
    with pytest.raises(ValidationError, match=r"lon 190\.0"):
        to_wgs84(np.array([190.0]), np.array([0.0]), "WGS84")
    with pytest.raises(UnknownNameError, match="'BD09'"):
        to_wgs84(np.array([0.0]), np.array([0.0]), "BD09")


def zones() -> list[ProtectionZone]:
    inner = shapely.box(118.0, 30.0, 118.01, 30.01)
    outer = shapely.box(117.99, 29.99, 118.02, 30.02).difference(inner)
    return [
        ProtectionZone("Z1", "一级", parse_tier("一级"), inner),
        ProtectionZone("Z2", "二级", ProtectionTier.SECOND, outer),
    ]


def track(lon: list[float], minutes: list[int], obj: str = "b1", kind: str = "vessel") -> Positions:
    n = len(lon)
    return Positions(
        np.full(n, obj),
        np.full(n, kind),
        np.array(lon),
        np.full(n, 30.005),
        T0 + 60 * np.array(minutes, dtype=np.int64),
        np.full(n, "gnss"),
    )


def test_first_tier_fires_at_once_second_after_dwell() -> None:
    # One fix inside the first tier (dwell 0 ≥ 0) fires; 4 min in the second tier (< 5 min) not.
    found = intrusions(track([118.005, 118.015, 118.015], [0, 1, 5]), zones())
    assert [(f.subject, f.severity) for f in found] == [("b1@Z1", Severity.HIGH)]
    found = intrusions(track([118.015] * 3, [0, 3, 6]), zones())
    assert [(f.subject, f.value) for f in found] == [("b1@Z2", 360.0)]


def test_gap_splits_visits_and_exempt_kinds() -> None:
    # Fixes at 0, 4 and 20 min: 4 min gap < 10 min max gap; 16 min gap splits: dwell 4 min.
    assert intrusions(track([118.015] * 3, [0, 4, 20]), zones()) == []
    assert intrusions(track([118.005], [0], kind="patrol"), zones()) == []


def test_tier_settings() -> None:
    params = FenceParameters(tiers={ProtectionTier.SECOND: TierRule(60, Severity.HIGH)})
    found = intrusions(track([118.015] * 2, [0, 1]), zones(), params=params)
    assert [f.severity for f in found] == [Severity.HIGH]
    with pytest.raises(ValidationError, match="min_dwell_s = -1"):
        TierRule(-1, Severity.LOW)
    with pytest.raises(ValidationError, match="not a polygon"):
        ProtectionZone("P", "p", ProtectionTier.FIRST, shapely.Point(0, 0))
