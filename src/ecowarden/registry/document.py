"""The registry document: enterprises, sites, outlet limits and devices in one JSON/YAML tree.

The schema is documented in docs/import-formats.md. Parsing takes the already-loaded tree (dicts,
lists, strings, numbers), checks every record and reports every problem at once, each with its
path in the document (``sites[2].lon``), so that a file can be fixed in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Final, TypeVar

from ecowarden.errors import EcowardenError, ValidationError
from ecowarden.registry.devices import Device, check_device_password, check_mn
from ecowarden.registry.enterprises import Averaging, EmissionLimit, Enterprise, ManagementCategory
from ecowarden.registry.parameters import parameter
from ecowarden.registry.sites import (
    EnumT,
    Location,
    NoiseZone,
    OutletMedium,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
    parse_choice,
)

DOCUMENT_VERSION: Final = 1
_TOP_KEYS: Final = ("version", "enterprises", "sites", "devices")
_ENTERPRISE_KEYS: Final = ("credit_code", "name", "management_category", "industry", "address")
_SITE_KEYS: Final = (
    "code",
    "name",
    "kind",
    "lon",
    "lat",
    "noise_zone",
    "water_body",
    "target_class",
    "enterprise",
    "outlet_medium",
    "limits",
)
_LIMIT_KEYS: Final = ("parameter", "limit", "unit", "averaging", "reference_o2_pct", "lower_limit")
_DEVICE_KEYS: Final = ("mn", "site", "password", "password_hash")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a document, at ``path``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RegistryDocumentError(ValidationError):
    """A registry document with problems; nothing of it is stored."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(str(problem) for problem in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(
            f"{len(self.problems)} problem(s) in the registry document: {listed}{more}"
        )


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    """A device as declared: ``credential`` is its password in clear (to be hashed) or, with
    ``hashed``, an Argon2id hash."""

    mn: str
    site: str
    credential: str = field(repr=False)
    hashed: bool = False


@dataclass(frozen=True, slots=True)
class RegistryDocument:
    """The checked content of a registry document."""

    enterprises: tuple[Enterprise, ...] = ()
    sites: tuple[Site, ...] = ()
    limits: tuple[EmissionLimit, ...] = ()
    devices: tuple[DeviceEntry, ...] = ()


class _Collector:
    """Runs checks and keeps their problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def run(self, path: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except EcowardenError as error:
            self.add(path, str(error))
            return None


def parse_registry_document(tree: object) -> RegistryDocument:
    """Check a loaded registry document and return its records.

    Raises
    ------
    RegistryDocumentError
        Listing every problem with its path; unknown keys are problems too (a misspelt
        ``target_clas`` is never silently ignored).
    """
    problems = _Collector()
    if not isinstance(tree, Mapping):
        raise RegistryDocumentError([Problem("$", "the document is not a mapping of sections")])
    _unknown_keys(problems, "$", tree, _TOP_KEYS)
    version = tree.get("version", DOCUMENT_VERSION)
    if version != DOCUMENT_VERSION:
        problems.add(
            "version", f"version {version!r} is not supported; expected {DOCUMENT_VERSION}"
        )
    enterprises = [
        _enterprise(problems, path, item) for path, item in _section(problems, tree, "enterprises")
    ]
    sites: list[Site | None] = []
    limits: list[EmissionLimit] = []
    for path, item in _section(problems, tree, "sites"):
        site = _site(problems, path, item)
        sites.append(site)
        limits.extend(_limits(problems, path, item, site))
    devices = [_device(problems, path, item) for path, item in _section(problems, tree, "devices")]
    _duplicates(problems, "enterprises", [e.credit_code if e else None for e in enterprises])
    _duplicates(problems, "sites", [s.code if s else None for s in sites])
    _duplicates(problems, "devices", [d.mn if d else None for d in devices])
    if problems.problems:
        raise RegistryDocumentError(problems.problems)
    return RegistryDocument(
        enterprises=tuple(e for e in enterprises if e is not None),
        sites=tuple(s for s in sites if s is not None),
        limits=tuple(limits),
        devices=tuple(d for d in devices if d is not None),
    )


def _section(
    problems: _Collector, tree: Mapping[object, object], name: str
) -> list[tuple[str, Mapping[str, object]]]:
    items = tree.get(name, [])
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(name, "expected a list of records")
        return []
    records: list[tuple[str, Mapping[str, object]]] = []
    for index, item in enumerate(items):
        path = f"{name}[{index}]"
        if not isinstance(item, Mapping) or not all(isinstance(key, str) for key in item):
            problems.add(path, "expected a mapping of fields")
            continue
        records.append((path, item))
    return records


def _unknown_keys(
    problems: _Collector,
    path: str,
    item: Mapping[str, object] | Mapping[object, object],
    valid: Sequence[str],
) -> None:
    for key in item:
        if key not in valid:
            problems.add(f"{path}.{key}", f"unknown field; valid: {', '.join(valid)}")


def _required(
    problems: _Collector, path: str, item: Mapping[str, object], keys: Sequence[str]
) -> bool:
    missing = [key for key in keys if item.get(key) is None]
    for key in missing:
        problems.add(f"{path}.{key}", "required field is missing")
    return not missing


def _text(item: Mapping[str, object], key: str) -> str | None:
    """A text field; a whole number is taken as its decimal text (YAML reads 2 as an int)."""
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValidationError(f"{key} {value!r} is not text")


def _string(item: Mapping[str, object], key: str) -> str | None:
    """A field that must be written as text: codes may have leading zeros (quote them)."""
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValidationError(f'{key} {value!r} is not text; quote codes in YAML ("0012")')


def _present(key: str, value: T | None) -> T:
    if value is None:
        raise ValidationError(f"required field {key} is missing")
    return value


def _number(item: Mapping[str, object], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{key} {value!r} is not a number")
    return float(value)


def _choice(item: Mapping[str, object], key: str, enum: type[EnumT]) -> EnumT | None:
    value = _text(item, key)
    return None if value is None else parse_choice(key.replace("_", " "), enum, value)


def _enterprise(problems: _Collector, path: str, item: Mapping[str, object]) -> Enterprise | None:
    _unknown_keys(problems, path, item, _ENTERPRISE_KEYS)
    if not _required(problems, path, item, ("credit_code", "name", "management_category")):
        return None
    return problems.run(
        path,
        lambda: Enterprise(
            credit_code=_present("credit_code", _text(item, "credit_code")),
            name=_present("name", _string(item, "name")),
            management_category=_present(
                "management_category", _choice(item, "management_category", ManagementCategory)
            ),
            industry=_string(item, "industry"),
            address=_string(item, "address"),
        ),
    )


def _site(problems: _Collector, path: str, item: Mapping[str, object]) -> Site | None:
    _unknown_keys(problems, path, item, _SITE_KEYS)
    if not _required(problems, path, item, ("code", "name", "kind", "lon", "lat")):
        return None
    return problems.run(
        path,
        lambda: Site(
            code=_present("code", _string(item, "code")),
            name=_present("name", _string(item, "name")),
            kind=_present("kind", _choice(item, "kind", SiteKind)),
            location=Location(
                lon=_present("lon", _number(item, "lon")), lat=_present("lat", _number(item, "lat"))
            ),
            noise_zone=_choice(item, "noise_zone", NoiseZone),
            water_body=_choice(item, "water_body", WaterBody),
            target_class=_choice(item, "target_class", WaterClass),
            enterprise=_text(item, "enterprise"),
            outlet_medium=_choice(item, "outlet_medium", OutletMedium),
        ),
    )


def _limits(
    problems: _Collector, path: str, item: Mapping[str, object], site: Site | None
) -> list[EmissionLimit]:
    declared = item.get("limits")
    if declared is None:
        return []
    if not isinstance(declared, list):
        problems.add(f"{path}.limits", "expected a list of limits")
        return []
    if site is not None and site.kind is not SiteKind.OUTLET:
        problems.add(f"{path}.limits", f"only outlets have emission limits, not {site.kind.value}")
        return []
    limits: list[EmissionLimit] = []
    seen: dict[tuple[str, Averaging], int] = {}
    for index, entry in enumerate(declared):
        where = f"{path}.limits[{index}]"
        if not isinstance(entry, Mapping) or not all(isinstance(key, str) for key in entry):
            problems.add(where, "expected a mapping of fields")
            continue
        _unknown_keys(problems, where, entry, _LIMIT_KEYS)
        if not _required(problems, where, entry, ("parameter", "limit", "unit", "averaging")):
            continue
        if site is None:
            continue
        if entry.get("reference_o2_pct") is not None and site.outlet_medium is not OutletMedium.GAS:
            problems.add(f"{where}.reference_o2_pct", "a reference O2 applies to gas outlets only")
            continue
        limit = problems.run(where, partial(_limit, site.code, entry))
        if limit is None:
            continue
        key = (limit.parameter, limit.averaging)
        if key in seen:
            problems.add(
                where,
                f"{limit.parameter} {limit.averaging.value} limit is declared again "
                f"(first at limits[{seen[key]}])",
            )
            continue
        seen[key] = index
        limits.append(limit)
    return limits


def _limit(outlet: str, entry: Mapping[str, object]) -> EmissionLimit:
    code = _present("parameter", _string(entry, "parameter"))
    parameter(code)
    return EmissionLimit(
        outlet=outlet,
        parameter=code,
        limit=_present("limit", _number(entry, "limit")),
        unit=_present("unit", _string(entry, "unit")),
        averaging=_present("averaging", _choice(entry, "averaging", Averaging)),
        reference_o2_pct=_number(entry, "reference_o2_pct"),
        lower_limit=_number(entry, "lower_limit"),
    )


def _device(problems: _Collector, path: str, item: Mapping[str, object]) -> DeviceEntry | None:
    _unknown_keys(problems, path, item, _DEVICE_KEYS)
    if not _required(problems, path, item, ("mn", "site")):
        return None
    password, password_hash = item.get("password"), item.get("password_hash")
    if (password is None) == (password_hash is None):
        problems.add(path, "give exactly one of password and password_hash")
        return None

    def build() -> DeviceEntry:
        mn = check_mn(_string(item, "mn"))
        site = _present("site", _string(item, "site"))
        if password is not None:
            return DeviceEntry(mn=mn, site=site, credential=check_device_password(password))
        hashed = Device(
            mn=mn,
            site=site,
            password_hash=_present("password_hash", _string(item, "password_hash")),
        )
        return DeviceEntry(mn=mn, site=site, credential=hashed.password_hash, hashed=True)

    return problems.run(path, build)


def _duplicates(problems: _Collector, section: str, keys: Sequence[str | None]) -> None:
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            problems.add(f"{section}[{index}]", f"{key} is declared again (first at [{seen[key]}])")
        else:
            seen[key] = index
