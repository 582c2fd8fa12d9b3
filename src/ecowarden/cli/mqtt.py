"""``ecowarden mqtt``: subscribe to meters, positions and noise monitors and store what arrives."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer

from ecowarden.cli.common import DatabaseOption, console, opened_store
from ecowarden.ingest.mqtt import DEFAULT_CLIENT_ID, DEFAULT_ROOT, MqttIngest


def mqtt(
    broker: Annotated[
        str, typer.Option("--broker", help="Broker URL, mqtt://host[:port].")
    ] = "mqtt://127.0.0.1:1883",
    client_id: Annotated[
        str,
        typer.Option(
            "--client-id", help="Fixed client id: the broker keeps its session between runs."
        ),
    ] = DEFAULT_CLIENT_ID,
    topic_root: Annotated[
        str, typer.Option("--topic-root", help="First topic level ({root}/meter/{id} …).")
    ] = DEFAULT_ROOT,
    idle_exit: Annotated[
        float | None,
        typer.Option("--idle-exit", help="Stop after this many seconds without a message."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Ingest MQTT telemetry (QoS 1, acknowledged after commit) until interrupted."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with opened_store(database) as store:
        ingest = MqttIngest(store, broker=broker, client_id=client_id, root=topic_root)
        stats = ingest.run(stop=stop, idle_exit_s=idle_exit)
    refused = sum(stats.refused.values())
    console.print(
        f"mqtt: {stats.received} messages, {stats.stored} stored, {stats.duplicates} duplicates, "
        f"{refused} refused"
        + (
            f" ({', '.join(f'{k} {v}' for k, v in sorted(stats.refused.items()))})"
            if refused
            else ""
        ),
        highlight=False,
    )
