"""Throwaway databases for tests: a SQLite file, or a fresh PostgreSQL schema.

Test suites (ecowarden's and those built on the store) provision one database per test so that
tests never see each other's rows: a SQLite file in a temporary folder, or on PostgreSQL a new
schema selected through the connection option ``search_path`` and dropped afterwards. The URL
carries the schema, so a subprocess given the URL (``ECOWARDEN_DATABASE_URL``) uses it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.engine import make_url

from ecowarden.registry.parameters import parameter_vocabulary
from ecowarden.store import migrate
from ecowarden.store.database import Store

POSTGRES_URL_VARIABLE: Final = "ECOWARDEN_TEST_POSTGRES_URL"


def sqlite_url(directory: Path) -> str:
    """The URL of a SQLite database file ``ecowarden.db`` in ``directory``."""
    return f"sqlite:///{directory / 'ecowarden.db'}"


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A URL on the database of ``base_url`` whose connections use a new, empty schema.

    The schema and everything in it is dropped on exit; close the engines using the URL first.
    """
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = sqlalchemy_create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    finally:
        admin.dispose()


def provision(url: str) -> Store:
    """A store on ``url`` migrated to the newest revision, with the parameter vocabulary."""
    store = Store.open(url)
    migrate.upgrade(store.engine)
    with store.transaction() as transaction:
        transaction.registry.sync_parameters(parameter_vocabulary())
    return store
