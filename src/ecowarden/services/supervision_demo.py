"""Supervision data for the demo county (青溪县): meters, zones, tracks, noise monitors, an
exam-period window, a shutdown order and injected violations, over the two days before the demo's
as-of date (the days the county keeps minute data for).

Everything is generated from a seed derived from the dates, so a second run produces the same
rows (and the store answers "duplicate" / "identical"). The injected cases, all inside the
window ``[as_of − 2 days, as_of)`` (local days, called day 1 and day 2):

- E01 化工: the waste-gas treatment is switched off on day 2, 10:00–11:20, while the reactors run;
- E03 水泥: the bag filter starts 35 min after the mill on day 1;
- E04 造纸: produces 06:00–09:30 on day 2 under a heavy-pollution shutdown order;
- E02 热电 second boiler stack (added here): NOx about 2.8 × on day 1, 19:00–21:00; stack O2
  20.6–20.8 % on day 2, 02:00–04:30 while the fan runs;
- E05 食品 second wastewater outlet (added here): COD frozen at 23.6 mg/L from day 1 22:00 to
  day 2 06:00; flow 0 on day 2 13:00–16:00 while COD moves; NH3-N about 12 mg/L on day 2
  08:00–12:00 with every hour flagged D (fault) and no O&M record;
- E01's NOx hours of day 2 05:00–09:00 resent with other values (conflicting resends);
- boat-2 inside 白云水库's first-tier zone on day 1, 15:10–15:35; a truck seen by the camera
  inside 龙潭水库's second-tier zone on day 2, 14:00–14:09; a patrol boat (exempt) inside too;
- the construction site 300 m from the exam venue at 67 dB(A) on day 2, 09:00–10:30, heard at
  56.5 dB(A) inside the venue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely

from ecowarden.demo.county import CENTRE_LAT, CENTRE_LON, WATER_LOCATIONS
from ecowarden.demo.enterprises import DemoEnterprise, demo_enterprises
from ecowarden.registry.enterprises import Averaging, EmissionLimit
from ecowarden.registry.readings import LOCAL_ZONE, Period
from ecowarden.registry.sites import Location, NoiseZone, OutletMedium, Site, SiteKind
from ecowarden.store.database import Store
from ecowarden.store.instants import from_epoch_s
from ecowarden.store.readings import ReadingQuery
from ecowarden.store.telemetry import MeterRow, NoiseRow, PositionRow
from ecowarden.supervision.electricity import Equipment, EquipmentRole, ShutdownOrder
from ecowarden.supervision.geofence import PositionSource, ProtectionTier
from ecowarden.supervision.noise_windows import MonitorKind, NoiseMonitor
from ecowarden.supervision.zones import ZoneKind, ZoneRecord

MINUTES_PER_DAY: Final = 1440
DAYS: Final = 2
GAS_OUTLET: Final = "E02-DA901"
WATER_OUTLET: Final = "E05-DW901"
VENUE: Final = (118.418, 30.186)  # 城关中学 (fictional)


@dataclass(frozen=True, eq=False)
class DemoSupervision:
    """The demo's supervision rows, ready to store (readings with registry ids resolved)."""

    window_from: dt.datetime
    window_to: dt.datetime
    received_at: dt.datetime
    equipment: tuple[Equipment, ...]
    meters: tuple[MeterRow, ...]
    monitors: tuple[NoiseMonitor, ...]
    noise: tuple[NoiseRow, ...]
    zones: tuple[ZoneRecord, ...]
    positions: tuple[PositionRow, ...]
    order: ShutdownOrder
    readings: pl.DataFrame
    resends: pl.DataFrame


def _window(as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime.combine(as_of, dt.time(), LOCAL_ZONE)
    return end - dt.timedelta(days=DAYS), end


def demo_outlets(
    enterprises: tuple[DemoEnterprise, ...],
) -> tuple[tuple[Site, ...], tuple[EmissionLimit, ...]]:
    """The two outlets the demo adds (a second boiler stack at E02, a second wastewater outlet
    at E05) and their limits (GB 13271-2014 / GB 18918-2002 values as the county's own)."""
    thermal, food = enterprises[1], enterprises[4]
    sites = (
        Site(
            GAS_OUTLET,
            f"{thermal.name}二期锅炉排放口",
            SiteKind.OUTLET,
            Location(thermal.outlets[0].lon + 0.002, thermal.outlets[0].lat),
            enterprise=thermal.credit_code,
            outlet_medium=OutletMedium.GAS,
        ),
        Site(
            WATER_OUTLET,
            f"{food.name}二期废水排放口",
            SiteKind.OUTLET,
            Location(food.outlets[0].lon + 0.002, food.outlets[0].lat),
            enterprise=food.credit_code,
            outlet_medium=OutletMedium.WATER,
        ),
    )
    limits = (
        EmissionLimit(GAS_OUTLET, "a21026", 200.0, "mg/m³", Averaging.HOUR, 9.0),
        EmissionLimit(GAS_OUTLET, "a21002", 200.0, "mg/m³", Averaging.HOUR, 9.0),
        EmissionLimit(GAS_OUTLET, "a34013", 30.0, "mg/m³", Averaging.HOUR, 9.0),
        EmissionLimit(WATER_OUTLET, "w01018", 50.0, "mg/L", Averaging.DAY),
        EmissionLimit(WATER_OUTLET, "w21003", 5.0, "mg/L", Averaging.DAY),
        EmissionLimit(WATER_OUTLET, "w01001", 9.0, "—", Averaging.DAY, lower_limit=6.0),
    )
    return sites, limits


def _minute_of(day: int, hour: int, minute: int = 0) -> int:
    return day * MINUTES_PER_DAY + hour * 60 + minute


def _equipment(enterprises: tuple[DemoEnterprise, ...]) -> tuple[Equipment, ...]:
    e01, e02, e03, e04 = enterprises[:4]
    return (
        Equipment("E01-L1-R1", e01.credit_code, "L1", EquipmentRole.PRODUCTION, "1# 反应釜", 160.0),
        Equipment("E01-L1-R2", e01.credit_code, "L1", EquipmentRole.PRODUCTION, "2# 反应釜", 160.0),
        Equipment("E01-L1-T1", e01.credit_code, "L1", EquipmentRole.CONTROL, "废气处理装置", 55.0),
        Equipment(
            "E02-L1-F1", e02.credit_code, "L1", EquipmentRole.PRODUCTION, "1# 锅炉引风机", 320.0
        ),
        Equipment("E02-L1-D1", e02.credit_code, "L1", EquipmentRole.CONTROL, "脱硫塔循环泵", 110.0),
        Equipment("E03-L1-M1", e03.credit_code, "L1", EquipmentRole.PRODUCTION, "水泥磨", 400.0),
        Equipment("E03-L1-B1", e03.credit_code, "L1", EquipmentRole.CONTROL, "布袋除尘器", 75.0),
        Equipment("E04-L1-P1", e04.credit_code, "L1", EquipmentRole.PRODUCTION, "造纸机", 250.0),
        Equipment("E04-L1-W1", e04.credit_code, "L1", EquipmentRole.CONTROL, "废水处理站", 60.0),
    )


def _meters(
    equipment: tuple[Equipment, ...], first_s: int, rng: np.random.Generator
) -> tuple[MeterRow, ...]:
    n = DAYS * MINUTES_PER_DAY
    minute = np.arange(n)
    of_day = minute % MINUTES_PER_DAY
    shift = (of_day >= 6 * 60) & (of_day < 22 * 60)
    guard = (of_day >= 6 * 60 - 5) & (of_day < 22 * 60 + 5)
    producing = {
        "E01": shift.copy(),
        "E02": np.ones(n, dtype=bool),
        "E03": shift.copy(),
        "E04": shift.copy(),
    }
    controlled = {
        "E01": guard.copy(),
        "E02": np.ones(n, dtype=bool),
        "E03": guard.copy(),
        "E04": guard.copy(),
    }
    controlled["E01"][_minute_of(1, 10) : _minute_of(1, 11, 20)] = False
    controlled["E03"][_minute_of(0, 5, 55) : _minute_of(0, 6, 35)] = False
    # E04 obeys the order from 09:30 on day 2: no production after, control kept running.
    producing["E04"][_minute_of(1, 9, 30) : _minute_of(2, 0)] = False
    rows = []
    for item in equipment:
        enterprise = item.code[:3]
        on = (
            producing[enterprise]
            if item.role is EquipmentRole.PRODUCTION
            else controlled[enterprise]
        )
        rated = item.rated_kw or 100.0
        level = 0.8 if item.role is EquipmentRole.PRODUCTION else 0.75
        power = np.where(
            on,
            rated * level * (1 + 0.05 * rng.standard_normal(n)),
            0.5 * rng.random(n),
        )
        current = power / (1.732 * 0.38 * 0.85)
        rows += [
            MeterRow(
                item.code, first_s + 60 * int(m), round(float(p), 1), round(float(c), 1), bool(o)
            )
            for m, p, c, o in zip(minute, power, current, on, strict=True)
        ]
    return tuple(rows)


def _zones(window_from_s: int) -> tuple[ZoneRecord, ...]:
    records = []
    for code, name in (("R01", "白云水库"), ("D01", "龙潭水库")):
        lon, lat = WATER_LOCATIONS[code]

        def square(half: float, lon: float = lon, lat: float = lat) -> shapely.Polygon:
            return shapely.box(lon - half, lat - half, lon + half, lat + half)

        first, second, quasi = square(0.004), square(0.012), square(0.025)
        records += [
            ZoneRecord(
                f"{code}-Z1",
                f"{name}饮用水水源一级保护区",
                ZoneKind.PROTECTION,
                first,
                tier=ProtectionTier.FIRST,
            ),
            ZoneRecord(
                f"{code}-Z2",
                f"{name}饮用水水源二级保护区",
                ZoneKind.PROTECTION,
                second.difference(first),
                tier=ProtectionTier.SECOND,
            ),
            ZoneRecord(
                f"{code}-Z3",
                f"{name}饮用水水源准保护区",
                ZoneKind.PROTECTION,
                quasi.difference(second),
                tier=ProtectionTier.QUASI,
            ),
        ]
    records.append(
        ZoneRecord(
            "NZ-CG-1",
            "城关居住文教区（1 类声环境功能区）",
            ZoneKind.NOISE_ZONE,
            shapely.box(
                CENTRE_LON - 0.02, CENTRE_LAT - 0.005, CENTRE_LON + 0.01, CENTRE_LAT + 0.015
            ),
            noise_zone=NoiseZone.CLASS_1,
        )
    )
    lon, lat = VENUE
    periods = tuple(
        (window_from_s + d * 86_400 + 8 * 3600, window_from_s + d * 86_400 + 18 * 3600)
        for d in range(DAYS)
    )
    records.append(
        ZoneRecord(
            "EXAM-CG",
            "城关中学考点（考试期间噪声管控）",
            ZoneKind.NOISE_WINDOW,
            shapely.box(lon - 0.0008, lat - 0.0008, lon + 0.0008, lat + 0.0008),
            limit_dba=55.0,
            buffer_m=500.0,
            periods=periods,
        )
    )
    return tuple(records)


def _monitors() -> tuple[NoiseMonitor, ...]:
    lon, lat = VENUE
    return (
        NoiseMonitor(
            "CS01", "城关安置房项目施工场界", lon + 0.0008 + 0.0031, lat, MonitorKind.CONSTRUCTION
        ),
        NoiseMonitor("V01", "城关中学考点", lon, lat, MonitorKind.VENUE),
    )


def _noise(first_s: int, rng: np.random.Generator) -> tuple[NoiseRow, ...]:
    n = DAYS * MINUTES_PER_DAY
    of_day = np.arange(n) % MINUTES_PER_DAY
    exam = (of_day >= 8 * 60) & (of_day < 18 * 60)
    working = (of_day >= 7 * 60) & (of_day < 19 * 60)
    loud = slice(_minute_of(1, 9), _minute_of(1, 10, 30))
    site = np.where(working, 63.0, 44.0) + 2.0 * rng.standard_normal(n)
    site = np.where(exam, 50.0 + 1.5 * rng.standard_normal(n), site)
    site[loud] = 67.0 + 1.0 * rng.standard_normal(loud.stop - loud.start)
    night = (of_day < 6 * 60) | (of_day >= 22 * 60)
    venue = np.where(night, 40.0, 48.0) + 1.5 * rng.standard_normal(n)
    venue[loud] = 56.5 + 0.8 * rng.standard_normal(loud.stop - loud.start)
    rows = []
    for code, levels in (("CS01", site), ("V01", venue)):
        lmax = levels + 6.0 + 2.0 * rng.random(n)
        rows += [
            NoiseRow(code, first_s + 60 * m, 60, round(float(leq), 1), round(float(mx), 1))
            for m, (leq, mx) in enumerate(zip(levels, lmax, strict=True))
        ]
    return tuple(rows)


def _positions(first_s: int, rng: np.random.Generator) -> tuple[PositionRow, ...]:
    rows = []
    r_lon, r_lat = WATER_LOCATIONS["R01"]
    d_lon, d_lat = WATER_LOCATIONS["D01"]
    for day in range(DAYS):
        t0 = first_s + day * 86_400 + 8 * 3600
        for minute in range(0, 8 * 60, 2):  # boat-1 on the river south of the quasi zone
            rows.append(
                PositionRow(
                    "AIS-GW",
                    "boat-1",
                    (t0 + 60 * minute) * 1_000_000,
                    "vessel",
                    round(r_lon - 0.03 + 0.0001 * minute, 6),
                    round(r_lat - 0.04 + 0.0002 * rng.standard_normal(), 6),
                    "WGS84",
                    PositionSource.GNSS.value,
                )
            )
    t_in = first_s + 15 * 3600 + 10 * 60
    for minute in range(26):  # boat-2 inside the first tier, day 1 15:10–15:35
        rows.append(
            PositionRow(
                "AIS-GW",
                "boat-2",
                (t_in + 60 * minute) * 1_000_000,
                "vessel",
                round(r_lon - 0.003 + 0.0002 * minute, 6),
                round(r_lat + 0.001, 6),
                "WGS84",
                PositionSource.GNSS.value,
            )
        )
        rows.append(
            PositionRow(
                "AIS-GW",
                "patrol-1",
                (t_in + 60 * minute) * 1_000_000,
                "patrol",
                round(r_lon + 0.001, 6),
                round(r_lat - 0.001, 6),
                "WGS84",
                PositionSource.GNSS.value,
            )
        )
    t_cam = first_s + 86_400 + 14 * 3600
    for minute in range(10):  # a truck seen by the camera in D01's second tier, day 2
        rows.append(
            PositionRow(
                "CAM-D01",
                "truck-07",
                (t_cam + 60 * minute) * 1_000_000,
                "vehicle",
                round(d_lon + 0.008, 6),
                round(d_lat, 6),
                "WGS84",
                PositionSource.CAMERA.value,
            )
        )
    return tuple(rows)


def _outlet_minutes(
    first_s: int, rng: np.random.Generator
) -> dict[tuple[str, str], tuple[npt.NDArray[np.float64], npt.NDArray[np.str_]]]:
    n = DAYS * MINUTES_PER_DAY
    load = np.repeat(np.exp(0.06 * rng.standard_normal(DAYS * 24)), 60)

    def level(mean: float, sigma: float, decimals: int) -> npt.NDArray[np.float64]:
        return np.round(mean * load * np.exp(sigma * rng.standard_normal(n)), decimals)

    flags = np.full(n, "N", dtype="<U2")
    gas = {
        "a21026": level(55.0, 0.05, 1),
        "a21002": level(95.0, 0.05, 1),
        "a34013": level(8.0, 0.06, 2),
        "a19001": np.round(10.5 + 0.3 * rng.standard_normal(n), 2),
        "a00000": level(17.0, 0.03, 2),
    }
    gas["a21002"][_minute_of(0, 19) : _minute_of(0, 21)] *= 2.8
    gas["a21002"] = np.round(gas["a21002"], 1)
    gas["a19001"][_minute_of(1, 2) : _minute_of(1, 4, 30)] = np.round(
        20.7 + 0.05 * rng.standard_normal(150), 2
    )
    water = {
        "w01018": level(24.0, 0.04, 1),
        "w21003": level(1.2, 0.05, 2),
        "w01001": np.round(7.2 + 0.1 * rng.standard_normal(n), 2),
        "w00000": level(28.0, 0.03, 2),
    }
    water["w01018"][_minute_of(0, 22) : _minute_of(1, 6)] = 23.6
    water["w00000"][_minute_of(1, 13) : _minute_of(1, 16)] = 0.0
    water["w21003"][_minute_of(1, 8) : _minute_of(1, 12)] = np.round(
        12.0 + 0.3 * rng.standard_normal(240), 2
    )
    water_flags = flags.copy()
    water_flags[_minute_of(1, 8) : _minute_of(1, 12)] = "D"
    result = {}
    for code, values in gas.items():
        result[(GAS_OUTLET, code)] = (values, flags)
    for code, values in water.items():
        marked = water_flags if code == "w21003" else flags
        result[(WATER_OUTLET, code)] = (values, marked)
    return result


def _frame(
    site_id: int,
    parameter_id: int,
    period: Period,
    starts: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    flags: npt.NDArray[np.str_],
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


def demo_supervision_data(store: Store, *, as_of: dt.date) -> DemoSupervision:
    """The demo's supervision rows for the two days before ``as_of`` (the demo's outlets must
    be registered: :func:`demo_outlets`)."""
    window_from, window_to = _window(as_of)
    first_s = int(window_from.timestamp())
    rng = np.random.default_rng([20_260_607, as_of.toordinal()])
    enterprises = demo_enterprises()
    equipment = _equipment(enterprises)
    with store.snapshot() as snapshot:
        site_ids = snapshot.registry.site_ids()
        parameter_ids = snapshot.registry.parameter_ids()
        resent = snapshot.readings.read(
            _resend_query(site_ids["E01-DA001"], parameter_ids["a21002"], first_s)
        )
    minutes = first_s + 60 * np.arange(DAYS * MINUTES_PER_DAY, dtype=np.int64)
    frames = []
    for (site, code), (values, flags) in _outlet_minutes(first_s, rng).items():
        site_id, parameter_id = site_ids[site], parameter_ids[code]
        frames.append(_frame(site_id, parameter_id, Period.MINUTE, minutes, values, flags))
        hours = minutes.reshape(-1, 60)[:, 0]
        hourly = np.round(values.reshape(-1, 60).mean(axis=1), 3)
        hour_flags = np.where((flags.reshape(-1, 60) == "N").sum(axis=1) >= 45, "N", "D")
        frames.append(
            _frame(site_id, parameter_id, Period.HOUR, hours, hourly, hour_flags.astype("<U2"))
        )
    resends = resent.with_columns(
        pl.col("start").dt.epoch("s").alias("start_s"),
        (pl.col("value") * 0.6).round(1).alias("value"),
    ).select("site_id", "parameter_id", "period", "start_s", "value", "flag")
    return DemoSupervision(
        window_from=window_from,
        window_to=window_to,
        received_at=window_to - dt.timedelta(minutes=5),
        equipment=equipment,
        meters=_meters(equipment, first_s, rng),
        monitors=_monitors(),
        noise=_noise(first_s, rng),
        zones=_zones(first_s),
        positions=_positions(first_s, rng),
        order=ShutdownOrder(
            enterprises[3].credit_code,
            first_s + 86_400,
            first_s + 2 * 86_400,
            "重污染天气橙色预警 应急减排停产",
        ),
        readings=pl.concat(frames),
        resends=resends,
    )


def _resend_query(site_id: int, parameter_id: int, first_s: int) -> ReadingQuery:
    day2 = first_s + 86_400
    return ReadingQuery(
        site_ids=(site_id,),
        parameter_ids=(parameter_id,),
        period=Period.HOUR,
        start_from=from_epoch_s(day2 + 5 * 3600),
        start_to=from_epoch_s(day2 + 9 * 3600),
    )
