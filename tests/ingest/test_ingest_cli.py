"""``ecowarden gateway`` (run, stats, command) and ``ecowarden simulate`` from the command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from ingest_harness import LoopThread, gateway_config, registered_devices
from typer.core import TyperGroup
from typer.testing import CliRunner

from ecowarden.cli import app
from ecowarden.ingest.gateway import Gateway
from ecowarden.store import Store
from ecowarden.store.commands import CommandQueue, CommandStatus
from ecowarden.store.testing import provision, sqlite_url

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Store, Gateway, str]]:
    """A SQLite store with two outlets and their devices, and a gateway serving it."""
    url = sqlite_url(tmp_path)
    store = provision(url)
    registered_devices(store, 2)
    loop = LoopThread()

    async def start() -> Gateway:
        gateway = Gateway(store, gateway_config(limit_registry_refresh_s=0.05))
        await gateway.start(stats_port=0)
        return gateway

    gateway = loop.run(start())
    try:
        yield store, gateway, url
    finally:
        loop.run(gateway.stop())
        loop.close()
        store.close()


def test_every_command_and_option_is_documented() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    gateway = root.commands["gateway"]
    assert isinstance(gateway, TyperGroup)
    commands = {
        "ecowarden gateway": gateway,
        **{f"ecowarden gateway {n}": c for n, c in gateway.commands.items()},
        "ecowarden simulate": root.commands["simulate"],
    }
    guide = (DOCS / "gateway.md").read_text("utf-8")
    for name, command in commands.items():
        assert name in guide, f"{name} is not in docs/gateway.md"
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--") and option != "--help":
                    assert f"`{option}" in guide, f"{name} {option} is not in docs/gateway.md"


def test_stats_of_a_running_gateway(served: tuple[Store, Gateway, str]) -> None:
    _, gateway, _ = served
    code, out, _ = run(
        "gateway", "stats", "--url", f"http://127.0.0.1:{gateway.stats_port}/metrics"
    )
    assert code == 0
    assert "connections_open" in out
    code, out, _ = run(
        "gateway", "stats", "--raw", "--url", f"http://127.0.0.1:{gateway.stats_port}/metrics"
    )
    assert "# TYPE ecowarden_gateway_frames_total counter" in out


def test_stats_of_nothing_is_one_error_line() -> None:
    code, out, err = run("gateway", "stats", "--url", "http://127.0.0.1:1/metrics")
    assert (code, out) == (1, "")
    assert err.startswith("error: cannot read http://127.0.0.1:1/metrics")
    assert len(err.strip().splitlines()) == 1


def test_queue_a_command(served: tuple[Store, Gateway, str]) -> None:
    store, _, url = served
    with store.snapshot() as snapshot:
        mn = snapshot.registry.devices()[0].mn
    code, out, _ = run(
        "gateway",
        "command",
        "--mn",
        mn,
        "--cn",
        "1062",
        "--field",
        "RtdInterval=60",
        "--database",
        url,
        "--actor",
        "op",
    )
    assert code == 0
    assert "CN=1062" in out
    assert mn in out
    with store.snapshot() as snapshot:
        (command,) = CommandQueue(snapshot.connection).commands()
    assert (command.cn, dict(command.cp), command.actor) == (1062, {"RtdInterval": "60"}, "op")
    assert command.status in (CommandStatus.QUEUED, CommandStatus.SENT)
    code, _, err = run(
        "gateway", "command", "--mn", mn, "--cn", "1062", "--field", "x", "--database", url
    )
    assert code == 2
    assert "NAME=VALUE" in err


def test_simulate_against_a_running_gateway(served: tuple[Store, Gateway, str]) -> None:
    _store, gateway, url = served
    code, out, err = run(
        "simulate",
        "--port",
        str(gateway.port),
        "--devices",
        "2",
        "--speedup",
        "1200",
        "--duration",
        "1",
        "--drain",
        "5",
        "--database",
        url,
        "--seed",
        "3",
    )
    assert code == 0, err
    acknowledged = int(re.search(r"acknowledged \(9014\)\s*│\s*(\d+)", out).group(1))  # type: ignore[union-attr]
    unanswered = int(re.search(r"unanswered at the end\s*│\s*(\d+)", out).group(1))  # type: ignore[union-attr]
    assert acknowledged > 0
    assert unanswered == 0
    assert "seed 3" in out


def test_the_gateway_refuses_an_unusable_database() -> None:
    code, _, err = run("gateway", "--port", "0", "--database", "sqlite:////nonexistent-dir/x.db")
    assert code == 1
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1


def test_simulate_needs_enough_sites(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    provision(url).close()
    code, _, err = run("simulate", "--devices", "3", "--database", url)
    assert code == 1
    assert "the registry has 0 sites" in err
