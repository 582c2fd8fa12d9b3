"""Store reading records and correct readings: the use cases behind ingest and data review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from ecowarden.errors import UnknownNameError
from ecowarden.registry.readings import DataFlag, Period, Reading
from ecowarden.store.audit import AuditEvent
from ecowarden.store.database import Store, StoreTransaction
from ecowarden.store.instants import to_epoch_s, to_epoch_us
from ecowarden.store.readings import READING_COLUMNS, Revision, SeriesDay, StoredKey, UpsertReport
from ecowarden.store.sources import SourceKind


def store_readings(
    transaction: StoreTransaction,
    readings: Sequence[Reading],
    *,
    source_id: int,
    received_at: dt.datetime,
) -> UpsertReport:
    """Upsert reading records in the caller's transaction (one gateway group commit, say).

    Outcomes come back in the order of ``readings``; acknowledge only after the transaction has
    committed.

    Raises
    ------
    UnknownNameError
        For a site or parameter code that is not registered; nothing of the batch is written.
    """
    site_ids = transaction.registry.site_ids()
    parameter_ids = transaction.registry.parameter_ids()
    for reading in readings:
        if reading.site not in site_ids:
            raise UnknownNameError("site", reading.site, sorted(site_ids))
        if reading.parameter not in parameter_ids:
            raise UnknownNameError("parameter", reading.parameter, sorted(parameter_ids))
    received_at_us = to_epoch_us(received_at)
    frame = pl.DataFrame(
        {
            "site_id": [site_ids[reading.site] for reading in readings],
            "parameter_id": [parameter_ids[reading.parameter] for reading in readings],
            "period": [reading.period.command for reading in readings],
            "start_s": [to_epoch_s(reading.start) for reading in readings],
            "value": [reading.value for reading in readings],
            "flag": [reading.flag.value for reading in readings],
            "source_id": [source_id] * len(readings),
            "received_at_us": [received_at_us] * len(readings),
        },
        schema=READING_COLUMNS,
    )
    return transaction.readings.upsert(frame)


def correct_reading(
    store: Store,
    *,
    site: str,
    parameter: str,
    period: Period,
    start: dt.datetime,
    value: float | None,
    flag: DataFlag,
    actor: str,
    reason: str,
) -> tuple[Revision, SeriesDay]:
    """Correct a stored reading: a new revision with who, when and why, audited; the original is
    kept. Returns the revision and the (series, day) whose results need refreshing."""
    with store.transaction() as transaction:
        site_ids = transaction.registry.site_ids()
        parameter_ids = transaction.registry.parameter_ids()
        if site not in site_ids:
            raise UnknownNameError("site", site, sorted(site_ids))
        if parameter not in parameter_ids:
            raise UnknownNameError("parameter", parameter, sorted(parameter_ids))
        source_id = transaction.sources.ensure(SourceKind.MANUAL, actor)
        key = StoredKey(site_ids[site], parameter_ids[parameter], period, start)
        revision, day = transaction.readings.correct(
            key, value=value, flag=flag, source_id=source_id, actor=actor, reason=reason
        )
        transaction.audit.append(
            AuditEvent(
                actor=actor,
                action="reading.correct",
                object_type="reading",
                object_id=f"{site}/{parameter}/{period.value}/{start.isoformat()}",
                detail={
                    "revision": revision.revision,
                    "value": value,
                    "flag": flag.value,
                    "reason": reason,
                },
            )
        )
    return revision, day
