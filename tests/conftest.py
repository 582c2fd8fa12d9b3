"""Shared fixtures: ``database_url`` and ``store`` give a migrated, empty database per test:
SQLite always; PostgreSQL when ECOWARDEN_TEST_POSTGRES_URL names a server (marker ``postgres``;
skipped with a reason otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecowarden.store import Store
from ecowarden.store.testing import POSTGRES_URL_VARIABLE, postgres_schema, provision, sqlite_url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of each engine (a PostgreSQL schema of its own)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base_url:
        pytest.skip(
            f"PostgreSQL not configured: set {POSTGRES_URL_VARIABLE}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/ecowarden_test"
        )
    with postgres_schema(base_url) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A store migrated to the newest revision, with the HJ 212 parameter vocabulary."""
    provisioned = provision(database_url)
    try:
        yield provisioned
    finally:
        provisioned.close()
