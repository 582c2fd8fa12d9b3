"""Sites, locations, enterprises and emission limits: record invariants."""

from __future__ import annotations

import math

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import (
    Averaging,
    EmissionLimit,
    Enterprise,
    Location,
    ManagementCategory,
    NoiseZone,
    OutletMedium,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
)

CODE = "91350100M000100Y43"
HERE = Location(lon=118.1, lat=24.5)


@pytest.mark.parametrize(
    ("lon", "lat", "axis"),
    [
        (180.5, 24.0, "longitude"),
        (-181.0, 24.0, "longitude"),
        (118.0, 90.01, "latitude"),
        (math.nan, 24.0, "longitude"),
        (118.0, math.inf, "latitude"),
    ],
)
def test_location_outside_wgs84_ranges_is_rejected(lon: float, lat: float, axis: str) -> None:
    with pytest.raises(ValidationError, match=axis):
        Location(lon=lon, lat=lat)


def test_location_on_range_edges_is_accepted() -> None:
    assert Location(lon=-180, lat=90) == Location(-180.0, 90.0)


def test_noise_station_needs_its_zone_class() -> None:
    with pytest.raises(ValidationError, match="needs noise_zone"):
        Site("N01", "噪声站", SiteKind.NOISE_STATION, HERE)
    site = Site("N01", "噪声站", SiteKind.NOISE_STATION, HERE, noise_zone=NoiseZone("4a"))
    assert site.noise_zone is NoiseZone.CLASS_4A


def test_water_section_needs_body_type_and_target_class() -> None:
    with pytest.raises(ValidationError, match="needs target_class"):
        Site("W01", "断面", SiteKind.WATER_SECTION, HERE, water_body=WaterBody.RIVER)
    site = Site(
        "W01",
        "断面",
        SiteKind.WATER_SECTION,
        HERE,
        water_body=WaterBody.LAKE,
        target_class=WaterClass.III,
    )
    assert site.kind.is_water


def test_field_of_another_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="cannot have noise_zone"):
        Site("A01", "城关站", SiteKind.AIR_STATION, HERE, noise_zone=NoiseZone.CLASS_2)


def test_outlet_needs_a_well_formed_enterprise_code() -> None:
    with pytest.raises(ValidationError, match="position 18"):
        Site(
            "DA001",
            "排放口",
            SiteKind.OUTLET,
            HERE,
            enterprise=CODE[:17] + "0",
            outlet_medium=OutletMedium.GAS,
        )


def test_unknown_kind_lists_the_valid_kinds() -> None:
    with pytest.raises(UnknownNameError, match="air_station"):
        Site("X1", "x", "factory", HERE)  # type: ignore[arg-type]  # the wrong type is the point


@pytest.mark.parametrize("code", ["", "a b", "站点1", "-A", "x" * 33, "A,1"])
def test_site_code_must_be_plain(code: str) -> None:
    with pytest.raises(ValidationError, match="site code"):
        Site(code, "x", SiteKind.AIR_STATION, HERE)


def test_enterprise_name_must_not_be_blank() -> None:
    with pytest.raises(ValidationError, match="name"):
        Enterprise(CODE, "  ", ManagementCategory.KEY)


def test_management_category_labels() -> None:
    assert ManagementCategory.KEY.label == "重点管理"
    assert ManagementCategory("registration").label == "登记管理"


def test_limit_must_be_positive_and_finite() -> None:
    with pytest.raises(ValidationError, match="not positive"):
        EmissionLimit("DW001", "w01018", 0, "mg/L", Averaging.DAY)
    with pytest.raises(ValidationError, match="not finite"):
        EmissionLimit("DW001", "w01018", math.nan, "mg/L", Averaging.DAY)


def test_reference_o2_must_be_below_21_percent() -> None:
    with pytest.raises(ValidationError, match="reference O2"):
        EmissionLimit("DA001", "a21026", 35, "mg/m³", Averaging.HOUR, reference_o2_pct=21)
    limit = EmissionLimit("DA001", "a21026", 35, "mg/m³", Averaging.HOUR, reference_o2_pct=6)
    assert limit.reference_o2_pct == 6.0


def test_two_sided_ph_limit() -> None:
    # pH 6–9 (a typical discharge limit): lower 6, upper 9.
    limit = EmissionLimit("DW001", "w01001", 9, "—", Averaging.DAY, lower_limit=6)
    assert (limit.lower_limit, limit.limit) == (6.0, 9.0)
    with pytest.raises(ValidationError, match="lower limit"):
        EmissionLimit("DW001", "w01001", 9, "—", Averaging.DAY, lower_limit=9)
