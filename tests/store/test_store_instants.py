"""Integer instants: the same numbers on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecowarden.errors import ValidationError
from ecowarden.store.instants import from_epoch_s, from_epoch_us, to_epoch_s, to_epoch_us

CST = dt.timezone(dt.timedelta(hours=8))


def test_local_midnight_in_epoch_seconds() -> None:
    # 2025-01-01T00:00+08:00 = 2024-12-31T16:00Z; 20088 days × 86400 s − 8 × 3600 s
    assert to_epoch_s(dt.datetime(2025, 1, 1, tzinfo=CST)) == 20_089 * 86_400 - 8 * 3_600
    assert from_epoch_s(1_735_660_800, CST) == dt.datetime(2025, 1, 1, tzinfo=CST)


def test_naive_and_fractional_starts_are_refused() -> None:
    with pytest.raises(ValidationError, match="offset"):
        to_epoch_s(dt.datetime(2025, 1, 1))
    with pytest.raises(ValidationError, match="whole second"):
        to_epoch_s(dt.datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=CST))


@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_microseconds_round_trip(instant: dt.datetime) -> None:
    assert from_epoch_us(to_epoch_us(instant)) == instant
