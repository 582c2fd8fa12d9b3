"""The readings upsert on batches of many series: the gateway's shape and mixed series lengths.

Short series (fewer than 32 rows in a batch) are looked up key by key, long ones are settled by a
range comparison or read back over their range; one batch may hold all three kinds, in any order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
import pytest

from ecowarden.registry import Location, Period, Site, SiteKind
from ecowarden.store import READING_COLUMNS, ReadingQuery, SeriesDay, SourceKind, Store
from ecowarden.store import UpsertOutcome as Outcome

# 2025-01-01T00:00:00+08:00 = 1735660800 s after the epoch; one minute earlier is 23:59 local
# on 2024-12-31.
JAN_1 = 1_735_660_800
MINUTE, HOUR = 60, 3600
NEW, IDENTICAL, CONFLICT = Outcome.NEW, Outcome.IDENTICAL, Outcome.CONFLICT
# Fifteen factors of an HJ 212 air packet: the gateway stores each as a one-row series.
FACTORS = (
    "a34004",
    "a34002",
    "a21026",
    "a21004",
    "a21005",
    "a05024",
    "a01001",
    "a01002",
    "a01006",
    "a01007",
    "a01008",
    "a34001",
    "a21002",
    "a21003",
    "a24088",
)


@dataclass(frozen=True)
class Row:
    site_id: int
    parameter_id: int
    period: Period
    start_s: int
    value: float | None


@pytest.fixture
def registry_ids(store: Store) -> tuple[list[int], dict[str, int], int]:
    with store.transaction() as transaction:
        for index in range(4):
            code = f"GW{index}"
            transaction.registry.save_site(
                Site(code, code, SiteKind.AIR_STATION, Location(118.0, 24.0))
            )
        sites, parameters = transaction.registry.site_ids(), transaction.registry.parameter_ids()
        source = transaction.sources.ensure(SourceKind.IMPORT, "gateway")
    return [sites[f"GW{index}"] for index in range(4)], parameters, source


def frame_of(rows: Sequence[Row], source: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "site_id": [row.site_id for row in rows],
            "parameter_id": [row.parameter_id for row in rows],
            "period": [row.period.command for row in rows],
            "start_s": [row.start_s for row in rows],
            "value": [row.value for row in rows],
            "flag": ["N"] * len(rows),
            "source_id": [source] * len(rows),
            "received_at_us": [1] * len(rows),
        },
        schema=READING_COLUMNS,
    )


def packet(site_id: int, parameters: dict[str, int], start_s: int, shift: float) -> list[Row]:
    return [
        Row(site_id, parameters[code], Period.MINUTE, start_s, float(index) + shift)
        for index, code in enumerate(FACTORS)
    ]


def test_gateway_batch_of_one_row_series(
    store: Store, registry_ids: tuple[list[int], dict[str, int], int]
) -> None:
    sites, parameters, source = registry_ids
    previous, current = JAN_1 - MINUTE, JAN_1  # 23:59 on 2024-12-31 and 00:00 on 2025-01-01
    # Stored: the 23:59 packets of sites 0, 1, 2; site 2's third factor arrives altered below.
    with store.transaction() as transaction:
        stored = [row for site in sites[:3] for row in packet(site, parameters, previous, 0.0)]
        transaction.readings.upsert(frame_of(stored, source))
    altered = packet(sites[2], parameters, previous, 0.0)
    altered[2] = Row(sites[2], parameters[FACTORS[2]], Period.MINUTE, previous, 99.0)
    # Packets in arrival order, not key order; site 3's 00:00 packet is resent within the batch.
    packets = [
        (packet(sites[3], parameters, current, 0.5), [NEW] * 15),
        (packet(sites[0], parameters, previous, 0.0), [IDENTICAL] * 15),
        (packet(sites[1], parameters, current, 0.5), [NEW] * 15),
        (altered, [IDENTICAL] * 2 + [CONFLICT] + [IDENTICAL] * 12),
        (packet(sites[3], parameters, previous, 0.0), [NEW] * 15),
        (packet(sites[3], parameters, current, 0.5), [IDENTICAL] * 15),
        (packet(sites[1], parameters, previous, 0.0), [IDENTICAL] * 15),
    ]
    rows = [row for rows, _ in packets for row in rows]
    with store.transaction() as transaction:
        report = transaction.readings.upsert(frame_of(rows, source))
    assert report.outcomes.tolist() == [outcome for _, outcomes in packets for outcome in outcomes]
    # Stored rows: site 3 at 23:59 (2024-12-31) and 00:00 (2025-01-01), site 1 at 00:00.
    assert report.touched == {
        SeriesDay(site, parameters[code], Period.MINUTE, day)
        for site, day in (
            (sites[3], dt.date(2024, 12, 31)),
            (sites[3], dt.date(2025, 1, 1)),
            (sites[1], dt.date(2025, 1, 1)),
        )
        for code in FACTORS
    }
    with store.snapshot() as snapshot:
        read = snapshot.readings.read(ReadingQuery(period=Period.MINUTE))
        conflicts = snapshot.readings.conflicts()
    # 3 stored packets + 3 new ones, 15 factors each
    assert read.height == 6 * 15
    assert read["conflict"].sum() == 1
    assert conflicts.select("site_id", "original_value", "value").rows() == [(sites[2], 2.0, 99.0)]


def test_short_and_long_series_in_one_batch(
    store: Store, registry_ids: tuple[list[int], dict[str, int], int]
) -> None:
    sites, parameters, source = registry_ids
    pm25, pm10 = parameters["a34004"], parameters["a34002"]
    # Long, evenly spaced: 40 hours (settled by a range comparison), last one altered.
    even = [Row(sites[0], pm25, Period.HOUR, JAN_1 + HOUR * h, float(h)) for h in range(40)]
    # Long, uneven: 39 starts 10 s apart and one at 395 s (read back over its range).
    uneven_starts = [JAN_1 + 10 * index for index in range(39)] + [JAN_1 + 395]
    uneven = [Row(sites[0], pm10, Period.REAL_TIME, start, 1.0) for start in uneven_starts]
    # Short: one stored hour each.
    short = [
        Row(sites[1], pm25, Period.HOUR, JAN_1, 1.0),
        Row(sites[1], pm10, Period.HOUR, JAN_1, 5.0),
    ]
    with store.transaction() as transaction:
        transaction.readings.upsert(frame_of([*even, *uneven, *short], source))
    resent: list[tuple[Row, Outcome]] = [
        *((row, IDENTICAL) for row in even[:39]),
        (Row(sites[0], pm25, Period.HOUR, JAN_1 + HOUR * 39, 99.0), CONFLICT),
        *((row, IDENTICAL) for row in uneven[:39]),
        (Row(sites[0], pm10, Period.REAL_TIME, JAN_1 + 395, 2.0), CONFLICT),
        (short[0], IDENTICAL),
        (Row(sites[1], pm25, Period.HOUR, JAN_1 + HOUR, 2.0), NEW),
        (Row(sites[1], pm10, Period.HOUR, JAN_1, 6.0), CONFLICT),
    ]
    # Reversed: the short series come first and every series arrives out of key order.
    resent.reverse()
    with store.transaction() as transaction:
        report = transaction.readings.upsert(frame_of([row for row, _ in resent], source))
    assert report.outcomes.tolist() == [outcome for _, outcome in resent]
    # Only the new hour is stored: 01:00 local on 2025-01-01.
    assert report.touched == {SeriesDay(sites[1], pm25, Period.HOUR, dt.date(2025, 1, 1))}
    with store.snapshot() as snapshot:
        assert snapshot.readings.conflicts().height == 3
