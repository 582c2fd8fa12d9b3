"""``kill -9`` of the gateway mid-stream (reliability-security.md D2), on SQLite and PostgreSQL.

The gateway runs as a subprocess (``ecowarden gateway``); 20 simulated devices send 2,000
uniquely keyed minute packets; the gateway is killed with SIGKILL at a seeded moment, started
again on the same port, and the devices resend everything that was not answered. Then, from the
devices' ledger of acknowledged readings: Lost = 0, Dup = 0, and on SQLite
``PRAGMA integrity_check`` is ok. A few rounds here (CI tier C: 5; nightly 20).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from ingest_harness import count, registered_devices, stored_keys
from sqlalchemy.engine import make_url

from ecowarden.ingest.simulator import Simulation, SimulatorConfig
from ecowarden.store import Store

ROUNDS = (101, 202, 303)
STREAM = SimulatorConfig(
    # 100 minute packets per device (max_packets) produced over 2 s: 3,300 simulated seconds
    # per second cover 110 minutes.
    speedup=3_300.0,
    duration_s=2.0,
    drain_s=40.0,
    answer_timeout_s=1.0,
    resends=2,
    window=4,
    max_packets=100,
    hourly=False,
    daily=False,
    fragment_probability=0.05,
    duplicate_probability=0.02,
    malformed_probability=0.01,
    reconnect_s=(0.05, 0.5),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gateway(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from ecowarden.cli import main; main()",
        "gateway",
        "--port",
        str(port),
        "--database",
        database_url,
        "--log-level",
        "ERROR",
    ]
    with log.open("ab") as stderr:
        return subprocess.Popen(command, env=dict(os.environ), stderr=stderr)


async def accepting(port: int, timeout_s: float) -> float:
    """Seconds until the port accepts a connection (raises after ``timeout_s``)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() - started < timeout_s:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return loop.time() - started
    raise AssertionError(f"the gateway did not accept connections within {timeout_s} s")


@pytest.mark.slow
@pytest.mark.parametrize("seed", ROUNDS)
def test_kill_minus_nine_loses_no_acknowledged_reading(
    store: Store, database_url: str, seed: int, tmp_path: Path
) -> None:
    print(f"seed {seed}")
    rng = random.Random(seed)
    fleet = registered_devices(store, 20, seed=seed)
    port = free_port()
    # the kill falls after a seeded number of acknowledgements, not after a fixed time: a slow
    # start on a loaded machine must not put it before the first answer or after the last
    kill_at_acks = rng.randint(100, 1500)

    simulation = Simulation(fleet, replace(STREAM, port=port, seed=seed))

    async def scenario() -> tuple[int, int, float]:
        processes = [start_gateway(database_url, port, tmp_path / "gateway.log")]
        try:
            await accepting(port, 30.0)
            running = asyncio.create_task(simulation.run())
            while len(simulation.ledger.acked) < kill_at_acks and not running.done():
                await asyncio.sleep(0.005)
            acked_at_kill = len(simulation.ledger.acked)
            processes[0].send_signal(signal.SIGKILL)
            processes[0].wait()
            processes.append(start_gateway(database_url, port, tmp_path / "gateway.log"))
            back_after_s = await accepting(port, 30.0)
            report = await running
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
        return acked_at_kill, report.unanswered, back_after_s

    acked_at_kill, unanswered, back_after_s = asyncio.run(scenario())
    acked = len(simulation.ledger.acked)
    keys = simulation.ledger.reading_keys()
    assert unanswered == 0
    assert acked == 20 * 100
    assert 0 < acked_at_kill < acked  # the kill fell mid-stream
    assert back_after_s < 5.0  # a fresh interpreter's start included
    stored = stored_keys(store)
    assert keys - stored == set()  # Lost = 0
    assert count(store, "readings") == len(stored)  # Dup = 0: one row per key
    assert count(store, "reading_revisions") == 0  # every resend was identical
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(database_url).database or "")
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.close()
