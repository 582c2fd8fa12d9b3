"""The demo county's bulletin, computed from what the database holds (not from memory)."""

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
from ecowarden.demo.county_db import SPAN_FIRST
from ecowarden.services.bulletin import Bulletin, air_bulletin, noise_bulletin, water_bulletin
from ecowarden.services.series import (
    air_hourly_series,
    noise_hourly_series,
    water_monthly_samples,
)
from ecowarden.store import Store


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


def stored_bulletin(store: Store, as_of: dt.date) -> Bulletin:
    """The bulletin of the year to date before ``as_of`` (1—M月, M the last whole month),
    read back from the county's readings in ``store``."""
    last_day = as_of - dt.timedelta(days=1)
    year, month = last_whole_month(as_of)
    period_start = dt.date(year, 1, 1)
    period_end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    noise_codes = tuple(f"N{idx + 1:02d}" for idx in range(len(NOISE_ZONES)))
    with store.snapshot() as snapshot:
        air = air_hourly_series(snapshot, [s.code for s in AIR_STATIONS], SPAN_FIRST, last_day)
        samples = water_monthly_samples(
            snapshot, [s.code for s in WATER_SITES], (SPAN_FIRST.year, 1), (year, month)
        )
        noise = noise_hourly_series(snapshot, noise_codes, period_start, period_end)
    air_figures = air_bulletin(
        air.values,
        stations=[(s.code, s.name) for s in AIR_STATIONS],
        first_date=SPAN_FIRST,
        air_class=[s.air_class for s in AIR_STATIONS],
    )
    water_figures = water_bulletin(water_site_specs(), samples, year=year, last_month=month)
    noise_figures = noise_bulletin(
        noise.values["Leq"],
        stations=noise_codes,
        zones=NOISE_ZONES,
        first_date=period_start,
        period_label=water_figures.period,
    )
    return Bulletin(COUNTY_NAME, air_figures, water_figures, noise_figures)
