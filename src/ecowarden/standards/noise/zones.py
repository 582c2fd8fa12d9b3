"""GB 3096-2008 functional zones: limits of Table 1 and the compliance of one site-day.

Rules (reference §1) [GB3096-2008]:

- §5.1 Table 1: Ld ≤ day limit and Ln ≤ night limit; equality complies.
- §5.2 / §5.3: the 4b limits (70 / 60) apply to new railway trunk lines whose EIA was approved
  from 2011-01-01; for existing lines the background level without trains is limited to
  70 / 55 (N-Q5: a per-site attribute).
- §5.4: at night Lmax may exceed the night limit by no more than 15 dB(A); exactly +15
  complies. On automatic data each night hour's Lmax is judged and reported separately from Ln
  (N-Q3).
- Annex C [unconfirmed]: measured indoors with windows fully open, judge against limit − 10
  dB(A) (N-Q4: a per-site attribute).
- Levels are reported to 0.1 dB (round half to even) and the reported value is compared
  (N-Q2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import numpy as np

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.noise.levels import (
    LevelsLike,
    as_levels,
    optional_level,
    reported_level,
)
from ecowarden.standards.noise.periods import GB3096_SPLIT, DayNightSplit, Period
from ecowarden.standards.noise.validity import (
    PROJECT_DEFAULT_VALIDITY,
    ValidityRule,
    day_night,
)


class Zone(StrEnum):
    """Acoustic functional-zone classes of GB 3096-2008 §4 [GB3096-2008]."""

    QUIET = "0"
    RESIDENTIAL = "1"
    MIXED = "2"
    INDUSTRIAL = "3"
    TRAFFIC_ARTERY = "4a"
    RAILWAY_TRUNK = "4b"

    @property
    def label(self) -> str:
        """Chinese description of the class (GB 3096-2008 §4)."""
        return _ZONE_LABELS[self]


_ZONE_LABELS: Final = {
    Zone.QUIET: "康复疗养区等特别需要安静的区域",
    Zone.RESIDENTIAL: "以居民住宅、医疗卫生、文化教育、科研设计、行政办公为主要功能的区域",
    Zone.MIXED: "以商业金融、集市贸易为主要功能，或者居住、商业、工业混杂的区域",
    Zone.INDUSTRIAL: "以工业生产、仓储物流为主要功能的区域",
    Zone.TRAFFIC_ARTERY: "高速公路、一级公路、二级公路、城市快速路、城市主干路、城市次干路、"
    "城市轨道交通（地面段）、内河航道两侧区域",
    Zone.RAILWAY_TRUNK: "铁路干线两侧区域",
}


@dataclass(frozen=True)
class ZoneLimits:
    """Day and night limits of LAeq. [dB(A)]"""

    day_db: int
    night_db: int


#: GB 3096-2008 §5.1 Table 1, 环境噪声限值, LAeq [dB(A)].
ZONE_LIMITS: Final[Mapping[Zone, ZoneLimits]] = MappingProxyType(
    {
        Zone.QUIET: ZoneLimits(50, 40),
        Zone.RESIDENTIAL: ZoneLimits(55, 45),
        Zone.MIXED: ZoneLimits(60, 50),
        Zone.INDUSTRIAL: ZoneLimits(65, 55),
        Zone.TRAFFIC_ARTERY: ZoneLimits(70, 55),
        Zone.RAILWAY_TRUNK: ZoneLimits(70, 60),
    }
)

#: GB 3096-2008 §5.3: existing railway trunk lines through urban areas (and their rebuilds):
#: background level without trains, LAeq [dB(A)].
EXISTING_RAILWAY_BACKGROUND_LIMITS: Final = ZoneLimits(70, 55)

#: GB 3096-2008 §5.2 / §5.3: lines whose EIA was approved from this date are "new" (4b
#: limits); lines in operation or approved by 2010-12-31 are "existing".
NEW_RAILWAY_EIA_FROM: Final = dt.date(2011, 1, 1)

#: GB 3096-2008 §5.4: night Lmax may exceed the night limit by at most this. [dB(A)]
NIGHT_LMAX_ALLOWANCE_DB: Final = 15

#: GB 3096-2008 Annex C [unconfirmed, N-Q4]: indoors with windows open, limit − 10. [dB(A)]
INDOOR_WINDOWS_OPEN_REDUCTION_DB: Final = 10


class Railway(StrEnum):
    """Railway regime of a 4b site (GB 3096-2008 §5.2, §5.3; reference N-Q5)."""

    NEW_LINE = "new"
    EXISTING_LINE = "existing"

    @property
    def label(self) -> str:
        """Chinese name of the regime."""
        return _RAILWAY_LABELS[self]


_RAILWAY_LABELS: Final = {
    Railway.NEW_LINE: "新建铁路干线（2011-01-01 起环评批复）",
    Railway.EXISTING_LINE: "穿越城区的既有铁路干线（不通过列车时的背景噪声）",
}


def railway_regime(eia_approved_on: dt.date) -> Railway:
    """The regime of a railway trunk line from the approval date of its EIA (§5.2, §5.3)."""
    return Railway.NEW_LINE if eia_approved_on >= NEW_RAILWAY_EIA_FROM else Railway.EXISTING_LINE


def parse_zone(zone: Zone | str | int) -> Zone:
    """A :class:`Zone` from "0" … "3", "4a", "4b" (any case) or an int 0–3.

    Raises :class:`UnknownNameError` listing the valid names.
    """
    valid = [z.value for z in Zone]
    if isinstance(zone, bool):
        raise UnknownNameError("zone", zone, valid)
    key = str(zone).strip().lower() if isinstance(zone, str | int) else zone
    try:
        return Zone(key)
    except ValueError:
        raise UnknownNameError("zone", zone, valid) from None


def parse_railway(railway: Railway | str) -> Railway:
    """A :class:`Railway` regime from "new" / "existing", else :class:`UnknownNameError`."""
    try:
        return Railway(railway)
    except ValueError:
        raise UnknownNameError("railway regime", railway, [r.value for r in Railway]) from None


def zone_limits(
    zone: Zone | str | int,
    *,
    railway: Railway | str | None = None,
    indoor: bool = False,
) -> ZoneLimits:
    """Limits applying to a site (GB 3096-2008 Table 1, §5.2–§5.3, Annex C) [GB3096-2008].

    Parameters
    ----------
    zone
        Zone class "0", "1", "2", "3", "4a", "4b" (int 0–3 accepted).
    railway
        For a 4b site only: "new" → Table 1 (70 / 60); "existing" → background without
        trains 70 / 55. ``None`` → Table 1.
    indoor
        Measured indoors with windows fully open: each limit − 10 dB (N-Q4, unconfirmed).

    Returns
    -------
    :class:`ZoneLimits` [dB(A)].
    """
    parsed = parse_zone(zone)
    limits = ZONE_LIMITS[parsed]
    if railway is not None:
        regime = parse_railway(railway)
        if parsed is not Zone.RAILWAY_TRUNK:
            raise ValidationError(
                f"railway regime {regime.value!r} applies to zone 4b only, "
                f"not zone {parsed.value!r}"
            )
        if regime is Railway.EXISTING_LINE:
            limits = EXISTING_RAILWAY_BACKGROUND_LIMITS
    if indoor:
        limits = ZoneLimits(
            limits.day_db - INDOOR_WINDOWS_OPEN_REDUCTION_DB,
            limits.night_db - INDOOR_WINDOWS_OPEN_REDUCTION_DB,
        )
    return limits


class Verdict(StrEnum):
    """Outcome of a judgement against a limit."""

    COMPLIANT = "compliant"
    EXCEEDS = "exceeds"
    #: Some data, but below the coverage of the validity rule: not judged.
    INSUFFICIENT = "insufficient"
    #: No data: not judged, never counted as compliant.
    MISSING = "missing"

    @property
    def label(self) -> str:
        """Chinese label: 达标 / 超标 / 数据不足 / 无数据."""
        return _VERDICT_LABELS[self]


_VERDICT_LABELS: Final = {
    Verdict.COMPLIANT: "达标",
    Verdict.EXCEEDS: "超标",
    Verdict.INSUFFICIENT: "数据不足",
    Verdict.MISSING: "无数据",
}


@dataclass(frozen=True)
class PeriodVerdict:
    """Ld or Ln of one site-day against its limit.

    ``level_db`` is the reported level [dB(A)] (None when missing); ``excess_db`` the reported
    level minus the limit when it exceeds [dB]; ``hours_valid`` the valid hours behind a level
    computed from hourly Leq (None when the level was given).
    """

    period: Period
    verdict: Verdict
    level_db: float | None
    limit_db: int
    excess_db: float | None
    hours_valid: int | None


@dataclass(frozen=True)
class LmaxVerdict:
    """Night maximum levels against night limit + 15 dB (GB 3096-2008 §5.4, N-Q3).

    ``lmax_db`` is the highest reported night Lmax [dB(A)]; ``excess_over_limit_db`` = that
    minus the night limit [dB] (≤ 15 complies); ``hours`` counts the Lmax values judged (one
    per night hour, or 1 for a single value) and ``hours_exceeding`` those exceeding the limit
    by more than 15 dB.
    """

    verdict: Verdict
    lmax_db: float | None
    limit_db: int
    excess_over_limit_db: float | None
    hours: int
    hours_exceeding: int
    allowance_db: int = NIGHT_LMAX_ALLOWANCE_DB


@dataclass(frozen=True)
class ZoneVerdict:
    """Compliance of one site on one day (one point-time, 点次)."""

    zone: Zone
    limits: ZoneLimits
    railway: Railway | None
    indoor: bool
    day: PeriodVerdict
    night: PeriodVerdict
    lmax: LmaxVerdict | None


def zone_compliance(
    zone: Zone | str | int,
    *,
    ld: float | None = None,
    ln: float | None = None,
    lmax_night: LevelsLike | None = None,
    hourly_leq: LevelsLike | None = None,
    railway: Railway | str | None = None,
    indoor: bool = False,
    split: DayNightSplit = GB3096_SPLIT,
    rule: ValidityRule = PROJECT_DEFAULT_VALIDITY,
    decimals: int | None = 1,
) -> ZoneVerdict:
    """Judge a site-day by Ld, Ln and night Lmax (GB 3096-2008 §5, Annex B.2) [GB3096-2008].

    Parameters
    ----------
    zone
        Zone class of the site ("0" … "3", "4a", "4b"; int 0–3).
    ld, ln
        Day and night levels. [dB(A)] None / NaN = missing (verdict ``missing``, never
        compliant). Not together with ``hourly_leq``.
    lmax_night
        Night maximum level, one value or one per night hour. [dB(A)] NaN hours are missing.
    hourly_leq
        24 hourly Leq of the day, hours 00–23. [dB(A)] Ld / Ln are then computed with
        :func:`~ecowarden.standards.noise.validity.day_night` and judged only when the
        validity rule is met (else verdict ``insufficient``).
    railway
        4b regime, "new" or "existing" (see :func:`zone_limits`).
    indoor
        Indoors with windows fully open: limits − 10 dB (N-Q4).
    split, rule
        Day/night split and validity rule used with ``hourly_leq``.
    decimals
        Reporting precision compared with the limits (N-Q2: 1 → 0.1 dB, half to even;
        None compares the unrounded level).

    Returns
    -------
    :class:`ZoneVerdict`; ``lmax`` is None when no Lmax was given.
    """
    parsed = parse_zone(zone)
    limits = zone_limits(parsed, railway=railway, indoor=indoor)
    regime = None if railway is None else parse_railway(railway)
    if hourly_leq is not None:
        if ld is not None or ln is not None:
            raise ValidationError("give either hourly_leq or ld / ln, not both")
        profile = as_levels(hourly_leq, "hourly Leq")
        if profile.shape != (24,):
            raise ValidationError(
                f"hourly_leq of one day needs 24 values (hours 00–23), got shape {profile.shape}"
            )
        levels = day_night(profile, split=split, rule=rule)
        day = _judge_hours(
            Period.DAY,
            float(levels.ld),
            int(levels.day_hours_valid),
            bool(levels.ld_valid),
            limits.day_db,
            decimals,
        )
        night = _judge_hours(
            Period.NIGHT,
            float(levels.ln),
            int(levels.night_hours_valid),
            bool(levels.ln_valid),
            limits.night_db,
            decimals,
        )
    else:
        day = _judge(Period.DAY, optional_level(ld, "Ld"), limits.day_db, decimals, None)
        night = _judge(Period.NIGHT, optional_level(ln, "Ln"), limits.night_db, decimals, None)
    lmax = None if lmax_night is None else _judge_lmax(lmax_night, limits.night_db, decimals)
    return ZoneVerdict(parsed, limits, regime, indoor, day, night, lmax)


def _judge(
    period: Period, level: float | None, limit: int, decimals: int | None, hours: int | None
) -> PeriodVerdict:
    if level is None:
        return PeriodVerdict(period, Verdict.MISSING, None, limit, None, hours)
    reported = reported_level(level, decimals)
    excess = reported - limit
    if excess > 0:
        return PeriodVerdict(period, Verdict.EXCEEDS, float(reported), limit, float(excess), hours)
    return PeriodVerdict(period, Verdict.COMPLIANT, float(reported), limit, None, hours)


def _judge_hours(
    period: Period, level: float, hours: int, valid: bool, limit: int, decimals: int | None
) -> PeriodVerdict:
    if hours == 0:
        return PeriodVerdict(period, Verdict.MISSING, None, limit, None, 0)
    if not valid:
        reported = float(reported_level(level, decimals))
        return PeriodVerdict(period, Verdict.INSUFFICIENT, reported, limit, None, hours)
    return _judge(period, level, limit, decimals, hours)


def _judge_lmax(lmax_night: LevelsLike, limit: int, decimals: int | None) -> LmaxVerdict:
    values = np.atleast_1d(as_levels(lmax_night, "night Lmax")).ravel()
    reported: list[Decimal] = [
        reported_level(float(v), decimals) for v in values if not np.isnan(v)
    ]
    if not reported:
        return LmaxVerdict(Verdict.MISSING, None, limit, None, 0, 0)
    highest = max(reported)
    exceeding = sum(1 for v in reported if v - limit > NIGHT_LMAX_ALLOWANCE_DB)
    return LmaxVerdict(
        verdict=Verdict.EXCEEDS if exceeding else Verdict.COMPLIANT,
        lmax_db=float(highest),
        limit_db=limit,
        excess_over_limit_db=float(highest - limit),
        hours=len(reported),
        hours_exceeding=exceeding,
    )
