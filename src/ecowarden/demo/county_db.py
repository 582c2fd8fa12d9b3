"""Build the demo county in a database: its registry, and two years of readings.

The series are generated over a fixed span (2025-01-01 … 2026-12-31, seeded) and cut at the day
before the build date, so a build on a later day adds the new days and leaves every stored reading
identical: re-running the build is idempotent (the store answers "identical" for each resend).
Hourly data covers the whole span; minute data only the last days, as a county keeps it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import yaml

from ecowarden.demo.county import (
    AIR_STATIONS,
    CENTRE_LAT,
    CENTRE_LON,
    NOISE_ZONES,
    WATER_LOCATIONS,
    WATER_SITES,
)
from ecowarden.demo.enterprises import DemoEnterprise, demo_enterprises
from ecowarden.demo.synthetic import air_hourly, noise_hourly, outlet_hourly, water_monthly
from ecowarden.registry.readings import Period
from ecowarden.services.database import upgrade_database
from ecowarden.services.materialise import RefreshReport, refresh_materialised
from ecowarden.services.registry_import import RegistryImportReport, import_registry
from ecowarden.standards.water.items import ITEM_INFO, SUPPLEMENTARY_INFO, parse_any_item
from ecowarden.store import Store
from ecowarden.store.readings import SeriesDay, UpsertReport
from ecowarden.store.sources import SourceKind

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
SPAN_FIRST = dt.date(2025, 1, 1)
SPAN_LAST = dt.date(2026, 12, 31)
MINUTE_DAYS = 2  # minute data is kept for the last days only
SAMPLING_DAY = 10  # manual water samples are taken on the 10th of each month
# GB 3095 ambient units: the six pollutants' HJ 212 codes (readings at air stations are µg/m³,
# CO mg/m³ — see docs/data-dictionary.md).
AIR_CODES = {
    "SO2": "a21026",
    "NO2": "a21004",
    "CO": "a21005",
    "O3": "a05024",
    "PM10": "a34002",
    "PM2.5": "a34004",
}
NOISE_CODE = "Leq"
# Water items (GB 3838 Tables 1 and 2) → HJ 212-2017 codes.
WATER_CODES: dict[str, str] = {item.value: info.hj212_code for item, info in ITEM_INFO.items()}
WATER_CODES.update({item.value: info.hj212_code for item, info in SUPPLEMENTARY_INFO.items()})


@dataclass(frozen=True)
class CountyBuild:
    """What a build stored: readings new / identical / conflicting, and the span covered."""

    first_day: dt.date
    last_day: dt.date
    registry: RegistryImportReport
    new: int
    identical: int
    conflicting: int
    touched_days: int
    materialised: RefreshReport

    @property
    def rows(self) -> int:
        return self.new + self.identical + self.conflicting


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def registry_document(enterprises: Sequence[DemoEnterprise]) -> dict[str, object]:
    """The county's registry as an import document (docs/import-formats.md)."""
    sites: list[dict[str, object]] = [
        {"code": s.code, "name": s.name, "kind": "air_station", "lon": s.lon, "lat": s.lat}
        for s in AIR_STATIONS
    ]
    for w in WATER_SITES:
        lon, lat = WATER_LOCATIONS[w.code]
        sites.append(
            {
                "code": w.code,
                "name": w.name,
                "kind": "drinking_water_source" if w.drinking_source else "water_section",
                "lon": lon,
                "lat": lat,
                "water_body": w.water_body,
                "target_class": w.target_class,
            }
        )
    for idx, zone in enumerate(NOISE_ZONES):
        angle = 2 * np.pi * idx / len(NOISE_ZONES)
        sites.append(
            {
                "code": f"N{idx + 1:02d}",
                "name": f"声环境功能区{zone}类监测点{idx + 1}",
                "kind": "noise_station",
                "lon": round(CENTRE_LON + 0.03 * float(np.cos(angle)), 5),
                "lat": round(CENTRE_LAT + 0.02 * float(np.sin(angle)), 5),
                "noise_zone": zone,
            }
        )
    devices = []
    for enterprise in enterprises:
        for outlet in enterprise.outlets:
            limits = [
                {
                    "parameter": limit.parameter,
                    "limit": limit.limit,
                    "unit": limit.unit,
                    "averaging": limit.averaging,
                    **(
                        {"reference_o2_pct": limit.reference_o2_pct}
                        if limit.reference_o2_pct
                        else {}
                    ),
                    **({"lower_limit": limit.lower_limit} if limit.lower_limit else {}),
                }
                for limit in outlet.limits
            ]
            sites.append(
                {
                    "code": outlet.code,
                    "name": f"{enterprise.name}{outlet.name}",
                    "kind": "outlet",
                    "lon": outlet.lon,
                    "lat": outlet.lat,
                    "enterprise": enterprise.credit_code,
                    "outlet_medium": outlet.medium,
                    "limits": limits,
                }
            )
            devices.append({"mn": outlet.mn, "site": outlet.code, "password": outlet.password})
    return {
        "version": 1,
        "enterprises": [
            {
                "credit_code": e.credit_code,
                "name": e.name,
                "management_category": e.management_category,
                "industry": e.industry,
                "address": e.address,
            }
            for e in enterprises
        ],
        "sites": sites,
        "devices": devices,
    }


def _starts_s(first_day: dt.date, n: int, step_s: int) -> np.ndarray:
    origin = dt.datetime.combine(first_day, dt.time(), LOCAL)
    return int(origin.timestamp()) + step_s * np.arange(n, dtype=np.int64)


def _frame(
    site_id: int,
    parameter_id: int,
    period: Period,
    starts: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "site_id": np.full(starts.size, site_id, dtype=np.int64),
            "parameter_id": np.full(starts.size, parameter_id, dtype=np.int64),
            "period": np.full(starts.size, period.command, dtype=np.int16),
            "start_s": starts,
            "value": values,
            "flag": flags,
        }
    )


def _minute_frame(
    site_id: int,
    parameter_id: int,
    hourly: np.ndarray,
    flags: np.ndarray,
    first_day: dt.date,
    *,
    seed: tuple[int, int],
) -> pl.DataFrame:
    """Minute values around the hourly ones for MINUTE_DAYS days from ``first_day``; each day
    drawn from its own seed, so the same day gets the same minutes whatever the build date."""
    days = []
    for offset in range(MINUTE_DAYS):
        day = first_day + dt.timedelta(days=offset)
        hour0 = (day - SPAN_FIRST).days * 24
        rng = np.random.default_rng([*seed, day.toordinal()])
        noise = np.exp(0.05 * rng.standard_normal(1440))
        days.append(
            _frame(
                site_id,
                parameter_id,
                Period.MINUTE,
                _starts_s(day, 1440, 60),
                np.round(np.repeat(hourly[hour0 : hour0 + 24], 60) * noise, 2),
                np.repeat(flags[hour0 : hour0 + 24], 60),
            )
        )
    return pl.concat(days)


def county_frames(
    site_ids: dict[str, int],
    parameter_ids: dict[str, int],
    enterprises: Sequence[DemoEnterprise],
    last_day: dt.date,
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The county's readings up to ``last_day`` as (stage, frame) batches (ids resolved)."""
    n_hours = ((last_day - SPAN_FIRST).days + 1) * 24
    hour_starts = _starts_s(SPAN_FIRST, n_hours, 3600)
    air = air_hourly(tuple(s.code for s in AIR_STATIONS), SPAN_FIRST, SPAN_LAST)
    parts = []
    for row, station in enumerate(AIR_STATIONS):
        for pollutant, code in AIR_CODES.items():
            values = air.values[pollutant][row, :n_hours]
            parts.append(
                _frame(
                    site_ids[station.code],
                    parameter_ids[code],
                    Period.HOUR,
                    hour_starts,
                    values,
                    air.flags[row, :n_hours],
                )
            )
    yield "空气自动站小时数据", pl.concat(parts)
    noise = noise_hourly(NOISE_ZONES, SPAN_FIRST, SPAN_LAST)
    parts = []
    for row, code in enumerate(noise.stations):
        values = noise.leq_dba[row, :n_hours]
        flags = np.full(n_hours, "N", dtype="<U2")
        parts.append(
            _frame(
                site_ids[code], parameter_ids[NOISE_CODE], Period.HOUR, hour_starts, values, flags
            )
        )
    yield "声环境自动站小时数据", pl.concat(parts)
    months = tuple((y, m) for y in (2025, 2026) for m in range(1, 13))
    samples = water_monthly(WATER_SITES, months)
    parts = []
    for site in WATER_SITES:
        for (year, month), sample in zip(months, samples[site.code], strict=True):
            day = dt.date(year, month, SAMPLING_DAY)
            if day > last_day:
                continue
            start = _starts_s(day, 1, 0)
            for item, value in sample.items():
                code = WATER_CODES[parse_any_item(item).value]
                parts.append(
                    _frame(
                        site_ids[site.code],
                        parameter_ids[code],
                        Period.DAY,
                        start,
                        np.array([value]),
                        np.array(["N"]),
                    )
                )
    yield "地表水月度监测数据", pl.concat(parts)
    minute_first = last_day - dt.timedelta(days=MINUTE_DAYS - 1)
    outlet_seed = 0
    for enterprise in enterprises:
        parts = []
        day_shift = enterprise.industry in ("通用设备制造业", "非金属矿物制品业")
        for outlet in enterprise.outlets:
            outlet_seed += 1
            injected = outlet.limits[1].parameter if outlet_seed % 5 == 0 else None
            series = outlet_hourly(
                outlet.parameters,
                SPAN_FIRST,
                SPAN_LAST,
                seed=outlet_seed,
                day_shift=day_shift,
                exceedance_parameter=injected,
            )
            for code_index, (code, values) in enumerate(series.values.items()):
                parts.append(
                    _frame(
                        site_ids[outlet.code],
                        parameter_ids[code],
                        Period.HOUR,
                        hour_starts,
                        values[:n_hours],
                        series.flags[:n_hours],
                    )
                )
                parts.append(
                    _minute_frame(
                        site_ids[outlet.code],
                        parameter_ids[code],
                        values,
                        series.flags,
                        minute_first,
                        seed=(outlet_seed, code_index),
                    )
                )
        yield "企业在线监测数据", pl.concat(parts)


def build_county(
    store: Store,
    *,
    as_of: dt.date,
    data_dir: Path,
    actor: str = "demo",
    progress: Progress | None = None,
) -> CountyBuild:
    """Create or bring up to date the demo county in ``store``, with data to ``as_of`` − 1 day."""
    if not SPAN_FIRST < as_of <= SPAN_LAST + dt.timedelta(days=1):
        raise ValueError(f"the demo county covers {SPAN_FIRST} … {SPAN_LAST}; got as-of {as_of}")
    last_day = as_of - dt.timedelta(days=1)
    upgrade_database(store)
    enterprises = demo_enterprises()
    data_dir.mkdir(parents=True, exist_ok=True)
    registry_file = data_dir / "qingxi-county-registry.yaml"
    registry_file.write_text(
        yaml.safe_dump(registry_document(enterprises), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    registry = import_registry(store, registry_file, actor=actor)
    with store.snapshot() as snapshot:
        site_ids = snapshot.registry.site_ids()
        parameter_ids = snapshot.registry.parameter_ids()
    new = identical = conflicting = 0
    touched: set[SeriesDay] = set()
    received_at_us = int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)
    with store.transaction() as transaction:
        source_id = transaction.sources.ensure(SourceKind.IMPORT, "ecowarden demo county")
    batches = list(county_frames(site_ids, parameter_ids, enterprises, last_day))
    total = sum(frame.height for _, frame in batches)
    done = 0
    for stage, frame in batches:
        frame = frame.with_columns(
            pl.lit(source_id, dtype=pl.Int64).alias("source_id"),
            pl.lit(received_at_us, dtype=pl.Int64).alias("received_at_us"),
        )
        with store.transaction() as transaction:
            report: UpsertReport = transaction.readings.upsert(frame)
        new += report.new
        identical += report.identical
        conflicting += report.conflicting
        touched.update(report.touched)
        done += frame.height
        if progress is not None:
            progress(stage, done, total)
    if progress is not None:
        progress("刷新日 AQI、月水质类别、日 Ld/Ln", total, total)
    refreshed = refresh_materialised(store, touched)
    return CountyBuild(
        SPAN_FIRST, last_day, registry, new, identical, conflicting, len(touched), refreshed
    )
