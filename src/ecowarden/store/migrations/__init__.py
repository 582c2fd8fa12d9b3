"""Alembic environment of the ecowarden database; run through :mod:`ecowarden.store.migrate`."""
