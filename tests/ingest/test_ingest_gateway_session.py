"""Session logic as a Hypothesis state machine (reliability-security.md P11): devices connect,
send, resend, send heartbeats and disconnect while the gateway restarts; after every step the
ledger of answered readings is stored, no reading is duplicated and every packet sent on an open
connection got exactly one answer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from hypothesis.strategies import integers
from ingest_harness import (
    DeviceClient,
    LoopThread,
    count,
    gateway_config,
    keys_of,
    minute,
    registered_devices,
    stored_keys,
    upload,
)

from ecowarden.hj212 import encode, make_frame
from ecowarden.ingest.gateway import Gateway
from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.store import Store
from ecowarden.store.testing import provision, sqlite_url

DEVICES = 3


class GatewaySessions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store: Store = provision(sqlite_url(Path(self.folder.name)))
        self.devices: list[VirtualDevice] = registered_devices(self.store, DEVICES)
        self.loop = LoopThread()
        self.gateway: Gateway | None = None
        self.clients: dict[int, DeviceClient] = {}
        self.next_minute = [0] * DEVICES
        self.sent: list[list[int]] = [[] for _ in range(DEVICES)]
        self.ledger: set[tuple[str, str, int, int]] = set()
        self.answers_expected = 0
        self.answers_received = 0

    @initialize()
    def start(self) -> None:
        self._start_gateway()

    def _start_gateway(self) -> None:
        async def start() -> Gateway:
            gateway = Gateway(self.store, gateway_config())
            await gateway.start()
            return gateway

        self.gateway = self.loop.run(start())

    def _exchange(self, device: int, packet: bytes, answer_cn: int) -> bool:
        client = self.clients[device]

        async def exchange() -> bool:
            before = len(client.frames)
            await client.send(packet)
            frames = await client.receive(before + 1, timeout_s=3.0)
            return len(frames) == before + 1 and frames[-1].cn == answer_cn

        self.answers_expected += 1
        answered = self.loop.run(exchange())
        self.answers_received += answered
        return answered

    @precondition(lambda self: len(self.clients) < DEVICES)
    @rule(device=integers(0, DEVICES - 1))
    def connect(self, device: int) -> None:
        if device in self.clients:
            return
        assert self.gateway is not None
        self.clients[device] = self.loop.run(DeviceClient.connect(self.gateway.port))

    @rule(device=integers(0, DEVICES - 1))
    def send(self, device: int) -> None:
        if device not in self.clients:
            return
        m = self.next_minute[device]
        self.next_minute[device] += 1
        virtual = self.devices[device]
        if self._exchange(device, upload(virtual, minute(m)), 9014):
            self.ledger |= keys_of(virtual, [minute(m)])
        self.sent[device].append(m)

    @rule(device=integers(0, DEVICES - 1), pick=integers(0, 10**6))
    def resend(self, device: int, pick: int) -> None:
        if device not in self.clients or not self.sent[device]:
            return
        m = self.sent[device][pick % len(self.sent[device])]
        virtual = self.devices[device]
        if self._exchange(device, upload(virtual, minute(m)), 9014):
            self.ledger |= keys_of(virtual, [minute(m)])

    @rule(device=integers(0, DEVICES - 1))
    def heartbeat(self, device: int) -> None:
        if device not in self.clients:
            return
        virtual = self.devices[device]
        beat = make_frame(9015, virtual.mn, st=virtual.st, pw=virtual.password, qn="1" * 17, flag=9)
        self._exchange(device, encode(beat), 9013)

    @rule(device=integers(0, DEVICES - 1))
    def disconnect(self, device: int) -> None:
        client = self.clients.pop(device, None)
        if client is not None:
            self.loop.run(client.close())

    @rule()
    def restart(self) -> None:
        for device in list(self.clients):
            self.disconnect(device)
        assert self.gateway is not None
        self.loop.run(self.gateway.stop())
        self._start_gateway()

    @invariant()
    def acknowledged_readings_are_stored_once(self) -> None:
        assert self.ledger <= stored_keys(self.store)
        assert count(self.store, "reading_revisions") == 0
        assert self.answers_received == self.answers_expected

    def teardown(self) -> None:
        for device in list(self.clients):
            self.disconnect(device)
        if self.gateway is not None:
            self.loop.run(self.gateway.stop())
        self.loop.close()
        self.store.close()
        self.folder.cleanup()


GatewaySessions.TestCase.settings = settings(
    max_examples=8, stateful_step_count=15, deadline=None, derandomize=True
)
test_answered_readings_survive_any_sequence_of_sessions = GatewaySessions.TestCase
