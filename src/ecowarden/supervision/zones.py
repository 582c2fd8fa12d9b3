"""Zones from GeoJSON: drinking-water protection zones, noise functional zones, noise protection
windows (RFC 7946 FeatureCollection; format in docs/supervision.md).

Every feature is a Polygon or MultiPolygon with ``properties``:

- ``code`` (1–32 letters, digits, ``_ . -``), ``name``, ``kind``;
- ``kind: protection`` — ``tier``: ``first`` / ``second`` / ``quasi`` (一级 / 二级 / 准);
- ``kind: noise_zone`` — ``noise_zone``: GB 3096-2008 class ``0`` … ``4b``;
- ``kind: noise_window`` — ``limit_dba``, ``periods`` (list of [from, to] ISO 8601 instants with
  offset), optional ``buffer_m`` (default 500).

The whole document is checked first; every problem names its path
(``features[2].properties.tier``) and a document with any problem yields nothing. Coordinates are
WGS-84 (RFC 7946); ``datum="GCJ02"`` converts a document digitised on a Chinese web map.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ecowarden.errors import EcowardenError, UnknownNameError, ValidationError
from ecowarden.registry.sites import NoiseZone, check_code, check_name, parse_choice
from ecowarden.supervision.geofence import (
    Datum,
    ProtectionTier,
    ProtectionZone,
    parse_datum,
    parse_tier,
    to_wgs84,
)
from ecowarden.supervision.noise_windows import NoiseWindow

DEFAULT_BUFFER_M: Final = 500.0
_KIND_FIELDS: Final = {
    "protection": ("tier",),
    "noise_zone": ("noise_zone",),
    "noise_window": ("limit_dba", "periods", "buffer_m"),
}
_COMMON_FIELDS: Final = ("code", "name", "kind")


class ZoneKind(StrEnum):
    """What a zone polygon is."""

    PROTECTION = "protection"  # 饮用水水源保护区 (one tier)
    NOISE_ZONE = "noise_zone"  # 声环境功能区 (GB 3096-2008 class)
    NOISE_WINDOW = "noise_window"  # time-boxed protection window (考点 …)


@dataclass(frozen=True, eq=False)
class ZoneRecord:
    """One zone as imported: the polygon (WGS-84) and the fields of its kind."""

    code: str
    name: str
    kind: ZoneKind
    geometry: BaseGeometry
    tier: ProtectionTier | None = None
    noise_zone: NoiseZone | None = None
    limit_dba: float | None = None
    buffer_m: float | None = None
    periods: tuple[tuple[int, int], ...] = ()

    def protection_zone(self) -> ProtectionZone:
        """The zone as a fence (protection zones only)."""
        if self.kind is not ZoneKind.PROTECTION or self.tier is None:
            raise ValidationError(f"zone {self.code} is a {self.kind.value}, not a protection zone")
        return ProtectionZone(self.code, self.name, self.tier, self.geometry)

    def noise_window(self) -> NoiseWindow:
        """The zone as a noise protection window (noise windows only)."""
        if self.kind is not ZoneKind.NOISE_WINDOW or self.limit_dba is None:
            raise ValidationError(f"zone {self.code} is a {self.kind.value}, not a noise window")
        return NoiseWindow(
            self.code,
            self.name,
            self.geometry,
            self.periods,
            self.limit_dba,
            DEFAULT_BUFFER_M if self.buffer_m is None else self.buffer_m,
        )


class ZoneDocumentError(EcowardenError):
    """A zone document with problems; ``problems`` lists each with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(problems)} problem(s) in the zone document: {problems[0]}")


def _instant(text: object) -> int:
    if not isinstance(text, str):
        raise ValidationError(f"{text!r} is not an ISO 8601 date-time")
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not an ISO 8601 date-time") from None
    if instant.tzinfo is None:
        raise ValidationError(f"{text!r} has no UTC offset")
    return int(instant.timestamp())


def _periods(value: object) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list) or not value:
        raise ValidationError("needs a non-empty list of [from, to] instants")
    periods = []
    for pair in value:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValidationError(f"{pair!r} is not a [from, to] pair")
        start_s, end_s = _instant(pair[0]), _instant(pair[1])
        if end_s <= start_s:
            raise ValidationError(f"period {pair[0]} … {pair[1]} does not end after it starts")
        periods.append((start_s, end_s))
    return tuple(sorted(periods))


def _number(value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{value!r} is not a number")
    if not low <= value <= high:
        raise ValidationError(f"{value!r} is outside {low:g} … {high:g}")
    return float(value)


def _geometry(value: object, datum: Datum) -> BaseGeometry:
    if not isinstance(value, Mapping) or value.get("type") not in ("Polygon", "MultiPolygon"):
        kind = value.get("type") if isinstance(value, Mapping) else type(value).__name__
        raise ValidationError(f"is a {kind}, not a Polygon or MultiPolygon")
    try:
        geometry = shapely.from_geojson(json.dumps(value))
    except shapely.errors.GEOSException as error:
        raise ValidationError(f"is not valid GeoJSON geometry ({error})") from None
    coordinates = shapely.get_coordinates(geometry)
    lon, lat = to_wgs84(coordinates[:, 0], coordinates[:, 1], datum)
    geometry = shapely.set_coordinates(geometry, np.column_stack([lon, lat]))
    if not geometry.is_valid:
        raise ValidationError(f"is not a valid polygon ({shapely.is_valid_reason(geometry)})")
    return geometry


def parse_zone_document(document: object, *, datum: Datum | str = Datum.WGS84) -> list[ZoneRecord]:
    """Check a GeoJSON FeatureCollection of zones; raises :class:`ZoneDocumentError` listing
    every problem, or returns the zones in document order."""
    source_datum = parse_datum(datum)
    problems: list[str] = []
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        raise ZoneDocumentError(["the document is not a GeoJSON FeatureCollection"])
    features = document.get("features")
    if not isinstance(features, list):
        raise ZoneDocumentError(["features: not a list"])
    records: list[ZoneRecord] = []
    codes: dict[str, int] = {}
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            problems.append(f"{where}: not a GeoJSON Feature")
            continue
        props = feature.get("properties")
        if not isinstance(props, Mapping):
            problems.append(f"{where}.properties: missing")
            continue
        try:
            kind = parse_choice("zone kind", ZoneKind, props.get("kind"))
        except UnknownNameError as error:
            problems.append(f"{where}.properties.kind: {error}")
            continue
        allowed = (*_COMMON_FIELDS, *_KIND_FIELDS[kind.value])
        found_before = len(problems)
        for key in props:
            if key not in allowed:
                problems.append(
                    f"{where}.properties.{key}: unknown field for a {kind.value} zone; "
                    f"valid: {', '.join(allowed)}"
                )
        fields: dict[str, Any] = {}
        checks = {
            "code": lambda v: check_code("zone code", v),
            "name": lambda v: check_name("zone name", v),
            "tier": parse_tier,
            "noise_zone": lambda v: parse_choice("noise zone", NoiseZone, v),
            "limit_dba": lambda v: _number(v, 0.0, 140.0),
            "buffer_m": lambda v: _number(v, 0.0, 50_000.0),
            "periods": _periods,
        }
        for key in ("code", "name", *_KIND_FIELDS[kind.value]):
            if key not in props:
                if key != "buffer_m":
                    problems.append(f"{where}.properties.{key}: missing")
                continue
            try:
                fields[key] = checks[key](props[key])
            except (ValidationError, UnknownNameError) as error:
                problems.append(f"{where}.properties.{key}: {error}")
        try:
            geometry = _geometry(feature.get("geometry"), source_datum)
        except ValidationError as error:
            problems.append(f"{where}.geometry: {error}")
            continue
        code = fields.get("code")
        if isinstance(code, str):
            if code in codes:
                problems.append(
                    f"{where}.properties.code: {code!r} repeats features[{codes[code]}]"
                )
            codes[code] = index
        if len(problems) == found_before:
            records.append(ZoneRecord(kind=kind, geometry=geometry, **fields))
    if problems:
        raise ZoneDocumentError(problems)
    return records
