"""Series the rules read: regular arrays of interval starts, values and data flags.

Rules work on NumPy arrays, never row by row: a year of minute data for a hundred outlets is
re-evaluated in seconds (bench/bench_supervision.py). Starts are whole seconds since the epoch
(UTC); values are floats with NaN for missing; flags are the HJ 212 codes as stored.

Flag treatment (reliability-security.md §4, hj212-protocol.md §4.4): N is valid; F, M, S, D, C,
B (HJ 212-2017 Table 8), P, St, Sd, Md and H are not; T (over range) counts as a lower bound by
default — a T value above a limit certainly exceeds it — switchable with
``FlagPolicy(over_range_counts=False)`` [unconfirmed].
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.registry.readings import FLAG_CODES, LOCAL_ZONE

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Flags = npt.NDArray[np.str_]

#: Conversion reference: dry air holds 21 % O2 in the formula of HJ 212-2017 App. D.2.3.
AIR_O2_PCT: Final = 21.0
MINUTE_S: Final = 60
HOUR_S: Final = 3600
DAY_S: Final = 86_400


@dataclass(frozen=True)
class FlagPolicy:
    """Which flags make a value usable for a rule.

    Parameters
    ----------
    valid_flags
        Flags of valid values (default N only).
    over_range_counts
        Count T (over range) values as valid lower bounds [unconfirmed; switch].
    mark_flags
        Flags that mark a value as maintenance or fault (the false-mark rule, S5): default
        M and D (reliability-security.md §8.4 S5).
    """

    valid_flags: frozenset[str] = frozenset({"N"})
    over_range_counts: bool = True
    mark_flags: frozenset[str] = frozenset({"M", "D"})

    def __post_init__(self) -> None:
        for name in ("valid_flags", "mark_flags"):
            codes = getattr(self, name)
            unknown = sorted(set(codes) - set(FLAG_CODES))
            if unknown:
                raise UnknownNameError(f"data flag in {name}", unknown[0], FLAG_CODES)
            object.__setattr__(self, name, frozenset(codes))

    @property
    def usable(self) -> tuple[str, ...]:
        """The flags whose values a rule may judge."""
        extra = ("T",) if self.over_range_counts else ()
        return tuple(sorted(self.valid_flags | set(extra)))

    def valid(self, flags: Flags) -> Bools:
        """Whether each flag marks a usable value."""
        return np.isin(flags, self.usable)

    def marked(self, flags: Flags) -> Bools:
        """Whether each flag is a maintenance or fault mark."""
        return np.isin(flags, tuple(self.mark_flags))


DEFAULT_FLAGS: Final = FlagPolicy()


@dataclass(frozen=True, eq=False)
class Series:
    """One series of one parameter at one site.

    Parameters
    ----------
    starts_s
        Interval starts, strictly increasing. [s since the epoch, UTC]
    values
        Values in the parameter's unit, NaN = missing.
    flags
        HJ 212 data flags (``N``, ``F`` …), one per value.
    step_s
        Interval length: 60 (minute), 3600 (hour), 86400 (day); 0 for real-time samples. [s]
    """

    starts_s: Int64s
    values: Floats
    flags: Flags = field(default_factory=lambda: np.empty(0, dtype="<U2"))
    step_s: int = HOUR_S

    def __post_init__(self) -> None:
        starts = np.asarray(self.starts_s, dtype=np.int64)
        values = np.asarray(self.values, dtype=np.float64)
        flags = np.asarray(self.flags, dtype="<U2")
        if flags.size == 0 and values.size:
            flags = np.full(values.size, "N", dtype="<U2")
        if starts.ndim != 1 or starts.shape != values.shape or starts.shape != flags.shape:
            raise ValidationError(
                f"series arrays differ in shape: starts {starts.shape}, values {values.shape}, "
                f"flags {flags.shape}"
            )
        if starts.size > 1 and not bool(np.all(np.diff(starts) > 0)):
            raise ValidationError("series starts are not strictly increasing")
        if self.step_s < 0:
            raise ValidationError(f"series step_s {self.step_s} is negative")
        object.__setattr__(self, "starts_s", starts)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "flags", flags)

    def __len__(self) -> int:
        return int(self.starts_s.size)

    def window(self, start_s: int, end_s: int) -> Series:
        """The part with starts in ``[start_s, end_s)``."""
        lo, hi = np.searchsorted(self.starts_s, [start_s, end_s])
        return Series(
            self.starts_s[lo:hi], self.values[lo:hi], self.flags[lo:hi], step_s=self.step_s
        )


def empty_series(step_s: int = HOUR_S) -> Series:
    """A series without values."""
    return Series(np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, "<U2"), step_s=step_s)


def true_runs(mask: Bools) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(first index, end index exclusive) of every run of True in ``mask``."""
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2], edges[1::2]


def contiguous_runs(
    mask: Bools, starts_s: Int64s, step_s: int, *, tolerance_s: int = 0
) -> list[tuple[int, int]]:
    """(first, end exclusive) of each run of True in ``mask`` whose starts follow each other by
    at most ``step_s + tolerance_s`` (a missing interval breaks a run; step 0 never does)."""
    runs: list[tuple[int, int]] = []
    first, end = true_runs(mask)
    for lo, hi in zip(first.tolist(), end.tolist(), strict=True):
        if step_s <= 0:
            runs.append((lo, hi))
            continue
        gaps = np.flatnonzero(np.diff(starts_s[lo:hi]) > step_s + tolerance_s)
        cut = [lo, *(lo + gaps + 1).tolist(), hi]
        runs.extend(itertools.pairwise(cut))
    return runs


def aligned(reference: Series, other: Series) -> tuple[Floats, Flags]:
    """Values and flags of ``other`` at the starts of ``reference`` (NaN and ``""`` where
    ``other`` has no value for a start)."""
    if reference.starts_s is other.starts_s or (
        len(reference) == len(other) and np.array_equal(reference.starts_s, other.starts_s)
    ):
        # The common case (one device's parameters share their starts): no search needed.
        return other.values, other.flags
    values = np.full(len(reference), np.nan)
    flags = np.full(len(reference), "", dtype="<U2")
    if len(other) == 0 or len(reference) == 0:
        return values, flags
    position = np.searchsorted(other.starts_s, reference.starts_s)
    inside = position < len(other)
    hit = np.zeros(len(reference), dtype=bool)
    hit[inside] = other.starts_s[position[inside]] == reference.starts_s[inside]
    values[hit] = other.values[position[hit]]
    flags[hit] = other.flags[position[hit]]
    return values, flags


def converted_concentration(
    concentration: Floats, o2_pct: Floats, reference_o2_pct: float, *, o2_cap_pct: float
) -> Floats:
    r"""Concentration converted (折算) to a reference oxygen content [HJ212-2017].

    .. math::

        C_{折} = C \times \frac{21 - O_{2,ref}}{21 - O_2}

    HJ 212-2017 App. D.2.3 (α/αs form). Where O2 is missing or at or above ``o2_cap_pct`` the
    result is NaN: the hour is not judged for exceedance (near-ambient O2 is the O2 rule's case;
    documented choice, decisions/0010).

    Parameters
    ----------
    concentration
        Dry standard-state concentration. [mg/m³]
    o2_pct
        Measured O2 at the same starts. [%]
    reference_o2_pct
        Reference O2 of the limit. [%]
    o2_cap_pct
        O2 at and above which no conversion is made. [%]

    Returns
    -------
    Converted concentration. [mg/m³]
    """
    usable = np.isfinite(o2_pct) & (o2_pct < o2_cap_pct)
    factor = np.full(concentration.shape, np.nan)
    factor[usable] = (AIR_O2_PCT - reference_o2_pct) / (AIR_O2_PCT - o2_pct[usable])
    return np.asarray(concentration * factor, dtype=np.float64)


def local_day_starts(starts_s: Int64s) -> Int64s:
    """The start of the Asia/Shanghai day holding each instant. [s since the epoch]

    China has kept UTC+8 without summer time since 1992; earlier instants go through the tz
    database one by one.
    """
    if starts_s.size == 0:
        return starts_s.copy()
    since_1992 = int(dt.datetime(1992, 1, 1, tzinfo=LOCAL_ZONE).timestamp())
    offset = 8 * HOUR_S
    days = (starts_s + offset) // DAY_S * DAY_S - offset
    old = starts_s < since_1992
    for index in np.flatnonzero(old):
        local = dt.datetime.fromtimestamp(int(starts_s[index]), LOCAL_ZONE)
        midnight = dt.datetime.combine(local.date(), dt.time(), LOCAL_ZONE)
        days[index] = int(midnight.timestamp())
    return days


def group_keys(keys: Int64s) -> tuple[Int64s, npt.NDArray[np.intp]]:
    """Distinct ``keys`` (ascending) and the position of each key among them; linear when
    ``keys`` are sorted (the usual case: period starts of ordered readings)."""
    if keys.size and bool(np.all(keys[1:] >= keys[:-1])):
        new = np.empty(keys.size, dtype=bool)
        new[0] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:])
        return keys[new], np.cumsum(new) - 1
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct, inverse


@dataclass(frozen=True, eq=False)
class PeriodMeans:
    """Means of a series over longer periods (hours from minutes, days from hours)."""

    starts_s: Int64s
    means: Floats  # NaN where the period is not valid
    valid_counts: npt.NDArray[np.int64]


def period_means(
    starts_s: Int64s,
    values: Floats,
    usable: Bools,
    *,
    period_starts_s: Int64s,
    min_valid: int,
) -> PeriodMeans:
    """Mean of the usable values of each period, valid with at least ``min_valid`` of them.

    ``period_starts_s`` gives, for each value, the start of the period that holds it (sorted
    like ``starts_s``). HJ 76-2017 App. B: an hour needs ≥ 45 valid minutes, a day ≥ 20 valid
    hours (secondary; also HJ 212-2017 App. D (24), (25)).
    """
    if starts_s.size == 0:
        return PeriodMeans(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64))
    keys, inverse = group_keys(period_starts_s)
    ok = usable & np.isfinite(values)
    sums = np.bincount(inverse, weights=np.where(ok, values, 0.0), minlength=keys.size)
    counts = np.bincount(inverse, weights=ok.astype(np.float64), minlength=keys.size).astype(
        np.int64
    )
    means = np.full(keys.size, np.nan)
    enough = counts >= min_valid
    means[enough] = sums[enough] / counts[enough]
    return PeriodMeans(keys.astype(np.int64), means, counts)
