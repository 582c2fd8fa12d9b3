"""The national standards as pure, vectorised functions and declared tables.

Every constant cites its standard, table or clause and unit; the keys are those of
``docs/references.md``. Nothing here does I/O or imports an adapter.
"""
