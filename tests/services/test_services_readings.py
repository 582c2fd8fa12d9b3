"""Reading records into the store (the ingest path) and corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from ecowarden.errors import UnknownNameError
from ecowarden.registry import DataFlag, Location, Period, Reading, Site, SiteKind
from ecowarden.services.readings import correct_reading, store_readings
from ecowarden.store import ReadingQuery, SourceKind, Store, UpsertOutcome

CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2025, 1, 1, 8, tzinfo=CST)


@pytest.fixture
def registered(store: Store) -> Store:
    with store.transaction() as transaction:
        transaction.registry.save_site(Site("DA001", "x", SiteKind.AIR_STATION, Location(0, 0)))
    return store


def test_records_are_stored_in_the_callers_transaction(registered: Store) -> None:
    readings = [
        Reading("DA001", "a21026", Period.MINUTE, START, 12.5, DataFlag.NORMAL),
        Reading("DA001", "a19001", Period.MINUTE, START, 9.1, DataFlag.NORMAL),
        Reading("DA001", "a21026", Period.MINUTE, START, 12.5, DataFlag.NORMAL),
    ]
    with registered.transaction() as transaction:
        source = transaction.sources.ensure(SourceKind.HJ212, "010000A8900016F000169DC0")
        report = store_readings(transaction, readings, source_id=source, received_at=START)
    assert report.outcomes.tolist() == [
        UpsertOutcome.NEW,
        UpsertOutcome.NEW,
        UpsertOutcome.IDENTICAL,
    ]


def test_unknown_parameter_stores_nothing(registered: Store) -> None:
    readings = [Reading("DA001", "a99999", Period.MINUTE, START, 1.0, DataFlag.NORMAL)]
    with registered.transaction() as transaction:
        source = transaction.sources.ensure(SourceKind.HJ212, "MN")
        with pytest.raises(UnknownNameError, match="parameter"):
            store_readings(transaction, readings, source_id=source, received_at=START)


def test_correction_is_audited_with_who_and_why(registered: Store) -> None:
    with registered.transaction() as transaction:
        source = transaction.sources.ensure(SourceKind.HJ212, "MN")
        store_readings(
            transaction,
            [Reading("DA001", "a21026", Period.HOUR, START, 80.0, DataFlag.NORMAL)],
            source_id=source,
            received_at=START,
        )
    revision, day = correct_reading(
        registered,
        site="DA001",
        parameter="a21026",
        period=Period.HOUR,
        start=START,
        value=None,
        flag=DataFlag.MAINTENANCE,
        actor="monitor.li",
        reason="analyser under maintenance 08:00–09:00",
    )
    assert revision.revision == 1
    assert day.day == dt.date(2025, 1, 1)
    with registered.snapshot() as snapshot:
        current = snapshot.readings.read(ReadingQuery())
        (record,) = snapshot.audit.records()
    assert current.select("value", "flag").rows() == [(None, "M")]
    assert (record.event.actor, record.event.action) == ("monitor.li", "reading.correct")
    assert record.event.detail["reason"] == "analyser under maintenance 08:00–09:00"
