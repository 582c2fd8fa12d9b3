"""The demo county's bulletin computed from its synthetic series."""

from __future__ import annotations

import datetime as dt

from ecowarden.assess.water import WaterSiteSpec
from ecowarden.demo.county import (
    AIR_STATIONS,
    COUNTY_NAME,
    NOISE_ZONES,
    WATER_SITES,
    WITHDRAWAL_10K_T,
)
from ecowarden.demo.synthetic import air_hourly, noise_hourly, water_monthly
from ecowarden.services.bulletin import Bulletin, air_bulletin, noise_bulletin, water_bulletin

FIRST_DAY = dt.date(2025, 1, 1)


def last_whole_month(as_of: dt.date) -> tuple[int, int]:
    """(year, month) of the last month that ended before ``as_of``."""
    previous = as_of.replace(day=1) - dt.timedelta(days=1)
    return previous.year, previous.month


def water_site_specs() -> tuple[WaterSiteSpec, ...]:
    return tuple(
        WaterSiteSpec(
            site.code,
            site.name,
            site.water_body,
            site.target_class,
            site.drinking_source,
            WITHDRAWAL_10K_T.get(site.code),
        )
        for site in WATER_SITES
    )


def synthetic_bulletin(as_of: dt.date) -> Bulletin:
    """The bulletin of the year to date before ``as_of``, from synthetic series generated
    from 2025-01-01 to the day before ``as_of``."""
    last_day = as_of - dt.timedelta(days=1)
    year, month = last_whole_month(as_of)
    air = air_hourly(tuple(s.code for s in AIR_STATIONS), FIRST_DAY, last_day)
    air_figures = air_bulletin(
        {pollutant: air.valid_values(pollutant) for pollutant in air.values},
        stations=[(s.code, s.name) for s in AIR_STATIONS],
        first_date=FIRST_DAY,
        air_class=[s.air_class for s in AIR_STATIONS],
    )
    months = tuple(
        (y, m)
        for y in range(FIRST_DAY.year, year + 1)
        for m in range(1, 13)
        if (y, m) <= (year, month)
    )
    samples = water_monthly(WATER_SITES, months)
    water_figures = water_bulletin(
        water_site_specs(),
        {code: list(zip(months, rows, strict=True)) for code, rows in samples.items()},
        year=year,
        last_month=month,
    )
    period_start = dt.date(year, 1, 1)
    period_end = dt.date(year, month, 1) + dt.timedelta(days=31)
    period_end = period_end.replace(day=1)
    noise = noise_hourly(NOISE_ZONES, period_start, period_end - dt.timedelta(days=1))
    noise_figures = noise_bulletin(
        noise.leq_dba,
        stations=noise.stations,
        zones=noise.zones,
        first_date=period_start,
        period_label=water_figures.period,
    )
    return Bulletin(COUNTY_NAME, air_figures, water_figures, noise_figures)
