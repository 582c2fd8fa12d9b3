"""Alembic environment: migrations run only through :mod:`ecowarden.store.migrate`.

The caller hands over an open connection (``config.attributes["connection"]``) that already
carries the engine's settings (WAL, foreign keys, ``synchronous_commit``); there is no
``alembic.ini`` and no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from ecowarden.store.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise TypeError("run migrations through ecowarden.store.migrate (no connection was given)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters tables by copying them; later migrations get that for free.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
