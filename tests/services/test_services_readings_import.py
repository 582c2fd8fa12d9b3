"""Importing readings CSV: bad rows named by line, field and reason; all or nothing; idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecowarden.registry import Location, Site, SiteKind
from ecowarden.services.readings_export import ReadingSelection, select_readings
from ecowarden.services.readings_import import ReadingsFileRejected, import_readings
from ecowarden.store import AuditOutcome, Store

HEADER = "site,parameter,period,start,value,flag\n"
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def registered(store: Store) -> Store:
    with store.transaction() as transaction:
        transaction.registry.save_site(
            Site("AQ01", "城关站", SiteKind.AIR_STATION, Location(118.1, 24.5))
        )
    return store


def write(tmp_path: Path, body: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def stored(store: Store) -> list[tuple[object, ...]]:
    return select_readings(store, ReadingSelection()).rows()


GOOD = (
    "AQ01,a34004,hour,2025-01-01T00:00:00+08:00,35.5,N\n"
    "AQ01,a34004,hour,2025-01-01T01:00:00+08:00,,D\n"
    "AQ01,a05024,day,2025-01-01T00:00:00+08:00,120,N\n"
)


def test_import_then_reimport_changes_nothing(registered: Store, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    first = import_readings(registered, path, actor="t")
    again = import_readings(registered, path, actor="t")
    assert (first.rows, first.new, first.identical, first.conflicting) == (3, 3, 0, 0)
    assert (again.new, again.identical, again.conflicting) == (0, 3, 0)
    assert again.touched == frozenset()
    assert stored(registered) == [
        ("AQ01", "a05024", "day", dt.datetime(2025, 1, 1, tzinfo=CST), 120.0, "N"),
        ("AQ01", "a34004", "hour", dt.datetime(2025, 1, 1, tzinfo=CST), 35.5, "N"),
        ("AQ01", "a34004", "hour", dt.datetime(2025, 1, 1, 1, tzinfo=CST), None, "D"),
    ]


def test_changed_file_reports_conflicts(registered: Store, tmp_path: Path) -> None:
    import_readings(registered, write(tmp_path, GOOD), actor="t")
    changed = write(tmp_path, GOOD.replace("35.5", "36.0"), "changed.csv")
    report = import_readings(registered, changed, actor="t")
    assert (report.new, report.identical, report.conflicting) == (0, 2, 1)


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("XX01,a34004,hour,2025-01-01T00:00:00+08:00,1,N", "site", "unknown site"),
        ("AQ01,a99999,hour,2025-01-01T00:00:00+08:00,1,N", "parameter", "unknown parameter"),
        ("AQ01,a34004,hour,2025-01-01T00:00:00,1,N", "start", "without UTC offset"),
        ("AQ01,a34004,hour,2025-02-30T00:00:00+08:00,1,N", "start", "impossible date"),
        ("AQ01,a34004,hour,2025-01-01T24:00:00+08:00,1,N", "start", "impossible date"),
        ("AQ01,a34004,hour,1/1/2025 00:00,1,N", "start", "not an ISO 8601"),
        ("AQ01,a34004,hour,2025-01-01T00:30:00+08:00,1,N", "start", "whole hour"),
        ("AQ01,a34004,day,2025-01-01T00:00:00Z,1,N", "start", "local midnight"),
        ("AQ01,a34004,hour,2025-01-01T00:00:00+08:00,1.2.3,N", "value", "not a number"),
        ("AQ01,a34004,hour,2025-01-01T00:00:00+08:00,1e999,N", "value", "not a finite"),
        ("AQ01,a34004,hour,2025-01-01T00:00:00+08:00,1,X", "flag", "unknown data flag"),
        ("AQ01,a34004,hour,2025-01-01T00:00:00+08:00,1,", "flag", "unknown data flag"),
        ("AQ01,a34004,weekly,2025-01-01T00:00:00+08:00,1,N", "period", "unknown period"),
    ],
)
def test_bad_row_is_named_and_nothing_is_stored(
    registered: Store, tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = write(tmp_path, GOOD + row + "\n")
    with pytest.raises(ReadingsFileRejected) as caught:
        import_readings(registered, path, actor="t")
    (bad,) = caught.value.bad_rows
    # header = line 1, three good rows = lines 2–4, the bad row is line 5
    assert (bad.line, bad.field) == (5, field)
    assert reason in bad.reason
    assert stored(registered) == []


def test_skip_bad_stores_the_good_rows(registered: Store, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "XX01,a34004,hour,2025-01-01T00:00:00,x,Q\n")
    report = import_readings(registered, path, actor="t", skip_bad=True)
    assert (report.new, report.skipped) == (3, 1)
    assert [(bad.line, bad.field) for bad in report.bad_rows] == [
        (5, "site"),
        (5, "start"),
        (5, "value"),
        (5, "flag"),
    ]


def test_refusal_is_audited(registered: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "XX01,a34004,hour,2025-01-01T00:00:00+08:00,1,N\n")
    with pytest.raises(ReadingsFileRejected):
        import_readings(registered, path, actor="cli:li")
    with registered.snapshot() as snapshot:
        (record,) = snapshot.audit.records()
    assert (record.event.action, record.event.outcome) == ("readings.import", AuditOutcome.REFUSED)
    assert record.event.detail["bad_rows"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("site,parameter,start,value,flag\n", "header"),
        ('site,parameter,period,start,value,flag\n"AQ01,a34004\n', "CSV"),
    ],
)
def test_unreadable_file_is_rejected(
    registered: Store, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReadingsFileRejected, match=message):
        import_readings(registered, path, actor="t")


def test_accepted_spellings(registered: Store, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    body = (
        # UTC "Z", a blank instead of T, "realtime", NaN as missing, surrounding blanks
        "AQ01,a34004,realtime,2025-01-01 00:00:07+08:00,NaN,N\n"
        "AQ01, a34004 ,hour,2024-12-31T16:00:00Z, 2.5 ,N\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + body).encode("utf-8"))
    report = import_readings(registered, path, actor="t")
    assert report.new == 2
    assert stored(registered) == [
        ("AQ01", "a34004", "hour", dt.datetime(2025, 1, 1, tzinfo=CST), 2.5, "N"),
        ("AQ01", "a34004", "real-time", dt.datetime(2025, 1, 1, 0, 0, 7, tzinfo=CST), None, "N"),
    ]


def test_duplicate_rows_in_one_file(registered: Store, tmp_path: Path) -> None:
    row = "AQ01,a34004,hour,2025-01-01T00:00:00+08:00,1,N\n"
    report = import_readings(
        registered, write(tmp_path, row + row + row.replace(",1,", ",2,")), actor="t"
    )
    assert (report.new, report.identical, report.conflicting) == (1, 1, 1)


def test_progress_reaches_the_total(registered: Store, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    import_readings(
        registered, write(tmp_path, GOOD), actor="t", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (3, 3)
