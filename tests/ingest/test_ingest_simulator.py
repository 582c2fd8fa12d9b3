"""The virtual devices: realistic values and flags, hour data from minute data, resends after a
missing answer (HJ 212-2017 §6.2 Table 1), fragmented and malformed writes, request answers."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from ecowarden.errors import ValidationError
from ecowarden.hj212 import (
    LOCAL_TZ,
    CommandTarget,
    Decoder,
    Frame,
    ProtocolError,
    data_answer,
    encode,
    set_time,
)
from ecowarden.ingest.simulator import (
    AIR_STATION,
    GAS_OUTLET,
    NOISE_STATION,
    WATER_OUTLET,
    WATER_SECTION,
    Ledger,
    Simulation,
    SimulatorConfig,
    VirtualDevice,
    _DeviceRun,
    plan_devices,
    site_profile,
    virtual_device,
)
from ecowarden.registry.devices import check_device_password, check_mn
from ecowarden.registry.readings import FLAG_CODES
from ecowarden.registry.sites import (
    Location,
    NoiseZone,
    OutletMedium,
    Site,
    SiteKind,
    WaterBody,
    WaterClass,
)
from ecowarden.store import Store

GAS_SITE = Site(
    "DA001",
    "排放口",
    SiteKind.OUTLET,
    Location(118.0, 30.0),
    enterprise="91350100M000100Y43",
    outlet_medium=OutletMedium.GAS,
)
QUIET = SimulatorConfig(
    speedup=600.0,
    duration_s=1.0,
    drain_s=5.0,
    answer_timeout_s=0.2,
    resends=2,
    flag_probability=0.0,
    fragment_probability=0.0,
    duplicate_probability=0.0,
    malformed_probability=0.0,
    hourly=False,
    daily=False,
    max_packets=3,
    reconnect_s=(0.05, 0.2),
)


def day_of_packets(device: VirtualDevice, config: SimulatorConfig) -> list[Frame]:
    """The packets one device produces over a simulated local day (2026-01-05)."""
    start = dt.datetime(2026, 1, 5, tzinfo=LOCAL_TZ)
    run = _DeviceRun(device, config, Ledger(), np.random.default_rng(config.seed), start)
    run.produce(start + dt.timedelta(days=1))
    decoder = Decoder()
    frames = [e for o in run.backlog for e in decoder.feed(o.packet)]
    assert not [e for e in frames if isinstance(e, ProtocolError)]
    return [f for f in frames if isinstance(f, Frame)]


@pytest.mark.parametrize(
    ("kind", "profile", "bounds"),
    [
        # (code, low, high) of every minute Avg/Data: plausible ranges around typical levels.
        (SiteKind.OUTLET, GAS_OUTLET, {"a19001": (5.0, 16.0), "a21026": (0.0, 120.0)}),
        (SiteKind.AIR_STATION, AIR_STATION, {"a34004": (0.0, 120.0), "a05024": (0.0, 300.0)}),
        (SiteKind.WATER_SECTION, WATER_SECTION, {"w01001": (6.0, 9.0), "w01009": (4.0, 11.0)}),
        (SiteKind.NOISE_STATION, NOISE_STATION, {"Leq": (35.0, 75.0)}),
    ],
)
def test_values_are_realistic(
    kind: SiteKind, profile: tuple[str, object], bounds: dict[str, tuple[float, float]]
) -> None:
    fields = {
        SiteKind.NOISE_STATION: {"noise_zone": NoiseZone.CLASS_2},
        SiteKind.WATER_SECTION: {"water_body": WaterBody.RIVER, "target_class": WaterClass.III},
        SiteKind.OUTLET: {"enterprise": "91350100M000100Y43", "outlet_medium": OutletMedium.GAS},
    }.get(kind, {})
    site = Site("S1", "点位", kind, Location(118.0, 30.0), **fields)  # type: ignore[arg-type]
    device = virtual_device(site, 0, seed=1)
    assert (device.st, device.parameters) == profile
    config = replace(QUIET, flag_probability=0.02, hourly=True, daily=True, max_packets=None)
    frames = day_of_packets(device, config)
    minutes = [f for f in frames if f.cn == 2051]
    hours = [f for f in frames if f.cn == 2061]
    days = [f for f in frames if f.cn == 2031]
    # 1440 minutes, 24 hours and one day (00:00 of the next day closes them).
    assert (len(minutes), len(hours), len(days)) == (1440, 24, 1)
    for code, (low, high) in bounds.items():
        field = "Data" if kind is SiteKind.NOISE_STATION else "Avg"
        values = [float(f.cp[f"{code}-{field}"]) for f in minutes]
        assert low <= min(values), (code, min(values))
        assert max(values) <= high, (code, max(values))
    flags = [v for f in minutes for k, v in f.cp.items() if k.endswith("-Flag")]
    assert set(flags) <= set(FLAG_CODES)
    # flag_probability 0.02 over 1440 x parameters values: between 1 % and 3 % are not N.
    share = sum(flag != "N" for flag in flags) / len(flags)
    assert 0.01 < share < 0.03


def test_hour_data_is_the_mean_of_its_minutes() -> None:
    device = virtual_device(GAS_SITE, 0, seed=2)
    config = replace(QUIET, hourly=True, max_packets=None)
    frames = day_of_packets(device, config)
    first_hour = frames[:60]
    hour = next(f for f in frames if f.cn == 2061)
    assert hour.data_time == dt.datetime(2026, 1, 5, 0, 0, tzinfo=LOCAL_TZ)
    assert [f.data_time.minute for f in first_hour if f.data_time] == list(range(60))
    # Avg of the hour = mean of the 60 minute values (each written with 2 decimals for SO2).
    minute_mean = sum(float(f.cp["a21026-Avg"]) for f in first_hour) / 60
    assert abs(float(hour.cp["a21026-Avg"]) - minute_mean) <= 0.01
    # Flow amounts: Cou of a minute = mean flow [m³/s] x 60 s.
    flow = first_hour[0]
    assert abs(float(flow.cp["a00000-Cou"]) - float(flow.cp["a00000-Avg"]) * 60) <= 0.1 * 60


class FakePlatform:
    """A TCP server that decodes what devices send and answers with ``respond``."""

    def __init__(self, respond: Callable[[Frame, int], list[bytes]]) -> None:
        self.respond = respond
        self.frames: list[Frame] = []
        self.refusals: list[str] = []
        self.reads = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        decoder = Decoder()
        while chunk := await reader.read(65536):
            self.reads += 1
            for event in decoder.feed(chunk):
                if isinstance(event, ProtocolError):
                    self.refusals.append(event.reason)
                    continue
                self.frames.append(event)
                for reply in self.respond(event, len(self.frames)):
                    writer.write(reply)
        writer.close()

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


def run_against(platform: FakePlatform, config: SimulatorConfig) -> Ledger:
    device = virtual_device(GAS_SITE, 0, seed=4)

    async def scenario() -> Ledger:
        port = await platform.start()
        report = await Simulation([device], replace(config, port=port)).run()
        await platform.stop()
        return report.ledger

    return asyncio.run(scenario())


def test_a_missing_answer_makes_the_device_resend_the_same_bytes() -> None:
    seen: set[str] = set()

    def answer_second_copy(frame: Frame, _: int) -> list[bytes]:
        if frame.cn != 2051 or frame.qn in seen:
            return [encode(data_answer(frame))] if frame.cn == 2051 else []
        seen.add(frame.qn or "")
        return []  # the first transmission goes unanswered

    platform = FakePlatform(answer_second_copy)
    ledger = run_against(platform, QUIET)
    assert (len(ledger.acked), ledger.resends, ledger.unanswered) == (3, 3, 0)
    raws = [f.raw for f in platform.frames]
    assert len(raws) == 6
    assert raws[0::2] == raws[1::2]


def test_after_the_last_resend_the_device_reconnects_and_sends_again() -> None:
    # ReCount=2: the original + 2 resends unanswered -> the link is unusable; after
    # reconnecting the device sends the packet again (补传) and is answered.
    counts: dict[str, int] = {}

    def answer_fourth_copy(frame: Frame, _: int) -> list[bytes]:
        counts[frame.qn or ""] = counts.get(frame.qn or "", 0) + 1
        return [encode(data_answer(frame))] if counts[frame.qn or ""] >= 4 else []

    platform = FakePlatform(answer_fourth_copy)
    ledger = run_against(platform, replace(QUIET, max_packets=1))
    assert (len(ledger.acked), ledger.reconnects, ledger.unanswered) == (1, 1, 0)


def test_fragmented_duplicated_and_malformed_writes() -> None:
    platform = FakePlatform(lambda f, _: [encode(data_answer(f))] if f.cn == 2051 else [])
    config = replace(
        QUIET, fragment_probability=1.0, duplicate_probability=1.0, malformed_probability=1.0
    )
    ledger = run_against(platform, config)
    assert (ledger.fragmented, ledger.duplicates, ledger.malformed) == (6, 3, 3)
    # Every packet arrives whole (twice), each preceded by one refused copy or garbage run.
    assert len(platform.frames) == 6
    assert len(platform.refusals) == 3
    assert set(platform.refusals) <= {"garbage", "crc_mismatch", "length_mismatch"}
    assert len(ledger.acked) == 3


def test_the_device_answers_platform_requests() -> None:
    def request_once(frame: Frame, index: int) -> list[bytes]:
        replies = [encode(data_answer(frame))] if frame.cn == 2051 else []
        if index == 1:
            target = CommandTarget(frame.mn, frame.pw, frame.st)
            now = dt.datetime(2026, 1, 5, 8, tzinfo=LOCAL_TZ)
            replies.append(encode(set_time(target, "20260105080000001", now)))
        return replies

    platform = FakePlatform(request_once)
    ledger = run_against(platform, QUIET)
    answers = [(f.cn, f.qn, dict(f.cp)) for f in platform.frames if f.cn in (9011, 9012)]
    # C.1: 9011 QnRtn=1 then 9012 ExeRtn=1, both with the request's QN.
    assert answers == [
        (9011, "20260105080000001", {"QnRtn": "1"}),
        (9012, "20260105080000001", {"ExeRtn": "1"}),
    ]
    assert ledger.requests_answered == 1


def test_virtual_devices_have_registrable_identities(store: Store) -> None:
    for kind_site in (GAS_SITE, replace(GAS_SITE, code="DW1", outlet_medium=OutletMedium.WATER)):
        device = virtual_device(kind_site, 12345, seed=9)
        check_mn(device.mn)
        check_device_password(device.password)
    assert site_profile(replace(GAS_SITE, outlet_medium=OutletMedium.WATER)) == WATER_OUTLET
    with pytest.raises(ValidationError, match="the registry has 0 sites"):
        plan_devices(store, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"speedup": 0.0},
        {"window": 0},
        {"fragment_probability": 1.5},
        {"drain_s": -1.0},
    ],
)
def test_config_is_checked(change: dict[str, float]) -> None:
    with pytest.raises(ValidationError, match="simulator"):
        replace(QUIET, **change)  # type: ignore[arg-type]
