"""Fixtures of the gateway tests: stores with registered virtual devices.

``store`` and ``database_url`` (tests/conftest.py) give a migrated database on SQLite and, when
ECOWARDEN_TEST_POSTGRES_URL is set, on PostgreSQL; ``sqlite_store`` is SQLite only, for tests of
gateway behaviour that does not depend on the engine. The gateway itself is started inside each
test's event loop (``ingest_harness.running_gateway``), on an ephemeral port of 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_harness import registered_devices

from ecowarden.ingest.simulator import VirtualDevice
from ecowarden.store import Store
from ecowarden.store.testing import provision, sqlite_url


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated SQLite store with the parameter vocabulary."""
    store = provision(sqlite_url(tmp_path))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def devices(store: Store) -> list[VirtualDevice]:
    """Four registered devices (two gas, two water outlets) in ``store``, on both engines."""
    return registered_devices(store, 4)


@pytest.fixture
def sqlite_devices(sqlite_store: Store) -> list[VirtualDevice]:
    """Four registered devices in ``sqlite_store``."""
    return registered_devices(sqlite_store, 4)
