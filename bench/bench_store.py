"""Readings store benchmark: bulk insert, station-year read, idempotent re-import.

Targets (issue 4): bulk insert ≥ 200k rows/s into SQLite on one core (10 million readings);
PostgreSQL with COPY reported on a smaller set and extrapolated; one station-year of hourly
data read in ≤ 50 ms; re-importing already stored readings writes nothing and checks
≥ 1M rows/s. Peer: a naive per-row loop (look the key up, insert if new), as an ORM session
would run it, through SQLAlchemy Core in the same process, on a sample.

Run: ``python bench/bench_store.py [--rows N] [--pg-rows N]``. PostgreSQL runs when
``ECOWARDEN_TEST_POSTGRES_URL`` names a server (in a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import insert, select

from ecowarden.registry import Location, Period, Site, SiteKind
from ecowarden.services.readings_import import import_readings
from ecowarden.store import READING_COLUMNS, ReadingQuery, SourceKind, Store
from ecowarden.store.schema import readings
from ecowarden.store.testing import POSTGRES_URL_VARIABLE, postgres_schema, provision

PARAMETERS = ("a34004", "a34002", "a21026", "a21004", "a21005", "a05024")  # the six AQI pollutants
HOURS_PER_YEAR = 8760
JAN_1_2025 = 1_735_660_800  # 2025-01-01T00:00:00+08:00


def register_sites(store: Store, count: int) -> tuple[list[int], list[int], int]:
    with store.transaction() as transaction:
        for index in range(count):
            code = f"S{index:04d}"
            transaction.registry.save_site(
                Site(code, code, SiteKind.AIR_STATION, Location(118.0, 24.0))
            )
        site_ids = transaction.registry.site_ids()
        parameter_ids = transaction.registry.parameter_ids()
        source = transaction.sources.ensure(SourceKind.IMPORT, "bench")
    return (
        [site_ids[f"S{index:04d}"] for index in range(count)],
        [parameter_ids[code] for code in PARAMETERS],
        source,
    )


def site_year(site_id: int, parameter_ids: list[int], source: int, hours: int) -> pl.DataFrame:
    """One station's hourly values of the six pollutants (sorted by key, as files usually are)."""
    count = len(parameter_ids) * hours
    rng = np.random.default_rng(site_id)
    return pl.DataFrame(
        {
            "site_id": np.full(count, site_id),
            "parameter_id": np.repeat(parameter_ids, hours),
            "period": np.full(count, Period.HOUR.command),
            "start_s": np.tile(JAN_1_2025 + 3600 * np.arange(hours), len(parameter_ids)),
            "value": np.round(rng.random(count) * 150, 1),
            "flag": ["N"] * count,
            "source_id": np.full(count, source),
            "received_at_us": np.full(count, 1),
        },
        schema=READING_COLUMNS,
    )


def chunks(
    sites: list[int], parameter_ids: list[int], source: int, hours: int
) -> Iterator[pl.DataFrame]:
    for site_id in sites:
        yield site_year(site_id, parameter_ids, source, hours)


def bulk_insert(
    store: Store, sites: list[int], parameter_ids: list[int], source: int
) -> tuple[int, float]:
    rows, started = 0, time.perf_counter()
    for frame in chunks(sites, parameter_ids, source, HOURS_PER_YEAR):
        with store.transaction() as transaction:
            report = transaction.readings.upsert(frame)
        assert report.new == frame.height, "bench data must be new"
        rows += frame.height
    return rows, time.perf_counter() - started


def reimport(
    store: Store, sites: list[int], parameter_ids: list[int], source: int
) -> tuple[int, float]:
    rows, elapsed = 0, 0.0
    for frame in chunks(sites, parameter_ids, source, HOURS_PER_YEAR):
        started = time.perf_counter()
        with store.transaction() as transaction:
            report = transaction.readings.upsert(frame)
        elapsed += time.perf_counter() - started
        assert report.identical == frame.height, "a re-import must write nothing"
        rows += frame.height
    return rows, elapsed


def station_year_read(store: Store, site_id: int, parameter_ids: list[int] | None) -> float:
    query = ReadingQuery(
        site_ids=(site_id,),
        parameter_ids=None if parameter_ids is None else tuple(parameter_ids),
        period=Period.HOUR,
    )
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        with store.snapshot() as snapshot:
            frame = snapshot.readings.read(query)
        timings.append(time.perf_counter() - started)
    expected = HOURS_PER_YEAR * (len(PARAMETERS) if parameter_ids is None else len(parameter_ids))
    assert frame.height == expected, (frame.height, expected)
    return statistics.median(timings)


def naive_loop(
    store: Store, site_id: int, parameter_ids: list[int], source: int, count: int
) -> float:
    """Peer: per row, look the key up and insert it if new, as an ORM unit of work would."""
    frame = site_year(site_id, parameter_ids, source, HOURS_PER_YEAR).head(count)
    started = time.perf_counter()
    with store.transaction() as transaction:
        connection = transaction.connection
        for row in frame.iter_rows(named=True):
            found = connection.execute(
                select(readings.c.value, readings.c.flag).where(
                    readings.c.site_id == row["site_id"],
                    readings.c.parameter_id == row["parameter_id"],
                    readings.c.period == row["period"],
                    readings.c.start_s == row["start_s"],
                )
            ).first()
            if found is None:
                connection.execute(insert(readings).values(**row))
    return count / (time.perf_counter() - started)


def csv_reimport(store: Store, directory: Path, sites: list[int]) -> tuple[int, float]:
    """Re-import through the CSV path (parse, check, upsert) of stations already stored."""
    with store.snapshot() as snapshot:
        codes = {site_id: code for code, site_id in snapshot.registry.site_ids().items()}
        parameter_codes = {pid: code for code, pid in snapshot.registry.parameter_ids().items()}
        frame = snapshot.readings.read(ReadingQuery(site_ids=tuple(sites)))
    path = directory / "reimport.csv"
    frame.select(
        pl.col("site_id").replace_strict(codes, return_dtype=pl.String).alias("site"),
        pl.col("parameter_id")
        .replace_strict(parameter_codes, return_dtype=pl.String)
        .alias("parameter"),
        pl.lit("hour").alias("period"),
        pl.col("start").dt.strftime("%Y-%m-%dT%H:%M:%S%:z"),
        "value",
        "flag",
    ).write_csv(path)
    started = time.perf_counter()
    report = import_readings(store, path, actor="bench")
    elapsed = time.perf_counter() - started
    assert report.new == 0, "a re-import must store nothing new"
    assert report.conflicting == 0, "a re-import must record no conflict"
    return report.rows, elapsed


def run_sqlite(rows: int, directory: Path) -> None:
    sites_needed = -(-rows // (len(PARAMETERS) * HOURS_PER_YEAR))
    store = provision(f"sqlite:///{directory / 'bench.db'}")
    sites, parameter_ids, source = register_sites(store, sites_needed + 1)
    peer_site = sites.pop()
    inserted, elapsed = bulk_insert(store, sites, parameter_ids, source)
    insert_rate = inserted / elapsed
    size_mb = (directory / "bench.db").stat().st_size / 1e6
    print(
        f"SQLite bulk insert: {inserted:,} rows in {elapsed:.1f} s = {insert_rate:,.0f} rows/s "
        f"(target ≥ 200,000) — {size_mb:,.0f} MB, {size_mb * 1e6 / inserted:.0f} B/row"
    )
    one = station_year_read(store, sites[len(sites) // 2], parameter_ids[:1])
    six = station_year_read(store, sites[len(sites) // 2], None)
    print(
        f"SQLite station-year read, 1 pollutant ({HOURS_PER_YEAR:,} rows): {one * 1e3:.1f} ms; "
        f"6 pollutants ({6 * HOURS_PER_YEAR:,} rows): {six * 1e3:.1f} ms (target ≤ 50 ms)"
    )
    sample = sites[: max(1, 1_000_000 // (len(PARAMETERS) * HOURS_PER_YEAR))]
    checked, elapsed = reimport(store, sample, parameter_ids, source)
    print(
        f"SQLite re-import check (upsert, no writes): {checked:,} rows at "
        f"{checked / elapsed:,.0f} rows/s (target ≥ 1,000,000)"
    )
    checked, elapsed = csv_reimport(store, directory, sample)
    print(
        f"SQLite re-import of a CSV file (parse + check + upsert): {checked:,} rows at "
        f"{checked / elapsed:,.0f} rows/s"
    )
    peer_rate = naive_loop(store, peer_site, parameter_ids, source, 20_000)
    print(
        f"peer, per-row lookup + INSERT loop (20,000 rows): {peer_rate:,.0f} rows/s; "
        f"bulk upsert is {insert_rate / peer_rate:.1f}× faster"
    )
    store.close()


def run_postgresql(rows: int, base_url: str) -> None:
    with postgres_schema(base_url) as url:
        store = provision(url)
        sites_needed = -(-rows // (len(PARAMETERS) * HOURS_PER_YEAR))
        sites, parameter_ids, source = register_sites(store, sites_needed + 1)
        peer_site = sites.pop()
        inserted, elapsed = bulk_insert(store, sites, parameter_ids, source)
        rate = inserted / elapsed
        print(
            f"PostgreSQL bulk insert (COPY): {inserted:,} rows in {elapsed:.1f} s = "
            f"{rate:,.0f} rows/s; 10,000,000 rows extrapolated: {10_000_000 / rate:.0f} s"
        )
        six = station_year_read(store, sites[len(sites) // 2], None)
        print(f"PostgreSQL station-year read, 6 pollutants: {six * 1e3:.1f} ms")
        sample = sites[: max(1, 1_000_000 // (len(PARAMETERS) * HOURS_PER_YEAR))]
        checked, elapsed = reimport(store, sample, parameter_ids, source)
        print(f"PostgreSQL re-import check: {checked:,} rows at {checked / elapsed:,.0f} rows/s")
        peer_rate = naive_loop(store, peer_site, parameter_ids, source, 5_000)
        print(
            f"peer, per-row loop on PostgreSQL (5,000 rows): {peer_rate:,.0f} rows/s; "
            f"COPY upsert is {rate / peer_rate:.1f}× faster"
        )
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000, help="SQLite bulk-insert rows")
    parser.add_argument("--pg-rows", type=int, default=2_000_000, help="PostgreSQL rows")
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="ecowarden-bench-"))
    try:
        run_sqlite(arguments.rows, directory)
    finally:
        shutil.rmtree(directory)
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if base_url:
        run_postgresql(arguments.pg_rows, base_url)
    else:
        print(f"PostgreSQL: not run ({POSTGRES_URL_VARIABLE} is not set)")


if __name__ == "__main__":
    main()
