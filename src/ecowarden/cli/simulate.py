"""``ecowarden simulate``: virtual HJ 212 data loggers for the sites of the registry."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.table import Table

from ecowarden.cli.common import ActorOption, DatabaseOption, actor_name, console, opened_store
from ecowarden.ingest.gateway import event_loop_factory
from ecowarden.ingest.simulator import (
    Simulation,
    SimulationReport,
    SimulatorConfig,
    plan_devices,
    register_devices,
)


def simulate(
    host: Annotated[str, typer.Option("--host", help="The gateway's address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The gateway's port.")] = 9212,
    devices: Annotated[
        int, typer.Option("--devices", help="Virtual devices, one per site (first sites by code).")
    ] = 10,
    speedup: Annotated[
        float, typer.Option("--speedup", help="Simulated seconds per second (60: a minute/s).")
    ] = 60.0,
    duration: Annotated[
        float, typer.Option("--duration", help="Seconds of producing data.")
    ] = 60.0,
    drain: Annotated[
        float, typer.Option("--drain", help="Seconds after that to get answers for the rest.")
    ] = 30.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 212,
    database: DatabaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Register one virtual device per site and stream minute, hour and day data to a gateway.

    The devices resend after a missing answer, write some packets in pieces, repeat some, and
    now and then send a corrupted packet, as field devices do.
    """
    with opened_store(database) as store:
        config = SimulatorConfig(
            host=host,
            port=port,
            speedup=speedup,
            duration_s=duration,
            drain_s=drain,
            seed=seed,
        )
        planned = plan_devices(store, devices, seed=seed)
        with console.status(f"registering {len(planned)} virtual devices (Argon2id)…"):
            register_devices(store, planned, actor=actor_name(actor))
    console.print(f"seed {seed}: {len(planned)} devices → {host}:{port}", highlight=False)
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        report = runner.run(Simulation(planned, config).run())
    _print_report(report)


def _print_report(report: SimulationReport) -> None:
    ledger = report.ledger
    table = Table("", "count", title="ecowarden simulate")
    for label, value in (
        ("devices", report.devices),
        ("data packets", ledger.packets_sent),
        ("acknowledged (9014)", len(ledger.acked)),
        ("readings acknowledged", len(ledger.reading_keys())),
        ("resends after a missing answer", ledger.resends),
        ("duplicate writes", ledger.duplicates),
        ("fragmented writes", ledger.fragmented),
        ("malformed packets", ledger.malformed),
        ("reconnects", ledger.reconnects),
        ("platform requests answered", ledger.requests_answered),
        ("unanswered at the end", report.unanswered),
    ):
        table.add_row(label, str(value))
    console.print(table)
