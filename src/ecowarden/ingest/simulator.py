"""Virtual HJ 212 data loggers for the sites of the registry (``ecowarden simulate``).

Each :class:`VirtualDevice` reports one site: minute data (CN 2051) every simulated minute, hour
data (2061) and day data (2031) at their boundaries, with realistic values (a daily cycle, a
random walk and noise around a typical level of each parameter), data flags (mostly N, now and
then D, M, C, T, F or B), and the behaviour of a real logger on a poor link:

- it waits ``OverTime`` for the 9014 of a packet sent with the answer bit and resends the same
  bytes up to ``ReCount`` times (HJ 212-2017 §6.2 Table 1 [HJ212-2017]); then it considers the
  link unusable, reconnects and sends the packet again later (补传), until it is answered;
- some packets are written in several TCP segments (fragmented writes), some twice (a resend the
  platform must treat as a duplicate), and now and then a corrupted copy or a run of garbage
  precedes a good packet (the platform must refuse it and keep serving);
- it answers platform requests with 9011 and 9012 (C.1).

``speedup`` compresses simulated time: with 60, a simulated minute passes every wall second. The
simulated clock ends at the wall clock (it starts ``duration × speedup`` seconds in the past), so
DataTimes are never in the future. Every device keeps a :class:`Ledger` of the readings whose
packets were acknowledged: after any fault, ``acked ⊆ stored`` must hold (reliability-security.md
§2.2, D2).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    LOCAL_TZ,
    Command,
    Decoder,
    Frame,
    ProtocolError,
    encode,
    execution_result,
    format_time,
    make_frame,
    make_qn,
    request_answer,
)
from ecowarden.registry.devices import Device
from ecowarden.registry.readings import DataFlag
from ecowarden.registry.sites import OutletMedium, Site, SiteKind
from ecowarden.services.devices import add_device
from ecowarden.store.database import Store

# Flag=5: HJ 212-2017 (version bits 000001) with the answer bit set (§6.3.2, C.14).
UPLOAD_FLAG: Final = 5
# Flags other than N that devices send (HJ 212-2017 Table 8), with their relative frequency.
ABNORMAL_FLAGS: Final = (
    (DataFlag.FAULT, 0.25),
    (DataFlag.MAINTENANCE, 0.25),
    (DataFlag.CALIBRATION, 0.2),
    (DataFlag.OVER_RANGE, 0.1),
    (DataFlag.STOPPED, 0.1),
    (DataFlag.COMMUNICATION_FAULT, 0.1),
)


@dataclass(frozen=True, slots=True)
class ParameterModel:
    """How one parameter of a site behaves.

    Attributes
    ----------
    code : str
        HJ 212-2017 code.
    level : float
        Typical value, in the parameter's unit.
    spread : float
        Relative standard deviation of minute values around the cycle (absolute for pH).
    decimals : int
        Digits after the point on the wire.
    cycle : float
        Relative amplitude of the daily cycle.
    peak_hour : float
        Local hour of the cycle's maximum.
    value_field : str
        ``Avg`` for statistics, ``Data`` for noise (C.26-C.28).
    converted : bool
        Also send ``Zs`` values converted to the reference O2 (flue-gas pollutants).
    amount_per_minute : float
        Factor from the mean to the ``Cou`` amount of a minute (flows), 0 for none.
    absolute_spread : bool
        ``spread`` is in the parameter's unit (pH), not relative.
    """

    code: str
    level: float
    spread: float
    decimals: int
    cycle: float = 0.1
    peak_hour: float = 14.0
    value_field: str = "Avg"
    converted: bool = False
    amount_per_minute: float = 0.0
    absolute_spread: bool = False


# Site profiles: system code ST (HJ 212-2017 Table 5) and the parameters a station of the kind
# reports, at typical levels of a county (units of the parameter vocabulary).
GAS_OUTLET: Final = (
    "31",
    (
        ParameterModel("a21026", 35.0, 0.25, 2, converted=True),  # SO2 [mg/m³]
        ParameterModel("a21002", 80.0, 0.2, 1, converted=True),  # NOx [mg/m³]
        ParameterModel("a34013", 8.0, 0.3, 1, converted=True),  # particulate matter [mg/m³]
        ParameterModel("a19001", 10.5, 0.05, 1, cycle=0.02),  # O2 [%]
        ParameterModel("a01012", 95.0, 0.03, 1, cycle=0.02),  # flue temperature [°C]
        ParameterModel("a00000", 25.0, 0.08, 1, amount_per_minute=60.0),  # flow [m³/s]
    ),
)
WATER_OUTLET: Final = (
    "32",
    (
        ParameterModel("w01018", 30.0, 0.2, 1),  # COD [mg/L]
        ParameterModel("w21003", 2.0, 0.3, 2),  # NH3-N [mg/L]
        ParameterModel("w01001", 7.2, 0.15, 2, cycle=0.0, absolute_spread=True),  # pH
        ParameterModel("w00000", 15.0, 0.1, 2, amount_per_minute=0.06),  # flow [L/s] -> m³
    ),
)
AIR_STATION: Final = (
    "22",
    (
        ParameterModel("a34004", 35.0, 0.2, 0, cycle=0.2, peak_hour=8.0),  # PM2.5 [µg/m³]
        ParameterModel("a34002", 60.0, 0.2, 0, cycle=0.2, peak_hour=8.0),  # PM10 [µg/m³]
        ParameterModel("a21026", 8.0, 0.25, 0),  # SO2 [µg/m³]
        ParameterModel("a21004", 25.0, 0.25, 0, cycle=0.3, peak_hour=20.0),  # NO2 [µg/m³]
        ParameterModel("a21005", 0.6, 0.2, 2),  # CO [mg/m³]
        ParameterModel("a05024", 80.0, 0.2, 0, cycle=0.5, peak_hour=15.0),  # O3 [µg/m³]
    ),
)
WATER_SECTION: Final = (
    "21",
    (
        ParameterModel("w01001", 7.6, 0.1, 2, cycle=0.0, absolute_spread=True),  # pH
        ParameterModel("w01009", 7.5, 0.08, 2, cycle=0.1),  # dissolved oxygen [mg/L]
        ParameterModel("w01019", 3.5, 0.1, 1),  # permanganate index [mg/L]
        ParameterModel("w21003", 0.4, 0.2, 3),  # NH3-N [mg/L]
        ParameterModel("w21011", 0.08, 0.2, 3),  # total phosphorus [mg/L]
        ParameterModel("w01010", 18.0, 0.05, 1, cycle=0.05),  # water temperature [°C]
    ),
)
NOISE_STATION: Final = (
    "23",
    tuple(
        ParameterModel(code, level, 0.04, 1, cycle=0.08, value_field="Data")
        for code, level in (
            ("Leq", 55.0),
            ("L10", 58.0),
            ("L50", 52.0),
            ("L90", 47.0),
            ("LMx", 72.0),
            ("LMn", 42.0),
        )
    ),
)


def site_profile(site: Site) -> tuple[str, tuple[ParameterModel, ...]]:
    """The ST and parameter models of a device reporting ``site``."""
    if site.kind is SiteKind.OUTLET:
        return GAS_OUTLET if site.outlet_medium is OutletMedium.GAS else WATER_OUTLET
    if site.kind is SiteKind.AIR_STATION:
        return AIR_STATION
    if site.kind is SiteKind.NOISE_STATION:
        return NOISE_STATION
    return WATER_SECTION


@dataclass(frozen=True, slots=True)
class VirtualDevice:
    """A simulated data logger: its MN and PW, the site it reports, what it sends."""

    mn: str
    password: str
    site: str
    st: str
    parameters: tuple[ParameterModel, ...]


def virtual_device(site: Site, index: int, seed: int) -> VirtualDevice:
    """The virtual device of ``site``: MN ``SIM`` + index + hash, a password of its own."""
    digest = hashlib.sha256(f"{seed}:{site.code}".encode()).hexdigest()
    st, parameters = site_profile(site)
    return VirtualDevice(
        mn=f"SIM{index:05d}{digest[:12].upper()}",
        password=f"Sim{digest[12:28]}",
        site=site.code,
        st=st,
        parameters=parameters,
    )


def plan_devices(store: Store, count: int, *, seed: int = 212) -> list[VirtualDevice]:
    """``count`` virtual devices for the first ``count`` sites of the registry (by code).

    Raises
    ------
    ValidationError
        When the registry has fewer sites than ``count`` (two devices reporting one site would
        contradict each other's readings).
    """
    with store.snapshot() as transaction:
        sites = transaction.registry.sites()
    if count < 1 or count > len(sites):
        raise ValidationError(
            f"{count} virtual devices asked for; the registry has {len(sites)} sites "
            "(one device per site)"
        )
    return [virtual_device(site, index, seed) for index, site in enumerate(sites[:count])]


def register_devices(
    store: Store,
    devices: Sequence[VirtualDevice],
    *,
    actor: str,
    password_hash: Callable[[str], str] | None = None,
) -> None:
    """Register the virtual devices in the registry (audited; unchanged when already there).

    ``password_hash`` replaces the Argon2id hashing of ``services.devices`` (tests use cheaper
    Argon2id parameters; the gateway verifies any Argon2id PHC string).
    """
    if password_hash is None:
        for device in devices:
            add_device(store, mn=device.mn, password=device.password, site=device.site, actor=actor)
        return
    with store.transaction() as transaction:
        for device in devices:
            transaction.registry.save_device(
                Device(device.mn, device.site, password_hash(device.password))
            )


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """How the virtual devices behave.

    Attributes
    ----------
    host, port : str, int
        The gateway.
    speedup : float
        Simulated seconds per wall second.
    duration_s : float
        Wall time during which new data is produced [s].
    drain_s : float
        Wall time after ``duration_s`` to get the last packets answered [s].
    answer_timeout_s : float
        ``OverTime``: wait for a 9014 before resending [s] (Table 1: 10 s on mobile links).
    resends : int
        ``ReCount``: resends before the link is considered unusable (Table 1: 3).
    window : int
        Packets a device has sent and not yet seen answered.
    max_packets : int or None
        Data packets per device at most (None: as many as ``duration_s`` gives).
    hourly, daily : bool
        Send 2061 and 2031 at hour and day boundaries.
    flag_probability : float
        Chance that a value carries a flag other than N.
    fragment_probability : float
        Chance that a packet is written in 2-4 pieces.
    duplicate_probability : float
        Chance that a packet is written twice at once.
    malformed_probability : float
        Chance that a corrupted copy or garbage precedes a packet.
    reconnect_s : tuple of float
        First and longest wait before reconnecting [s].
    seed : int
        Seed of every random choice.
    """

    host: str = "127.0.0.1"
    port: int = 9212
    speedup: float = 1.0
    duration_s: float = 60.0
    drain_s: float = 30.0
    answer_timeout_s: float = 10.0
    resends: int = 3
    window: int = 1
    max_packets: int | None = None
    hourly: bool = True
    daily: bool = True
    flag_probability: float = 0.02
    fragment_probability: float = 0.05
    duplicate_probability: float = 0.02
    malformed_probability: float = 0.01
    reconnect_s: tuple[float, float] = (0.1, 2.0)
    seed: int = 212

    def __post_init__(self) -> None:
        for name in ("speedup", "duration_s", "answer_timeout_s"):
            if not getattr(self, name) > 0:
                raise ValidationError(f"simulator {name}={getattr(self, name)} must be > 0")
        if self.drain_s < 0 or self.resends < 0 or self.window < 1:
            raise ValidationError(
                f"simulator drain_s={self.drain_s}, resends={self.resends}, window={self.window}:"
                " need drain_s >= 0, resends >= 0, window >= 1"
            )
        for name in (
            "flag_probability",
            "fragment_probability",
            "duplicate_probability",
            "malformed_probability",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValidationError(f"simulator {name}={getattr(self, name)} outside 0..1")


@dataclass(frozen=True, slots=True)
class AckedPacket:
    """A data packet a device saw answered with 9014."""

    mn: str
    site: str
    cn: int
    data_time: dt.datetime
    codes: tuple[str, ...]


@dataclass
class Ledger:
    """What the virtual devices sent and which packets were acknowledged (Jepsen-style).

    ``acked`` is the client-side ledger; ``reading_keys`` turns it into the readings that must
    be stored: (site, parameter, period command, interval start in Unix seconds).
    """

    acked: dict[tuple[str, str], AckedPacket] = field(default_factory=dict)
    packets_sent: int = 0
    writes: int = 0
    resends: int = 0
    duplicates: int = 0
    fragmented: int = 0
    malformed: int = 0
    answers: int = 0
    reconnects: int = 0
    requests_answered: int = 0
    unanswered: int = 0

    def reading_keys(self) -> set[tuple[str, str, int, int]]:
        """Every (site, parameter, period command, start_s) whose packet was acknowledged."""
        return {
            (packet.site, code, packet.cn, int(packet.data_time.timestamp()))
            for packet in self.acked.values()
            for code in packet.codes
        }


@dataclass(slots=True)
class _Outgoing:
    qn: str
    packet: bytes
    acked: AckedPacket
    attempts: int = 0
    deadline: float = 0.0


class _DeviceRun:
    """One virtual device: its clock, values, backlog and connection."""

    def __init__(
        self,
        device: VirtualDevice,
        config: SimulatorConfig,
        ledger: Ledger,
        rng: np.random.Generator,
        sim_start: dt.datetime,
    ) -> None:
        self.device = device
        self.config = config
        self.ledger = ledger
        self.rng = rng
        self.sim_start = sim_start
        self.backlog: deque[_Outgoing] = deque()
        self.in_flight: dict[str, _Outgoing] = {}
        # The first whole minute at or after the start of the simulated span.
        first = math.ceil(sim_start.timestamp() / 60) * 60
        self.next_minute = dt.datetime.fromtimestamp(first, dt.UTC)
        self.walk = np.zeros(len(device.parameters))
        self.minutes: list[np.ndarray] = []
        self.hours: list[np.ndarray] = []
        self.produced = 0
        self.qn_counter = 0
        self.answered = asyncio.Event()

    # -- data --------------------------------------------------------------------------------

    def produce(self, sim_now: dt.datetime) -> None:
        """Packets for every simulated minute (hour, day) that has ended by ``sim_now``."""
        config = self.config
        while self.next_minute + dt.timedelta(minutes=1) <= sim_now:
            if config.max_packets is not None and self.produced >= config.max_packets:
                return
            start = self.next_minute
            self.next_minute += dt.timedelta(minutes=1)
            values = self._minute_values(start)
            self.minutes.append(values)
            self._queue(Command.MINUTE_DATA, start, values, sim_now)
            end = start + dt.timedelta(minutes=1)
            local = end.astimezone(LOCAL_TZ)
            if local.minute == 0 and self.minutes:
                hour_values = np.mean(self.minutes, axis=0)
                self.minutes.clear()
                self.hours.append(hour_values)
                if config.hourly:
                    self._queue(
                        Command.HOURLY_DATA, end - dt.timedelta(hours=1), hour_values, sim_now
                    )
                if local.hour == 0 and self.hours:
                    day_values = np.mean(self.hours, axis=0)
                    self.hours.clear()
                    if config.daily:
                        self._queue(
                            Command.DAILY_DATA, end - dt.timedelta(days=1), day_values, sim_now
                        )

    def _minute_values(self, start: dt.datetime) -> np.ndarray:
        hour = start.astimezone(LOCAL_TZ).hour + start.minute / 60
        values = np.empty(len(self.device.parameters))
        for index, model in enumerate(self.device.parameters):
            # A slow random walk (weather, load) plus minute noise around the daily cycle.
            self.walk[index] = 0.98 * self.walk[index] + 0.2 * self.rng.normal()
            cycle = 1 + model.cycle * math.cos(2 * math.pi * (hour - model.peak_hour) / 24)
            if model.absolute_spread:
                value = model.level + model.spread * (self.walk[index] + self.rng.normal())
            else:
                noise = model.spread * (0.5 * self.walk[index] + self.rng.normal())
                value = model.level * cycle * (1 + noise)
            values[index] = max(value, 0.0)
        return values

    def _queue(
        self, cn: Command, start: dt.datetime, values: np.ndarray, sim_now: dt.datetime
    ) -> None:
        cp: dict[str, str] = {"DataTime": format_time(start)}
        codes = []
        for model, value in zip(self.device.parameters, values, strict=True):
            flag = self._flag()
            text = f"{value:.{model.decimals}f}"
            code = model.code
            codes.append(code)
            if model.value_field == "Data":
                cp[f"{code}-Data"] = text
            else:
                low = f"{value * (1 - 0.5 * model.spread):.{model.decimals}f}"
                high = f"{value * (1 + 0.5 * model.spread):.{model.decimals}f}"
                cp[f"{code}-Min"] = low
                cp[f"{code}-Avg"] = text
                cp[f"{code}-Max"] = high
                if model.converted:
                    # Converted to the reference O2 (HJ 212-2017 D.2.3), here a 1.2 factor.
                    cp[f"{code}-ZsMin"] = f"{float(low) * 1.2:.{model.decimals}f}"
                    cp[f"{code}-ZsAvg"] = f"{float(text) * 1.2:.{model.decimals}f}"
                    cp[f"{code}-ZsMax"] = f"{float(high) * 1.2:.{model.decimals}f}"
                if model.amount_per_minute:
                    minutes = {Command.MINUTE_DATA: 1, Command.HOURLY_DATA: 60}.get(cn, 1440)
                    cp[f"{code}-Cou"] = f"{value * model.amount_per_minute * minutes:.1f}"
            cp[f"{code}-Flag"] = flag
        self.qn_counter += 1
        # QN: the send time, one millisecond further per packet, so that it is unique per device.
        stamp = sim_now.replace(microsecond=0) + dt.timedelta(milliseconds=self.qn_counter)
        qn = make_qn(stamp)
        frame = make_frame(
            int(cn),
            self.device.mn,
            st=self.device.st,
            pw=self.device.password,
            qn=qn,
            flag=UPLOAD_FLAG,
            cp=cp,
        )
        acked = AckedPacket(self.device.mn, self.device.site, int(cn), start, tuple(codes))
        self.backlog.append(_Outgoing(qn, encode(frame), acked))
        self.produced += 1

    def _flag(self) -> str:
        if self.rng.random() >= self.config.flag_probability:
            return DataFlag.NORMAL.value
        flags = [flag.value for flag, _ in ABNORMAL_FLAGS]
        weights = [weight for _, weight in ABNORMAL_FLAGS]
        return str(self.rng.choice(flags, p=weights))

    # -- link --------------------------------------------------------------------------------

    async def write(self, writer: asyncio.StreamWriter, outgoing: _Outgoing) -> None:
        """Write a packet the way this device does (maybe fragmented, doubled, after junk)."""
        config = self.config
        rng = self.rng
        ledger = self.ledger
        packet = outgoing.packet
        if rng.random() < config.malformed_probability:
            ledger.malformed += 1
            writer.write(_corrupted(packet, rng))
        copies = 2 if rng.random() < config.duplicate_probability else 1
        ledger.duplicates += copies - 1
        for _ in range(copies):
            if rng.random() < config.fragment_probability:
                ledger.fragmented += 1
                cuts = sorted(rng.choice(np.arange(1, len(packet)), size=3, replace=False))
                pieces = np.split(np.frombuffer(packet, dtype=np.uint8), cuts)
                for piece in pieces:
                    writer.write(piece.tobytes())
                    await writer.drain()
                    await asyncio.sleep(0.001)
            else:
                writer.write(packet)
            ledger.writes += 1
        await writer.drain()

    def handle(self, frame: Frame, writer: asyncio.StreamWriter) -> None:
        """React to a frame from the platform: a 9014 acknowledges, a request is executed."""
        if frame.cn == Command.DATA_ANSWER:
            outgoing = self.in_flight.pop(frame.qn or "", None)
            self.ledger.answers += 1
            if outgoing is not None:
                self.ledger.acked[(self.device.mn, outgoing.qn)] = outgoing.acked
                self.answered.set()
            return
        if frame.needs_ack and frame.mn == self.device.mn:
            writer.write(encode(request_answer(frame)))
            writer.write(encode(execution_result(frame)))
            self.ledger.requests_answered += 1


def _corrupted(packet: bytes, rng: np.random.Generator) -> bytes:
    """A bad copy of ``packet``: one byte of its data segment changed (the CRC detects every
    single-byte change, hj212-protocol.md §2.3), or a run of garbage bytes."""
    if rng.random() < 0.5:
        return bytes(rng.integers(32, 127, size=int(rng.integers(5, 60)), dtype=np.uint8))
    data = bytearray(packet)
    position = int(rng.integers(6, len(packet) - 8))
    data[position] = (data[position] + int(rng.integers(1, 255))) % 256
    if data[position] in b"#&":
        data[position] = ord("~")
    return bytes(data)


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """The outcome of a run: the ledger and how many packets were still unanswered."""

    ledger: Ledger
    devices: int
    unanswered: int


class Simulation:
    """Run virtual devices against a gateway.

    Parameters
    ----------
    devices : sequence of VirtualDevice
        The devices.
    config : SimulatorConfig
        Behaviour.
    ledger : Ledger, optional
        A ledger to extend (runs after a gateway restart share one).
    """

    def __init__(
        self,
        devices: Sequence[VirtualDevice],
        config: SimulatorConfig,
        *,
        ledger: Ledger | None = None,
    ) -> None:
        self.devices = list(devices)
        self.config = config
        self.ledger = ledger or Ledger()
        self._stop = asyncio.Event()
        self._runs: list[_DeviceRun] = []

    def stop(self) -> None:
        """Ask every device to stop producing and return (unanswered packets stay unanswered)."""
        self._stop.set()

    @property
    def pending(self) -> int:
        """Packets produced and not yet answered, over all devices."""
        return sum(len(run.backlog) + len(run.in_flight) for run in self._runs)

    async def run(self) -> SimulationReport:
        """Run until the duration and the drain time have passed, or until :meth:`stop`."""
        loop = asyncio.get_running_loop()
        config = self.config
        wall_now = dt.datetime.now(dt.UTC)
        sim_start = wall_now - dt.timedelta(seconds=config.duration_s * config.speedup)
        seeds = np.random.SeedSequence(config.seed).spawn(len(self.devices))
        self._runs = [
            _DeviceRun(device, config, self.ledger, np.random.default_rng(seed), sim_start)
            for device, seed in zip(self.devices, seeds, strict=True)
        ]
        started = loop.time()
        await asyncio.gather(*(self._device(run, started, sim_start) for run in self._runs))
        unanswered = self.pending
        self.ledger.unanswered = unanswered
        return SimulationReport(self.ledger, len(self.devices), unanswered)

    async def _device(self, run: _DeviceRun, started: float, sim_start: dt.datetime) -> None:
        config = self.config
        loop = asyncio.get_running_loop()
        give_up = started + config.duration_s + config.drain_s
        # The logger keeps measuring while its link is down: data is produced on its own clock
        # and waits in the backlog (补传 after reconnecting).
        producing = asyncio.create_task(self._produce(run, started, sim_start))
        backoff = config.reconnect_s[0]
        try:
            while not self._stop.is_set() and loop.time() < give_up:
                try:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(config.host, config.port), timeout=5.0
                    )
                except (OSError, TimeoutError):
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, config.reconnect_s[1])
                    continue
                backoff = config.reconnect_s[0]
                try:
                    done = await self._session(run, reader, writer, producing, give_up)
                finally:
                    writer.close()
                    # What was not answered goes back to the backlog, oldest first (补传).
                    for outgoing in sorted(
                        run.in_flight.values(), key=lambda o: o.qn, reverse=True
                    ):
                        outgoing.attempts = 0
                        run.backlog.appendleft(outgoing)
                    run.in_flight.clear()
                if done:
                    return
                self.ledger.reconnects += 1
                await asyncio.sleep(backoff)
        finally:
            producing.cancel()

    async def _produce(self, run: _DeviceRun, started: float, sim_start: dt.datetime) -> None:
        config = self.config
        loop = asyncio.get_running_loop()
        tick = min(0.05, max(0.001, 60.0 / config.speedup / 4))
        while not self._stop.is_set():
            elapsed = min(loop.time() - started, config.duration_s)
            run.produce(sim_start + dt.timedelta(seconds=elapsed * config.speedup))
            run.answered.set()  # wake the sender
            if elapsed >= config.duration_s:
                return
            await asyncio.sleep(tick)

    async def _session(
        self,
        run: _DeviceRun,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        producing: asyncio.Task[None],
        give_up: float,
    ) -> bool:
        """Talk on one connection; True when the device is done, False to reconnect."""
        config = self.config
        loop = asyncio.get_running_loop()
        decoder = Decoder()
        receiving = asyncio.create_task(self._receive(run, reader, writer, decoder))
        try:
            while not self._stop.is_set() and loop.time() < give_up:
                if receiving.done():
                    return False  # the gateway closed the connection
                if producing.done() and not run.backlog and not run.in_flight:
                    return True
                now = loop.time()
                for outgoing in list(run.in_flight.values()):
                    if outgoing.deadline > now:
                        continue
                    if outgoing.attempts > config.resends:
                        return False  # the link is unusable: reconnect, send again later
                    outgoing.attempts += 1
                    outgoing.deadline = now + config.answer_timeout_s
                    self.ledger.resends += 1
                    await run.write(writer, outgoing)
                while run.backlog and len(run.in_flight) < config.window:
                    outgoing = run.backlog.popleft()
                    outgoing.attempts = 1
                    outgoing.deadline = loop.time() + config.answer_timeout_s
                    run.in_flight[outgoing.qn] = outgoing
                    self.ledger.packets_sent += 1
                    await run.write(writer, outgoing)
                run.answered.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(run.answered.wait(), 0.05)
            return self._stop.is_set() or loop.time() >= give_up
        except (ConnectionError, OSError):
            return False
        finally:
            receiving.cancel()

    async def _receive(
        self,
        run: _DeviceRun,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        decoder: Decoder,
    ) -> None:
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                for event in decoder.feed(chunk):
                    if not isinstance(event, ProtocolError):
                        run.handle(event, writer)
        except (ConnectionError, OSError):
            return
