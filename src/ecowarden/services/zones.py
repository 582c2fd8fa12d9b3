"""Import zones from GeoJSON (``ecowarden import zones FILE.geojson``).

The whole document is checked first (:func:`ecowarden.supervision.zones.parse_zone_document`);
a document with any problem stores nothing and is audited as refused. A good one is saved in one
transaction, zone by zone by code (created / updated / unchanged), with an audit row per change
and one for the import; importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ecowarden.store.audit import AuditEvent, AuditOutcome
from ecowarden.store.database import Store
from ecowarden.store.registry import ChangeKind, RegistryChange
from ecowarden.store.zones import ZonesRepository
from ecowarden.supervision.geofence import Datum
from ecowarden.supervision.zones import ZoneDocumentError, ZoneRecord, parse_zone_document


@dataclass(frozen=True, slots=True)
class ZoneImportReport:
    """What an import did, zone by zone."""

    source: str
    changes: tuple[RegistryChange, ...]

    def count(self, change: ChangeKind) -> int:
        """How many zones were created, updated or left unchanged."""
        return sum(item.change is change for item in self.changes)


def save_zones(
    store: Store, records: Sequence[ZoneRecord], *, actor: str, source: str
) -> ZoneImportReport:
    """Save checked zone records in one transaction, auditing each change and the import."""
    with store.transaction() as transaction:
        repository = ZonesRepository(transaction.connection)
        changes = tuple(repository.save(record) for record in records)
        for change in changes:
            if change.change is not ChangeKind.UNCHANGED:
                transaction.audit.append(
                    AuditEvent(
                        actor=actor,
                        action=f"zone.{change.change.value}",
                        object_type="zone",
                        object_id=change.key,
                        detail={"fields": list(change.fields)},
                    )
                )
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="zones.import",
                object_type="file",
                object_id=source,
                detail={kind.value: sum(c.change is kind for c in changes) for kind in ChangeKind},
            )
        )
    return ZoneImportReport(source, changes)


def import_zones(
    store: Store, path: Path, *, actor: str, datum: Datum | str = Datum.WGS84
) -> ZoneImportReport:
    """Import the zones of a GeoJSON file; :class:`ZoneDocumentError` lists every problem."""
    data = path.read_bytes()
    source = f"{path.name} sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    try:
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ZoneDocumentError([f"not UTF-8 JSON: {error}"]) from error
        records = parse_zone_document(document, datum=datum)
    except ZoneDocumentError as error:
        with store.transaction() as transaction:
            transaction.audit.append(
                AuditEvent(
                    actor=actor,
                    action="zones.import",
                    object_type="file",
                    object_id=source,
                    outcome=AuditOutcome.REFUSED,
                    detail={"problems": list(error.problems[:20])},
                )
            )
        raise
    return save_zones(store, records, actor=actor, source=source)
