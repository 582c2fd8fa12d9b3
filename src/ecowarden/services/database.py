"""Database life cycle: migrate up and down, report the revision, keep the vocabulary in step.

After an upgrade that reaches the newest revision, the ``parameters`` table is brought in line
with the HJ 212-2017 Appendix B vocabulary (:func:`ecowarden.registry.parameter_vocabulary`):
the vocabulary lives in code and the database follows it, so a grown vocabulary needs no
migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecowarden.registry.parameters import parameter_vocabulary
from ecowarden.store import migrate
from ecowarden.store.database import Store
from ecowarden.store.registry import ChangeKind


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """Where a database stands: its revision, the newest one, and parameters just synced."""

    current: str | None
    head: str
    parameters_added: int = 0
    parameters_updated: int = 0

    @property
    def up_to_date(self) -> bool:
        """True when the database is at the newest revision."""
        return self.current == self.head


def database_status(store: Store) -> DatabaseStatus:
    """The current and newest revision."""
    return DatabaseStatus(
        current=migrate.current_revision(store.engine), head=migrate.head_revision()
    )


def upgrade_database(store: Store, revision: str = migrate.HEAD) -> DatabaseStatus:
    """Migrate up to ``revision``; at the newest revision, sync the parameter vocabulary."""
    migrate.upgrade(store.engine, revision)
    status = database_status(store)
    if not status.up_to_date:
        return status
    with store.transaction() as transaction:
        changes = transaction.registry.sync_parameters(parameter_vocabulary())
    return DatabaseStatus(
        current=status.current,
        head=status.head,
        parameters_added=sum(change.change is ChangeKind.CREATED for change in changes),
        parameters_updated=sum(change.change is ChangeKind.UPDATED for change in changes),
    )


def downgrade_database(store: Store, revision: str) -> DatabaseStatus:
    """Migrate down to ``revision`` (``base``: an empty database)."""
    migrate.downgrade(store.engine, revision)
    return database_status(store)
