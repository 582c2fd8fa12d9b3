"""The ``ecowarden`` command: a thin Typer shell over services and domain functions."""

from __future__ import annotations

import typer
from rich.console import Console

from ecowarden import __version__
from ecowarden.cli import (
    alerts,
    assess,
    db,
    demo,
    devices,
    gateway,
    imports,
    mqtt,
    readings,
    serve,
    simulate,
)

app = typer.Typer(
    name="ecowarden",
    help="ecowarden — 县级生态环境局监测、监管与管理平台 / county eco-environment bureau platform",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


def _print_version(value: bool) -> None:
    if value:
        console.print(f"ecowarden {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """ecowarden command line."""


app.add_typer(db.app)
app.add_typer(imports.app)
app.add_typer(readings.app)
app.add_typer(devices.app)
app.add_typer(assess.app)
app.add_typer(gateway.app)
app.add_typer(alerts.app)
app.command(name="demo")(demo.demo)
app.command(name="mqtt")(mqtt.mqtt)
app.command(name="serve")(serve.serve)
app.command(name="simulate")(simulate.simulate)


def main() -> None:
    app()
