"""``ecowarden devices``: register data loggers (MN, password, site)."""

from __future__ import annotations

from typing import Annotated

import typer

from ecowarden.cli.common import ActorOption, DatabaseOption, actor_name, console, opened_store
from ecowarden.services.devices import add_device

app = typer.Typer(
    name="devices", help="数采仪 / Data loggers.", no_args_is_help=True, add_completion=False
)


@app.command("add")
def add(
    mn: Annotated[str, typer.Option("--mn", help="The device's MN.")],
    site: Annotated[str, typer.Option("--site", help="Code of the site it reports for.")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            help="Its access password (PW); asked for when omitted.",
            prompt=True,
            hide_input=True,
        ),
    ],
    database: DatabaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Register a device, or change its site or password (stored as an Argon2id hash)."""
    with opened_store(database) as store:
        change = add_device(store, mn=mn, password=password, site=site, actor=actor_name(actor))
    console.print(f"device {mn}: {change.change.value}", highlight=False)
