"""Device registration and the hashing of device passwords (Argon2id).

Hashing lives here, not in the registry domain package: argon2 is a binding to a C library, an
adapter-side dependency. Parameters are the OWASP Password Storage Cheat Sheet minimum for
Argon2id, m = 19 MiB, t = 2, p = 1 (reliability-security.md §6.2, A15).
"""

from __future__ import annotations

from typing import Final

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from ecowarden.registry.devices import Device, check_device_password, check_mn
from ecowarden.store.audit import AuditEvent
from ecowarden.store.database import Store
from ecowarden.store.registry import ChangeKind, RegistryChange

_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


def hash_device_password(password: str) -> str:
    """The Argon2id hash (PHC string) of a device password that passes the registry's rules."""
    return _HASHER.hash(check_device_password(password))


def device_password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one hashed in ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def device_with_password(mn: str, site: str, password: str, current: Device | None) -> Device:
    """The device record for ``password``, keeping the current hash when the password is the same
    (so that re-registering an unchanged device changes nothing)."""
    check_mn(mn)
    if current is not None and device_password_matches(current.password_hash, password):
        return Device(mn=mn, site=site, password_hash=current.password_hash)
    return Device(mn=mn, site=site, password_hash=hash_device_password(password))


def add_device(store: Store, *, mn: str, password: str, site: str, actor: str) -> RegistryChange:
    """Register a device (or change its site or password), audited; the password is never
    stored or audited in clear."""
    with store.transaction() as transaction:
        device = device_with_password(mn, site, password, transaction.registry.device(mn))
        change = transaction.registry.save_device(device)
        if change.change is not ChangeKind.UNCHANGED:
            transaction.audit.append(
                AuditEvent(
                    actor=actor,
                    action=f"device.{change.change.value}",
                    object_type="device",
                    object_id=mn,
                    detail={"site": site, "fields": list(change.fields)},
                )
            )
    return change
