"""The readings repository: idempotent upsert, revisions, corrections, range reads, triggers."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry import DataFlag, Location, Period, Site, SiteKind
from ecowarden.store import (
    READING_COLUMNS,
    ReadingQuery,
    RevisionKind,
    SeriesDay,
    SourceKind,
    Store,
    StoredKey,
    UpsertOutcome,
)

CST = dt.timezone(dt.timedelta(hours=8))
# 2025-01-01T00:00:00+08:00 = 2024-12-31T16:00:00Z = 1735660800 s after the epoch
JAN_1 = 1_735_660_800
HOUR = 3600
NEW, IDENTICAL, CONFLICT = UpsertOutcome.NEW, UpsertOutcome.IDENTICAL, UpsertOutcome.CONFLICT


@dataclass(frozen=True)
class Ids:
    site: int
    other_site: int
    pm25: int
    pm10: int
    source: int


@pytest.fixture
def ids(store: Store) -> Ids:
    with store.transaction() as transaction:
        registry = transaction.registry
        registry.save_site(Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5)))
        registry.save_site(Site("AQ02", "开发区站", SiteKind.AIR_STATION, Location(118.2, 24.6)))
        site_ids, parameter_ids = registry.site_ids(), registry.parameter_ids()
        source = transaction.sources.ensure(SourceKind.IMPORT, "test.csv")
    return Ids(
        site_ids["AQ01"], site_ids["AQ02"], parameter_ids["a34004"], parameter_ids["a34002"], source
    )


def batch(
    ids: Ids,
    starts: Sequence[int],
    values: Sequence[float | None],
    flags: Sequence[str] | str = "N",
    *,
    site: int | None = None,
    parameter: int | None = None,
    period: Period = Period.HOUR,
    received_at_us: int = 1,
) -> pl.DataFrame:
    count = len(starts)
    return pl.DataFrame(
        {
            "site_id": [ids.site if site is None else site] * count,
            "parameter_id": [ids.pm25 if parameter is None else parameter] * count,
            "period": [period.command] * count,
            "start_s": list(starts),
            "value": list(values),
            "flag": [flags] * count if isinstance(flags, str) else list(flags),
            "source_id": [ids.source] * count,
            "received_at_us": [received_at_us] * count,
        },
        schema=READING_COLUMNS,
    )


def hours(count: int, first: int = 0) -> list[int]:
    return [JAN_1 + HOUR * (first + index) for index in range(count)]


def upsert(store: Store, frame: pl.DataFrame) -> list[int]:
    with store.transaction() as transaction:
        return [int(outcome) for outcome in transaction.readings.upsert(frame).outcomes]


def key(ids: Ids, hour: int) -> StoredKey:
    start = dt.datetime(2025, 1, 1, tzinfo=CST) + dt.timedelta(hours=hour)
    return StoredKey(ids.site, ids.pm25, Period.HOUR, start)


def read_values(store: Store, *, effective: bool = True) -> list[float | None]:
    with store.snapshot() as snapshot:
        return snapshot.readings.read(ReadingQuery(), effective=effective)["value"].to_list()


@pytest.mark.parametrize("count", [5, 40], ids=["key-lookups", "range-scan"])
def test_new_then_identical_then_conflicting(store: Store, ids: Ids, count: int) -> None:
    values = [float(index) for index in range(count)]
    assert upsert(store, batch(ids, hours(count), values)) == [NEW] * count
    assert upsert(store, batch(ids, hours(count), values)) == [IDENTICAL] * count
    changed = [*values[:-1], 99.0]
    assert upsert(store, batch(ids, hours(count), changed)) == [IDENTICAL] * (count - 1) + [
        CONFLICT
    ]
    # The original stays the value; the conflicting resend is a revision.
    assert read_values(store) == values
    with store.snapshot() as snapshot:
        revisions = snapshot.readings.revisions(key(ids, count - 1))
        flagged = snapshot.readings.read(ReadingQuery())["conflict"].to_list()
    assert [(r.revision, r.kind, r.value) for r in revisions] == [(1, RevisionKind.RESEND, 99.0)]
    assert flagged == [False] * (count - 1) + [True]


def test_dense_series_that_overlaps_stored_keys_partly(store: Store, ids: Ids) -> None:
    # 40 stored hours, then 40 hours shifted by 20: 20 identical, 20 new (general path).
    values = [float(index) for index in range(60)]
    upsert(store, batch(ids, hours(40), values[:40]))
    assert (
        upsert(store, batch(ids, hours(40, first=20), values[20:])) == [IDENTICAL] * 20 + [NEW] * 20
    )


def test_dense_series_with_uneven_starts(store: Store, ids: Ids) -> None:
    starts = [JAN_1 + 10 * index for index in range(39)] + [JAN_1 + 395]
    upsert(store, batch(ids, starts, [1.0] * 40, period=Period.REAL_TIME))
    changed = [1.0] * 39 + [2.0]
    assert upsert(store, batch(ids, starts, changed, period=Period.REAL_TIME)) == [
        IDENTICAL
    ] * 39 + [CONFLICT]


def test_even_run_whose_stored_keys_only_count_the_same(store: Store, ids: Ids) -> None:
    # Stored: 0, 10, …, 380 and 385 s (40 keys). Batch: 0, 10, …, 390 s (40 keys, step 10).
    # Same count in [0, 390] but 385 is off the grid: the run must not be taken as identical.
    stored = [JAN_1 + 10 * index for index in range(39)] + [JAN_1 + 385]
    upsert(store, batch(ids, stored, [1.0] * 40, period=Period.REAL_TIME))
    batch_starts = [JAN_1 + 10 * index for index in range(40)]
    assert upsert(store, batch(ids, batch_starts, [1.0] * 40, period=Period.REAL_TIME)) == [
        IDENTICAL
    ] * 39 + [NEW]


def test_outcomes_follow_input_order(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(2), [1.0, 2.0]))
    frame = batch(ids, [hours(3)[2], hours(1)[0], hours(2)[1]], [3.0, 1.0, 5.0])
    assert upsert(store, frame) == [NEW, IDENTICAL, CONFLICT]


def test_flag_difference_is_a_conflict(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(1), [1.0], "N"))
    assert upsert(store, batch(ids, hours(1), [1.0], "D")) == [CONFLICT]


def test_resend_of_a_recorded_conflict_writes_nothing(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(1), [1.0]))
    assert upsert(store, batch(ids, hours(1), [2.0])) == [CONFLICT]
    # Devices resend up to three times (HJ 212-2017 Table 1): the same altered value again.
    assert upsert(store, batch(ids, hours(1), [2.0])) == [IDENTICAL]
    assert upsert(store, batch(ids, hours(1), [1.0])) == [IDENTICAL]
    with store.snapshot() as snapshot:
        assert len(snapshot.readings.revisions(key(ids, 0))) == 1


def test_duplicates_inside_one_batch(store: Store, ids: Ids) -> None:
    start = hours(1)[0]
    frame = batch(ids, [start, start, start, start], [1.0, 1.0, 2.0, 2.0])
    assert upsert(store, frame) == [NEW, IDENTICAL, CONFLICT, IDENTICAL]


def test_missing_values_are_null_never_zero(store: Store, ids: Ids) -> None:
    frame = batch(ids, hours(3), [None, float("nan"), 0.0], ["D", "B", "N"])
    assert upsert(store, frame) == [NEW, NEW, NEW]
    assert read_values(store) == [None, None, 0.0]
    # A resend of the missing value is identical; a measured zero for it is a conflict.
    assert upsert(store, batch(ids, hours(1), [None], "D")) == [IDENTICAL]
    assert upsert(store, batch(ids, hours(1), [0.0], "D")) == [CONFLICT]


def test_touched_days_are_local_days(store: Store, ids: Ids) -> None:
    # 2024-12-31T15:00Z = 23:00 local on 12-31; 2024-12-31T16:00Z = 00:00 local on 2025-01-01
    frame = batch(ids, [JAN_1 - HOUR, JAN_1], [1.0, 2.0])
    with store.transaction() as transaction:
        report = transaction.readings.upsert(frame)
        again = transaction.readings.upsert(frame)
    assert report.touched == {
        SeriesDay(ids.site, ids.pm25, Period.HOUR, dt.date(2024, 12, 31)),
        SeriesDay(ids.site, ids.pm25, Period.HOUR, dt.date(2025, 1, 1)),
    }
    assert again.touched == frozenset()


def test_correction_keeps_the_original_and_becomes_current(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(2), [10.0, 20.0]))
    at = dt.datetime(2025, 1, 2, 9, 30, tzinfo=CST)
    with store.transaction() as transaction:
        revision, day = transaction.readings.correct(
            key(ids, 1),
            value=21.5,
            flag=DataFlag.NORMAL,
            source_id=ids.source,
            actor="monitor.li",
            reason="span drift after calibration",
            at=at,
        )
    assert (revision.revision, revision.kind, revision.actor) == (
        1,
        RevisionKind.CORRECTION,
        "monitor.li",
    )
    assert revision.recorded_at == at
    assert day == SeriesDay(ids.site, ids.pm25, Period.HOUR, dt.date(2025, 1, 1))
    assert read_values(store) == [10.0, 21.5]
    assert read_values(store, effective=False) == [10.0, 20.0]
    # The device resending the original is still a no-op.
    assert upsert(store, batch(ids, hours(2), [10.0, 20.0])) == [IDENTICAL, IDENTICAL]


def test_correction_needs_who_and_why_and_a_stored_reading(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(1), [1.0]))
    with store.transaction() as transaction:
        with pytest.raises(ValidationError, match="who"):
            transaction.readings.correct(
                key(ids, 0), value=2.0, flag="N", source_id=ids.source, actor="li", reason=" "
            )
        with pytest.raises(ValidationError, match="no stored reading"):
            transaction.readings.correct(
                key(ids, 5), value=2.0, flag="N", source_id=ids.source, actor="li", reason="x"
            )


def test_range_read_filters_and_order(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(3), [1.0, 2.0, 3.0]))
    upsert(store, batch(ids, hours(2), [4.0, 5.0], parameter=ids.pm10))
    upsert(store, batch(ids, hours(1), [6.0], site=ids.other_site))
    day = [JAN_1]
    upsert(store, batch(ids, day, [7.0], period=Period.DAY))
    with store.snapshot() as snapshot:
        everything = snapshot.readings.read(ReadingQuery())
        window = snapshot.readings.read(
            ReadingQuery(
                site_ids=(ids.site,),
                parameter_ids=(ids.pm25,),
                period=Period.HOUR,
                start_from=dt.datetime(2025, 1, 1, 1, tzinfo=CST),  # inclusive
                start_to=dt.datetime(2025, 1, 1, 2, tzinfo=CST),  # exclusive
            )
        )
        none = snapshot.readings.read(ReadingQuery(site_ids=()))
    assert everything.height == 7
    assert window["value"].to_list() == [2.0]
    assert window["start"].to_list() == [dt.datetime(2025, 1, 1, 1, tzinfo=CST)]
    assert none.height == 0


def test_conflict_queue(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(2), [1.0, 2.0]))
    upsert(store, batch(ids, hours(2), [1.0, 3.0], received_at_us=5_000_000))
    with store.snapshot() as snapshot:
        queue = snapshot.readings.conflicts()
        later = snapshot.readings.conflicts(since=dt.datetime(1970, 1, 1, 0, 0, 6, tzinfo=dt.UTC))
    assert queue.select("original_value", "value").rows() == [(2.0, 3.0)]
    assert later.height == 0


@pytest.mark.parametrize(
    ("column", "values", "error"),
    [
        ("flag", ["N", "X"], UnknownNameError),
        ("period", [2061, 2099], UnknownNameError),
        ("value", [1.0, float("inf")], ValidationError),
        ("site_id", [None, None], ValidationError),
    ],
)
def test_bad_batch_is_refused_before_writing(
    store: Store, ids: Ids, column: str, values: list[object], error: type[Exception]
) -> None:
    frame = batch(ids, hours(2), [1.0, 2.0]).with_columns(
        pl.Series(column, values, dtype=READING_COLUMNS[column])
    )
    with store.transaction() as transaction, pytest.raises(error):
        transaction.readings.upsert(frame)
    assert read_values(store) == []


def test_batch_without_a_column_is_refused(store: Store, ids: Ids) -> None:
    with store.transaction() as transaction, pytest.raises(ValidationError, match="flag"):
        transaction.readings.upsert(batch(ids, hours(1), [1.0]).drop("flag"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE readings SET value = 0",
        "UPDATE readings SET flag = 'D'",
        "DELETE FROM readings",
        "UPDATE readings SET revision = 7",
        "UPDATE readings SET conflict = {false}",
        "UPDATE reading_revisions SET value = 0",
        "DELETE FROM reading_revisions",
    ],
)
def test_database_refuses_to_overwrite_evidence(store: Store, ids: Ids, statement: str) -> None:
    upsert(store, batch(ids, hours(1), [1.0]))
    upsert(store, batch(ids, hours(1), [2.0]))
    false = "FALSE" if store.engine.dialect.name == "postgresql" else "0"
    with pytest.raises(DBAPIError), store.transaction() as transaction:
        transaction.connection.exec_driver_sql(statement.format(false=false))
    assert read_values(store) == [1.0]


def test_corrected_revision_cannot_be_rolled_back_in_place(store: Store, ids: Ids) -> None:
    upsert(store, batch(ids, hours(1), [1.0]))
    with store.transaction() as transaction:
        transaction.readings.correct(
            key(ids, 0), value=2.0, flag="N", source_id=ids.source, actor="li", reason="x"
        )
    with pytest.raises(DBAPIError), store.transaction() as transaction:
        transaction.connection.exec_driver_sql("UPDATE readings SET revision = 0")
    assert read_values(store) == [2.0]


# -- model-based property: any sequence of batches ---------------------------------------------

rows = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from([1.0, 2.0, None]), st.sampled_from(["N", "D"])),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=st.lists(rows, min_size=1, max_size=4))
def test_upsert_agrees_with_the_model(
    store: Store, batches: list[list[tuple[int, float | None, str]]]
) -> None:
    # Each example gets a site of its own, so examples never see each other's rows.
    with store.transaction() as transaction:
        code = f"P{next(_site_numbers)}"
        transaction.registry.save_site(Site(code, code, SiteKind.AIR_STATION, Location(0, 0)))
        site = transaction.registry.site_ids()[code]
        parameter = transaction.registry.parameter_ids()["a34004"]
        source = transaction.sources.ensure(SourceKind.IMPORT, "model")
    ids = Ids(site, site, parameter, parameter, source)
    originals: dict[int, tuple[float | None, str]] = {}
    resends: dict[int, set[tuple[float | None, str]]] = {}
    for entries in batches:
        expected = []
        for hour, value, flag in entries:
            if hour not in originals:
                originals[hour] = (value, flag)
                expected.append(NEW)
            elif (value, flag) == originals[hour] or (value, flag) in resends.get(hour, set()):
                expected.append(IDENTICAL)
            else:
                resends.setdefault(hour, set()).add((value, flag))
                expected.append(CONFLICT)
        frame = batch(
            ids,
            [JAN_1 + HOUR * hour for hour, _, _ in entries],
            [value for _, value, _ in entries],
            [flag for _, _, flag in entries],
        )
        assert upsert(store, frame) == expected
    with store.snapshot() as snapshot:
        stored = snapshot.readings.read(ReadingQuery(site_ids=(site,)))
    assert stored.select("value", "flag").rows() == [originals[hour] for hour in sorted(originals)]
    assert stored["conflict"].to_list() == [hour in resends for hour in sorted(originals)]


_site_numbers = itertools.count()


def test_report_counts(store: Store, ids: Ids) -> None:
    with store.transaction() as transaction:
        transaction.readings.upsert(batch(ids, hours(2), [1.0, 2.0]))
        report = transaction.readings.upsert(batch(ids, hours(3), [1.0, 5.0, 3.0]))
    assert (report.new, report.identical, report.conflicting) == (1, 1, 1)
    assert report.outcomes.dtype == np.int8
