"""What the gateway tests share: a registry with devices, an in-process gateway on an ephemeral
port, a raw device client, packet builders and readers of what was stored.

Device passwords are hashed with Argon2id at the lowest cost (m = 8 KiB, t = 1) so that tests
stay fast; the gateway verifies any Argon2id PHC string the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any, Final, TypeVar

from argon2 import PasswordHasher, Type
from sqlalchemy import text

from ecowarden.hj212 import LOCAL_TZ, Decoder, Frame, ProtocolError, encode, format_time, make_frame
from ecowarden.ingest.gateway import Gateway, GatewayConfig
from ecowarden.ingest.limits import GatewayLimits
from ecowarden.ingest.simulator import VirtualDevice, plan_devices, register_devices
from ecowarden.registry.enterprises import Enterprise, ManagementCategory
from ecowarden.registry.sites import Location, OutletMedium, Site, SiteKind
from ecowarden.store.database import Store

REFERENCE: Final = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
CHEAP_HASHER: Final = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
CREDIT_CODE: Final = "91350100M000100Y43"
# A minute that begins an interval (HJ 212 DataTime = start of the period): 2026-01-05 08:00.
T0: Final = dt.datetime(2026, 1, 5, 8, 0, tzinfo=LOCAL_TZ)
QUICK_LIMITS: Final = GatewayLimits(group_max_delay_s=0.002)
T = TypeVar("T")


def add_outlets(store: Store, count: int) -> None:
    """An enterprise and ``count`` outlets ``DA000``…, gas and water in turn."""
    with store.transaction() as transaction:
        transaction.registry.save_enterprise(
            Enterprise(CREDIT_CODE, "测试化工有限公司", ManagementCategory.KEY)
        )
        for index in range(count):
            transaction.registry.save_site(
                Site(
                    code=f"DA{index:03d}",
                    name=f"排放口{index}",
                    kind=SiteKind.OUTLET,
                    location=Location(118.0, 30.0),
                    enterprise=CREDIT_CODE,
                    outlet_medium=OutletMedium.GAS if index % 2 == 0 else OutletMedium.WATER,
                )
            )


def registered_devices(store: Store, count: int, *, seed: int = 7) -> list[VirtualDevice]:
    """``count`` outlets, each with a registered virtual device (cheap Argon2id hashes)."""
    add_outlets(store, count)
    devices = plan_devices(store, count, seed=seed)
    register_devices(store, devices, actor="test", password_hash=CHEAP_HASHER.hash)
    return devices


def gateway_config(**overrides: Any) -> GatewayConfig:
    """A gateway on an ephemeral port with commits grouped over 2 ms; ``limits=`` fields may be
    given as ``limit_<name>=``."""
    limit_fields = {
        k.removeprefix("limit_"): v for k, v in overrides.items() if k.startswith("limit_")
    }
    rest = {k: v for k, v in overrides.items() if not k.startswith("limit_")}
    return GatewayConfig(port=0, limits=replace(QUICK_LIMITS, **limit_fields), **rest)


@asynccontextmanager
async def running_gateway(
    store: Store, config: GatewayConfig | None = None, **kwargs: Any
) -> AsyncIterator[Gateway]:
    """A started gateway (with a Prometheus endpoint), stopped on exit."""
    gateway = Gateway(store, config or gateway_config(), **kwargs)
    await gateway.start(stats_port=0)
    try:
        yield gateway
    finally:
        await gateway.stop()


def upload(
    device: VirtualDevice,
    start: dt.datetime = T0,
    *,
    cn: int = 2051,
    qn: str | None = None,
    values: Mapping[str, str] | None = None,
    flag: int | None = 5,
    password: str | None = None,
    mn: str | None = None,
    tail: bytes = b"\r\n",
) -> bytes:
    """A data upload of ``device`` for the interval starting at ``start``: ``Avg`` and flag N of
    each of its parameters (``values`` overrides texts by code)."""
    cp = {"DataTime": format_time(start)}
    for model in device.parameters:
        text_value = (values or {}).get(model.code, f"{model.level:.{model.decimals}f}")
        cp[f"{model.code}-{model.value_field}"] = text_value
        cp[f"{model.code}-Flag"] = "N"
    frame = make_frame(
        cn,
        mn or device.mn,
        st=device.st,
        pw=device.password if password is None else password,
        qn=qn or f"{format_time(start)}{cn % 1000:03d}",
        flag=flag,
        cp=cp,
    )
    return encode(frame, tail=tail)


class DeviceClient:
    """A raw TCP client: write bytes, read what the gateway sends back as frames."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.decoder = Decoder()
        self.frames: list[Frame] = []

    @classmethod
    async def connect(cls, port: int) -> DeviceClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def receive(self, count: int, timeout_s: float = 5.0) -> list[Frame]:
        """Frames received so far, waiting up to ``timeout_s`` until there are ``count``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(self.frames) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                chunk = await asyncio.wait_for(self.reader.read(65536), remaining)
            except TimeoutError:
                break
            if not chunk:
                break
            for event in self.decoder.feed(chunk):
                assert not isinstance(event, ProtocolError), event
                self.frames.append(event)
        return list(self.frames)

    async def closed_by_peer(self, timeout_s: float = 5.0) -> bool:
        """Whether the gateway closes the connection within ``timeout_s``."""
        try:
            while True:
                chunk = await asyncio.wait_for(self.reader.read(65536), timeout_s)
                if not chunk:
                    return True
        except TimeoutError:
            return False
        except ConnectionError:
            return True

    async def close(self) -> None:
        self.writer.close()
        with suppress(ConnectionError):
            await self.writer.wait_closed()


def rows(store: Store, sql: str, parameters: Mapping[str, object] | None = None) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(text(sql), dict(parameters or {})).all())


def stored_keys(store: Store) -> set[tuple[str, str, int, int]]:
    """(site, parameter, period command, start_s) of every stored reading."""
    found = rows(
        store,
        "SELECT s.code, p.code, r.period, r.start_s FROM readings r "
        "JOIN sites s ON s.id = r.site_id JOIN parameters p ON p.id = r.parameter_id",
    )
    return {(str(a), str(b), int(c), int(d)) for a, b, c, d in found}


def count(store: Store, table: str) -> int:
    return int(rows(store, f"SELECT count(*) FROM {table}")[0][0])


def refusals(store: Store) -> list[str | None]:
    """The refusal column of the raw archive, in archive order (None: accepted)."""
    return [row[0] for row in rows(store, "SELECT refusal FROM raw_packets ORDER BY id")]


def keys_of(
    device: VirtualDevice, starts: Sequence[dt.datetime], cn: int = 2051
) -> set[tuple[str, str, int, int]]:
    """The reading keys ``upload`` gives for ``device`` at ``starts``."""
    return {
        (device.site, model.code, cn, int(start.timestamp()))
        for start in starts
        for model in device.parameters
    }


async def wait_for(condition: Any, timeout_s: float = 5.0) -> bool:
    """Poll ``condition()`` every 10 ms until it holds or ``timeout_s`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.01)
    return bool(condition())


def minute(offset: int) -> dt.datetime:
    """T0 plus ``offset`` minutes."""
    return T0 + dt.timedelta(minutes=offset)


def local(text_value: str) -> dt.datetime:
    """``YYYYMMDDhhmmss`` as an aware Asia/Shanghai datetime."""
    return dt.datetime.strptime(text_value, "%Y%m%d%H%M%S").replace(tzinfo=LOCAL_TZ)


class LoopThread:
    """An event loop running in a thread, for tests that drive async code step by step
    (Hypothesis state machines, CLI commands beside a running gateway)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout_s: float = 20.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout_s)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5.0)
        self.loop.close()
