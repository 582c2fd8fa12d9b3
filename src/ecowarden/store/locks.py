"""Transaction-scoped locks that serialise writers where PostgreSQL would otherwise interleave.

SQLite needs none of these: its writer transactions begin IMMEDIATE and so run one at a time.
On PostgreSQL, ``pg_advisory_xact_lock(namespace, key)`` is held until commit or rollback.
Lock order, to rule out deadlocks between ecowarden writers: reading series first (ascending
key), then the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Namespaces (the first int4 argument), ASCII tags so that pg_locks is readable.
READING_SERIES: Final = 0x45575253  # "EWRS"
AUDIT_CHAIN: Final = 0x45574143  # "EWAC"
_INT4: Final = 0x7FFFFFFF


def series_lock_key(site_id: int, parameter_id: int, period_command: int) -> int:
    """The int4 key of a reading series; two series sharing a key only wait for each other."""
    return (site_id * 1_000_003 + parameter_id * 8_191 + period_command) & _INT4


def lock(connection: Connection, namespace: int, keys: Iterable[int]) -> None:
    """Take the advisory locks (namespace, key) in ascending key order (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    ordered = sorted(set(keys))
    if not ordered:
        return
    # The sorted subquery fixes the order in which the locks are taken.
    connection.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(:namespace, key)) "
            "FROM (SELECT unnest(CAST(:keys AS integer[])) AS key ORDER BY 1) AS ordered"
        ),
        {"namespace": namespace, "keys": ordered},
    )
