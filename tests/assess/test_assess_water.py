"""Water sites over a period: monthly and period classes, river status, drinking-water rates."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ecowarden.assess.water import WaterSiteSpec, assess_water_sites, cwqi_year_on_year
from ecowarden.errors import ValidationError
from ecowarden.standards.water import WaterClass

# A Class II river sample: every Table 1 item at or below its Class II limit (GB 3838-2002
# Table 1), NH3-N 0.3 (II: 0.15 < 0.3 ≤ 0.5), CODMn 3 (II: ≤ 4), DO 7 (II: ≥ 6).
CLASS_II = {
    "pH": 7.5, "DO": 7.0, "CODMn": 3.0, "COD": 12.0, "BOD5": 2.0, "NH3-N": 0.3, "TP": 0.08,
    "Cu": 0.005, "Zn": 0.02, "F": 0.3, "Se": 0.001, "As": 0.001, "Hg": 0.00002, "Cd": 0.001,
    "Cr6": 0.004, "Pb": 0.002, "CN": 0.002, "volatile_phenol": 0.001, "petroleum": 0.02,
    "LAS": 0.05, "S2-": 0.01,
}  # fmt: skip
SUPPLEMENT = {"SO4": 30.0, "Cl": 15.0, "NO3-N": 1.0, "Fe": 0.1, "Mn": 0.03}


def test_period_class_from_period_means() -> None:
    # NH3-N 0.3 in one month and 0.9 in the other: monthly classes II and III; the period mean
    # 0.6 is Class III (0.5 < 0.6 ≤ 1.0), which misses the Class II target
    site = WaterSiteSpec("S1", "断面一", "river", "II")
    samples = {"S1": [CLASS_II, CLASS_II | {"NH3-N": 0.9}]}
    result = assess_water_sites([site], samples)
    (section,) = result.sites
    assert section.monthly_classes == (WaterClass.II, WaterClass.III)
    assert section.period.water_class is WaterClass.III
    assert section.meets_target is False


def test_river_status_of_few_sections_uses_the_mean_method() -> None:
    sites = [WaterSiteSpec(f"S{i}", f"断面{i}", "river", "II") for i in range(3)]
    result = assess_water_sites(sites, {s.code: [CLASS_II] for s in sites})
    assert result.river is not None
    assert result.river.water_class is WaterClass.II
    assert result.river.status is not None
    assert result.river.status.value == "优"


def test_drinking_water_rates_by_count_and_volume() -> None:
    # source A compliant; source B fails (NH3-N 1.2 > Class III 1.0 in one month)
    a = WaterSiteSpec("A", "甲水库", "lake", "II", drinking_source=True, withdrawal=300.0)
    b = WaterSiteSpec("B", "乙水库", "lake", "II", drinking_source=True, withdrawal=100.0)
    good = CLASS_II | SUPPLEMENT | {"TP": 0.02}
    samples = {"A": [good, good], "B": [good, good | {"NH3-N": 1.2}]}
    result = assess_water_sites([a, b], samples)
    assert [s.drinking_compliant for s in result.sites] == [True, False]
    assert result.drinking_by_count == Fraction(1, 2)
    assert result.drinking_by_volume == Fraction(300, 400)


def test_source_without_supplementary_items_is_undetermined() -> None:
    site = WaterSiteSpec("A", "甲水库", "lake", "II", drinking_source=True, withdrawal=1.0)
    result = assess_water_sites([site], {"A": [CLASS_II | {"TP": 0.02}]})
    assert result.sites[0].drinking_compliant is None
    assert result.drinking_by_count is None


def test_cwqi_change() -> None:
    # (3.8 − 4.0) / 4.0 × 100 = −5 %: an improvement
    change = cwqi_year_on_year(Fraction(38, 10), Fraction(4))
    assert change is not None
    assert change.percent == -5
    assert cwqi_year_on_year(None, Fraction(4)) is None


def test_site_without_samples_is_refused() -> None:
    with pytest.raises(ValidationError, match="no samples for water site 'X'"):
        assess_water_sites([WaterSiteSpec("X", "无", "river", "II")], {})
