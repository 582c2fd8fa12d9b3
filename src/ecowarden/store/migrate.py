"""Run the Alembic migrations programmatically (``ecowarden db upgrade|downgrade|current``).

The script location is the ``migrations`` folder inside this package, found from this file, so
migrations run the same from a source checkout and from an installed package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from ecowarden.errors import UnknownNameError

SCRIPT_LOCATION: Final = Path(__file__).resolve().parent / "migrations"
HEAD: Final = "head"
BASE: Final = "base"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def revisions() -> tuple[str, ...]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return tuple(
        reversed([script_revision.revision for script_revision in script.walk_revisions()])
    )


def head_revision() -> str:
    """The newest revision of the migration scripts."""
    return revisions()[-1]


def _run(engine: Engine, action: str, revision: str) -> None:
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
        except CommandError as error:
            raise UnknownNameError(
                "database revision", revision, (*revisions(), HEAD, BASE)
            ) from error


def upgrade(engine: Engine, revision: str = HEAD) -> None:
    """Migrate the database up to ``revision`` (default: the newest), in one transaction."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table)."""
    _run(engine, "downgrade", revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
