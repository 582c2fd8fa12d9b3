"""Exporting readings: exact CSV text, Parquet, filters, and a round trip that changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from ecowarden.errors import UnknownNameError
from ecowarden.registry import DataFlag, Location, Period, Site, SiteKind
from ecowarden.services.readings import correct_reading
from ecowarden.services.readings_export import (
    ExportFormat,
    ReadingSelection,
    export_readings,
)
from ecowarden.services.readings_import import import_readings
from ecowarden.store import Store

CST = dt.timezone(dt.timedelta(hours=8))
CSV = (
    "site,parameter,period,start,value,flag\n"
    "AQ01,a34004,hour,2025-01-01T00:00:00+08:00,35.5,N\n"
    "AQ01,a34004,hour,2025-01-01T01:00:00+08:00,,D\n"
    "AQ01,a34004,hour,2025-01-01T02:00:00+08:00,0.30000000000000004,N\n"
    "AQ02,a21026,hour,2025-01-01T00:00:00+08:00,12.0,N\n"
)


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    with store.transaction() as transaction:
        for code in ("AQ01", "AQ02"):
            transaction.registry.save_site(
                Site(code, code, SiteKind.AIR_STATION, Location(118.0, 24.0))
            )
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    import_readings(store, path, actor="t")
    return store


EVERYTHING = ReadingSelection()


def export(store: Store, selection: ReadingSelection = EVERYTHING) -> str:
    buffer = io.BytesIO()
    export_readings(store, selection, file_format=ExportFormat.CSV, destination=buffer)
    return buffer.getvalue().decode("utf-8")


def test_csv_export_is_the_import_format(loaded: Store) -> None:
    assert export(loaded) == CSV


def test_round_trip_reimport_changes_nothing(loaded: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text(export(loaded), encoding="utf-8")
    report = import_readings(loaded, path, actor="t")
    assert (report.new, report.identical, report.conflicting) == (0, 4, 0)


def test_filters(loaded: Store) -> None:
    text = export(
        loaded,
        ReadingSelection(
            site="AQ01",
            parameter="a34004",
            period=Period.HOUR,
            start_from=dt.datetime(2025, 1, 1, 1, tzinfo=CST),
            start_to=dt.datetime(2025, 1, 1, 2, tzinfo=CST),
        ),
    )
    assert text.splitlines()[1:] == ["AQ01,a34004,hour,2025-01-01T01:00:00+08:00,,D"]


def test_unknown_site_lists_the_registered_ones(loaded: Store) -> None:
    with pytest.raises(UnknownNameError, match="AQ01, AQ02"):
        export(loaded, ReadingSelection(site="AQ09"))


def test_export_gives_current_values_after_a_correction(loaded: Store) -> None:
    correct_reading(
        loaded,
        site="AQ02",
        parameter="a21026",
        period=Period.HOUR,
        start=dt.datetime(2025, 1, 1, tzinfo=CST),
        value=11.0,
        flag=DataFlag.NORMAL,
        actor="monitor.li",
        reason="zero drift",
    )
    assert export(loaded, ReadingSelection(site="AQ02")).splitlines()[1].endswith(",11.0,N")


def test_parquet_keeps_typed_columns(loaded: Store) -> None:
    buffer = io.BytesIO()
    rows = export_readings(
        loaded, ReadingSelection(), file_format=ExportFormat.PARQUET, destination=buffer
    )
    frame = pl.read_parquet(io.BytesIO(buffer.getvalue()))
    assert rows == frame.height == 4
    assert frame.columns == ["site", "parameter", "period", "start", "value", "flag"]
    assert frame["start"][0] == dt.datetime(2025, 1, 1, tzinfo=CST)
