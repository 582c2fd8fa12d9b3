"""Device registration: Argon2id hashes, unchanged re-registration, audit without secrets."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import Location, Site, SiteKind
from ecowarden.services.devices import (
    add_device,
    device_password_matches,
    hash_device_password,
)
from ecowarden.store import ChangeKind, Store


def test_hash_is_argon2id_with_the_owasp_minimum() -> None:
    digest = hash_device_password("pw-Device-1")
    # PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash (m = 19 MiB = 19456 KiB)
    assert digest.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PasswordHasher().verify(digest, "pw-Device-1")
    assert device_password_matches(digest, "pw-Device-1")
    assert not device_password_matches(digest, "pw-Device-2")
    assert not device_password_matches("not a hash", "pw-Device-1")


def test_published_passwords_are_refused() -> None:
    with pytest.raises(ValidationError, match="HJ 212 examples"):
        hash_device_password("123456")


def test_add_device(store: Store) -> None:
    with store.transaction() as transaction:
        transaction.registry.save_site(Site("AQ01", "x", SiteKind.AIR_STATION, Location(0, 0)))
    assert add_device(store, mn="MN01", password="pw-1-x", site="AQ01", actor="t").change is (
        ChangeKind.CREATED
    )
    assert add_device(store, mn="MN01", password="pw-1-x", site="AQ01", actor="t").change is (
        ChangeKind.UNCHANGED
    )
    changed = add_device(store, mn="MN01", password="pw-2-x", site="AQ01", actor="t")
    assert changed.fields == ("password_hash",)
    with store.snapshot() as snapshot:
        records = snapshot.audit.records()
    assert [record.event.action for record in records] == ["device.created", "device.updated"]
    assert "pw-" not in str([record.event.detail for record in records])


def test_add_device_to_unknown_site(store: Store) -> None:
    with pytest.raises(UnknownNameError, match="site"):
        add_device(store, mn="MN01", password="pw-1-x", site="NOPE", actor="t")
