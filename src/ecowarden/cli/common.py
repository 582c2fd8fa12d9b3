"""What the store commands share: the database option, the acting user, error reporting."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from ecowarden.errors import EcowardenError
from ecowarden.store.database import Store
from ecowarden.store.engine import DATABASE_URL_VARIABLE

console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help=f"Database URL (default: ${DATABASE_URL_VARIABLE}, else sqlite:///ecowarden.db).",
        show_default=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="Who acts, for the audit log (default: cli:<login name>).",
        show_default=False,
    ),
]


def actor_name(actor: str | None) -> str:
    """The audit actor: as given, else ``cli:<login name>``."""
    return actor or f"cli:{getpass.getuser()}"


@contextmanager
def opened_store(database: str | None) -> Iterator[Store]:
    """The store of ``--database``, closed afterwards; ecowarden and database errors end the
    command with one line on standard error and exit status 1."""
    try:
        with Store.open(database) as store:
            yield store
    except EcowardenError as error:
        errors.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(1) from error
    except (SQLAlchemyError, OSError) as error:
        # A wrong URL, an unreachable server, a database locked past the busy timeout.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        errors.print(f"database error: {first_line}", markup=False, highlight=False)
        raise typer.Exit(1) from error
