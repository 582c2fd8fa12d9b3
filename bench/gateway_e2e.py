"""Gateway end-to-end benchmark: 1,000 devices, durable acknowledgement, memory per connection.

Targets (issue 5 part 5, DESIGN §5): ≥ 10k packets/s on SQLite with every answer sent after the
durable commit of its group (PostgreSQL reported); ≤ 10 KB per idle connection. Peer: ThingsBoard
is reported at 0.6-1.4k messages/s per vCPU with storage.

Method. The gateway runs as ``ecowarden gateway`` in a subprocess pinned to one core (``taskset
-c 1``); the load runs in this process on the other core: 1,000 TCP connections on 127.0.0.1,
each a registered device sending the ~800-byte CEMS minute packet of ``hj212_codec.py`` (15
factors) for consecutive minutes, with ``WINDOW`` packets awaiting their 9014 at a time. After a
warm-up in which every device has been authenticated once, answers are counted for
``MEASURE_S`` seconds. The gateway's own counters (``/metrics``) give the time split per packet:
parse (decode, auth check, rows), store (the group commit, on the writer thread), answer. Device
passwords are hashed with cheap Argon2id parameters so that the warm-up is short; the cost of a
first contact with the production parameters (m = 19 MiB, t = 2) is measured and printed apart.
Idle memory: RSS of a fresh gateway process before and after 1,000 connections that send nothing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher, Type
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ecowarden.hj212 import crc16
from ecowarden.ingest.stats import parse_prometheus_text
from ecowarden.registry import Device, Location, Site, SiteKind
from ecowarden.registry.enterprises import Enterprise, ManagementCategory
from ecowarden.registry.sites import OutletMedium
from ecowarden.services.devices import device_password_matches, hash_device_password
from ecowarden.store import Store
from ecowarden.store.testing import POSTGRES_URL_VARIABLE, postgres_schema, provision, sqlite_url
from hj212_codec import minute_packet

CONNECTIONS: Final = 1000
WINDOW: Final = 4
MEASURE_S: Final = 12.0
CREDIT_CODE: Final = "91350100M000100Y43"
CHEAP: Final = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
TEMPLATE: Final = minute_packet()
# Live data: the devices start two days ago (UTC midnight) and move one minute per packet, so
# DataTimes are neither in the future nor older than the backfill window.
FIRST_MINUTE_S: Final = (int(time.time()) // 86400 - 2) * 86400


def device_packets(mn: str, password: str) -> Iterator[bytes]:
    """The template packet as sent by device ``mn``, one minute later each time."""
    segment = (
        TEMPLATE[6:-6]
        .replace(b"010000A8900016F000169DC0", mn.encode())
        .replace(b"PW=123456", f"PW={password}".encode())
    )
    head, _, tail = segment.partition(b"DataTime=20240520210600")
    minute = 0
    while True:
        stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(FIRST_MINUTE_S + 60 * minute))
        body = head + b"DataTime=" + stamp.encode() + tail
        yield b"##%04d%s%04X\r\n" % (len(body), body, crc16(body))
        minute += 1


def prepare(url: str) -> list[tuple[str, str]]:
    """A store with CONNECTIONS gas outlets, each with a device; their (MN, PW)."""
    store = provision(url)
    devices = [(f"BENCH{index:05d}", f"Bench-pw-{index:05d}") for index in range(CONNECTIONS)]
    with store.transaction() as transaction:
        transaction.registry.save_enterprise(
            Enterprise(CREDIT_CODE, "基准测试有限公司", ManagementCategory.KEY)
        )
        for index, (mn, password) in enumerate(devices):
            code = f"B{index:05d}"
            transaction.registry.save_site(
                Site(
                    code,
                    f"排放口{index}",
                    SiteKind.OUTLET,
                    Location(118.0, 30.0),
                    enterprise=CREDIT_CODE,
                    outlet_medium=OutletMedium.GAS,
                )
            )
            transaction.registry.save_device(Device(mn, code, CHEAP.hash(password)))
    store.close()
    return devices


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gateway_process(url: str, port: int, stats_port: int) -> Iterator[subprocess.Popen[bytes]]:
    pin = ["taskset", "-c", "1"] if shutil.which("taskset") and os.cpu_count() != 1 else []
    command = [
        *pin,
        sys.executable,
        "-c",
        "from ecowarden.cli import main; main()",
        "gateway",
        "--port",
        str(port),
        "--stats-port",
        str(stats_port),
        "--database",
        url,
        "--max-connections",
        "5000",
        "--max-connections-per-ip",
        "5000",
        "--log-level",
        "ERROR",
    ]
    process = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the gateway did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def metrics(stats_port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/metrics", timeout=10) as reply:
        return parse_prometheus_text(reply.read().decode("utf-8"))


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class LoadClient(asyncio.Protocol):
    """One device: keeps WINDOW packets awaiting their answer; counts answers (one per line)."""

    def __init__(self, packets: Iterator[bytes]) -> None:
        self.packets = packets
        self.transport: asyncio.Transport | None = None
        self.in_flight = 0
        self.answered = 0
        self.sending = False
        self.first = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(next(self.packets))
        self.in_flight = 1

    def data_received(self, data: bytes) -> None:
        answers = data.count(b"\n")
        self.answered += answers
        self.in_flight -= answers
        if not self.first.done():
            self.first.set_result(None)
        self.fill()

    def fill(self) -> None:
        assert self.transport is not None
        while self.sending and self.in_flight < WINDOW:
            self.transport.write(next(self.packets))
            self.in_flight += 1


async def connect_all(port: int, devices: list[tuple[str, str]]) -> list[LoadClient]:
    """Every device connected, its first packet answered (it is authenticated from then on)."""
    loop = asyncio.get_running_loop()
    clients = []
    for mn, password in devices:
        _, client = await loop.create_connection(
            lambda mn=mn, password=password: LoadClient(device_packets(mn, password)),
            "127.0.0.1",
            port,
        )
        clients.append(client)
    await asyncio.wait_for(asyncio.gather(*(c.first for c in clients)), 120)
    return clients


async def measure(clients: list[LoadClient]) -> tuple[int, float]:
    before = sum(c.answered for c in clients)
    started = time.perf_counter()
    for client in clients:
        client.sending = True
        client.fill()
    await asyncio.sleep(MEASURE_S)
    for client in clients:
        client.sending = False
    elapsed = time.perf_counter() - started
    answered = sum(c.answered for c in clients) - before
    await asyncio.sleep(1.0)  # let the windows drain
    return answered, elapsed


def engine_run(name: str, url: str) -> dict[str, float]:
    devices = prepare(url)
    port, stats_port = free_port(), free_port()
    with gateway_process(url, port, stats_port):

        async def scenario() -> tuple[int, float, dict[str, float], dict[str, float], int]:
            clients = await connect_all(port, devices)
            before = metrics(stats_port)
            answered, elapsed = await measure(clients)
            after = metrics(stats_port)
            total = sum(c.answered for c in clients)
            for client in clients:
                assert client.transport is not None
                client.transport.close()
            return answered, elapsed, before, after, total

        answered, elapsed, before, after, total = asyncio.run(scenario())
    store = Store.open(url)
    with store.engine.connect() as connection:
        stored = int(connection.execute(text("SELECT count(*) FROM readings")).scalar_one())
    store.close()
    readings_per_packet = 15
    # Every answered packet's 15 readings are stored (acked ⊆ stored, by count).
    assert stored >= total * readings_per_packet, (stored, total)
    committed = (
        after["ecowarden_gateway_packets_committed_total"]
        - before["ecowarden_gateway_packets_committed_total"]
    )
    commits = after["ecowarden_gateway_commits_total"] - before["ecowarden_gateway_commits_total"]

    def stage_us(stage: str) -> float:
        key = f'ecowarden_gateway_stage_seconds_total{{stage="{stage}"}}'
        return 1e6 * (after[key] - before[key]) / max(committed, 1)

    commit_s = (
        after["ecowarden_gateway_commit_seconds_total"]
        - before["ecowarden_gateway_commit_seconds_total"]
    )
    rate = answered / elapsed
    figures = {
        f"{name}_packets_per_s": rate,
        f"{name}_readings_per_s": rate * readings_per_packet,
        f"{name}_packets_per_commit": committed / max(commits, 1),
        f"{name}_commit_ms": 1e3 * commit_s / max(commits, 1),
        f"{name}_parse_us": stage_us("parse") + stage_us("auth"),
        f"{name}_store_us": stage_us("store"),
        f"{name}_answer_us": stage_us("answer"),
    }
    print(
        f"{name:>10}: {rate:8,.0f} packets/s ({rate * readings_per_packet:,.0f} readings/s), "
        f"{CONNECTIONS} connections, window {WINDOW}, {answered:,} answers in {elapsed:.1f} s; "
        f"{figures[f'{name}_packets_per_commit']:.0f} packets per commit, "
        f"{figures[f'{name}_commit_ms']:.0f} ms per commit (wall)"
    )
    print(
        f"{'':>10}  CPU per packet: parse {figures[f'{name}_parse_us']:.1f} µs, "
        f"store {figures[f'{name}_store_us']:.1f} µs (writer thread), "
        f"answer {figures[f'{name}_answer_us']:.1f} µs; target ≥ 10,000 packets/s; "
        f"×{rate / 1000:.1f} ThingsBoard (≈ 1k/s per vCPU with storage)"
    )
    return figures


def idle_memory(url: str) -> dict[str, float]:
    devices = prepare(url)
    port, stats_port = free_port(), free_port()
    with gateway_process(url, port, stats_port) as process:

        async def scenario() -> tuple[int, int]:
            loop = asyncio.get_running_loop()
            # Warm the code paths with one device packet, then measure.
            _, warm = await loop.create_connection(
                lambda: LoadClient(device_packets(*devices[0])), "127.0.0.1", port
            )
            await warm.first
            await asyncio.sleep(1.0)
            before = rss_kb(process.pid)
            sockets = [await asyncio.open_connection("127.0.0.1", port) for _ in range(CONNECTIONS)]
            await asyncio.sleep(2.0)
            assert metrics(stats_port)["ecowarden_gateway_connections_open"] == CONNECTIONS + 1
            after = rss_kb(process.pid)
            for _, writer in sockets:
                writer.close()
            return before, after

        before, after = asyncio.run(scenario())
    per_connection = (after - before) / CONNECTIONS
    print(
        f"idle connections: RSS {before:,} KB -> {after:,} KB with {CONNECTIONS} idle sockets: "
        f"{per_connection:.2f} KB per connection (target ≤ 10 KB)"
    )
    return {"idle_connection_kb": per_connection}


def argon2_first_contact() -> dict[str, float]:
    digest = hash_device_password("Bench-pw-00000")
    started = time.perf_counter()
    for _ in range(5):
        assert device_password_matches(digest, "Bench-pw-00000")
    per_ms = (time.perf_counter() - started) / 5 * 1000
    print(
        f"first contact: one Argon2id verification (m = 19 MiB, t = 2) takes {per_ms:.0f} ms; "
        f"the gateway runs them on 2 threads and caches the verified pair, so {CONNECTIONS} "
        f"new devices cost about {per_ms * CONNECTIONS / 2 / 1000:.0f} s once"
    )
    return {"argon2id_verify_ms": per_ms}


def run() -> dict[str, float]:
    """Run the benchmark, print the figures and return them."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})  # the load on core 0, the gateway on core 1
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in ("run", "idle"):
            (Path(folder) / name).mkdir()
        figures |= engine_run("sqlite", sqlite_url(Path(folder) / "run"))
        postgres = os.environ.get(POSTGRES_URL_VARIABLE)
        if postgres:
            try:
                with postgres_schema(postgres) as url:
                    figures |= engine_run("postgresql", url)
            except OperationalError as error:
                print(f"postgresql: not reachable ({str(error).splitlines()[0]}); skipped")
        else:
            print(f"postgresql: set {POSTGRES_URL_VARIABLE} to include it; skipped")
        figures |= idle_memory(sqlite_url(Path(folder) / "idle"))
    figures |= argon2_first_contact()
    return figures


if __name__ == "__main__":
    run()
