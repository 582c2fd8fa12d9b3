"""Automatic functional-zone stations: hourly Leq, Ld and Ln with data coverage and validity.

HJ 906-2017 §6–§7 [HJ906-2017] set the data-validity and statistics rules of automatic noise
stations, but their numeric thresholds are not available to the project (reference §5.2,
open question N-Q1). :class:`ValidityRule` holds the project default, labelled as such, and
every threshold is a field so that the rule can be replaced when the text is confirmed:

- an hour is valid with ≥ 75 % of its samples (45 of 60 one-minute values, 2 700 of 3 600
  one-second values);
- Ld is valid with ≥ 75 % of the day hours (12 of 16), Ln with ≥ 75 % of the night hours
  (6 of 8);
- samples flagged by the weather unit (rain, wind ≥ 5 m/s; GB 3096-2008 §6) are invalid.

A required count is ⌈coverage · expected⌉, computed exactly. Levels of periods below the
coverage are still returned (energy mean of what there is) next to a ``valid`` flag; missing
data are never read as quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise.levels import (
    NEPER_PER_DECIBEL,
    FloatArray,
    IntArray,
    LevelsLike,
    check_level_range,
    energy,
    energy_mean_level,
)
from ecowarden.standards.noise.periods import GB3096_SPLIT, DayNightSplit, hourly_profile
from ecowarden.standards.rounding import ceil_exact, to_fraction

SECONDS_PER_HOUR: Final = 3600
HOURS_PER_DAY: Final = 24
BoolArray = npt.NDArray[np.bool_]
_ScalarT = TypeVar("_ScalarT", bound=np.generic)

# Samples per block of the hourly kernel: small enough that the float64 energies of one block
# (4 MiB) stay in cache, large enough that the Python loop over blocks costs nothing.
_BLOCK_SAMPLES: Final = 1 << 19


@dataclass(frozen=True)
class ValidityRule:
    """Data-validity thresholds for automatic noise stations (reference N-Q1).

    The defaults are the **project default**, not HJ 906-2017 values (which are unconfirmed).

    Attributes
    ----------
    min_hour_coverage
        Share of an hour's samples that must be valid for a valid hourly Leq. [1]
    min_day_coverage
        Share of the day-period hours that must be valid for a valid Ld. [1]
    min_night_coverage
        Share of the night-period hours that must be valid for a valid Ln. [1]
    max_wind_speed_m_s
        Samples with wind speed at or above this value are invalid (GB 3096-2008 §6: measure
        with wind < 5 m/s). [m/s]
    """

    min_hour_coverage: float = 0.75
    min_day_coverage: float = 0.75
    min_night_coverage: float = 0.75
    max_wind_speed_m_s: float = 5.0

    def __post_init__(self) -> None:
        for name in ("min_hour_coverage", "min_day_coverage", "min_night_coverage"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValidationError(f"{name} {value!r} must lie in (0, 1]")
        if not self.max_wind_speed_m_s > 0:
            raise ValidationError(f"max_wind_speed_m_s {self.max_wind_speed_m_s!r} must be > 0")


#: Project default of N-Q1 (45/60 min, 12/16 day hours, 6/8 night hours, wind < 5 m/s).
PROJECT_DEFAULT_VALIDITY: Final = ValidityRule()


def required_count(coverage: float, expected: int) -> int:
    """⌈coverage · expected⌉ computed exactly: 0.75 of 60 → 45, of 16 → 12, of 8 → 6."""
    return ceil_exact(to_fraction(coverage) * expected)


class NightAttribution(StrEnum):
    """Which hours make up the night of a date in multi-day series (decision 0004).

    HJ 906-2017 §7 is not available; the default follows the 24-hour profile of GB 3096-2008
    Annex B.2 (vector N15) and closes a date's figures at 24:00.
    """

    #: Night of date D = 00:00–06:00 and 22:00–24:00 of D (same calendar day).
    CALENDAR_DAY = "calendar day"
    #: Night of date D = 22:00 of D to 06:00 of D + 1.
    FOLLOWING_MORNING = "following morning"


def parse_night_attribution(name: NightAttribution | str) -> NightAttribution:
    """A :class:`NightAttribution`, else :class:`UnknownNameError` listing the valid ones."""
    try:
        return NightAttribution(name)
    except ValueError:
        raise UnknownNameError(
            "night attribution", name, [n.value for n in NightAttribution]
        ) from None


@dataclass(frozen=True)
class DayNightLevels:
    """Ld and Ln of 24-hour profiles with their coverage.

    Every field has the shape of the input without its hour axis (0-d for one profile).
    ``ld`` / ``ln`` are the energy means of the valid hours [dB(A)], NaN with no valid hour;
    ``ld_valid`` / ``ln_valid`` say whether the coverage rule is met.
    """

    ld: FloatArray
    ln: FloatArray
    day_hours_valid: IntArray
    night_hours_valid: IntArray
    ld_valid: BoolArray
    ln_valid: BoolArray


def day_night(
    hourly_leq: LevelsLike,
    *,
    split: DayNightSplit = GB3096_SPLIT,
    rule: ValidityRule = PROJECT_DEFAULT_VALIDITY,
) -> DayNightLevels:
    r"""Ld and Ln of 24-hour profiles (GB 3096-2008 Annex B.2, HJ 640-2012).

    .. math::

        L_d = 10 \lg \left[\frac{1}{n_d} \sum_{h \in D} 10^{0.1 L_h}\right], \quad
        L_n = 10 \lg \left[\frac{1}{n_n} \sum_{h \in N} 10^{0.1 L_h}\right]

    over the valid hours of the day set D (06–21 by default, n_d ≤ 16) and the night set N
    (22–23 and 00–05, n_n ≤ 8) of the same profile [GB3096-2008] [HJ640-2012].

    Parameters
    ----------
    hourly_leq
        Hourly Leq, last axis = hours 00–23 of the local day. [dB(A)] NaN = missing or
        invalid hour.
    split
        Day/night split (N-Q7).
    rule
        Coverage rule for ``ld_valid`` / ``ln_valid`` (N-Q1, project default).

    Returns
    -------
    :class:`DayNightLevels`. A constant profile gives that level for both periods.
    """
    values = hourly_profile(hourly_leq)
    present = ~np.isnan(values)
    energies = np.where(present, energy(values), 0.0)
    return _day_night_of_hours(
        energies, present, split=split, rule=rule, night=NightAttribution.CALENDAR_DAY
    )


@dataclass(frozen=True)
class HourlyLeq:
    """Hourly Leq from samples, with coverage; fields shaped (..., hours).

    ``leq`` is the energy mean of the valid samples [dB(A)] (NaN with none), ``samples_valid``
    their number, ``samples_expected`` the number an hour should hold, ``valid`` whether the
    coverage rule is met.
    """

    leq: FloatArray
    samples_valid: IntArray
    samples_expected: int
    valid: BoolArray


def hourly_leq_from_samples(
    samples: LevelsLike,
    interval_s: float,
    *,
    min_coverage: float = PROJECT_DEFAULT_VALIDITY.min_hour_coverage,
    excluded: npt.ArrayLike | None = None,
) -> HourlyLeq:
    r"""Hourly Leq as the energy mean of 1-minute (or 1-second …) Leq samples.

    .. math:: L_{eq,1h} = 10 \lg \left[\frac{1}{n} \sum_{i=1}^{n} 10^{0.1 L_i}\right]

    over the n valid samples of the hour (reference §2 "hourly Leq"; HJ 906-2017 §3 defines the
    valid-data rate n / N) [HJ906-2017].

    Parameters
    ----------
    samples
        Sample Leq along the last axis, first sample at the start of an hour; its length is a
        whole number of hours. [dB(A)] NaN = missing. float32 input is accepted as is.
    interval_s
        Sampling interval; must divide 3 600 s. [s]
    min_coverage
        Share of the 3 600 / ``interval_s`` samples needed for a valid hour (project default
        0.75, N-Q1). [1]
    excluded
        Boolean mask, same shape as ``samples``: samples flagged invalid (weather, QC).

    Returns
    -------
    :class:`HourlyLeq` with the hour axis in place of the sample axis.
    """
    rule = ValidityRule(min_hour_coverage=min_coverage)
    values, mask = _samples_and_mask(samples, excluded)
    per_hour = samples_per_hour(interval_s)
    hours = _whole_units(values, per_hour, "hour")
    energy_sum, count = _hourly_energy(values, mask, per_hour)
    shape = (*values.shape[:-1], hours)
    energy_sum, count = energy_sum.reshape(shape), count.reshape(shape)
    return HourlyLeq(
        leq=energy_mean_level(energy_sum, count),
        samples_valid=count,
        samples_expected=per_hour,
        valid=count >= required_count(rule.min_hour_coverage, per_hour),
    )


@dataclass(frozen=True)
class DailyDayNight:
    """Hourly Leq, Ld and Ln of station-days, with coverage and validity.

    Hourly fields are shaped (..., days, 24), daily fields (..., days). Levels are energy
    means of what is valid [dB(A)] (NaN with nothing valid); the ``*_valid`` flags apply the
    :class:`ValidityRule`. Invalid hours do not enter Ld / Ln.
    """

    hourly_leq: FloatArray
    hourly_samples_valid: IntArray
    hourly_valid: BoolArray
    ld: FloatArray
    ln: FloatArray
    day_hours_valid: IntArray
    night_hours_valid: IntArray
    ld_valid: BoolArray
    ln_valid: BoolArray


def day_night_from_samples(
    samples: LevelsLike,
    interval_s: float,
    *,
    split: DayNightSplit = GB3096_SPLIT,
    rule: ValidityRule = PROJECT_DEFAULT_VALIDITY,
    excluded: npt.ArrayLike | None = None,
    night: NightAttribution | str = NightAttribution.CALENDAR_DAY,
) -> DailyDayNight:
    """Daily Ld and Ln of many stations from their sample Leq (e.g. stations × minutes).

    Hourly Leq are energy means of the valid samples (:func:`hourly_leq_from_samples`); Ld and
    Ln are energy means of the valid hours of each period (:func:`day_night`). Energies are
    summed in float64 in cache-sized blocks, so a float32 input of 10⁸ values needs no
    float64 copy of itself [HJ906-2017] [GB3096-2008].

    Parameters
    ----------
    samples
        Sample Leq, last axis = whole local days from 00:00 (e.g. shape (29, 3 652 · 1 440) for
        29 stations × 10 years of 1-minute data). [dB(A)] NaN = missing.
    interval_s
        Sampling interval; must divide 3 600 s. [s]
    split
        Day/night split (N-Q7, default 06–22 / 22–06).
    rule
        Validity thresholds (N-Q1, project default).
    excluded
        Boolean mask, same shape as ``samples``, of samples flagged invalid (see
        :func:`weather_excluded`).
    night
        Which hours make up the night of a date (:class:`NightAttribution`). With
        ``"following morning"`` the night of the last date lacks its morning hours.

    Returns
    -------
    :class:`DailyDayNight`.
    """
    attribution = parse_night_attribution(night)
    values, mask = _samples_and_mask(samples, excluded)
    per_hour = samples_per_hour(interval_s)
    days = _whole_units(values, per_hour * HOURS_PER_DAY, "day")
    energy_sum, count = _hourly_energy(values, mask, per_hour)
    shape = (*values.shape[:-1], days, HOURS_PER_DAY)
    energy_sum, count = energy_sum.reshape(shape), count.reshape(shape)
    hourly_valid = count >= required_count(rule.min_hour_coverage, per_hour)
    mean_energy = np.zeros(shape)
    np.divide(energy_sum, count, out=mean_energy, where=hourly_valid)
    periods = _day_night_of_hours(
        mean_energy, hourly_valid, split=split, rule=rule, night=attribution
    )
    return DailyDayNight(
        hourly_leq=energy_mean_level(energy_sum, count),
        hourly_samples_valid=count,
        hourly_valid=hourly_valid,
        ld=periods.ld,
        ln=periods.ln,
        day_hours_valid=periods.day_hours_valid,
        night_hours_valid=periods.night_hours_valid,
        ld_valid=periods.ld_valid,
        ln_valid=periods.ln_valid,
    )


def weather_excluded(
    rain: npt.ArrayLike,
    wind_speed_m_s: npt.ArrayLike,
    *,
    rule: ValidityRule = PROJECT_DEFAULT_VALIDITY,
) -> BoolArray:
    """Samples the weather unit makes invalid: rain, or wind ≥ the rule's maximum.

    GB 3096-2008 §6: measure without rain, snow or thunder and with wind < 5 m/s (reference
    §1.3, N-Q1) [GB3096-2008].

    Parameters
    ----------
    rain
        True where precipitation was recorded. [bool]
    wind_speed_m_s
        Wind speed; NaN = not measured, which does not invalidate the sample (the weather
        unit is optional, reference §5.1). [m/s]
    rule
        Gives the wind threshold.

    Returns
    -------
    Boolean mask, broadcast shape of the inputs, for the ``excluded`` arguments.
    """
    raining = np.asarray(rain, dtype=bool)
    try:
        wind = np.asarray(wind_speed_m_s, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"wind speed must be numbers in m/s, got {wind_speed_m_s!r}") from exc
    bad = wind[(wind < 0) | np.isinf(wind)]
    if bad.size:
        raise ValidationError(f"wind speed {float(bad.flat[0])!r} m/s is not a valid speed")
    windy = wind >= rule.max_wind_speed_m_s  # NaN compares False: unknown wind is no reason
    return np.asarray(raining | windy, dtype=np.bool_)


def samples_per_hour(interval_s: float) -> int:
    """3 600 / ``interval_s`` when it is a whole number, else :class:`ValidationError`."""
    if isinstance(interval_s, bool):
        raise ValidationError(f"sampling interval {interval_s!r} is not a number of seconds")
    interval = to_fraction(interval_s)
    if interval <= 0 or (Fraction(SECONDS_PER_HOUR) / interval).denominator != 1:
        raise ValidationError(
            f"sampling interval {interval_s!r} s must be > 0 and divide 3600 s evenly"
        )
    return int(Fraction(SECONDS_PER_HOUR) / interval)


def _samples_and_mask(
    samples: LevelsLike, excluded: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.floating], BoolArray | None]:
    values = np.asarray(samples)
    if values.dtype not in (np.float32, np.float64):
        try:
            values = np.asarray(samples, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"sample levels must be numbers in dB, got {samples!r}") from exc
    if values.ndim == 0:
        raise ValidationError("samples need a time axis, got a single value")
    if excluded is None:
        return values, None
    mask = np.asarray(excluded, dtype=bool)
    if mask.shape != values.shape:
        raise ValidationError(
            f"excluded mask shape {mask.shape} differs from samples shape {values.shape}"
        )
    return values, mask


def _whole_units(values: npt.NDArray[np.floating], per_unit: int, unit: str) -> int:
    length = int(values.shape[-1])
    if length == 0 or length % per_unit:
        raise ValidationError(
            f"{length} samples are not a whole number of {unit}s of {per_unit} samples"
        )
    return length // per_unit


def _hourly_energy(
    values: npt.NDArray[np.floating], mask: BoolArray | None, per_hour: int
) -> tuple[FloatArray, IntArray]:
    """Energy sums Σ 10^(0.1·L) and counts of valid samples per hour, flattened."""
    rows = values.reshape(-1, per_hour)
    rows_mask = None if mask is None else mask.reshape(-1, per_hour)
    energy_sum = np.empty(rows.shape[0])
    count = np.empty(rows.shape[0], dtype=np.intp)
    step = max(1, _BLOCK_SAMPLES // per_hour)
    for start in range(0, rows.shape[0], step):
        block = rows[start : start + step]
        check_level_range(block, "sample level")
        block_energy = np.multiply(block, NEPER_PER_DECIBEL, dtype=np.float64)
        np.exp(block_energy, out=block_energy)
        # fmax(NaN, 0) = 0: a missing sample adds no energy (and is not counted below).
        np.fmax(block_energy, 0.0, out=block_energy)
        present = ~np.isnan(block)
        if rows_mask is not None:
            block_mask = rows_mask[start : start + step]
            np.copyto(block_energy, 0.0, where=block_mask)
            present &= ~block_mask
        energy_sum[start : start + step] = block_energy.sum(axis=1)
        count[start : start + step] = np.count_nonzero(present, axis=1)
    return energy_sum, count


def _day_night_of_hours(
    hour_energy: FloatArray,
    hour_valid: BoolArray,
    *,
    split: DayNightSplit,
    rule: ValidityRule,
    night: NightAttribution,
) -> DayNightLevels:
    """Ld / Ln from hourly mean energies (0 where invalid) on a last axis of 24 hours."""
    day = slice(split.day_starts_at, split.night_starts_at)
    evening = slice(split.night_starts_at, HOURS_PER_DAY)
    morning = slice(0, split.day_starts_at)
    day_energy = hour_energy[..., day].sum(axis=-1)
    day_count = np.count_nonzero(hour_valid[..., day], axis=-1)
    night_energy = hour_energy[..., evening].sum(axis=-1)
    night_count = np.count_nonzero(hour_valid[..., evening], axis=-1)
    morning_energy = hour_energy[..., morning].sum(axis=-1)
    morning_count = np.count_nonzero(hour_valid[..., morning], axis=-1)
    if night is NightAttribution.FOLLOWING_MORNING:
        # The morning hours of date D + 1 close the night that began on date D.
        morning_energy = _next_day(morning_energy)
        morning_count = _next_day(morning_count)
    night_energy = night_energy + morning_energy
    night_count = night_count + morning_count
    day_count = np.asarray(day_count, dtype=np.intp)
    night_count = np.asarray(night_count, dtype=np.intp)
    return DayNightLevels(
        ld=energy_mean_level(np.asarray(day_energy), day_count),
        ln=energy_mean_level(np.asarray(night_energy), night_count),
        day_hours_valid=day_count,
        night_hours_valid=night_count,
        ld_valid=np.asarray(
            day_count >= required_count(rule.min_day_coverage, len(split.day_hours))
        ),
        ln_valid=np.asarray(
            night_count >= required_count(rule.min_night_coverage, len(split.night_hours))
        ),
    )


def _next_day(per_day: npt.NDArray[_ScalarT]) -> npt.NDArray[_ScalarT]:
    """Shift a (..., days) array one day earlier; the last day gets nothing (0)."""
    shifted = np.zeros_like(per_day)
    shifted[..., :-1] = per_day[..., 1:]
    return shifted
