"""Import a registry document (JSON or YAML): enterprises, sites and outlets, limits, devices.

The whole document is checked first, references included (an outlet's enterprise and a device's
site must be in the document or already registered); a document with any problem stores nothing
and is audited as refused. A good document is saved in one transaction, with one audit row per
created or updated record and one for the import. Importing the same document again changes
nothing and says so.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from ecowarden.errors import EcowardenError
from ecowarden.registry.devices import Device
from ecowarden.registry.document import (
    Problem,
    RegistryDocument,
    RegistryDocumentError,
    parse_registry_document,
)
from ecowarden.services.devices import device_with_password
from ecowarden.store.audit import AuditEvent, AuditOutcome
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.registry import ChangeKind, RegistryChange

_YAML_SUFFIXES: Final = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class RegistryImportReport:
    """What an import did, record by record."""

    source: str
    changes: tuple[RegistryChange, ...]

    def count(self, change: ChangeKind) -> int:
        """How many records were created, updated or left unchanged."""
        return sum(item.change is change for item in self.changes)

    @property
    def changed(self) -> bool:
        """Whether anything was stored."""
        return any(item.change is not ChangeKind.UNCHANGED for item in self.changes)


def parse_registry_bytes(data: bytes, *, yaml_format: bool) -> RegistryDocument:
    """Check a registry document given as the bytes of a JSON or YAML file (UTF-8)."""
    try:
        text = data.decode("utf-8-sig")
        tree: object = yaml.safe_load(text) if yaml_format else json.loads(text)
    except (UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as error:
        raise RegistryDocumentError([Problem("$", f"not readable: {error}")]) from error
    return parse_registry_document(tree)


def import_registry(store: Store, path: Path, *, actor: str) -> RegistryImportReport:
    """Import the registry document at ``path`` (JSON, or YAML for ``.yaml``/``.yml``).

    Raises
    ------
    RegistryDocumentError
        Listing every problem with its path; nothing is stored and the refusal is audited.
    """
    digest: str | None = None
    try:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise RegistryDocumentError(
                [Problem("$", f"cannot read {path}: {error.strerror}")]
            ) from error
        digest = hashlib.sha256(data).hexdigest()
        document = parse_registry_bytes(data, yaml_format=path.suffix.lower() in _YAML_SUFFIXES)
        with store.transaction() as transaction:
            _check_references(transaction, document)
            changes = _save(transaction, document, actor)
            counts = Counter(change.change.value for change in changes)
            transaction.audit.append(
                AuditEvent(
                    actor=actor,
                    action="registry.import",
                    object_type="file",
                    object_id=path.name,
                    detail={"sha256": digest, **dict(sorted(counts.items()))},
                )
            )
    except EcowardenError as error:
        _audit_refusal(store, actor, path.name, digest, error)
        raise
    return RegistryImportReport(source=path.name, changes=tuple(changes))


def _audit_refusal(
    store: Store, actor: str, name: str, digest: str | None, error: BaseException
) -> None:
    problems: list[str] = (
        [str(problem) for problem in error.problems[:20]]
        if isinstance(error, RegistryDocumentError)
        else [str(error)]
    )
    with store.transaction() as transaction:
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="registry.import",
                object_type="file",
                object_id=name,
                outcome=AuditOutcome.REFUSED,
                detail={"sha256": digest, "problems": problems},
            )
        )


def _check_references(transaction: StoreTransaction, document: RegistryDocument) -> None:
    problems: list[Problem] = []
    known_enterprises = {enterprise.credit_code for enterprise in document.enterprises}
    known_enterprises.update(e.credit_code for e in transaction.registry.enterprises())
    stored_sites = {site.code: site for site in transaction.registry.sites()}
    declared_sites = {site.code: site for site in document.sites}
    for index, site in enumerate(document.sites):
        if site.enterprise is not None and site.enterprise not in known_enterprises:
            problems.append(
                Problem(
                    f"sites[{index}].enterprise",
                    f"enterprise {site.enterprise} is neither in the document nor registered",
                )
            )
        stored = stored_sites.get(site.code)
        if stored is not None and stored.kind is not site.kind:
            problems.append(
                Problem(
                    f"sites[{index}].kind",
                    f"site {site.code} is registered as {stored.kind.value}; a kind never changes",
                )
            )
    for index, device in enumerate(document.devices):
        if device.site not in declared_sites and device.site not in stored_sites:
            problems.append(
                Problem(
                    f"devices[{index}].site",
                    f"site {device.site} is neither in the document nor registered",
                )
            )
    if problems:
        raise RegistryDocumentError(problems)


def _save(
    transaction: StoreTransaction, document: RegistryDocument, actor: str
) -> list[RegistryChange]:
    registry = transaction.registry
    changes = [registry.save_enterprise(enterprise) for enterprise in document.enterprises]
    changes += [registry.save_site(site) for site in document.sites]
    changes += [registry.save_limit(limit) for limit in document.limits]
    for entry in document.devices:
        if entry.hashed:
            device = Device(mn=entry.mn, site=entry.site, password_hash=entry.credential)
        else:
            current = registry.device(entry.mn)
            device = device_with_password(entry.mn, entry.site, entry.credential, current)
        changes.append(registry.save_device(device))
    for change in changes:
        if change.change is ChangeKind.UNCHANGED:
            continue
        detail: Mapping[str, object] = {"fields": list(change.fields)} if change.fields else {}
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action=f"{change.object_type}.{change.change.value}",
                object_type=change.object_type,
                object_id=change.key,
                detail=detail,
            )
        )
    return changes
