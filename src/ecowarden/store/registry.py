"""Registry tables: parameters, enterprises, sites and outlets, emission limits, devices.

Records are saved by their natural key (parameter code, credit code, site code, MN, outlet +
parameter + averaging): a new key is created, a known key with other values is updated, a known
key with the same values is left alone. Each save says which of the three happened and which
fields changed, for the audit log. Nothing is ever deleted by a save.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.devices import Device
from ecowarden.registry.enterprises import (
    Averaging,
    EmissionLimit,
    Enterprise,
    ManagementCategory,
)
from ecowarden.registry.parameters import Medium, Parameter
from ecowarden.registry.sites import (
    Location,
    NoiseZone,
    OutletMedium,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
)
from ecowarden.store.instants import now_us
from ecowarden.store.schema import (
    devices,
    emission_limits,
    enterprises,
    outlets,
    parameters,
    sites,
)


class ChangeKind(StrEnum):
    """What a save did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class RegistryChange:
    """The outcome of saving one record: its type and key, and the fields that changed."""

    object_type: str
    key: str
    change: ChangeKind
    fields: tuple[str, ...] = ()


class RegistryRepository:
    """Read and save registry records through one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- generic save -------------------------------------------------------------------------

    def _save(
        self,
        table: Table,
        object_type: str,
        key: str,
        where: Mapping[str, object],
        values: Mapping[str, object],
        *,
        stamp: bool = True,
    ) -> tuple[RegistryChange, int]:
        """Insert or update the row ``where`` selects; return the change and the row id."""
        condition = [table.c[column] == value for column, value in where.items()]
        id_column = table.c["id"] if "id" in table.c else table.c["site_id"]
        existing = self._connection.execute(
            select(id_column, *[table.c[column] for column in values]).where(*condition)
        ).first()
        stamped = {**values, "updated_at_us": now_us()} if stamp else dict(values)
        if existing is None:
            result = self._connection.execute(insert(table).values(**where, **stamped))
            (row_id,) = result.inserted_primary_key or (None,)
            return RegistryChange(object_type, key, ChangeKind.CREATED), int(str(row_id))
        current = existing._mapping
        changed = tuple(column for column, value in values.items() if current[column] != value)
        row_id = int(existing[0])
        if not changed:
            return RegistryChange(object_type, key, ChangeKind.UNCHANGED), row_id
        self._connection.execute(update(table).where(*condition).values(**stamped))
        return RegistryChange(object_type, key, ChangeKind.UPDATED, changed), row_id

    # -- parameters ---------------------------------------------------------------------------

    def sync_parameters(self, vocabulary: Iterable[Parameter]) -> list[RegistryChange]:
        """Bring the ``parameters`` table in line with the vocabulary (codes are never removed)."""
        return [
            self._save(
                parameters,
                "parameter",
                parameter.code,
                {"code": parameter.code},
                {
                    "name_zh": parameter.name_zh,
                    "name_en": parameter.name_en,
                    "unit": parameter.unit,
                    "medium": parameter.medium.value,
                    "amount_unit": parameter.amount_unit,
                    "code_2005": parameter.code_2005,
                    "data_type": parameter.data_type,
                    "printed_unit": parameter.printed_unit,
                },
                stamp=False,
            )[0]
            for parameter in vocabulary
        ]

    def parameters(self) -> list[Parameter]:
        """Every stored parameter, by code."""
        rows = self._connection.execute(select(parameters).order_by(parameters.c.code))
        return [
            Parameter(
                code=row.code,
                name_zh=row.name_zh,
                name_en=row.name_en,
                unit=row.unit,
                medium=Medium(row.medium),
                amount_unit=row.amount_unit,
                code_2005=row.code_2005,
                data_type=row.data_type,
                printed_unit=row.printed_unit,
            )
            for row in rows
        ]

    def parameter_ids(self) -> dict[str, int]:
        """Parameter code → id."""
        rows = self._connection.execute(select(parameters.c.code, parameters.c.id))
        return {str(code): int(row_id) for code, row_id in rows}

    # -- enterprises --------------------------------------------------------------------------

    def save_enterprise(self, enterprise: Enterprise) -> RegistryChange:
        """Create or update an enterprise by its credit code."""
        return self._save(
            enterprises,
            "enterprise",
            enterprise.credit_code,
            {"credit_code": enterprise.credit_code},
            {
                "name": enterprise.name,
                "management_category": enterprise.management_category.value,
                "industry": enterprise.industry,
                "address": enterprise.address,
            },
        )[0]

    def enterprises(self) -> list[Enterprise]:
        """Every enterprise, by credit code."""
        rows = self._connection.execute(select(enterprises).order_by(enterprises.c.credit_code))
        return [
            Enterprise(
                credit_code=row.credit_code,
                name=row.name,
                management_category=ManagementCategory(row.management_category),
                industry=row.industry,
                address=row.address,
            )
            for row in rows
        ]

    def _enterprise_id(self, credit_code: str) -> int:
        found = self._connection.execute(
            select(enterprises.c.id).where(enterprises.c.credit_code == credit_code)
        ).scalar_one_or_none()
        if found is None:
            known = self._connection.execute(select(enterprises.c.credit_code)).scalars()
            raise UnknownNameError("enterprise", credit_code, [str(code) for code in known])
        return int(found)

    # -- sites --------------------------------------------------------------------------------

    def save_site(self, site: Site) -> RegistryChange:
        """Create or update a site by its code; an outlet also saves its enterprise link.

        Raises
        ------
        ValidationError
            If the site exists with another kind (a kind never changes: register a new code).
        UnknownNameError
            If an outlet's enterprise is not registered.
        """
        stored_kind = self._connection.execute(
            select(sites.c.kind).where(sites.c.code == site.code)
        ).scalar_one_or_none()
        if stored_kind is not None and stored_kind != site.kind.value:
            raise ValidationError(
                f"site {site.code} is registered as {stored_kind}; its kind cannot change to "
                f"{site.kind.value} (register the new site under a new code)"
            )
        enterprise_id = (
            self._enterprise_id(site.enterprise) if site.enterprise is not None else None
        )
        change, site_id = self._save(
            sites,
            "site",
            site.code,
            {"code": site.code},
            {
                "name": site.name,
                "kind": site.kind.value,
                "lon": site.location.lon,
                "lat": site.location.lat,
                "noise_zone": _value(site.noise_zone),
                "water_body": _value(site.water_body),
                "target_class": _value(site.target_class),
            },
        )
        if enterprise_id is None or site.outlet_medium is None:
            return change
        outlet_change, _ = self._save(
            outlets,
            "outlet",
            site.code,
            {"site_id": site_id},
            {"enterprise_id": enterprise_id, "medium": site.outlet_medium.value},
            stamp=False,
        )
        if outlet_change.change is ChangeKind.UNCHANGED or change.change is ChangeKind.CREATED:
            return change
        fields = tuple(
            "enterprise" if name == "enterprise_id" else "outlet_medium"
            for name in outlet_change.fields
        )
        return RegistryChange("site", site.code, ChangeKind.UPDATED, change.fields + fields)

    def sites(self) -> list[Site]:
        """Every site, by code."""
        return [self._site(row) for row in self._connection.execute(self._site_query())]

    def site(self, code: str) -> Site | None:
        """The site with ``code``, or None."""
        row = self._connection.execute(self._site_query().where(sites.c.code == code)).first()
        return None if row is None else self._site(row)

    def site_ids(self) -> dict[str, int]:
        """Site code → id."""
        rows = self._connection.execute(select(sites.c.code, sites.c.id))
        return {str(code): int(row_id) for code, row_id in rows}

    @staticmethod
    def _site_query() -> Any:
        return (
            select(
                sites,
                enterprises.c.credit_code.label("enterprise"),
                outlets.c.medium.label("outlet_medium"),
            )
            .select_from(
                sites.outerjoin(outlets, outlets.c.site_id == sites.c.id).outerjoin(
                    enterprises, enterprises.c.id == outlets.c.enterprise_id
                )
            )
            .order_by(sites.c.code)
        )

    @staticmethod
    def _site(row: Any) -> Site:
        return Site(
            code=row.code,
            name=row.name,
            kind=SiteKind(row.kind),
            location=Location(lon=row.lon, lat=row.lat),
            noise_zone=None if row.noise_zone is None else NoiseZone(row.noise_zone),
            water_body=None if row.water_body is None else WaterBody(row.water_body),
            target_class=None if row.target_class is None else WaterClass(row.target_class),
            enterprise=row.enterprise,
            outlet_medium=None if row.outlet_medium is None else OutletMedium(row.outlet_medium),
        )

    def _site_id(self, code: str) -> int:
        found = self._connection.execute(
            select(sites.c.id).where(sites.c.code == code)
        ).scalar_one_or_none()
        if found is None:
            raise UnknownNameError("site", code, sorted(self.site_ids()))
        return int(found)

    # -- emission limits ----------------------------------------------------------------------

    def save_limit(self, limit: EmissionLimit) -> RegistryChange:
        """Create or update the limit of (outlet, parameter, averaging).

        Raises
        ------
        UnknownNameError
            If the outlet is not a registered outlet or the parameter is not in the vocabulary.
        ValidationError
            If a reference O2 is given for a water outlet.
        """
        outlet = self._connection.execute(
            select(outlets.c.site_id, outlets.c.medium)
            .select_from(outlets.join(sites, sites.c.id == outlets.c.site_id))
            .where(sites.c.code == limit.outlet)
        ).first()
        if outlet is None:
            known = self._connection.execute(
                select(sites.c.code).where(sites.c.kind == SiteKind.OUTLET.value)
            ).scalars()
            raise UnknownNameError("outlet", limit.outlet, [str(code) for code in known])
        if limit.reference_o2_pct is not None and outlet.medium != OutletMedium.GAS.value:
            raise ValidationError(
                f"emission limit {limit.parameter} at {limit.outlet}: a reference O2 applies to "
                "gas outlets only"
            )
        parameter_ids = self.parameter_ids()
        if limit.parameter not in parameter_ids:
            raise UnknownNameError("parameter", limit.parameter, sorted(parameter_ids))
        return self._save(
            emission_limits,
            "emission_limit",
            f"{limit.outlet}/{limit.parameter}/{limit.averaging.value}",
            {
                "outlet_site_id": int(outlet.site_id),
                "parameter_id": parameter_ids[limit.parameter],
                "averaging": limit.averaging.value,
            },
            {
                "limit_value": limit.limit,
                "unit": limit.unit,
                "reference_o2_pct": limit.reference_o2_pct,
                "lower_limit": limit.lower_limit,
            },
        )[0]

    def limits(self, outlet: str | None = None) -> list[EmissionLimit]:
        """Emission limits, of one outlet or of all, by outlet, parameter and averaging."""
        query = (
            select(
                sites.c.code.label("outlet"),
                parameters.c.code.label("parameter"),
                emission_limits,
            )
            .select_from(
                emission_limits.join(sites, sites.c.id == emission_limits.c.outlet_site_id).join(
                    parameters, parameters.c.id == emission_limits.c.parameter_id
                )
            )
            .order_by(sites.c.code, parameters.c.code, emission_limits.c.averaging)
        )
        if outlet is not None:
            query = query.where(sites.c.code == outlet)
        return [
            EmissionLimit(
                outlet=row.outlet,
                parameter=row.parameter,
                limit=row.limit_value,
                unit=row.unit,
                averaging=Averaging(row.averaging),
                reference_o2_pct=row.reference_o2_pct,
                lower_limit=row.lower_limit,
            )
            for row in self._connection.execute(query)
        ]

    # -- devices ------------------------------------------------------------------------------

    def save_device(self, device: Device) -> RegistryChange:
        """Create or update a device by its MN (site and password hash)."""
        return self._save(
            devices,
            "device",
            device.mn,
            {"mn": device.mn},
            {"site_id": self._site_id(device.site), "password_hash": device.password_hash},
        )[0]

    def device(self, mn: str) -> Device | None:
        """The device with ``mn``, or None."""
        row = self._connection.execute(
            select(devices.c.mn, sites.c.code, devices.c.password_hash)
            .select_from(devices.join(sites, sites.c.id == devices.c.site_id))
            .where(devices.c.mn == mn)
        ).first()
        return None if row is None else Device(mn=row[0], site=row[1], password_hash=row[2])

    def devices(self) -> list[Device]:
        """Every device, by MN."""
        rows = self._connection.execute(
            select(devices.c.mn, sites.c.code, devices.c.password_hash)
            .select_from(devices.join(sites, sites.c.id == devices.c.site_id))
            .order_by(devices.c.mn)
        )
        return [Device(mn=row[0], site=row[1], password_hash=row[2]) for row in rows]


def _value(member: StrEnum | None) -> str | None:
    return None if member is None else member.value
