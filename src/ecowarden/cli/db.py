"""``ecowarden db``: migrate the database and report its revision."""

from __future__ import annotations

from typing import Annotated

import typer

from ecowarden.cli.common import DatabaseOption, console, opened_store
from ecowarden.services.database import (
    DatabaseStatus,
    database_status,
    downgrade_database,
    upgrade_database,
)

app = typer.Typer(
    name="db", help="数据库迁移 / Database migrations.", no_args_is_help=True, add_completion=False
)


def _report(status: DatabaseStatus) -> None:
    current = status.current or "(empty)"
    state = "up to date" if status.up_to_date else f"newest is {status.head}"
    console.print(f"database revision: {current} ({state})", highlight=False)
    if status.parameters_added or status.parameters_updated:
        console.print(
            f"parameters: {status.parameters_added} added, {status.parameters_updated} updated",
            highlight=False,
        )


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision (default: head).")] = "head",
    database: DatabaseOption = None,
) -> None:
    """Migrate up to REVISION and sync the HJ 212 parameter vocabulary."""
    with opened_store(database) as store:
        _report(upgrade_database(store, revision))


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes every table.")],
    database: DatabaseOption = None,
) -> None:
    """Migrate down to REVISION."""
    with opened_store(database) as store:
        _report(downgrade_database(store, revision))


@app.command()
def current(database: DatabaseOption = None) -> None:
    """Print the database's revision."""
    with opened_store(database) as store:
        _report(database_status(store))
