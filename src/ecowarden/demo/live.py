"""The demo's live phase: the county's outlet devices stream today's HJ 212 data to a gateway.

The stored demo data ends the day before ``as_of``; the live phase sends the data of ``as_of``
itself, which must be today (local time): first a backfill from 00:00 local up to now, compressed
into ``LiveConfig.backfill_s`` wall seconds (the devices' 补传 of the day so far), then real time,
one run of the simulator per ended minute. Every run starts at the first minute the previous one
did not produce, so no reading is sent twice with other values (no conflicts), nothing overlaps
the stored days and no DataTime lies in the future [HJ212-2017].

The devices are the registered ones of the demo county (:func:`demo_enterprises`), with their MN
and demo password: the gateway verifies them against the Argon2id hashes of the registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from ecowarden.demo.enterprises import demo_enterprises
from ecowarden.errors import ValidationError
from ecowarden.hj212 import LOCAL_TZ, Command
from ecowarden.ingest.gateway import Gateway, GatewayConfig
from ecowarden.ingest.simulator import (
    GAS_OUTLET,
    WATER_OUTLET,
    Ledger,
    Simulation,
    SimulatorConfig,
    VirtualDevice,
)
from ecowarden.ingest.stats import GatewayStats
from ecowarden.registry.readings import Period
from ecowarden.store.database import Store
from ecowarden.store.readings import ReadingQuery

MINUTE: Final = dt.timedelta(minutes=1)
# Half a second of margin before the first minute to send: the simulator starts its clock a few
# microseconds after it is computed here and rounds up to the next whole minute.
START_MARGIN_S: Final = 0.5
# A real-time run begins this long after the end of the minute it sends.
MINUTE_LAG_S: Final = 1.0
# Wall time of one real-time run (one or more ended minutes) [s].
REALTIME_RUN_S: Final = 1.0


@dataclass(frozen=True)
class LiveConfig:
    """How the live phase runs.

    Attributes
    ----------
    host : str
        Address the gateway listens on (the demo keeps it local).
    port : int
        Gateway port; when it is busy, a free port is taken instead.
    backfill_s : float
        Wall time over which the day so far (00:00 local … now) is sent [s].
    status_every_s : float
        Interval of the live status [s].
    window : int
        Packets a device sends before waiting for their answers.
    seed : int
        Seed of the simulated values.
    """

    host: str = "127.0.0.1"
    port: int = 9212
    backfill_s: float = 60.0
    status_every_s: float = 5.0
    window: int = 8
    seed: int = 212

    def __post_init__(self) -> None:
        for name in ("backfill_s", "status_every_s"):
            if not getattr(self, name) > 0:
                raise ValidationError(f"live {name}={getattr(self, name)} must be > 0")
        if self.window < 1:
            raise ValidationError(f"live window={self.window} must be >= 1")


@dataclass(frozen=True)
class LiveStatus:
    """The gateway's progress at one moment of the live phase.

    Attributes
    ----------
    elapsed_s : float
        Wall time since the gateway started [s].
    phase : str
        ``backfill`` or ``realtime``.
    answered : int
        Packets answered (9014 and every other answer).
    new : int
        Readings stored for the first time.
    conflicts : int
        Readings resent with other values.
    refused : tuple of (str, int)
        Refused packets by reason, most frequent first.
    """

    elapsed_s: float
    phase: str
    answered: int
    new: int
    conflicts: int
    refused: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class LiveReport:
    """The outcome of a live phase.

    Attributes
    ----------
    requested_port, port : int
        The port asked for and the one the gateway listened on (they differ when it was busy).
    devices : int
        Simulated devices.
    first_minute : datetime
        Start of the first minute the devices were to send (00:00 local of the day, UTC-aware).
    latest_minute : datetime or None
        Start of the latest minute whose packet a device saw answered (None: none).
    acked_packets : int
        Data packets the devices saw answered.
    stats : GatewayStats
        The gateway's counters at its stop.
    """

    requested_port: int
    port: int
    devices: int
    first_minute: dt.datetime
    latest_minute: dt.datetime | None
    acked_packets: int
    stats: GatewayStats


def live_devices() -> tuple[VirtualDevice, ...]:
    """The virtual devices of the demo county's outlets: their registered MN and password."""
    devices = []
    for enterprise in demo_enterprises():
        for outlet in enterprise.outlets:
            st, parameters = GAS_OUTLET if outlet.medium == "gas" else WATER_OUTLET
            devices.append(VirtualDevice(outlet.mn, outlet.password, outlet.code, st, parameters))
    return tuple(devices)


def day_start(day: dt.date) -> dt.datetime:
    """00:00 local (Asia/Shanghai) of ``day``, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.UTC)


def live_status(stats: GatewayStats, elapsed_s: float, phase: str) -> LiveStatus:
    """A :class:`LiveStatus` read from the gateway's counters."""
    return LiveStatus(
        elapsed_s=elapsed_s,
        phase=phase,
        answered=sum(stats.answers.values()),
        new=stats.readings["new"],
        conflicts=stats.readings["conflict"],
        refused=tuple(stats.refused.most_common()),
    )


def next_resume(ledger: Ledger, resume: dt.datetime, run_started: dt.datetime) -> dt.datetime:
    """The first minute a run starting at ``run_started`` (wall time) did not produce.

    A run produces the minutes that have ended by its start; the latest acknowledged minute
    covers a minute boundary passed between ``run_started`` and the simulator's own clock read.
    """
    whole = dt.datetime.fromtimestamp(run_started.timestamp() // 60 * 60, dt.UTC)
    acked = [
        packet.data_time + MINUTE
        for packet in ledger.acked.values()
        if packet.cn == Command.MINUTE_DATA
    ]
    return max([resume, whole, *acked])


def stored_resume(store: Store, first_minute: dt.datetime) -> dt.datetime:
    """The first minute after the minute data stored from ``first_minute`` on.

    A second live phase of the same day continues where the first stopped: resending a stored
    minute with other values would be a conflicting resend (a tampering signature).
    """
    with store.snapshot() as transaction:
        frame = transaction.readings.read(
            ReadingQuery(period=Period.MINUTE, start_from=first_minute), effective=False
        )
    if frame.is_empty():
        return first_minute
    latest: dt.datetime = frame["start"].max()  # type: ignore[assignment]
    return latest.astimezone(dt.UTC) + MINUTE


async def _start_gateway(store: Store, config: LiveConfig) -> Gateway:
    gateway = Gateway(store, GatewayConfig(host=config.host, port=config.port))
    try:
        await gateway.start()
    except OSError:
        # The port is busy (another gateway, another demo): any free port will do.
        gateway = Gateway(store, GatewayConfig(host=config.host, port=0))
        await gateway.start()
    return gateway


async def _run_or_stop(simulation: Simulation, stop: asyncio.Event) -> bool:
    """Run ``simulation``; stop it when ``stop`` is set first. True when stopped."""
    running = asyncio.create_task(simulation.run())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait((running, stopping), return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not running.done():
        simulation.stop()
    await running
    return stop.is_set()


async def _sleep_or_stop(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), max(seconds, 0.0))


async def run_live(
    store: Store,
    *,
    as_of: dt.date,
    stop: asyncio.Event,
    config: LiveConfig | None = None,
    status: Callable[[LiveStatus], None] | None = None,
    devices: Sequence[VirtualDevice] | None = None,
    listening: Callable[[int], None] | None = None,
) -> LiveReport:
    """Start a gateway on ``store`` and stream ``as_of``'s data to it until ``stop`` is set.

    Parameters
    ----------
    store : Store
        The demo county's store, opened as a writer.
    as_of : date
        The local day to send; it must be today in Asia/Shanghai.
    stop : asyncio.Event
        Set it (Ctrl-C, a timer) to stop the devices, then the gateway, cleanly.
    config : LiveConfig, optional
        Port, backfill time and status interval.
    status : callable, optional
        Called with a :class:`LiveStatus` every ``config.status_every_s``.
    devices : sequence of VirtualDevice, optional
        The devices (default :func:`live_devices`).
    listening : callable, optional
        Called with the gateway's port once it listens.

    Raises
    ------
    ValidationError
        When ``as_of`` is not today: its data would be stale, in the future, or stored already.
    """
    config = config or LiveConfig()
    devices = tuple(devices or live_devices())
    first_minute = day_start(as_of)
    started_wall = dt.datetime.now(dt.UTC)
    if not first_minute <= started_wall < day_start(as_of + dt.timedelta(days=1)):
        today = started_wall.astimezone(LOCAL_TZ).date()
        raise ValidationError(f"the live phase sends today's data: as-of {as_of} is not {today}")
    gateway = await _start_gateway(store, config)
    port = gateway.port
    if listening is not None:
        listening(port)
    loop = asyncio.get_running_loop()
    started = loop.time()
    phase = "backfill"

    async def report_status() -> None:
        while True:
            await asyncio.sleep(config.status_every_s)
            if status is not None:
                status(live_status(gateway.stats, loop.time() - started, phase))

    reporting = asyncio.create_task(report_status())
    ledger = Ledger()
    base = SimulatorConfig(host=config.host, port=port, window=config.window)
    resume = first_minute
    try:
        resume = await loop.run_in_executor(None, stored_resume, store, first_minute)
        run_s = config.backfill_s
        while not stop.is_set():
            run_started = dt.datetime.now(dt.UTC)
            span_s = (run_started - resume).total_seconds() + START_MARGIN_S
            simulation = Simulation(
                devices,
                replace(
                    base,
                    speedup=span_s / run_s,
                    duration_s=run_s,
                    # Hour and day values only where the run saw the whole hour: the backfill.
                    hourly=phase == "backfill",
                    daily=phase == "backfill",
                    seed=config.seed + int(resume.timestamp() // 60),
                ),
                ledger=ledger,
            )
            if await _run_or_stop(simulation, stop):
                break
            resume = next_resume(ledger, resume, run_started)
            phase, run_s = "realtime", REALTIME_RUN_S
            wait_s = (resume + MINUTE).timestamp() + MINUTE_LAG_S - time.time()
            await _sleep_or_stop(wait_s, stop)
    finally:
        reporting.cancel()
        await gateway.stop()
    return LiveReport(
        requested_port=config.port,
        port=port,
        devices=len(devices),
        first_minute=first_minute,
        latest_minute=max(
            (p.data_time for p in ledger.acked.values() if p.cn == Command.MINUTE_DATA),
            default=None,
        ),
        acked_packets=len(ledger.acked),
        stats=gateway.stats,
    )
