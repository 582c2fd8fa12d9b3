r"""Functional-zone compliance rates by point-times (点次), HJ 640-2012 (reference §3.3).

.. math::

    \text{达标率} = \frac{\text{compliant point-times}}{\text{monitored point-times}}
    \times 100\ \%

day and night separately, per zone class and overall; the overall rate pools the counts of
all classes, it is not the mean of the class rates [HJ640-2012]. A point-time whose period
is missing or below the validity rule is excluded from both counts and reported as excluded
(N-Q1). Night Lmax verdicts are reported separately and do not enter these rates (N-Q3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from ecowarden.standards.noise.zones import PeriodVerdict, Verdict, Zone, ZoneVerdict
from ecowarden.standards.rounding import round_half_even


@dataclass(frozen=True)
class RateCount:
    """Point-time counts of one period."""

    compliant: int
    monitored: int
    excluded: int

    @property
    def rate(self) -> Fraction | None:
        """Compliant / monitored, exact; None when nothing was monitored."""
        return None if self.monitored == 0 else Fraction(self.compliant, self.monitored)

    @property
    def rate_pct(self) -> float | None:
        """Compliance rate to 0.1 %, rounded half to even from the exact ratio [GBT8170]."""
        rate = self.rate
        return None if rate is None else float(round_half_even(100 * rate, 1))

    def add(self, verdict: PeriodVerdict) -> RateCount:
        """These counts with one more point-time."""
        if verdict.verdict in (Verdict.MISSING, Verdict.INSUFFICIENT):
            return RateCount(self.compliant, self.monitored, self.excluded + 1)
        compliant = self.compliant + (verdict.verdict is Verdict.COMPLIANT)
        return RateCount(compliant, self.monitored + 1, self.excluded)


_NO_COUNT = RateCount(0, 0, 0)


@dataclass(frozen=True)
class DayNightRates:
    """Day and night point-time counts of one zone class, or of all pooled."""

    day: RateCount = _NO_COUNT
    night: RateCount = _NO_COUNT

    def add(self, verdict: ZoneVerdict) -> DayNightRates:
        """These counts with one more site-day."""
        return DayNightRates(self.day.add(verdict.day), self.night.add(verdict.night))


@dataclass(frozen=True)
class ComplianceRates:
    """Rates overall (pooled) and per zone class, classes in GB 3096 order."""

    overall: DayNightRates
    by_zone: Mapping[Zone, DayNightRates]


def compliance_rates(point_times: Iterable[ZoneVerdict]) -> ComplianceRates:
    """Day and night compliance rates of site-day verdicts (HJ 640-2012; reference §3.3).

    Parameters
    ----------
    point_times
        One :class:`~ecowarden.standards.noise.zones.ZoneVerdict` per site and monitoring day
        (or campaign), e.g. from :func:`~ecowarden.standards.noise.zones.zone_compliance`.

    Returns
    -------
    :class:`ComplianceRates`. Example (vector N19): classes 1 / 2 / 3 / 4a with 6 / 12 / 5 / 6
    point-times and 27 / 29 compliant by day → 93.1 % overall.
    """
    overall = DayNightRates()
    by_zone: dict[Zone, DayNightRates] = {}
    for verdict in point_times:
        overall = overall.add(verdict)
        by_zone[verdict.zone] = by_zone.get(verdict.zone, DayNightRates()).add(verdict)
    ordered = {zone: by_zone[zone] for zone in Zone if zone in by_zone}
    return ComplianceRates(overall, MappingProxyType(ordered))
