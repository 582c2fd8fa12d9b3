"""The demo county (青溪县, fictional): its monitoring sites, modelled on a county bureau with one
air network, a river held at Class II, drinking-water reservoirs and 29 noise stations."""

from __future__ import annotations

from dataclasses import dataclass

from ecowarden.demo.synthetic import WaterSite

COUNTY_NAME = "青溪县"
# The county seat (a point in the hills of southern Anhui; any WGS-84 point would do).
CENTRE_LON, CENTRE_LAT = 118.42, 30.18


@dataclass(frozen=True)
class AirStation:
    code: str
    name: str
    lon: float
    lat: float
    air_class: int  # GB 3095 functional zone class


AIR_STATIONS = (
    AirStation("A01", "县环境监测站", 118.418, 30.183, 2),
    AirStation("A02", "城东工业园", 118.447, 30.176, 2),
    AirStation("A03", "青溪湿地公园", 118.392, 30.201, 2),
)

# 清溪河 flows west to east through the county seat; 白云水库 upstream feeds the water works.
WATER_SITES = (
    WaterSite("W01", "清溪河入境断面", "river", "II", 0.8),
    WaterSite("W02", "清溪河城西断面", "river", "II", 1.0),
    WaterSite("W03", "清溪河城东断面", "river", "II", 1.15),
    WaterSite("W04", "清溪河出境断面", "river", "II", 1.3),
    WaterSite("R01", "白云水库", "lake", "II", 0.7, drinking_source=True),
    WaterSite("D01", "龙潭水库", "lake", "II", 0.6, drinking_source=True),
)
WATER_LOCATIONS = {
    "W01": (118.351, 30.190),
    "W02": (118.402, 30.185),
    "W03": (118.436, 30.179),
    "W04": (118.489, 30.171),
    "R01": (118.322, 30.225),
    "D01": (118.455, 30.241),
}
# Annual withdrawal of the drinking-water sources [万 t].
WITHDRAWAL_10K_T = {"R01": 1460.0, "D01": 620.0}

# 29 automatic functional-zone noise stations by GB 3096-2008 zone class.
NOISE_ZONES: tuple[str, ...] = (
    ("0",) + ("1",) * 6 + ("2",) * 9 + ("3",) * 5 + ("4a",) * 6 + ("4b",) * 2
)
