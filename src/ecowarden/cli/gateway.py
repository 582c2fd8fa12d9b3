"""``ecowarden gateway``: run the HJ 212 gateway, read its counters, queue platform commands."""

from __future__ import annotations

import asyncio
import logging
import signal
import urllib.error
import urllib.request
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from ecowarden.cli.common import (
    ActorOption,
    DatabaseOption,
    actor_name,
    console,
    errors,
    opened_store,
)
from ecowarden.errors import EcowardenError, ValidationError
from ecowarden.ingest.gateway import Gateway, GatewayConfig, event_loop_factory, log_line
from ecowarden.ingest.limits import GatewayLimits
from ecowarden.ingest.stats import parse_prometheus_text
from ecowarden.services.ingest import queue_platform_command
from ecowarden.store.database import Store

# The gateway waits at most this long for the SQLite write lock before a commit fails (and its
# packets go unanswered, to be resent) [ms]; the store's default 30 s would hold every answer.
GATEWAY_BUSY_TIMEOUT_MS = 5000
DEFAULT_STATS_URL = "http://127.0.0.1:9213/metrics"
_DEFAULTS = GatewayLimits()

app = typer.Typer(
    name="gateway",
    help="HJ 212 网关 / HJ 212 gateway: run it (no subcommand), read its counters, queue commands.",
    add_completion=False,
)

logger = logging.getLogger(__name__)


@app.callback(invoke_without_command=True)
def gateway(
    context: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port for devices (0: any).")] = 9212,
    database: DatabaseOption = None,
    stats_port: Annotated[
        int | None,
        typer.Option("--stats-port", help="Port of the Prometheus text endpoint (/metrics)."),
    ] = None,
    max_connections: Annotated[
        int, typer.Option("--max-connections", help="Open device connections at most.")
    ] = _DEFAULTS.max_connections,
    max_connections_per_ip: Annotated[
        int, typer.Option("--max-connections-per-ip", help="Open connections per address.")
    ] = _DEFAULTS.max_connections_per_ip,
    idle_timeout: Annotated[
        float,
        typer.Option("--idle-timeout", help="Close a connection silent for this many seconds."),
    ] = _DEFAULTS.idle_timeout_s,
    log_level: Annotated[
        str, typer.Option("--log-level", help="DEBUG, INFO, WARNING or ERROR.")
    ] = "INFO",
) -> None:
    """Run the gateway until SIGINT or SIGTERM (database: --database or ECOWARDEN_DATABASE_URL)."""
    if context.invoked_subcommand is not None:
        return
    logging.basicConfig(
        level=log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        config = GatewayConfig(
            host=host,
            port=port,
            limits=GatewayLimits(
                max_connections=max_connections,
                max_connections_per_ip=max_connections_per_ip,
                idle_timeout_s=idle_timeout,
            ),
        )
    except ValidationError as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
    store = Store.open(database, busy_timeout_ms=GATEWAY_BUSY_TIMEOUT_MS)
    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(_serve(store, config, stats_port))
    except (EcowardenError, SQLAlchemyError, OSError) as error:
        # An unreachable or non-durable database, a port in use.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        errors.print(f"error: {first_line}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    finally:
        store.close()


async def _serve(store: Store, config: GatewayConfig, stats_port: int | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    gateway = Gateway(store, config)
    await gateway.start(stats_port=stats_port)
    await gateway.serve_until(stop)
    logger.info(log_line("shutdown", committed=gateway.stats.packets_committed))


@app.command("stats")
def stats(
    url: Annotated[
        str, typer.Option("--url", help="The gateway's Prometheus endpoint.")
    ] = DEFAULT_STATS_URL,
    raw: Annotated[bool, typer.Option("--raw", help="Print the exposition text as is.")] = False,
) -> None:
    """Print a running gateway's counters (from its --stats-port endpoint)."""
    try:
        with urllib.request.urlopen(url, timeout=5.0) as response:
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError, ValueError) as error:
        errors.print(
            f"error: cannot read {url}: {error}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from error
    if raw:
        console.print(text, end="", markup=False, highlight=False)
        return
    table = Table("counter", "value", title=f"ecowarden gateway — {url}")
    for series, value in parse_prometheus_text(text).items():
        name = series.removeprefix("ecowarden_gateway_")
        table.add_row(name, f"{value:g}")
    console.print(table)


@app.command("command")
def command(
    mn: Annotated[str, typer.Option("--mn", help="The device's MN.")],
    cn: Annotated[int, typer.Option("--cn", help="Command code, e.g. 1012 (set time).")],
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="CP field NAME=VALUE (repeatable), e.g. MinInterval=5."),
    ] = None,
    database: DatabaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Queue a platform command; the gateway sends it when the device is next connected."""
    fields: dict[str, str] = {}
    for item in field or []:
        name, separator, value = item.partition("=")
        if not separator or not name:
            errors.print(f"error: --field {item!r} is not NAME=VALUE", markup=False, soft_wrap=True)
            raise typer.Exit(2)
        fields[name] = value
    with opened_store(database) as store:
        queued = queue_platform_command(store, mn, cn, fields, actor=actor_name(actor))
    console.print(
        f"command {queued.id}: CN={queued.cn} QN={queued.qn} for {queued.mn} queued",
        highlight=False,
    )
