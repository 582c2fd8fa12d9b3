"""Database life cycle through the services: migrate, sync the vocabulary, report."""

from __future__ import annotations

from ecowarden.registry import parameter_vocabulary
from ecowarden.services.database import database_status, downgrade_database, upgrade_database
from ecowarden.store import Store


def test_upgrade_syncs_the_vocabulary_and_downgrade_empties(database_url: str) -> None:
    with Store.open(database_url) as store:
        assert database_status(store).current is None
        status = upgrade_database(store)
        assert status.up_to_date
        assert status.parameters_added == len(parameter_vocabulary())
        assert upgrade_database(store).parameters_added == 0
        assert downgrade_database(store, "base").current is None
