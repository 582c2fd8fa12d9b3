"""Water sites' monthly samples → classes, river status, CWQI and drinking-water compliance.

Monthly classes come from each month's sample; the period class of a section from the period
means of its items [WQA2011]; the river's status from its sections' period classes (proportion
method, or mean method for few sections) [WQA2011]; CWQI from the period means [CWQI2017]. A
drinking-water source is compliant for the period only when every monthly sample is (reference
water §10: "only if every evaluated item meets its limit in the period"); the rate by volume
weights sources by their withdrawal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ecowarden.errors import ValidationError
from ecowarden.standards.water import (
    CwqiChange,
    DrinkingWaterSource,
    Item,
    Reading,
    RiverStatus,
    SampleClassification,
    WaterClass,
    classify_sample,
    cwqi,
    cwqi_change,
    meets_target,
    parse_any_item,
    period_mean,
    river_status,
    source_compliance,
)

Sample = Mapping[str, float | None]


@dataclass(frozen=True)
class WaterSiteSpec:
    """A section or source as the assessment needs it."""

    code: str
    name: str
    water_body: str  # "river" or "lake"
    target_class: str
    drinking_source: bool = False
    withdrawal: float | None = None  # period withdrawal of a drinking-water source [万 t]


@dataclass(frozen=True)
class SiteWaterPeriod:
    """One site's period: monthly classes, period class, CWQI and target attainment."""

    site: WaterSiteSpec
    monthly_classes: tuple[WaterClass | None, ...]
    period: SampleClassification
    cwqi: Fraction | None
    meets_target: bool | None
    drinking_compliant: bool | None  # None for non-sources, or when undetermined


@dataclass(frozen=True)
class WaterAssessment:
    """The period's water figures for a county."""

    sites: tuple[SiteWaterPeriod, ...]
    river: RiverStatus | None  # status of the river sections together
    river_cwqi: Fraction | None  # mean CWQI of the river sections [CWQI2017]
    drinking_by_count: Fraction | None
    drinking_by_volume: Fraction | None


def _table1(sample: Mapping[str, Reading]) -> dict[str, Reading]:
    """The GB 3838 Table 1 items of a sample (classes and CWQI use only these)."""
    return {k: v for k, v in sample.items() if isinstance(parse_any_item(k), Item)}


def _period_values(samples: Sequence[Sample]) -> dict[str, Reading]:
    items = {item for sample in samples for item in _table1(sample)}
    return {item: period_mean(item, [s.get(item) for s in samples]).value for item in items}


def _drinking_compliant(site: WaterSiteSpec, samples: Sequence[Sample]) -> bool | None:
    verdicts = [
        source_compliance(
            DrinkingWaterSource(site.name, sample, water_body=site.water_body)
        ).compliant
        for sample in samples
    ]
    if any(v is False for v in verdicts):
        return False
    return None if any(v is None for v in verdicts) else True


def assess_water_sites(
    sites: Sequence[WaterSiteSpec], samples: Mapping[str, Sequence[Sample]]
) -> WaterAssessment:
    """Assess water sites over a period from their monthly samples (``samples[site.code]``)."""
    results = []
    for site in sites:
        site_samples = samples.get(site.code)
        if not site_samples:
            raise ValidationError(f"no samples for water site {site.code!r} in the period")
        monthly = tuple(
            classify_sample(_table1(sample), water_body=site.water_body).water_class
            for sample in site_samples
        )
        values = _period_values(site_samples)
        period = classify_sample(values, water_body=site.water_body)
        index = cwqi(values, water_body=site.water_body).value
        attained = (
            None
            if period.water_class is None
            else meets_target(period.water_class, site.target_class)
        )
        results.append(
            SiteWaterPeriod(
                site=site,
                monthly_classes=monthly,
                period=period,
                cwqi=index,
                meets_target=attained,
                drinking_compliant=(
                    _drinking_compliant(site, site_samples) if site.drinking_source else None
                ),
            )
        )
    river_sites = [
        r for r in results if r.site.water_body == "river" and not r.site.drinking_source
    ]
    classified = [r for r in river_sites if r.period.water_class is not None]
    river = (
        river_status(
            [r.period.water_class for r in classified if r.period.water_class is not None],
            section_values=[r.period.values for r in classified],
        )
        if classified
        else None
    )
    river_indices = [r.cwqi for r in river_sites if r.cwqi is not None]
    river_cwqi = sum(river_indices, Fraction(0)) / len(river_indices) if river_indices else None
    sources = [r for r in results if r.site.drinking_source and r.drinking_compliant is not None]
    by_count = (
        Fraction(sum(bool(r.drinking_compliant) for r in sources), len(sources))
        if sources
        else None
    )
    volumes = [r.site.withdrawal for r in sources]
    by_volume = None
    if sources and all(v is not None for v in volumes):
        total = sum(Fraction(v) for v in volumes if v is not None)
        good = sum(
            Fraction(r.site.withdrawal)
            for r in sources
            if r.drinking_compliant and r.site.withdrawal is not None
        )
        by_volume = good / total if total else None
    return WaterAssessment(tuple(results), river, river_cwqi, by_count, by_volume)


def cwqi_year_on_year(current: Fraction | None, base: Fraction | None) -> CwqiChange | None:
    """ΔCWQI of the current period against the base period, None if either is missing."""
    if current is None or base is None:
        return None
    return cwqi_change(current, base)
