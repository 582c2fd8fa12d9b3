"""Instants as integers: the one time representation of the database.

Interval starts are whole seconds since 1970-01-01T00:00:00Z; other instants (received, recorded,
audited) are microseconds since the same epoch. Both engines store the same integers, so a key
compares and sorts identically on SQLite and PostgreSQL and no driver converts time zones.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from ecowarden.errors import ValidationError

EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US_PER_S: Final = 1_000_000


def _offset_checked(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValidationError(f"instant {instant.isoformat()} has no UTC offset")
    return instant


def to_epoch_s(instant: dt.datetime) -> int:
    """Whole seconds since the epoch of a timezone-aware instant with no fraction of a second."""
    delta = _offset_checked(instant) - EPOCH
    if delta.microseconds:
        raise ValidationError(f"instant {instant.isoformat()} is not a whole second")
    return delta.days * 86_400 + delta.seconds


def to_epoch_us(instant: dt.datetime) -> int:
    """Microseconds since the epoch of a timezone-aware instant."""
    delta = _offset_checked(instant) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US_PER_S + delta.microseconds


def from_epoch_s(seconds: int, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The instant ``seconds`` after the epoch, in ``zone``."""
    return (EPOCH + dt.timedelta(seconds=seconds)).astimezone(zone)


def from_epoch_us(microseconds: int, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The instant ``microseconds`` after the epoch, in ``zone``."""
    return (EPOCH + dt.timedelta(microseconds=microseconds)).astimezone(zone)


def now_us() -> int:
    """The current instant in microseconds since the epoch."""
    return to_epoch_us(dt.datetime.now(dt.UTC))
