"""Registry tables: saves by natural key report created / updated / unchanged."""

from __future__ import annotations

import pytest

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import (
    Averaging,
    Device,
    EmissionLimit,
    Enterprise,
    Location,
    ManagementCategory,
    OutletMedium,
    Site,
    SiteKind,
    parameter_vocabulary,
)
from ecowarden.store import ChangeKind, Store

CODE = "91350100M000100Y43"
HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
OUTLET = Site(
    "DA001",
    "锅炉排放口",
    SiteKind.OUTLET,
    Location(118.2, 24.6),
    enterprise=CODE,
    outlet_medium=OutletMedium.GAS,
)


def test_site_created_unchanged_updated(store: Store) -> None:
    site = Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5))
    moved = Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.15, 24.5))
    with store.transaction() as transaction:
        registry = transaction.registry
        assert registry.save_site(site).change is ChangeKind.CREATED
        assert registry.save_site(site).change is ChangeKind.UNCHANGED
        change = registry.save_site(moved)
        assert (change.change, change.fields) == (ChangeKind.UPDATED, ("lon",))
        assert registry.site("AQ01") == moved
        assert registry.site("nope") is None


def test_site_kind_never_changes(store: Store) -> None:
    with store.transaction() as transaction:
        transaction.registry.save_site(Site("S1", "x", SiteKind.AIR_STATION, Location(0, 0)))
        with pytest.raises(ValidationError, match="kind cannot change"):
            transaction.registry.save_site(
                Site("S1", "x", SiteKind.NOISE_STATION, Location(0, 0), noise_zone="1")  # type: ignore[arg-type]  # parsed by Site
            )


def test_outlet_needs_a_registered_enterprise(store: Store) -> None:
    with store.transaction() as transaction, pytest.raises(UnknownNameError, match="enterprise"):
        transaction.registry.save_site(OUTLET)


def test_outlet_limits_and_devices_round_trip(store: Store) -> None:
    limit = EmissionLimit("DA001", "a21026", 35, "mg/m³", Averaging.HOUR, reference_o2_pct=6)
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_enterprise(Enterprise(CODE, "某某化工", ManagementCategory.KEY))
        registry.save_site(OUTLET)
        assert registry.save_limit(limit).change is ChangeKind.CREATED
        assert registry.save_limit(limit).change is ChangeKind.UNCHANGED
        registry.save_device(Device("MN0001", "DA001", HASH))
        assert registry.sites() == [OUTLET]
        assert registry.limits("DA001") == [limit]
        assert registry.devices() == [Device("MN0001", "DA001", HASH)]


def test_limit_of_unknown_outlet_or_parameter(store: Store) -> None:
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_enterprise(Enterprise(CODE, "某某化工", ManagementCategory.KEY))
        registry.save_site(OUTLET)
        with pytest.raises(UnknownNameError, match="outlet"):
            registry.save_limit(EmissionLimit("DW009", "w01018", 50, "mg/L", Averaging.DAY))
        with pytest.raises(UnknownNameError, match="parameter"):
            registry.save_limit(EmissionLimit("DA001", "a99999", 1, "mg/m³", Averaging.DAY))


def test_device_of_unknown_site(store: Store) -> None:
    with store.transaction() as transaction, pytest.raises(UnknownNameError, match="site"):
        transaction.registry.save_device(Device("MN0001", "NOPE", HASH))


def test_vocabulary_sync_is_idempotent(store: Store) -> None:
    with store.transaction() as transaction:
        changes = transaction.registry.sync_parameters(parameter_vocabulary())
        stored = transaction.registry.parameters()
    assert {change.change for change in changes} == {ChangeKind.UNCHANGED}
    assert sorted(stored, key=lambda p: p.code) == sorted(
        parameter_vocabulary(), key=lambda p: p.code
    )
