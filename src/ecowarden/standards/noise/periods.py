"""Reference periods: the Chinese day/night split and the EU day/evening/night periods.

The two conventions are separate types on purpose (reference §7 rule 7): GB 3096 day 06–22 /
night 22–06 [GB3096-2008], EU Lden day 07–19 / evening 19–23 / night 23–07 [EU2002/49].
Hourly series are indexed by the hour of the local day: element ``h`` is the Leq of
h:00–(h+1):00, so an hour belongs to exactly one period (no boundary hour counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise.levels import (
    FloatArray,
    IntArray,
    LevelsLike,
    as_levels,
    energy,
    energy_mean_level,
)

HOURS_PER_DAY: Final = 24


class Period(StrEnum):
    """Assessment period of GB 3096-2008 §3 [GB3096-2008]."""

    DAY = "day"
    NIGHT = "night"

    @property
    def label(self) -> str:
        """Chinese name: 昼间 / 夜间."""
        return _PERIOD_LABELS[self]


_PERIOD_LABELS: Final = {Period.DAY: "昼间", Period.NIGHT: "夜间"}


def parse_period(name: Period | str) -> Period:
    """A :class:`Period` from ``"day"`` / ``"night"``, else :class:`UnknownNameError`."""
    try:
        return Period(name)
    except ValueError:
        raise UnknownNameError("period", name, [p.value for p in Period]) from None


@dataclass(frozen=True)
class DayNightSplit:
    """The day/night split in whole local hours (reference §1.2, N-Q7).

    Day is ``[day_starts_at, night_starts_at)``; night is the rest of the 24 hours and spans
    midnight. The default 06–22 / 22–06 is that of the noise-pollution law cited by
    GB 3096-2008 §3; a local government may set another split, which then prevails. The store
    keeps each override with its legal source and effective date; ``basis`` names it here.
    """

    day_starts_at: int = 6
    night_starts_at: int = 22
    basis: str = "GB 3096-2008 §3 (昼间 06:00–22:00, 夜间 22:00–次日 06:00)"

    def __post_init__(self) -> None:
        if not 0 <= self.day_starts_at < self.night_starts_at <= HOURS_PER_DAY:
            raise ValidationError(
                f"day/night split {self.day_starts_at}–{self.night_starts_at} h: need "
                "0 ≤ day start < night start ≤ 24"
            )
        if self.night_starts_at - self.day_starts_at == HOURS_PER_DAY:
            raise ValidationError("day/night split 0–24 h leaves no night hours")

    @property
    def day_hours(self) -> tuple[int, ...]:
        """Hours of the day period, e.g. 6 … 21."""
        return tuple(range(self.day_starts_at, self.night_starts_at))

    @property
    def night_hours(self) -> tuple[int, ...]:
        """Hours of the night period in time order, e.g. 22, 23, 0 … 5."""
        return (
            *range(self.night_starts_at, HOURS_PER_DAY),
            *range(0, self.day_starts_at),
        )


#: GB 3096-2008 §3 default: day 06–22, night 22–06.
GB3096_SPLIT: Final = DayNightSplit()


@dataclass(frozen=True)
class EuPeriods:
    """Lden periods of Directive 2002/49/EC Annex I [EU2002/49].

    Day ``[day_starts_at, evening_starts_at)``, evening ``[evening_starts_at,
    night_starts_at)``, night the rest. Default 07–19–23 (12 / 4 / 8 h); member states may
    shift the periods and shorten the evening by 1–2 h, lengthening day or night.
    """

    day_starts_at: int = 7
    evening_starts_at: int = 19
    night_starts_at: int = 23

    def __post_init__(self) -> None:
        if not (
            0 <= self.day_starts_at < self.evening_starts_at < self.night_starts_at <= 24
            and self.night_starts_at - self.day_starts_at < HOURS_PER_DAY
        ):
            raise ValidationError(
                f"EU periods {self.day_starts_at}/{self.evening_starts_at}/"
                f"{self.night_starts_at} h: need 0 ≤ day < evening < night ≤ 24 and a night"
            )

    @property
    def day_hours(self) -> tuple[int, ...]:
        """Hours of the day period, e.g. 7 … 18."""
        return tuple(range(self.day_starts_at, self.evening_starts_at))

    @property
    def evening_hours(self) -> tuple[int, ...]:
        """Hours of the evening period, e.g. 19 … 22."""
        return tuple(range(self.evening_starts_at, self.night_starts_at))

    @property
    def night_hours(self) -> tuple[int, ...]:
        """Hours of the night period, e.g. 23, 0 … 6."""
        return (*range(self.night_starts_at, HOURS_PER_DAY), *range(0, self.day_starts_at))


#: Directive 2002/49/EC Annex I default periods.
EU_DEFAULT_PERIODS: Final = EuPeriods()

# Directive 2002/49/EC Annex I: +5 dB on the evening, +10 dB on the night [EU2002/49].
EU_EVENING_PENALTY_DB: Final = 5.0
EU_NIGHT_PENALTY_DB: Final = 10.0
# Textbook Ldn (昼夜等效声级): +10 dB on the night (reference §2).
LDN_NIGHT_PENALTY_DB: Final = 10.0


def hourly_profile(hourly_leq: LevelsLike) -> FloatArray:
    """Hourly Leq with a last axis of the 24 hours of the local day; NaN = missing hour."""
    values = as_levels(hourly_leq, "hourly Leq")
    if values.ndim == 0 or values.shape[-1] != HOURS_PER_DAY:
        raise ValidationError(
            f"hourly Leq needs a last axis of 24 hours (00–23), got shape {values.shape}"
        )
    return values


def period_leq(hourly_leq: FloatArray, hours: tuple[int, ...]) -> tuple[FloatArray, IntArray]:
    """Energy mean of the non-missing hours among ``hours`` and how many there were.

    Returns ``(level [dB], valid hour count)`` with the shape of ``hourly_leq`` without its
    last axis; the level is NaN where no hour is valid.
    """
    selected = hourly_leq[..., list(hours)]
    present = ~np.isnan(selected)
    energy_sum = np.where(present, energy(selected), 0.0).sum(axis=-1)
    count = np.asarray(np.count_nonzero(present, axis=-1), dtype=np.intp)
    return energy_mean_level(energy_sum, count), count


def leq24(hourly_leq: LevelsLike) -> FloatArray:
    r"""24-hour equivalent level.

    .. math:: L_{eq,24h} = 10 \lg \left[\frac{1}{24} \sum_{h=0}^{23} 10^{0.1 L_h}\right]

    Parameters
    ----------
    hourly_leq
        Hourly Leq, last axis = hours 00–23. [dB(A)] Missing hours (NaN) are left out: the
        energy mean of the valid hours.

    Returns
    -------
    Leq,24h [dB(A)] (reference §2) [GB3096-2008]; NaN where no hour is valid.
    """
    level, _ = period_leq(hourly_profile(hourly_leq), tuple(range(HOURS_PER_DAY)))
    return level


def ldn(
    ld: LevelsLike,
    ln: LevelsLike,
    *,
    split: DayNightSplit = GB3096_SPLIT,
    night_penalty_db: float = LDN_NIGHT_PENALTY_DB,
) -> FloatArray:
    r"""Day-night level (昼夜等效声级), not a GB 3096 compliance metric.

    .. math::

        L_{dn} = 10 \lg \frac{T_d \, 10^{0.1 L_d} + T_n \, 10^{0.1 (L_n + 10)}}{24}

    with :math:`T_d = 16`, :math:`T_n = 8` h for the default split (textbooks, reference §2);
    the US DNL is ``split=DayNightSplit(7, 22)``.

    Parameters
    ----------
    ld, ln
        Day and night levels. [dB(A)]
    split
        Day/night split giving T_d and T_n. [h]
    night_penalty_db
        Penalty added to the night level. [dB]

    Returns
    -------
    Ldn [dB(A)]; NaN where either input is missing.
    """
    day, night = as_levels(ld, "Ld"), as_levels(ln, "Ln")
    t_day, t_night = len(split.day_hours), len(split.night_hours)
    total = t_day * energy(day) + t_night * energy(night + night_penalty_db)
    return energy_mean_level(total, np.full(np.shape(total), float(HOURS_PER_DAY)))


def lden(
    lday: LevelsLike,
    levening: LevelsLike,
    lnight: LevelsLike,
    *,
    periods: EuPeriods = EU_DEFAULT_PERIODS,
) -> FloatArray:
    r"""EU day-evening-night level of Directive 2002/49/EC Annex I [EU2002/49].

    .. math::

        L_{den} = 10 \lg \frac{1}{24}\left(12 \cdot 10^{L_{day}/10}
                  + 4 \cdot 10^{(L_{evening}+5)/10} + 8 \cdot 10^{(L_{night}+10)/10}\right)

    with the period lengths 12 / 4 / 8 h taken from ``periods``.

    Parameters
    ----------
    lday, levening, lnight
        Long-term A-weighted levels of the day, evening and night periods. [dB(A)]
    periods
        The EU periods (lengths in hours). Never the Chinese split (reference §7 rule 7).

    Returns
    -------
    Lden [dB(A)]; NaN where any input is missing. 65 / 62 / 55 → 65.40 dB.
    """
    day = as_levels(lday, "Lday")
    evening = as_levels(levening, "Levening")
    night = as_levels(lnight, "Lnight")
    total = (
        len(periods.day_hours) * energy(day)
        + len(periods.evening_hours) * energy(evening + EU_EVENING_PENALTY_DB)
        + len(periods.night_hours) * energy(night + EU_NIGHT_PENALTY_DB)
    )
    return energy_mean_level(total, np.full(np.shape(total), float(HOURS_PER_DAY)))


@dataclass(frozen=True)
class EuPeriodLevels:
    """Lday, Levening, Lnight of one 24-hour profile [dB(A)] and their valid hour counts."""

    lday: FloatArray
    levening: FloatArray
    lnight: FloatArray
    day_hours_valid: IntArray
    evening_hours_valid: IntArray
    night_hours_valid: IntArray


def eu_period_levels(
    hourly_leq: LevelsLike, *, periods: EuPeriods = EU_DEFAULT_PERIODS
) -> EuPeriodLevels:
    """Lday, Levening and Lnight of a 24-hour profile, each hour in one period only.

    Parameters
    ----------
    hourly_leq
        Hourly Leq, last axis = hours 00–23. [dB(A)] NaN hours are left out.
    periods
        EU periods [EU2002/49]; the 19:00 hour is evening, not also day.

    Returns
    -------
    :class:`EuPeriodLevels`, for :func:`lden`.
    """
    values = hourly_profile(hourly_leq)
    lday, n_day = period_leq(values, periods.day_hours)
    levening, n_evening = period_leq(values, periods.evening_hours)
    lnight, n_night = period_leq(values, periods.night_hours)
    return EuPeriodLevels(lday, levening, lnight, n_day, n_evening, n_night)
