"""Backfill bursts and an unavailable database, on SQLite and PostgreSQL, checked with the
simulator's ledger of acknowledged readings (reliability-security.md D10, D11; Lost = 0)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from dataclasses import replace

import pytest
from ingest_harness import count, gateway_config, registered_devices, running_gateway, stored_keys
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from ecowarden.ingest.gateway import Gateway
from ecowarden.ingest.simulator import Ledger, Simulation, SimulatorConfig
from ecowarden.store import Store

BACKFILL = SimulatorConfig(
    # Two simulated days per second: the day of minute data (max_packets) is produced within
    # the first second, then drained.
    speedup=172_800.0,
    duration_s=1.0,
    drain_s=30.0,
    answer_timeout_s=2.0,
    window=32,
    hourly=False,
    daily=False,
    fragment_probability=0.05,
    duplicate_probability=0.02,
    malformed_probability=0.0,
    seed=10,
)


def assert_no_loss(store: Store, ledger: Ledger, unanswered: int) -> None:
    acked = ledger.reading_keys()
    stored = stored_keys(store)
    assert unanswered == 0
    assert acked - stored == set()  # Lost = 0
    assert count(store, "readings") == len(stored)  # Dup = 0: one row per key
    assert count(store, "reading_revisions") == 0  # resends were identical


@pytest.mark.slow
@pytest.mark.parametrize(("devices", "packets"), [(1, 1440), (10, 144)])
def test_backfill_burst_is_stored_without_loss(store: Store, devices: int, packets: int) -> None:
    # D10: 24 h of minute data from one device, or 10 devices with 144 packets each, as fast
    # as the socket allows, against a small queue (back-pressure withholds, never drops).
    print(f"seed {BACKFILL.seed}")
    fleet = registered_devices(store, devices)
    limits = gateway_config(limit_queue_capacity=64, limit_max_in_flight_per_connection=16)

    async def scenario() -> tuple[Ledger, int, int]:
        async with running_gateway(store, limits) as gateway:
            config = replace(BACKFILL, port=gateway.port, max_packets=packets)
            report = await Simulation(fleet, config).run()
            return report.ledger, report.unanswered, gateway.stats.queue_full

    ledger, unanswered, _ = asyncio.run(scenario())
    assert len(ledger.acked) == devices * packets
    assert_no_loss(store, ledger, unanswered)


class LockHolder:
    """Holds the database's write lock from another connection for a while (the outage)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.held = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        if self.url.startswith("sqlite"):
            connection = sqlite3.connect(make_url(self.url).database or "", isolation_level=None)
            connection.execute("BEGIN EXCLUSIVE")
            self.held.set()
            self.release.wait(10)
            connection.execute("ROLLBACK")
            connection.close()
            return
        engine = create_engine(self.url)
        with engine.connect() as connection:
            connection.exec_driver_sql("LOCK TABLE raw_packets IN ACCESS EXCLUSIVE MODE")
            self.held.set()
            self.release.wait(10)
            connection.rollback()
        engine.dispose()


def test_database_unavailable_withholds_every_answer(database_url: str, store: Store) -> None:
    # D11: the write lock is taken away for 1.5 s under load. No commit, so no answer, while it
    # lasts; an alert; afterwards every acknowledged reading is stored.
    fleet = registered_devices(store, 6)
    print("seed 11")
    if database_url.startswith("sqlite"):
        gateway_store = Store.open(database_url, busy_timeout_ms=200)
    else:
        url = make_url(database_url)
        options = f"{url.query.get('options', '')} -clock_timeout=200".strip()
        gateway_store = Store.open(
            url.update_query_dict({"options": options}).render_as_string(False)
        )
    holder = LockHolder(database_url)
    simulator = SimulatorConfig(
        speedup=3000.0,
        duration_s=3.0,
        drain_s=20.0,
        answer_timeout_s=0.5,
        resends=3,
        window=4,
        hourly=False,
        daily=False,
        malformed_probability=0.0,
        seed=11,
    )

    async def outage(gateway: Gateway) -> tuple[int, int]:
        await asyncio.sleep(0.6)
        thread = threading.Thread(target=holder.run)
        thread.start()
        await asyncio.to_thread(holder.held.wait, 5)
        await asyncio.sleep(0.3)  # a commit that began before the lock has finished by now
        before = (gateway.stats.commits, sum(gateway.stats.answers.values()))
        await asyncio.sleep(1.2)
        after = (gateway.stats.commits, sum(gateway.stats.answers.values()))
        holder.release.set()
        await asyncio.to_thread(thread.join)
        return after[0] - before[0], after[1] - before[1]

    async def scenario() -> tuple[Ledger, int, tuple[int, int], int, int]:
        async with running_gateway(gateway_store) as gateway:
            simulation = Simulation(fleet, replace(simulator, port=gateway.port))
            report, during = await asyncio.gather(simulation.run(), outage(gateway))
            stats = gateway.stats
            return (
                report.ledger,
                report.unanswered,
                during,
                stats.commit_failures,
                stats.alerts["store_unavailable"],
            )

    ledger, unanswered, during, failures, alerts = asyncio.run(scenario())
    gateway_store.close()
    assert during == (0, 0)  # no commit and no answer while the lock was held
    assert failures >= 1
    assert alerts == 1
    assert len(ledger.acked) > 0
    assert_no_loss(store, ledger, unanswered)
