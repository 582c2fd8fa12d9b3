"""Monitoring sites: air and noise stations, water sections, drinking-water sources, outlets."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeVar

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.uscc import validate_credit_code

# Site codes and MNs travel in CSV files, URLs and HJ 212 packets: letters, digits, _ . - only.
_CODE_PATTERN: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]{0,31}")
NAME_MAX_LENGTH: Final = 200


class SiteKind(StrEnum):
    """What a site monitors."""

    AIR_STATION = "air_station"
    WATER_SECTION = "water_section"
    DRINKING_WATER_SOURCE = "drinking_water_source"
    NOISE_STATION = "noise_station"
    OUTLET = "outlet"

    @property
    def label(self) -> str:
        """Chinese name of the kind."""
        return _KIND_LABELS[self]

    @property
    def is_water(self) -> bool:
        """Whether the site is assessed against GB 3838-2002 classes [GB3838-2002]."""
        return self in (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)


_KIND_LABELS: Final = {
    SiteKind.AIR_STATION: "环境空气质量监测站",
    SiteKind.WATER_SECTION: "地表水监测断面",
    SiteKind.DRINKING_WATER_SOURCE: "饮用水水源地",
    SiteKind.NOISE_STATION: "声环境质量监测点",
    SiteKind.OUTLET: "排放口",
}


class NoiseZone(StrEnum):
    """Acoustic functional-zone classes, GB 3096-2008 §4 [GB3096-2008]."""

    CLASS_0 = "0"
    CLASS_1 = "1"
    CLASS_2 = "2"
    CLASS_3 = "3"
    CLASS_4A = "4a"
    CLASS_4B = "4b"


class WaterBody(StrEnum):
    """Water-body type of a section: it selects the TP limits and the TN rule [GB3838-2002].

    ``lake`` stands for lakes and reservoirs alike (GB 3838-2002 Table 1, "湖、库").
    """

    RIVER = "river"
    LAKE = "lake"


class WaterClass(StrEnum):
    """GB 3838-2002 functional classes, used as a section's target class [GB3838-2002]."""

    I = "I"  # noqa: E741  the standard's own class name
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"


class OutletMedium(StrEnum):
    """What an outlet discharges."""

    GAS = "gas"  # 废气排放口
    WATER = "water"  # 废水排放口


EnumT = TypeVar("EnumT", bound=StrEnum)


def parse_choice(kind: str, enum: type[EnumT], name: object) -> EnumT:
    """An enum member by value; an unknown value raises :class:`UnknownNameError`."""
    if isinstance(name, enum):
        return name
    for member in enum:
        if member.value == name:
            return member
    raise UnknownNameError(kind, name, [member.value for member in enum])


def check_code(what: str, code: object) -> str:
    """A registry code (site code, MN): 1–32 letters, digits, ``_``, ``.``, ``-``."""
    if not isinstance(code, str) or _CODE_PATTERN.fullmatch(code) is None:
        raise ValidationError(
            f"{what} {code!r} is not 1–32 letters, digits, '_', '.' or '-' starting with a letter "
            "or digit"
        )
    return code


def check_name(what: str, name: object) -> str:
    """A display name: non-empty text of at most 200 characters without surrounding blanks."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{what} {name!r} is empty or not text")
    if name != name.strip():
        raise ValidationError(f"{what} {name!r} has leading or trailing blanks")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"{what} has {len(name)} characters; at most {NAME_MAX_LENGTH}")
    return name


@dataclass(frozen=True, slots=True)
class Location:
    """A WGS-84 position.

    Parameters
    ----------
    lon
        Longitude, −180 … 180. [°]
    lat
        Latitude, −90 … 90. [°]
    """

    lon: float
    lat: float

    def __post_init__(self) -> None:
        for axis, value, limit in (("longitude", self.lon, 180.0), ("latitude", self.lat, 90.0)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(f"{axis} {value!r} is not a number")
            if not math.isfinite(value) or not -limit <= value <= limit:
                raise ValidationError(f"{axis} {value!r} is outside −{limit:g} … {limit:g} degrees")
        object.__setattr__(self, "lon", float(self.lon))
        object.__setattr__(self, "lat", float(self.lat))


@dataclass(frozen=True, slots=True)
class Site:
    """A monitoring site or an enterprise outlet.

    Kind-specific fields, required for their kind and refused for the others:

    - noise stations: ``noise_zone`` (GB 3096-2008 class) [GB3096-2008];
    - water sections and drinking-water sources: ``water_body`` and ``target_class``
      (GB 3838-2002) [GB3838-2002];
    - outlets: ``enterprise`` (its unified social credit code) and ``outlet_medium``.
    """

    code: str
    name: str
    kind: SiteKind
    location: Location
    noise_zone: NoiseZone | None = None
    water_body: WaterBody | None = None
    target_class: WaterClass | None = None
    enterprise: str | None = None
    outlet_medium: OutletMedium | None = None

    def __post_init__(self) -> None:
        check_code("site code", self.code)
        check_name(f"site {self.code} name", self.name)
        kind = parse_choice("site kind", SiteKind, self.kind)
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.location, Location):
            raise ValidationError(f"site {self.code}: location {self.location!r} is not a Location")
        fields: tuple[tuple[str, type[StrEnum] | None, object, bool], ...] = (
            ("noise_zone", NoiseZone, self.noise_zone, kind is SiteKind.NOISE_STATION),
            ("water_body", WaterBody, self.water_body, kind.is_water),
            ("target_class", WaterClass, self.target_class, kind.is_water),
            ("enterprise", None, self.enterprise, kind is SiteKind.OUTLET),
            ("outlet_medium", OutletMedium, self.outlet_medium, kind is SiteKind.OUTLET),
        )
        for field, enum, value, wanted in fields:
            if wanted and value is None:
                raise ValidationError(f"site {self.code} ({kind.value}) needs {field}")
            if not wanted and value is not None:
                raise ValidationError(
                    f"site {self.code} ({kind.value}) cannot have {field} {value!r}"
                )
            if enum is not None and value is not None:
                object.__setattr__(self, field, parse_choice(field.replace("_", " "), enum, value))
        if self.enterprise is not None:
            if not isinstance(self.enterprise, str):
                raise ValidationError(
                    f"site {self.code}: enterprise {self.enterprise!r} is not text"
                )
            validate_credit_code(self.enterprise)
