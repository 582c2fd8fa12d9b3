"""The demo county's 40 permitted enterprises: outlets, emission limits and online devices.

Names, codes and passwords are invented. Credit codes carry a correct GB 32100-2015 check
character [GB32100-2015]; limits are typical permit values (boilers after GB 13271-2014, wastewater
after GB 18918-2002 grade 1A) and cite no enterprise's real permit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecowarden.registry.uscc import CODE_CHARACTERS, check_character

# The county's administrative division code (fictional, in a real province's range).
DIVISION_CODE = "341799"

INDUSTRIES: tuple[tuple[str, str, str], ...] = (
    # (name stem, industry (行业类别), outlet media: g = gas, w = water)
    ("化工", "化学原料和化学制品制造业", "gw"),
    ("热电", "电力、热力生产和供应业", "g"),
    ("水泥", "非金属矿物制品业", "g"),
    ("造纸", "造纸和纸制品业", "gw"),
    ("食品", "农副食品加工业", "w"),
    ("制药", "医药制造业", "gw"),
    ("纺织印染", "纺织业", "w"),
    ("污水处理", "水的生产和供应业", "w"),
    ("陶瓷", "非金属矿物制品业", "g"),
    ("机械", "通用设备制造业", "g"),
)
PLACES = ("青溪", "城东", "白云", "龙潭", "清河", "北山", "南湖", "东坪", "西岭", "新桥")


@dataclass(frozen=True)
class Limit:
    parameter: str  # HJ 212-2017 code
    limit: float
    unit: str
    averaging: str  # "hour" or "day"
    reference_o2_pct: float | None = None
    lower_limit: float | None = None


# Boiler stacks: GB 13271-2014 Table 2 coal-fired values at 9 % reference O2 [mg/m³].
GAS_LIMITS = (
    Limit("a21026", 200.0, "mg/m³", "hour", 9.0),  # SO2
    Limit("a21002", 200.0, "mg/m³", "hour", 9.0),  # NOx
    Limit("a34013", 30.0, "mg/m³", "hour", 9.0),  # particulate matter
)
# Wastewater: GB 18918-2002 grade 1A daily values [mg/L]; pH 6–9.
WATER_LIMITS = (
    Limit("w01018", 50.0, "mg/L", "day"),  # COD
    Limit("w21003", 5.0, "mg/L", "day"),  # NH3-N
    Limit("w01001", 9.0, "—", "day", lower_limit=6.0),  # pH
)
# Parameters each outlet kind reports: the limited pollutants plus what their evaluation needs.
GAS_PARAMETERS = ("a21026", "a21002", "a34013", "a19001", "a00000")  # + O2, flue-gas flow
WATER_PARAMETERS = ("w01018", "w21003", "w01001", "w00000")  # + wastewater flow


@dataclass(frozen=True)
class Outlet:
    code: str
    name: str
    medium: str  # "gas" or "water"
    lon: float
    lat: float
    mn: str
    password: str

    @property
    def limits(self) -> tuple[Limit, ...]:
        return GAS_LIMITS if self.medium == "gas" else WATER_LIMITS

    @property
    def parameters(self) -> tuple[str, ...]:
        return GAS_PARAMETERS if self.medium == "gas" else WATER_PARAMETERS


@dataclass(frozen=True)
class DemoEnterprise:
    credit_code: str
    name: str
    industry: str
    management_category: str  # key / simplified / registration
    address: str
    outlets: tuple[Outlet, ...]


def credit_code(rng: np.random.Generator) -> str:
    """A well-formed unified social credit code: 9 (工商) 1 (企业) + division + 9 + check."""
    body = "".join(rng.choice(list(CODE_CHARACTERS[:10] + "ABCDEFGH"), size=9))
    first17 = "91" + DIVISION_CODE + body
    return first17 + check_character(first17)


def demo_enterprises(count: int = 40, *, seed: int = 32100) -> tuple[DemoEnterprise, ...]:
    """``count`` enterprises; the first quarter under key management with two outlets each."""
    rng = np.random.default_rng(seed)
    result = []
    for idx in range(count):
        stem, industry, media = INDUSTRIES[idx % len(INDUSTRIES)]
        place = PLACES[(idx // len(INDUSTRIES)) % len(PLACES)]
        category = "key" if idx < count // 4 else ("simplified" if idx % 3 else "registration")
        lon = 118.40 + float(rng.uniform(-0.08, 0.10))
        lat = 30.17 + float(rng.uniform(-0.05, 0.06))
        outlets: list[Outlet] = []
        for medium_code in media if category == "key" else media[:1]:
            medium = "gas" if medium_code == "g" else "water"
            prefix = "DA" if medium == "gas" else "DW"
            number = sum(1 for o in outlets if o.medium == medium) + 1
            code = f"E{idx + 1:02d}-{prefix}{number:03d}"
            mn = f"{DIVISION_CODE}QX{idx + 1:03d}{prefix}{number:03d}00000000"
            outlets.append(
                Outlet(
                    code=code,
                    name=f"{'废气' if medium == 'gas' else '废水'}排放口{number}",
                    medium=medium,
                    lon=round(lon + 0.001 * number, 5),
                    lat=round(lat, 5),
                    mn=mn,
                    password=f"Qx{idx + 1:03d}{prefix}{number}#{rng.integers(1000, 9999)}",
                )
            )
        result.append(
            DemoEnterprise(
                credit_code=credit_code(rng),
                name=f"青溪县{place}{stem}有限公司",
                industry=industry,
                management_category=category,
                address=f"青溪县{place}工业园区{idx + 1}号",
                outlets=tuple(outlets),
            )
        )
    return tuple(result)
